#!/usr/bin/env bash
# wick run -l --name NAME with NAME in use by a running sandbox: one line,
# exit 1, and no socket bound at any time. It used to listen anyway (each
# client hanging while the error repeated), later to bind and then close.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
n=lname$$
want="wick: run: the name '$n' is in use by a running sandbox (pick another, or add --replace)"

"$WICK" run -d --name "$n" sleep 1000 >/dev/null
port=$(free_port)
out=$(timeout 20 "$WICK" run -l 127.0.0.1:"$port" --name "$n" true 2>&1 \
	</dev/null)
st=$?
expect_eq "a name in use: one line" "$out" "$want"
expect_eq "… exit 1 at once" "$st" 1
check "… nothing listens" sh -c "! ss -Hltn 'sport = :$port' | grep -q ."

# With the port taken as well, the name's error comes first: the name is
# checked before wick tries to bind anything.
bg "$T/other.log" socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr \
	EXEC:true
wait_until 20 is_listening tcp "$port"
out=$(timeout 20 "$WICK" run -l 127.0.0.1:"$port" --name "$n" true 2>&1 \
	</dev/null)
expect_eq "the name is checked before binding" "$out" "$want"
out=$(timeout 20 "$WICK" run -d -l 127.0.0.1:"$port" --name "$n" true 2>&1 \
	</dev/null)
expect_eq "… also with --detach" "$out" "$want"
"$WICK" rm -f "$n" >/dev/null

# A free name with a port in use: the claim is given back.
out=$(timeout 20 "$WICK" run -l 127.0.0.1:"$port" --name "$n" true 2>&1 \
	</dev/null)
expect_eq "a port in use: the listen error" "$out" \
	"wick: listen 127.0.0.1:$port (stream): address already in use (another process listens there)"
expect_eq "… and the name is free again" \
	"$("$WICK" ps | grep -c "^$n ")" 0
