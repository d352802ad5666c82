#!/usr/bin/env bash
# wick-echo as pid 1 of a sandbox (wick run -l, make demo) must stop on
# SIGTERM: the kernel drops signals that pid 1 does not handle, so wick
# waited 10 s, then SIGKILLed its own wick run child, which left the
# sandbox's state directory behind as "stale" on every stop.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox tester-echo-stop

port=$(free_port)
root=$(state_root)
bg "$T/l.log" "$WICK" run --name tester-echo-stop -l 127.0.0.1:"$port" \
	-v "$WICK_BUILD:$WICK_BUILD:ro" -- "$WICK_ECHO"
act=$BG_PID
wait_until 20 is_listening tcp "$port"
out=$(echo one | timeout 60 socat -t 30 - TCP:127.0.0.1:"$port")
expect_eq "the sandboxed wick-echo answers" "$out" one
check "its state directory exists while it runs" \
	test -d "$root/tester-echo-stop"
kill -TERM "$act"
# The bug took 10 s (then a 'did not stop' kill); 8 s leave a slow
# machine room and still tell the two apart.
check "SIGTERM stops wick run -l within 8 s" \
	wait_until 8 eval "! running $act"
wait "$act" 2>/dev/null
expect_eq "… exit status 0" "$?" 0
check "… no 'did not stop' kill" sh -c "! grep -q 'did not stop' '$T/l.log'"
check "… and no state directory left behind" \
	test ! -e "$root/tester-echo-stop"
"$WICK" rm tester-echo-stop >/dev/null 2>&1 || : # leave the host clean
