#!/usr/bin/env bash
# wick run with as many -e as it takes and more --setenv on top: no entry
# may be dropped, least of all LISTEN_FDS and LISTEN_PID, which come last.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

args=()
for i in $(seq 1 256); do args+=(-e "V$i=$i"); done
for i in $(seq 1 40); do args+=(--setenv "W$i=$i"); done
port=$(free_port)
bg "$T/a.log" "$WICK" run --accept -l 127.0.0.1:"$port" "${args[@]}" -- \
	sh -c 'echo "$(env | grep -c "^[VW][0-9]*=") $V256 $W40 $LISTEN_FDS $LISTEN_PID" >&3'
wait_until 20 is_listening tcp "$port" || diag "wick run did not listen"
out=$(timeout 60 socat -t 20 -u TCP:127.0.0.1:"$port" - 2>&1)
expect_eq "256 -e and 40 --setenv all arrive, LISTEN_FDS/PID too" "$out" \
	"296 256 40 1 1"
