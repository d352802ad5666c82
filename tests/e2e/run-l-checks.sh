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

# A command the sandbox will not find fails the same way, before anything
# listens, with --detach too (it used to report success and drop every
# client). /tmp is the sandbox's own, so a host file there is missing.
cp "$WICK_ECHO" "$T/echo-here"
for cmd in "/no/such/server" "no-such-server" "$T/echo-here" \
	"-e PATH=/opt/none no-such-server" "--detach --name gone$$ /no/such"; do
	port=$(free_port)
	# shellcheck disable=SC2086 # $cmd is several words on purpose
	timeout 5 "$WICK" run -l 127.0.0.1:"$port" ${cmd% *} -- "${cmd##* }" \
		>"$T/out" 2>&1 </dev/null
	st=$?
	expect_eq "wick run -l … $cmd: exit status 1 at once" "$st" 1
	expect_eq "… one line" "$(wc -l <"$T/out")" 1
	expect_match "… naming the command" "$(cat "$T/out")" \
		"wick: run: command '${cmd##* }' *"
	check "… and nothing listens" sh -c "! ss -Hltn 'sport = :$port' |
		grep -q ."
done
check "… and no state is left" test ! -e "$XDG_RUNTIME_DIR/wick/gone$$" \
	-a ! -e "/run/wick/gone$$"

# Where it is there, it starts: through a volume, and by a PATH into one.
# Links are followed as the sandbox follows them (v/e points inside the
# volume, seen from the sandbox); paths are taken as the kernel takes
# them (//, ., ..); PATH comes from -e and --setenv as the server gets
# it (the last one wins); an empty PATH entry and a relative command go
# by -w.
mkdir -p "$T/v"
cp "$WICK_ECHO" "$T/v/real"
ln -s /tmp/v/real "$T/v/e"
ln -s /tmp/gone/real "$T/v/away"
for how in "-v $T/echo-here:/run/e/echo /run/e/echo" \
	"-v $T:/tmp/t -e PATH=/tmp/t echo-here" \
	"-v $T/v:/tmp/v /tmp/v/e" \
	"-v $T/v://tmp/./v /tmp//v/../v/./real" \
	"-v $T/v:/tmp/v --setenv PATH=/tmp/v real" \
	"-v $T/v:/tmp/v -e PATH=/x -e PATH=/tmp/v real" \
	"-v $T/v:/tmp/v -w /tmp/v -e PATH=/nowhere: real" \
	"-v $T/v:/tmp/v -w /tmp v/real"; do
	port=$(free_port)
	# shellcheck disable=SC2086
	bg "$T/ok.log" "$WICK" run -l 127.0.0.1:"$port" ${how% *} -- \
		"${how##* }"
	pid=$BG_PID
	wait_log "$T/ok.log" "as fd 3"
	out=$(echo found | socat -t 5 - TCP:127.0.0.1:"$port")
	expect_eq "$how: the command is found and answers" "$out" found
	kill -TERM "$pid"
	wait "$pid"
done
# A bare -e PATH copies wick's own.
port=$(free_port)
bg "$T/ok.log" env PATH="/tmp/v:$PATH" "$WICK" run -l 127.0.0.1:"$port" \
	-v "$T/v:/tmp/v" -e PATH -- real
check "-e PATH: wick's own PATH is searched" wait_log "$T/ok.log" "as fd 3"
kill -TERM "$BG_PID"
wait "$BG_PID"
port=$(free_port)
timeout 20 "$WICK" run -l 127.0.0.1:"$port" -v "$T/v:/tmp/v" -- /tmp/v/away \
	>"$T/out" 2>&1 </dev/null
expect_eq "a link that leaves for the sandbox's empty /tmp: refused" \
	"$?:$(cat "$T/out")" "1:wick: run: command '/tmp/v/away' does not exist in the sandbox (check the path; /tmp and /run start empty there: bind its directory in with -v)"
