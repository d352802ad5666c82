# Helpers for the unit-file tests (sourced after tests/lib.sh).

UNITS=$T/units
mkdir -p "$UNITS"

# unit_echo_server: the echo server command: wick-echo when built, else
# the Python stand-in (says so once).
unit_echo_server() {
	if [ -x "$WICK_ECHO" ]; then
		echo "$WICK_ECHO"
	else
		diag "no wick-echo in this build; using tests/lib/echo.py" >&2
		echo "$WICK_TOP/tests/lib/echo.py"
	fi
}

# unit_echo_socket DESCRIPTION LISTEN_LINE…: the template socket unit
# echo@.socket, and the drop-in of its instance echo@demo with the
# LISTEN_LINEs (ListenStream=… and the like): the seed's unit pair.
unit_echo_socket() {
	local desc=$1
	shift
	cat >"$UNITS/echo@.socket" <<UNIT
[Unit]
Description=$desc

[Socket]
# the listeners come from the instance's drop-in

[Install]
WantedBy=sockets.target
UNIT
	mkdir -p "$UNITS/echo@demo.socket.d"
	{
		echo "[Socket]"
		printf '%s\n' "$@"
	} >"$UNITS/echo@demo.socket.d/10-listen.conf"
}

# unit_has_run: this wick has `wick run` (the sandbox).
unit_has_run() { "$WICK" run --help >/dev/null 2>&1; }

# unit_state NAME: the state directory of a started unit.
unit_state() { echo "$XDG_RUNTIME_DIR/wick/units/$1"; }

# unit_track NAME: ends the unit's supervisor with the test.
unit_track() {
	local pid
	pid=$(cat "$(unit_state "$1")/pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && _pids+=("$pid")
}

# echo_check PROTO ADDRESS: sends a line through socat; true when it comes
# back. The first client may have to wait for a sandbox or a container to
# start, so TCP and UDP get a generous budget; a VSOCK connect without a
# transport hangs, and its failure only skips, so it keeps a short one.
echo_check() {
	local msg="hello $1 $RANDOM"
	local got
	case $1 in
	udp*) got=$(printf '%s\n' "$msg" | dgram_reply 30 "$1:$2") ;;
	tcp*) got=$(printf '%s\n' "$msg" |
		timeout 60 socat -t 30 - "$1:$2" 2>&1) ;;
	*) got=$(printf '%s\n' "$msg" | timeout 5 socat -t 2 - "$1:$2" 2>&1) ;;
	esac
	[ "$got" = "$msg" ]
}
