#!/usr/bin/env bash
# The seed scenario sandboxed: wick-echo under wick run --network=none,
# activated on TCP and UDP over 127.0.0.1 and ::1 and on a Unix stream
# socket, answers socat on each, while it cannot reach anything itself.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
if ! cp "$WICK_ECHO" "$PB/wick-echo" 2>/dev/null; then
	skip "run-echo" "no $WICK_ECHO (run make)"
	exit 0
fi
chmod a+rx "$PB/wick-echo"

port=$(free_port)
sock=$T/echo.sock
l=(-l 127.0.0.1:"$port" --listen-datagram 127.0.0.1:"$port" -l "$sock")
v6=0
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	v6=1
	l+=(-l "[::1]:$port" --listen-datagram "[::1]:$port")
fi
bg "$T/echo.log" "$WICK" run --network=none "${l[@]}" \
	-v "$PB:/run/pb:ro" /run/pb/wick-echo
wait_until 20 is_listening tcp "$port"

# The first client starts the sandbox: a budget for a slow machine.
ask() { timeout 60 socat -t 20 - "$1"; }
expect_eq "TCP 127.0.0.1" "$(echo hello | ask TCP:127.0.0.1:"$port")" "hello"
expect_eq "UDP 127.0.0.1" \
	"$(echo hello | dgram_reply 20 UDP:127.0.0.1:"$port")" "hello"
expect_eq "Unix stream" "$(echo hello | ask UNIX-CONNECT:"$sock")" "hello"
if [ $v6 -eq 1 ]; then
	expect_eq "TCP ::1" "$(echo hello | ask TCP6:[::1]:"$port")" "hello"
	expect_eq "UDP ::1" \
		"$(echo hello | dgram_reply 20 UDP6:[::1]:"$port")" "hello"
else
	skip "TCP and UDP on ::1" "no IPv6 loopback here"
fi
check "the server runs in a sandbox" wait_log "$T/echo.log" "started" 20
out=$("$WICK" run --network=none sh -c 'socat -u TCP:127.0.0.1:'"$port"' - 2>&1; echo rc=$?')
expect_match "egress from a sandbox like it fails" "$out" "*Connection refused*rc=1"
