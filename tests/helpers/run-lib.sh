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

# sandbox_usable: whether this host lets us make the namespaces at all.
sandbox_usable() {
	"$WICK" run true >"$T/usable.log" 2>&1
}
