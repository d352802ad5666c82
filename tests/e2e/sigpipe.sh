#!/usr/bin/env bash
# A log line written to a closed pipe (wick … 2>&1 | head -1, a log reader
# that went away) must not end wick: it would orphan the service and leave
# the socket file behind. Both wick activate and wick run -l are checked.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat

for mode in activate run; do
	port=$(free_port)
	sock=$T/$mode.sock
	mkfifo "$T/$mode.fifo"
	# The reader takes the first line, then closes the pipe.
	head -n1 <"$T/$mode.fifo" >"$T/$mode.first" &
	reader=$!
	case $mode in
	activate) cmd=(activate) ;;
	run) cmd=(run -v "$WICK_BUILD:$WICK_BUILD:ro") ;;
	esac
	"$WICK" "${cmd[@]}" -l "127.0.0.1:$port" -l "$sock" -- "$WICK_ECHO" \
		2>"$T/$mode.fifo" >/dev/null </dev/null &
	wick=$!
	_pids+=("$wick")
	wait_until 20 is_listening tcp "$port"
	wait "$reader"
	# Starting the service logs a line into the now closed pipe.
	out=$(echo one | timeout 60 socat -t 20 - TCP:127.0.0.1:"$port")
	expect_eq "$mode: the first client is served" "$out" one
	# Let wick log the start and, with the bug, die of it (on a slow
	# machine too).
	sleep 1
	check "$mode: wick outlives a log line to a closed pipe" running "$wick"
	kill -TERM "$wick" 2>/dev/null
	# wick run's server is pid 1 and ignores SIGTERM: up to 10 s.
	wait_until 30 eval "! running $wick"
	check "$mode: SIGTERM then closes the listener" \
		sh -c "! ss -Hltn 'sport = :$port' | grep -q ."
	check "$mode: and removes the socket file" test ! -e "$sock"
done
