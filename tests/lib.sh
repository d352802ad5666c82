# Shared helpers for the end-to-end tests (sourced, not run).
# Every test prints TAP lines; every process it starts is recorded and ended
# by pid on exit; every wait is bounded.
set -u
WICK_TOP=${WICK_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
WICK_BUILD=${WICK_BUILD:-$WICK_TOP/build}
WICK_COMPAT=${WICK_COMPAT:-$WICK_TOP/../shared/compat}
WICK=$WICK_BUILD/wick
WICK_ECHO=$WICK_BUILD/wick-echo
T=$(mktemp -d /tmp/wick-t.XXXXXX)
chmod 755 "$T"
export XDG_RUNTIME_DIR=$T/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
_pids=()

_cleanup() {
	local p
	for p in "${_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${_pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap _cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; } # skip DESC REASON
diag() { echo "# $*"; }

# check DESC CMD…: passes when CMD succeeds.
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $(printf '%q' "$2")"
		diag "want: $(printf '%q' "$3")"
	fi
}

# expect_match DESC GOT GLOB
expect_match() {
	# shellcheck disable=SC2053
	if [[ "$2" == $3 ]]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  $(printf '%q' "$2")"
		diag "want: $3"
	fi
}

# bg LOGFILE CMD…: starts CMD in the background, logging to LOGFILE; the
# pid is in $BG_PID and is ended on exit.
bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 </dev/null &
	BG_PID=$!
	_pids+=("$BG_PID")
}

# wait_until SECONDS CMD… (every 20 ms) and free_port.
. "$WICK_TOP/tests/lib/poll.sh"

# wait_log FILE PATTERN [SECONDS]: waits for a line matching PATTERN.
wait_log() {
	wait_until "${3:-10}" grep -q -- "$2" "$1"
}

# dgram_reply SECONDS ADDRESS: sends stdin to the socat datagram ADDRESS
# and prints the reply. A datagram has no end of file, so socat would
# wait out its whole -t: this returns as soon as a whole line came back,
# and after SECONDS at the latest.
dgram_reply() {
	local s=$1 addr=$2 msg out pid
	msg=$(cat)
	out=$(mktemp "$T/dgram.XXXXXX")
	printf '%s\n' "$msg" | socat -t "$s" - "$addr" >"$out" 2>&1 &
	pid=$!
	wait_until "$s" _dgram_done "$out" "$pid"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cat "$out"
}
_dgram_done() { # FILE PID: FILE ends with a newline, or socat has ended.
	{ [ -s "$1" ] && [ -z "$(tail -c 1 "$1")" ]; } || ! running "$2"
}

# is_listening PROTO PORT: something listens on PORT (proto tcp or udp).
is_listening() {
	case "$1" in
	tcp) ss -Hltn "sport = :$2" | grep -q . ;;
	udp) ss -Hlun "sport = :$2" | grep -q . ;;
	esac
}

# end_pid PID: TERM, then KILL after 10 s; returns once PID is gone.
end_pid() {
	kill -TERM "$1" 2>/dev/null
	wait_until 10 eval "! running $1" || kill -KILL "$1" 2>/dev/null
	wait_until 5 eval "! running $1"
}

# running PID: the process exists and is neither a zombie nor being
# reaped (state X, seen while its parent collects it) nor gone while
# being looked at.
running() {
	local st
	st=$(grep '^State:' "/proc/$1/status" 2>/dev/null) || return 1
	case $st in *"Z ("* | *"X ("*) return 1 ;; esac
}

# fd_count PID: open fds of a process.
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

# need CMD…: skips the whole test (one SKIP line) when a tool is missing.
need() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			skip "$(basename "$0" .sh)" "$c is not installed"
			exit 0
		fi
	done
}

is_root() { [ "$(id -u)" -eq 0 ]; }
