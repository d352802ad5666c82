# Real podman for tests and benchmarks (sourced after tests/lib.sh or on
# its own): a private podman set-up inside a test-owned directory, an image
# built without any registry, and a clean-up that leaves nothing behind.
#
# podman_prepare DIR     set up DIR; defines PODMAN and PODMAN_RUN_OPTS
# podman_echo_binary     the static wick-echo for images (PODMAN_ECHO)
# podman_image NAME BIN  import an image holding only the static BIN
# podman_probe IMAGE [NETWORK]  prove a container starts here
# podman_cleanup         end containers and podman's helpers, drop storage
# Each returns non-zero with the reason in PODMAN_WHY (also on stderr).
#
# What this machine needs (Debian 12, podman 4.3.1, no systemd as pid 1,
# cgroup v1 hybrid layout), found by trying:
# - cgroup_manager "cgroupfs" and events_logger "file": no systemd or
#   journald to talk to.
# - runtime "runc" (1.1.5 works): Debian's crun 1.8 is known to refuse
#   the hybrid cgroup layout (crun is not installed here to retry).
# - XDG_RUNTIME_DIR made by hand (there is no login session).
# - As root, podman raises the container's RLIMIT_NOFILE to 1048576 and
#   RLIMIT_NPROC above its own 32768 cap; without CAP_SYS_RESOURCE runc
#   then fails "error setting rlimit type 7/6", so default_ulimits pins
#   both at or below what the caller already has.
# - Rootless podman ignores graphroot/runroot from CONTAINERS_STORAGE_CONF
#   and takes rootless_storage_path and $XDG_RUNTIME_DIR/containers;
#   XDG_DATA_HOME and XDG_CONFIG_HOME point into DIR so that neither the
#   user's storage nor its blob cache nor its own configuration is used.
# - lock_type "file" keeps the locks in DIR instead of /dev/shm.
# - As root, cgroupfs leaves the parent cgroup (libpod_parent) behind, so
#   containers get a parent of their own that podman_cleanup removes.
# - Left outside DIR: as root, `podman import` updates the blob cache
#   /var/lib/containers/cache/blob-info-cache-v1.boltdb, a fixed path for
#   euid 0 in podman 4.3 that no setting moves. conmon double-forks, so
#   its exited processes wait for pid 1 to reap them.
# - podman 4.3 hands sockets on by itself, attached or with -d, as root
#   and rootless: with LISTEN_FDS=N and LISTEN_PID set, fds 3..N+2 go
#   into the container (conmon gets --preserve-fds N) with LISTEN_FDS=N,
#   LISTEN_PID=1 and LISTEN_FDNAMES kept. No flag is needed, and
#   --preserve-fds=N on top changes nothing. It does not compare
#   LISTEN_PID with its own pid: any value passes whatever fds 3.. are;
#   with LISTEN_PID unset the container gets LISTEN_FDS but no LISTEN_PID,
#   so a server there ignores the sockets.

PODMAN=()
PODMAN_RUN_OPTS=()
PODMAN_DIR=
PODMAN_WHY=
PODMAN_ECHO=
PODMAN_IMAGE=
_podman_cgroup=

_podman_fail() {
	PODMAN_WHY=$*
	echo "podman: $*" >&2
	return 1
}

# _podman_prereq: the host can run podman at all for this user.
_podman_prereq() {
	local f
	command -v podman >/dev/null || {
		_podman_fail "podman is not installed"
		return 1
	}
	command -v runc >/dev/null || [ -x /usr/sbin/runc ] || {
		_podman_fail "runc is not installed (crun 1.8 cannot run here)"
		return 1
	}
	[ "$(id -u)" -eq 0 ] && return 0
	f=/proc/sys/kernel/unprivileged_userns_clone
	if [ -r "$f" ] && [ "$(cat "$f")" = 0 ]; then
		_podman_fail "user namespaces are off ($f is 0)"
		return 1
	fi
	if [ "$(cat /proc/sys/user/max_user_namespaces)" = 0 ]; then
		_podman_fail "user namespaces are off (max_user_namespaces 0)"
		return 1
	fi
	return 0
}

# _podman_ulimits: limits the container may get without CAP_SYS_RESOURCE.
_podman_ulimits() {
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ] && nofile=1048576
	[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
	printf '"nofile=%s:%s", "nproc=%s:%s"' \
		"$nofile" "$nofile" "$nproc" "$nproc"
}

