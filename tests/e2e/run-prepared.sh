#!/usr/bin/env bash
# wick run -l builds the sandbox before the first client and lets it exec
# on the trigger: the prepared process sleeps in read() and is invisible
# to ps, becomes the server with the right LISTEN_PID and fds, is prepared
# again after the server ends, and goes away with wick.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

# child_of PID: its first child.
child_of() {
	local c
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
	c=${c%% *}
	[ -n "$c" ] && echo "$c"
}

# prepared ACT: the prepared sandbox under wick ACT (its hook child's
# child, pid 1 of its namespace, not yet the server) goes to $SB.
prepared() {
	local hook
	hook=$(child_of "$1") && SB=$(child_of "$hook") &&
		[ "$(cat "/proc/$SB/comm")" = wick ] &&
		grep -Eq '^NSpid:[[:space:]]+[0-9]+[[:space:]]+1$' \
			"/proc/$SB/status"
}

# sleeping PID: blocked (state S), and in read(2) where the kernel
# shows the system call.
sleeping() {
	local call
	grep -q '^State:[[:space:]]*S' "/proc/$1/status" || return 1
	call=$(cat "/proc/$1/syscall" 2>/dev/null) || return 0
	call=${call%% *}
	[ "$call" = 0 ] || [ "$call" = running ] || [ "$call" = -1 ]
}

# our_state: the state directory of the sandbox listening on $port (other
# wicks on the machine may share the state root).
our_state() {
	local f
	f=$(grep -lx "127.0.0.1:$port" "$(state_root)"/*/listeners \
		2>/dev/null | head -n1)
	[ -n "$f" ] && dirname "$f"
}
state_pid() { cat "$(our_state)/pid" 2>/dev/null; }

SB=
port=$(free_port)
bg "$T/l.log" "$WICK" run -l 127.0.0.1:"$port" "${PROBE[@]}"
act=$BG_PID
check "a sandbox is prepared before the first client" \
	wait_until 20 prepared "$act"
first=$SB
# It exists before it has finished setting itself up: give it time to
# reach its read() instead of catching it halfway.
check "the prepared sandbox sleeps" wait_until 20 sleeping "${first:-0}"
check "ps shows no sandbox before the first client" test -z "$(our_state)"

# A client may wait for a sandbox: a budget for a slow machine, which
# costs nothing when the answer comes (the probe then closes).
ask() { timeout 60 socat -t 20 - "$1"; }
out=$(echo one | ask TCP:127.0.0.1:"$port")
expect_match "the first client is answered" "$out" "peer=127.0.0.1:* one"
wait_log "$T/l.log" '^fds=' 20
expect_match "LISTEN_PID is the server's own pid" "$(cat "$T/l.log")" \
	"*pid=1 listen_pid=1 listen_fds=1 *"
expect_match "only stdio and the socket are open in the server" \
	"$(grep '^fds=' "$T/l.log")" "fds=0,1,2,3,"
check "ps shows the sandbox once it runs" wait_until 20 our_state
name=$(basename "$(our_state)")
check "… under its name" sh -c "'$WICK' ps | grep -q '^$name '"
wait_until 20 eval '[ -n "$(state_pid)" ]'
expect_eq "the prepared process is the server" "$(state_pid)" "$first"

"$WICK" stop -t 2 "$name" >/dev/null
check "after the server ends, wick listens again" \
	wait_log "$T/l.log" "listening again" 20
SB=
wait_until 20 prepared "$act"
check "… and prepares a new sandbox" \
	test -n "$SB" -a "$SB" != "$first"
second=$SB
check "… which ps does not show" test -z "$(our_state)"
out=$(echo two | ask TCP:127.0.0.1:"$port")
expect_match "the next client is answered by it" "$out" \
	"peer=127.0.0.1:* two"
check "… as the prepared process" wait_until 20 eval \
	'[ "$(state_pid)" = "$second" ]'

"$WICK" stop -t 2 "$(basename "$(our_state)")" >/dev/null
SB=
wait_until 20 prepared "$act"
third=$SB
hook=$(child_of "$act")
kill -TERM "$act"
check "SIGTERM ends wick while a sandbox is prepared" \
	wait_until 20 eval '! running "$act"'
wait "$act"
expect_eq "… with status 0" "$?" 0
# Ended; one that outlived wick by a moment, or a zombie that whoever
# adopted it has not reaped yet, is not a prepared sandbox left behind.
check "… and the prepared sandbox is gone with it" \
	wait_until 20 eval '[ -n "$third" ] && [ -n "$hook" ] &&
		! running "$third" && ! running "$hook"'
check "… leaving no state behind" test -z "$(our_state)"

# With a name, the listening wick holds the state (ps lists it while it
# waits); the prepared process becomes its sandbox.
SB=
port=$(free_port)
bg "$T/n.log" "$WICK" run --name "pw$$" -l 127.0.0.1:"$port" "${PROBE[@]}"
act=$BG_PID
wait_until 20 prepared "$act"
named=$SB
out=$(echo three | ask TCP:127.0.0.1:"$port")
expect_match "named: the first client is answered" "$out" \
	"peer=127.0.0.1:* three"
check "… by the prepared process, the state's sandbox" wait_until 20 eval \
	'[ -n "$named" ] && [ "$(cat "$(state_root)/pw$$/sandbox" \
		2>/dev/null)" = "$named" ]'
kill -TERM "$act"
wait "$act"
expect_eq "… and wick stops with status 0" "$?" 0

# A preparation that fails is reported once and not retried in a loop.
port=$(free_port)
bg "$T/f.log" "$WICK" run -w /no/such/dir -l 127.0.0.1:"$port" \
	"${PROBE[@]}"
act=$BG_PID
check "a failed preparation is reported" \
	wait_log "$T/f.log" "prepared start of /run/pb/probe exited" 20
expect_match "… with the sandbox's reason" "$(cat "$T/f.log")" \
	"*working directory '/no/such/dir'*"
check "… and nothing is left waiting" wait_until 20 eval \
	'! child_of "$act" >/dev/null'
sleep 1 # a loop would have logged again by now, even on a slow machine
expect_eq "… once" "$(grep -c 'prepared start' "$T/f.log")" 1
kill -TERM "$act"
wait "$act"
expect_eq "wick then stops with status 0" "$?" 0

# Killed with SIGKILL, a listening wick and its prepared start leave the
# half-made state (.new-ID) behind; the next wick run removes it at once.
# half_made: the hidden state directory of the prepared start on $port.
half_made() {
	local f
	f=$(grep -lx "127.0.0.1:$port" "$(state_root)"/.new-*/listeners \
		2>/dev/null | head -n1)
	[ -n "$f" ] && dirname "$f"
}
port=$(free_port)
bg "$T/k.log" "$WICK" run -l 127.0.0.1:"$port" "${PROBE[@]}"
act=$BG_PID
SB=
wait_until 20 prepared "$act"
hook=$(child_of "$act")
check "a prepared start keeps its state under a hidden name" \
	wait_until 20 eval '[ -n "$(half_made)" ]'
left=$(half_made)
kill -KILL "$act" "$hook" "$SB" 2>/dev/null
{ wait "$act"; } 2>/dev/null
check "… which SIGKILL leaves behind" wait_until 20 eval \
	'[ -d "$left" ] && ! running "$hook"'
"$WICK" run -- true
check "the next wick run removes it" test -n "$left" -a ! -e "$left"
