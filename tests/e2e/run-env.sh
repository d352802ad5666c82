#!/usr/bin/env bash
# wick run -l takes the listen options of wick activate with their meaning:
# --setenv reaches the server, and in accept mode so do REMOTE_ADDR and
# REMOTE_PORT, although the sandbox's environment is otherwise made anew.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox tester-run-env

port=$(free_port)
export WICK_TESTER_FROM_WICK=inherited
bg "$T/a.log" "$WICK" run --accept --inetd -l 127.0.0.1:"$port" \
	--setenv FOO=bar --setenv WICK_TESTER_FROM_WICK -- \
	sh -c 'echo "FOO=$FOO W=$WICK_TESTER_FROM_WICK R=$REMOTE_ADDR:$REMOTE_PORT"'
wait_until 20 is_listening tcp "$port"
# The instance's sandbox starts on this client: a budget for a slow
# machine (the reply ends the connection, so it costs nothing).
out=$(timeout 60 socat -t 20 - TCP:127.0.0.1:"$port",bind=127.0.0.2 </dev/null)
expect_match "--setenv VAR=VAL reaches the sandboxed server" "$out" "FOO=bar *"
expect_match "--setenv VAR copies wick's own" "$out" "* W=inherited *"
expect_match "--accept sets REMOTE_ADDR and REMOTE_PORT inside" "$out" \
	"* R=127.0.0.2:[1-9]*"

# Started per connection by an outer activator (wick activate --accept,
# a systemd Accept=yes unit), wick run hands the peer on to the server.
out=$(REMOTE_ADDR=1.2.3.4 "$WICK" run sh -c 'echo "R=$REMOTE_ADDR"')
expect_eq "REMOTE_ADDR from an outer accepting activator reaches the server" \
	"$out" "R=1.2.3.4"
