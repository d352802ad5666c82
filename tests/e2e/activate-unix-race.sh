#!/usr/bin/env bash
# Several wicks started together on one Unix socket path: exactly one gets
# it and serves there; the others fail with "address already in use" and
# remove nothing. strace holds each wick in listen(2) for a while, so that
# all of them pass the stale-socket check while the first one is bound but
# not yet listening: the moment where they used to take the path from each
# other. Run over a stale socket file and over a fresh path.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat
need python3

if ! command -v strace >/dev/null; then
	skip "activate-unix-race" "strace is not installed"
	exit 0
fi
if ! out=$(strace -qq -o /dev/null true 2>&1); then
	skip "activate-unix-race" "strace cannot trace here: $out"
	exit 0
fi

N=5
path=$T/race.sock

# wick_of I: the wick that racer I's strace runs.
wick_of() {
	local c
	c=$(cat "/proc/${racers[$1]}/task/${racers[$1]}/children" \
		2>/dev/null) && echo "${c%% *}"
}

# settled I: racer I has either exited or says it listens.
settled() {
	! running "${racers[$1]}" || grep -q "as fd 3" "$T/r$1.log"
}

race() {
	local what=$1 i n alive=() st out
	racers=()
	for i in $(seq 0 $((N - 1))); do
		bg "$T/r$i.log" strace -qq -o /dev/null -e trace=listen \
			-e inject=listen:delay_enter=400000 \
			"$WICK" activate -l "$path" -- "$WICK_ECHO"
		racers[i]=$BG_PID
	done
	for i in $(seq 0 $((N - 1))); do
		wait_until 20 settled "$i"
	done
	for i in $(seq 0 $((N - 1))); do
		running "${racers[$i]}" && alive+=("$i")
	done
	expect_eq "$what: one of $N wicks holds the path" "${#alive[@]}" 1
	n=0
	for i in $(seq 0 $((N - 1))); do
		running "${racers[$i]}" && continue
		wait "${racers[$i]}"
		st=$?
		[ "$st" = 1 ] &&
			grep -q "address already in use" "$T/r$i.log" &&
			n=$((n + 1))
	done
	expect_eq "$what: the others exit 1, naming the address in use" \
		"$n" $((N - 1))
	out=$(echo "$what" | socat -t 20 - "UNIX-CONNECT:$path")
	expect_eq "$what: the path reaches the one that holds it" "$out" \
		"$what"
	# strace does not pass SIGTERM on: end the traced wick itself.
	for i in "${alive[@]}"; do
		kill -TERM "$(wick_of "$i")"
		wait "${racers[$i]}"
	done
	check "$what: its socket file is gone with it" test ! -e "$path"
}

python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" \
	"$path"
race "stale file"
race "fresh path"
