# Shared set-up of the run-*.sh tests (sourced after tests/lib.sh): the
# probe server compiled into $PB, bound into sandboxes at /run/pb.
need cc socat
PB=$T/pb
mkdir -p "$PB"
if ! cc -O2 -o "$PB/probe" "$WICK_TOP/tests/helpers/probe.c" 2>"$T/cc.log"; then
	skip "$(basename "$0" .sh)" "cannot compile tests/helpers/probe.c"
	exit 0
fi
chmod -R a+rX "$PB"
PROBE=(-v "$PB:/run/pb:ro" /run/pb/probe)

# state_root: where this user's sandboxes keep their state.
state_root() {
	if is_root; then echo /run/wick; else echo "$XDG_RUNTIME_DIR/wick"; fi
}

# sandbox_usable: whether this host lets us make the namespaces at all.
sandbox_usable() {
	"$WICK" run true >"$T/usable.log" 2>&1
}
