#!/usr/bin/env bash
# wick-echo end to end: run under the real systemd-socket-activate over
# every transport, driven by socat, with exact replies checked; plus its
# own errors, exit statuses and fd hygiene.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat systemd-socket-activate

if [ ! -x "$WICK_ECHO" ]; then
	not_ok "wick-echo is built at $WICK_ECHO (run make)"
	exit 1
fi

# start_echo LOG ACTIVATOR-ARGS… -- ECHO-ARGS…: the activator (which execs
# wick-echo in its own pid on the first client) in the background.
start_echo() {
	local log=$1 a=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	bg "$log" systemd-socket-activate "${a[@]}" "$WICK_ECHO" "$@"
	wait_log "$log" "Listening on" 20
}

# ask ADDRESS: sends stdin to the socat ADDRESS, prints the reply. The
# server starts on this client, so the budget covers a slow machine; a
# stream ends as soon as the server closes it.
ask() {
	case $1 in
	UDP* | UNIX-SENDTO*) dgram_reply 20 "$1" ;;
	*) timeout 60 socat -t 20 - "$1" ;;
	esac
}

gone() { ! running "$1"; }

# finished DESC PID: the server ends by itself with status 0.
finished() {
	if wait_until 20 gone "$2"; then
		wait "$2"
		expect_eq "$1" "$?" 0
	else
		not_ok "$1 (still running after 20 s)"
	fi
}

have_ipv6() { ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; }

# one_shot NAME CLIENT-ADDRESS ACTIVATOR-ARGS…: one "hello" through a
# fresh activation that exits after that one client.
one_shot() {
	local name=$1 client=$2 log=$T/$1.log reply
	shift 2
	if ! start_echo "$log" "$@" -- --exit-after 1; then
		not_ok "$name: activator listens"
		diag "$(cat "$log")"
		return
	fi
	reply=$(printf 'hello %s\n' "$name" | ask "$client")
	expect_eq "$name: exact reply" "$reply" "hello $name"
	finished "$name: exits 0 after --exit-after 1" "$BG_PID"
}

p=$(free_port)
one_shot tcp4 "TCP4:127.0.0.1:$p" -l "127.0.0.1:$p"
p=$(free_port)
one_shot udp4 "UDP4:127.0.0.1:$p" -d -l "127.0.0.1:$p"
if have_ipv6; then
	p=$(free_port)
	one_shot tcp6 "TCP6:[::1]:$p" -l "[::1]:$p"
	p=$(free_port)
	one_shot udp6 "UDP6:[::1]:$p" -d -l "[::1]:$p"
else
	skip "tcp6" "no ::1 on lo"
	skip "udp6" "no ::1 on lo"
fi
one_shot unix-stream "UNIX-CONNECT:$T/stream.sock" -l "$T/stream.sock"
one_shot abstract "ABSTRACT-CONNECT:wick-echo-test-$$" -l "@wick-echo-test-$$"
one_shot unix-dgram "UNIX-SENDTO:$T/dgram.sock,bind=$T/client.sock" \
	-d -l "$T/dgram.sock"
one_shot seqpacket "UNIX-CONNECT:$T/seq.sock,type=5" --seqpacket \
	-l "$T/seq.sock"

# An unbound Unix sender cannot be answered; it is skipped, and the next
# bound sender is served.
start_echo "$T/unbound.log" -d -l "$T/dg2.sock" -- --exit-after 2
printf 'lost\n' | socat -u - "UNIX-SENDTO:$T/dg2.sock"
reply=$(printf 'second\n' | ask "UNIX-SENDTO:$T/dg2.sock,bind=$T/client2.sock")
expect_eq "unix-dgram: unbound sender skipped, next one served" \
	"$reply" "second"
finished "unix-dgram: both datagrams counted" "$BG_PID"

# Several sockets in one activation: each client is answered on its own.
p=$(free_port)
start_echo "$T/multi.log" -l "127.0.0.1:$p" -l "$T/multi.sock" \
	-- --exit-after 2
r1=$(printf 'one\n' | ask "TCP4:127.0.0.1:$p")
r2=$(printf 'two\n' | ask "UNIX-CONNECT:$T/multi.sock")
expect_eq "two passed sockets: both served" "$r1 $r2" "one two"
finished "two passed sockets: exits after 2" "$BG_PID"

# 20 clients at once: all queued behind the trigger, all answered.
p=$(free_port)
start_echo "$T/many.log" -l "127.0.0.1:$p" -- --exit-after 20
for i in $(seq 20); do
	printf 'client %s\n' "$i" | socat -t 30 - "TCP4:127.0.0.1:$p" \
		>"$T/many.$i" 2>&1 &
done
wait_until 60 gone "$BG_PID"
bad=0
for i in $(seq 20); do
	[ "$(cat "$T/many.$i")" = "client $i" ] || bad=$((bad + 1))
done
expect_eq "20 concurrent clients: every reply exact" "$bad" 0
finished "20 concurrent clients: exits after 20" "$BG_PID"

# A megabyte through one connection comes back byte for byte (the
# server waits for a slow reader instead of dropping data).
p=$(free_port)
head -c 1048576 /dev/urandom >"$T/big"
start_echo "$T/big.log" -l "127.0.0.1:$p" -- --exit-after 1
timeout 90 socat -t 30 - "TCP4:127.0.0.1:$p" <"$T/big" >"$T/big.back"
check "1 MiB echoed intact" cmp -s "$T/big" "$T/big.back"
finished "1 MiB: exits 0" "$BG_PID"