_podman_write_conf() {
	local d=$1
	cat >"$d/containers.conf" <<-EOF
		[containers]
		default_ulimits = [ $(_podman_ulimits) ]
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		runtime = "runc"
		lock_type = "file"
		tmp_dir = "$d/tmp"
		image_copy_tmp_dir = "$d/tmp"
		static_dir = "$d/storage/libpod"
		volume_path = "$d/storage/volumes"
		[network]
		network_config_dir = "$d/networks"
	EOF
	cat >"$d/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$d/storage"
		runroot = "$d/runroot"
		rootless_storage_path = "$d/storage"
	EOF
}

# podman_prepare DIR: DIR (created if needed) holds podman's whole state.
# PODMAN is the command to run podman with it (an `env …` prefix, so that
# it works under activators that scrub the environment, and env execs in
# place so LISTEN_PID still names podman); PODMAN_RUN_OPTS go after `run`.
podman_prepare() {
	local d=$1
	_podman_prereq || return 1
	mkdir -p "$d/run" "$d/tmp" "$d/config" "$d/data" || {
		_podman_fail "cannot create $d"
		return 1
	}
	chmod 700 "$d/run"
	d=$(cd "$d" && pwd)
	PODMAN_DIR=$d
	_podman_write_conf "$d"
	PODMAN=(env CONTAINERS_CONF="$d/containers.conf"
		CONTAINERS_STORAGE_CONF="$d/storage.conf"
		XDG_RUNTIME_DIR="$d/run" XDG_CONFIG_HOME="$d/config"
		XDG_DATA_HOME="$d/data" TMPDIR="$d/tmp" podman)
	PODMAN_RUN_OPTS=()
	if [ "$(id -u)" -eq 0 ]; then
		# cgroupfs as root makes cgroups under the parent and leaves
		# the parent behind; a parent of our own can be removed.
		_podman_cgroup=wick-test-$$-$RANDOM
		PODMAN_RUN_OPTS=(--cgroup-parent="/$_podman_cgroup")
	fi
	# Under tests/lib.sh, clean up before its trap removes the directory.
	declare -F _cleanup >/dev/null && trap 'podman_cleanup; _cleanup' EXIT
	return 0
}

# podman_grant_subids USER: as root, gives USER a subordinate uid and gid
# range (65536 ids above every range in use) when it has none, so rootless
# podman maps more than one id. Prints what it did; changes nothing when
# the ranges exist (Debian's useradd already adds them).
podman_grant_subids() {
	local user=$1 f start range
	[ "$(id -u)" -eq 0 ] || {
		_podman_fail "only root may add /etc/subuid entries"
		return 1
	}
	for f in /etc/subuid /etc/subgid; do
		grep -q "^$user:" "$f" 2>/dev/null && continue
		[ -e "$f" ] || : >"$f" || {
			_podman_fail "cannot create $f"
			return 1
		}
		start=$(awk -F: '$2 + $3 > m { m = $2 + $3 } END { print m }' \
			"$f" 2>/dev/null)
		[ "${start:-0}" -lt 100000 ] && start=100000
		range=$start-$((start + 65535))
		if [ "$f" = /etc/subuid ]; then
			usermod --add-subuids "$range" "$user"
		else
			usermod --add-subgids "$range" "$user"
		fi || {
			_podman_fail "usermod could not add to $f for $user"
			return 1
		}
		echo "podman: added $user:$start:65536 to $f"
	done
	return 0
}

# podman_echo_binary: sets PODMAN_ECHO to the static wick-echo to put in
# an image.
podman_echo_binary() {
	PODMAN_ECHO=${WICK_BUILD:-build}/wick-echo-static
	[ -x "$PODMAN_ECHO" ] && return 0
	_podman_fail "$PODMAN_ECHO is not built (run make)"
}

