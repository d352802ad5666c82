#!/usr/bin/env bash
# wick run --sdnotify: the server's READY=1 reaches wick's NOTIFY_SOCKET
# (a path or an @abstract name, which the sandbox's own network could not
# reach) with MAINPID the server's host pid; a silent server is stopped at
# the timeout; conmon and ignore modes.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

n=0
# receiver ADDRESS: a socat that prints what it receives to $T/recv.N;
# the file name is in $RECV.
receiver() {
	n=$((n + 1))
	RECV=$T/recv.$n
	case "$1" in
	@*) bg "$RECV" socat -u ABSTRACT-RECV:"${1#@}" - ;;
	*) bg "$RECV" socat -u UNIX-RECV:"$1" - ;;
	esac
	wait_until 20 sh -c "ss -Hxl | grep -q -- '${1#@}'"
}

# mainpid_is_probe FILE: MAINPID in FILE is a host pid running the probe.
mainpid_is_probe() {
	local pid
	pid=$(grep -o 'MAINPID=[0-9]*' "$1" | cut -d= -f2)
	[ -n "$pid" ] && [ "$pid" -gt 2 ] &&
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^/run/pb/probe'
}

for base in "$T/notify" "@wick-test-notify-$$"; do
	for init in "" --init; do
		target=$base$init.sock
		what="container relay to ${target:0:1}…${init:+ with --init}"
		receiver "$target"
		out=$(NOTIFY_SOCKET=$target "$WICK" run -d --name nt$n $init \
			--sdnotify=container -e PROBE_NOTIFY=1 "${PROBE[@]}" 2>&1)
		expect_match "$what: -d prints the id once the server is ready" \
			"$out" "[0-9a-f]*[0-9a-f]"
		wait_until 20 grep -q MAINPID "$RECV"
		expect_match "$what: READY=1 arrives" "$(cat "$RECV")" "READY=1*"
		check "$what: MAINPID is the server's host pid" mainpid_is_probe "$RECV"
		"$WICK" stop -t 2 nt$n >/dev/null
	done
done

receiver "$T/fg.sock"
bg "$T/fg.log" env NOTIFY_SOCKET="$T/fg.sock" "$WICK" run --sdnotify=container \
	-e PROBE_NOTIFY=1 "${PROBE[@]}"
fg=$BG_PID
check "foreground run relays READY=1 too" wait_until 20 grep -q READY=1 "$RECV"
wait_log "$T/fg.log" notified 20
expect_match "the server sends to the socket wick made inside" \
	"$(cat "$T/fg.log")" "*notified /run/notify/notify.sock*"
kill -TERM "$fg"
wait "$fg" 2>/dev/null

receiver "$T/silent.sock"
start=$(date +%s)
out=$(NOTIFY_SOCKET=$T/silent.sock "$WICK" run -d --name silent \
	--sdnotify=container --sdnotify-timeout 1 "${PROBE[@]}" 2>&1)
st=$?
took=$(($(date +%s) - start))
expect_eq "a server that never notifies: one line at the timeout" "$out" \
	"wick: run: silent sent no READY=1 within 1 s; stopping it"
expect_eq "… and wick exits 1" "$st" "1"
# Not the default 90 s: the set-up and the stop take their time on a
# slow machine.
check "… within a few seconds ($took s)" test "$took" -le 15
# Only this run's own directory is looked at: other wicks on the machine
# may come and go in the shared state root meanwhile.
check "… leaving no state behind" \
	wait_until 20 test ! -e "$(state_root)/silent"

receiver "$T/conmon.sock"
out=$(NOTIFY_SOCKET=$T/conmon.sock "$WICK" run -d --name cm --init \
	--sdnotify=conmon "${PROBE[@]}" 2>&1)
wait_until 20 grep -q MAINPID "$RECV"
expect_match "conmon: wick itself sends READY=1" "$(cat "$RECV")" "READY=1*"
check "conmon: MAINPID is the server's host pid" mainpid_is_probe "$RECV"
"$WICK" stop -t 2 cm >/dev/null

out=$(NOTIFY_SOCKET=$T/none.sock "$WICK" run --sdnotify=ignore sh -c 'echo ${NOTIFY_SOCKET:-unset}')
expect_eq "ignore: the server gets no NOTIFY_SOCKET" "$out" "unset"
out=$(NOTIFY_SOCKET=$T/none.sock "$WICK" run --sdnotify=conmon sh -c 'echo ${NOTIFY_SOCKET:-unset}' 2>/dev/null)
expect_eq "conmon: the server gets no NOTIFY_SOCKET" "$out" "unset"
