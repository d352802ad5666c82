#!/usr/bin/env bash
# When wick run -l itself is killed (kill -9, the OOM killer), the part of
# it that watches the sandbox must go too: it used to live on, unwatched,
# with the sandboxed server still holding the listening port.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox tester-run-l-orphan

port=$(free_port)
bg "$T/l.log" "$WICK" run --name tester-orphan -l 127.0.0.1:"$port" \
	-v "$WICK_BUILD:$WICK_BUILD:ro" -- "$WICK_ECHO"
act=$BG_PID
wait_until 20 is_listening tcp "$port"
out=$(echo one | timeout 60 socat -t 20 - TCP:127.0.0.1:"$port")
expect_eq "the sandboxed server answers" "$out" one
child=$(pgrep -P "$act" | head -n1)
kill -KILL "$act"
wait "$act" 2>/dev/null
check "the watching child ends with wick" wait_until 20 sh -c \
	"! test -d /proc/$child"
check "and nothing listens on the port any more" wait_until 20 sh -c \
	"! ss -Hltn 'sport = :$port' | grep -q ."
"$WICK" rm -f tester-orphan >/dev/null 2>&1 || : # stale after kill -9
