#!/usr/bin/env bash
# wick run -l with a missing --rootfs or -v source must fail at once with
# one line and exit 1, as wick run does without -l; it used to listen,
# leave each client hanging, and print the error 20 times per trigger.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat

for bad in "--rootfs $T/missing-root" "-v $T/missing-src:/tmp/x"; do
	port=$(free_port)
	# shellcheck disable=SC2086 # $bad is two words on purpose
	timeout 20 "$WICK" run -l 127.0.0.1:"$port" $bad true >"$T/out" 2>&1 \
		</dev/null
	st=$?
	expect_eq "wick run -l $bad: exit status 1 at once" "$st" 1
	expect_eq "… one line" "$(wc -l <"$T/out")" 1
	expect_match "… naming the path" "$(cat "$T/out")" "*$T/missing-*"
	check "… and nothing listens" sh -c "! ss -Hltn 'sport = :$port' |
		grep -q ."
done
