# Shared set-up of the run-*.sh tests (sourced after tests/lib.sh): the
# probe server (tests/helpers/probe.c, built by make) copied into $PB and
# bound into sandboxes at /run/pb.
need socat
PB=$T/pb
mkdir -p "$PB"
if ! cp "$WICK_BUILD/helpers/wick-probe" "$PB/probe" 2>"$T/cp.log"; then
	skip "$(basename "$0" .sh)" "no $WICK_BUILD/helpers/wick-probe (run make)"
	exit 0
fi
chmod -R a+rX "$PB"
PROBE=(-v "$PB:/run/pb:ro" /run/pb/probe)

# state_root: where this user's sandboxes keep their state.
state_root() {
	if is_root; then echo /run/wick; else echo "$XDG_RUNTIME_DIR/wick"; fi
}

# need_sandbox [NAME]: unless this host lets us make the namespaces at
# all, skips the test NAME (default: the script's name) with wick's reason
# and exits.
need_sandbox() {
	"$WICK" run true >"$T/usable.log" 2>&1 && return 0
	skip "${1:-$(basename "$0" .sh)}" \
		"no sandbox here: $(cat "$T/usable.log")"
	exit 0
}

# small_rootfs DIR TOOL…: a root file system in DIR with the TOOLs in
# /bin, the libraries they load, and the mount points a sandbox needs.
small_rootfs() {
	local r=$1 b p l
	shift
	mkdir -p "$r/bin" "$r/proc" "$r/dev" "$r/sys" "$r/tmp" "$r/run"
	for b in "$@"; do
		p=$(command -v "$b")
		cp "$p" "$r/bin/"
		for l in $(ldd "$p" | grep -o '/[^ ]*'); do
			mkdir -p "$r$(dirname "$l")" && cp -n "$l" "$r$l"
		done
	done
}

# give_to_sandbox PATH...: as root, hands PATH (recursively) to the host ids
# that are root inside root's sandboxes (not host root, see wick-run(1)),
# so that a server writing there may; a user's sandbox root is the user.
give_to_sandbox() {
	is_root || return 0
	local g
	g=$("$WICK" run -- cat /proc/self/gid_map | awk 'NR == 1 {print $2}')
	chown -R "$(sandbox_uid):$g" "$@"
}

# sandbox_uid: the host uid that root inside a sandbox of ours runs as.
sandbox_uid() {
	"$WICK" run -- cat /proc/self/uid_map | awk 'NR == 1 {print $2}'
}