# podman_image NAME BIN: imports a one-file image localhost/NAME whose
# command is /BIN's name, from a tarball; no registry is contacted. The
# files are owned by uid 0, which rootless podman maps to the user.
# Sets PODMAN_IMAGE.
podman_image() {
	local name=$1 bin=$2 base root tar out
	base=$(basename "$bin")
	root=$PODMAN_DIR/rootfs-$name
	tar=$PODMAN_DIR/rootfs-$name.tar
	if [ ! -x "$bin" ]; then
		_podman_fail "$bin does not exist (run make)"
		return 1
	fi
	if ldd "$bin" >/dev/null 2>&1; then
		_podman_fail "$bin is not statically linked"
		return 1
	fi
	if ! mkdir -p "$root" || ! cp "$bin" "$root/$base" ||
		! tar --owner=0 --group=0 --numeric-owner -C "$root" \
			-cf "$tar" .; then
		_podman_fail "cannot make $tar"
		return 1
	fi
	if ! out=$(timeout 120 "${PODMAN[@]}" import -q \
		--change "CMD [\"/$base\"]" "$tar" "localhost/$name" 2>&1); then
		_podman_fail "podman import failed: $(tail -n 1 <<<"$out")"
		return 1
	fi
	rm -rf "$root" "$tar"
	PODMAN_IMAGE=localhost/$name
}

# podman_probe IMAGE [NETWORK]: creates a container the way the tests run
# it (network "none" unless given) and lets the runtime set it up (podman
# init: namespaces, network, rootfs, rlimits), without depending on what
# the image's program does on its own. Rootless slirp4netns, for one,
# fails here with "open(/dev/net/tun): Permission denied": the device is
# 0600 root on this machine.
podman_probe() {
	local img=$1 net=${2:-none} id out
	if ! id=$(timeout 60 "${PODMAN[@]}" create --network="$net" \
		"${PODMAN_RUN_OPTS[@]}" "$img" 2>&1); then
		_podman_fail "podman create failed: $(tail -n 1 <<<"$id")"
		return 1
	fi
	id=$(tail -n 1 <<<"$id")
	out=$(timeout 60 "${PODMAN[@]}" init "$id" 2>&1)
	local st=$?
	timeout 60 "${PODMAN[@]}" rm -f -t 0 "$id" >/dev/null 2>&1
	if [ "$st" -ne 0 ]; then
		_podman_fail "podman cannot start a container: $(tail -n 1 \
			<<<"$out")"
		return 1
	fi
	return 0
}

# _podman_procs: pids of processes that run with this set-up (podman, its
# rootless child, conmon and the pause process all carry our
# XDG_RUNTIME_DIR); containers' own processes do not.
_podman_procs() {
	local e p
	for e in /proc/[0-9]*/environ; do
		p=${e#/proc/}
		p=${p%/environ}
		[ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
		[ -O "$e" ] || continue
		tr '\0' '\n' 2>/dev/null <"$e" |
			grep -qxF "XDG_RUNTIME_DIR=$PODMAN_DIR/run" && echo "$p"
	done
}

# _podman_end_procs: waits up to 10 s for podman's processes to finish
# their own clean-up, then ends the rest (the pause process never ends by
# itself) by pid.
_podman_end_procs() {
	local p left sig pause
	for _ in $(seq 100); do
		left=$(_podman_procs)
		pause=$(cat "$PODMAN_DIR/tmp/pause.pid" 2>/dev/null)
		[ -z "$(grep -vxF "${pause:-none}" <<<"$left")" ] && break
		sleep 0.1
	done
	for sig in TERM KILL; do
		left=$(_podman_procs)
		[ -n "$left" ] || return 0
		for p in $left; do kill "-$sig" "$p" 2>/dev/null; done
		for _ in $(seq 50); do
			[ -z "$(_podman_procs)" ] && return 0
			sleep 0.1
		done
	done
}

# podman_cleanup: removes every container, podman's processes, the
# storage and, as root, the cgroups made under our parent.
podman_cleanup() {
	local d
	[ -n "$PODMAN_DIR" ] && [ -d "$PODMAN_DIR" ] || return 0
	timeout 60 "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
	# Rootless storage holds files of subordinate ids that only the
	# user namespace may delete.
	[ "$(id -u)" -ne 0 ] && timeout 60 "${PODMAN[@]}" unshare \
		rm -rf "$PODMAN_DIR/storage" "$PODMAN_DIR/data" >/dev/null 2>&1
	_podman_end_procs
	if [ -n "$_podman_cgroup" ]; then
		for d in /sys/fs/cgroup/*/"$_podman_cgroup"; do
			[ -d "$d" ] || continue
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		done
	fi
	rm -rf "$PODMAN_DIR"
	PODMAN_DIR=
}