# Resets and garbage do not hurt it, and leak no fds.
p=$(free_port)
start_echo "$T/rst.log" -l "127.0.0.1:$p" -- --idle-exit 30
reply=$(printf 'first\n' | ask "TCP4:127.0.0.1:$p")
expect_eq "before resets: served" "$reply" "first"
pid=$BG_PID
base=$(fd_count "$pid")
for i in $(seq 10); do
	socat -u /dev/null "TCP4:127.0.0.1:$p,linger=0" 2>/dev/null
	head -c 3000 /dev/urandom | socat -u - "TCP4:127.0.0.1:$p,linger=0" \
		2>/dev/null
done
reply=$(printf 'after\n' | ask "TCP4:127.0.0.1:$p")
expect_eq "after 20 resetting clients: served" "$reply" "after"
fds_back_to() { [ "$(fd_count "$1")" -eq "$2" ]; }
if wait_until 20 fds_back_to "$pid" "$base"; then
	ok "no fd leaked after resets ($base open)"
else
	not_ok "no fd leaked after resets"
	diag "before: $base, now: $(fd_count "$pid")"
fi
check "still running after resets" running "$pid"

# --idle-exit: a second of nothing and it leaves by itself.
p=$(free_port)
start_echo "$T/idle.log" -l "127.0.0.1:$p" -- --idle-exit 1
reply=$(printf 'idle\n' | ask "TCP4:127.0.0.1:$p")
expect_eq "--idle-exit: served" "$reply" "idle"
finished "--idle-exit 1: exits 0 when idle" "$BG_PID"

# Accept mode: each instance gets one connection as fd 3 and ends with it.
p=$(free_port)
start_echo "$T/accept.log" -a -l "127.0.0.1:$p" --
r1=$(printf 'a1\n' | ask "TCP4:127.0.0.1:$p")
r2=$(printf 'a2\n' | ask "TCP4:127.0.0.1:$p")
expect_eq "accept mode: connection on fd 3 served" "$r1 $r2" "a1 a2"
no_children() { [ "$(pgrep -P "$1" | wc -l)" -eq 0 ]; }
check "accept mode: instances exit with their connection" \
	wait_until 20 no_children "$BG_PID"

# VSOCK needs a loopback transport (vsock_loopback) to test here.
p=$(free_port)
if start_echo "$T/vsock.log" -l "vsock::$p" -- --exit-after 1 &&
	reply=$(printf 'hello\n' | timeout 5 socat -t 2 - "VSOCK-CONNECT:1:$p" \
		2>"$T/vsock.err") && [ -n "$reply" ]; then
	expect_eq "vsock: exact reply" "$reply" "hello"
	finished "vsock: exits 0" "$BG_PID"
else
	skip "vsock stream" "no VSOCK loopback here ($(tail -n1 \
		"$T/vsock.err" 2>/dev/null | sed 's/.* E //'))"
fi

# Its own errors: one line, the right status.
out=$(env -u LISTEN_FDS -u LISTEN_PID "$WICK_ECHO" 2>&1)
expect_eq "no LISTEN_FDS: status 1" "$?" 1
want="wick-echo: no sockets passed (LISTEN_FDS unset);"
want+=" run it under 'wick activate'"
expect_eq "no LISTEN_FDS: message" "$out" "$want"
out=$(LISTEN_FDS=1 LISTEN_PID=1 "$WICK_ECHO" 2>&1)
expect_eq "LISTEN_PID of another process: status 1" "$?" 1
want="wick-echo: no sockets passed (LISTEN_PID is not this process);"
want+=" run it under 'wick activate'"
expect_eq "LISTEN_PID of another process: message" "$out" "$want"
# The exec keeps the pid, so LISTEN_PID=$$ names wick-echo itself.
out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=abc; exec "$0"' \
	"$WICK_ECHO" 2>&1)
expect_eq "LISTEN_FDS=abc: status 1" "$?" 1
expect_match "LISTEN_FDS=abc: message names both variables" "$out" \
	"wick-echo: LISTEN_FDS='abc' LISTEN_PID='[0-9]*': Invalid argument (*)"
out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=2; exec "$0" 3</dev/null 4<&-' \
	"$WICK_ECHO" 2>&1)
expect_eq "fd 4 promised but closed: status 1" "$?" 1
expect_match "fd 4 promised but closed: message" "$out" \
	"wick-echo: LISTEN_FDS=2 promises fds that are not open (*)"
out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" 3</dev/null' \
	"$WICK_ECHO" 2>&1)
expect_eq "fd 3 not a socket: status 1" "$?" 1
want="wick-echo: fd 3 is not a stream, datagram or seqpacket socket;"
want+=" ignoring it"
want+=$'\nwick-echo: none of the passed fds is a socket it can serve'
expect_eq "fd 3 not a socket: message" "$out" "$want"
out=$("$WICK_ECHO" --exit-after 0 2>&1)
expect_eq "--exit-after 0: status 2" "$?" 2
want="wick-echo: --exit-after '0': expected a whole number from 1 to"
want+=" 9223372036854775807"
expect_eq "--exit-after 0: message" "$out" "$want"
out=$("$WICK_ECHO" --frobnicate 2>&1)
expect_eq "unknown option: status 2" "$?" 2
expect_eq "unknown option: message" "$out" \
	"wick-echo: unknown option '--frobnicate' (run 'wick-echo --help')"
out=$("$WICK_ECHO" --help 2>&1)
expect_eq "--help: status 0" "$?" 0
expect_match "--help: usage" "$out" "usage: wick-echo *"
