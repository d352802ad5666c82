# Shared by bench/run and its sections: who runs the servers, starting and
# ending processes by pid, free loopback ports, bounded waits. Sourced.

# As root, every server, peer and client runs as this unprivileged user:
# wick's sandbox and rootless podman are about that case, and one user for
# all keeps the comparison fair.
BENCH_USER=${BENCH_USER:-wickbench}
_bench_pids=()

bench_user_setup() {
	if [ "$(id -u)" -ne 0 ]; then
		BENCH_USER=$(id -un)
		return 0
	fi
	id "$BENCH_USER" >/dev/null 2>&1 ||
		useradd -m -s /bin/bash "$BENCH_USER" >/dev/null 2>&1 ||
		{ echo "bench: cannot create user $BENCH_USER" >&2; return 1; }
	BENCH_HOME=$(getent passwd "$BENCH_USER" | cut -d: -f6)
	# Stable across runs: podman records its runtime paths in its
	# database the first time and keeps using them.
	BENCH_XDG=/tmp/wick-bench-xdg-$(id -u "$BENCH_USER")
	mkdir -p "$BENCH_XDG" && chown "$BENCH_USER:" "$BENCH_XDG" &&
		chmod 700 "$BENCH_XDG"
}

# A second user with no subordinate id range, for the cold-start row that
# shows what newuidmap/newgidmap cost wick run. NOSUB_USER stays empty
# when it cannot be had (not root).
NOSUB_USER=
nosub_user_setup() {
	local u=wickbench-nosub
	[ "$(id -u)" -eq 0 ] || return 1
	id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash \
		-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$u" >/dev/null 2>&1 ||
		return 1
	grep -q "^$u:" /etc/subuid /etc/subgid 2>/dev/null && return 1
	NOSUB_USER=$u
	NOSUB_HOME=$(getent passwd "$u" | cut -d: -f6)
	NOSUB_XDG=/tmp/wick-bench-xdg-$(id -u "$u")
	mkdir -p "$NOSUB_XDG" && chown "$u:" "$NOSUB_XDG" &&
		chmod 700 "$NOSUB_XDG"
}

# as_nosub CMD…: runs the shell function or command CMD with the bench
# user swapped for NOSUB_USER (bash locals are seen by callees).
as_nosub() {
	local BENCH_USER=$NOSUB_USER BENCH_HOME=$NOSUB_HOME
	local BENCH_XDG=$NOSUB_XDG
	"$@"
}

# user_prefix: sets USER_CMD to the words that run a command as the bench
# user with a small, fixed environment; setpriv and env exec, so a
# background job's $! is the command's own pid.
user_prefix() {
	USER_CMD=(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
		HOME="${BENCH_HOME:-$HOME}" USER="$BENCH_USER"
		XDG_RUNTIME_DIR="${BENCH_XDG:-${XDG_RUNTIME_DIR:-/tmp}}")
	[ "$(id -u)" -eq 0 ] && USER_CMD=(setpriv --reuid="$BENCH_USER" \
		--regid="$BENCH_USER" --init-groups "${USER_CMD[@]}")
	return 0
}

# as_user CMD…: runs CMD in the foreground as the bench user.
as_user() {
	user_prefix
	"${USER_CMD[@]}" "$@"
}

# start LOG CMD…: CMD in the background as the bench user; pid in $PID.
start() {
	local log=$1
	shift
	user_prefix
	"${USER_CMD[@]}" "$@" >"$log" 2>&1 </dev/null &
	PID=$!
	_bench_pids+=("$PID")
}

running() {
	[ -d "/proc/$1" ] &&
		! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# descendants PID: every process below PID, deepest last.
descendants() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# stop PID: SIGTERM to PID and whatever it started, SIGKILL after 5 s.
stop() {
	local p=$1 all i
	all=$(descendants "$p")
	kill -TERM "$p" $all 2>/dev/null
	for i in $(seq 250); do
		running "$p" || break
		sleep 0.02
	done
	kill -KILL "$p" $all 2>/dev/null
	wait "$p" 2>/dev/null
	for i in $all; do
		running "$i" && kill -KILL "$i" 2>/dev/null
	done
	return 0
}

bench_cleanup() {
	local p
	for p in "${_bench_pids[@]}"; do
		running "$p" && stop "$p"
	done
	_bench_pids=()
}

# wait_until SECONDS CMD… and free_port come from the tests' helpers; the
# bench polls every 10 ms, finer than the tests, so a wait between timed
# runs adds little to a run's wall time.
WAIT_POLL_MS=10
. "$(dirname "${BASH_SOURCE[0]}")/../../tests/lib/poll.sh"

listening_tcp() { ss -Hltn "sport = :$1" | grep -q .; }
listening_udp() { ss -Hlun "sport = :$1" | grep -q .; }

# wick_has COMMAND: this build of wick offers `wick COMMAND`.
wick_has() {
	[ -x "$WICK" ] && "$WICK" "$1" --help >/dev/null 2>&1
}

have() { command -v "$1" >/dev/null 2>&1; }
