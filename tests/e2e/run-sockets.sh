#!/usr/bin/env bash
# wick run under a real activator (systemd-socket-activate): the server in
# the sandbox gets the very sockets the activator bound, in order, named,
# with LISTEN_PID its own pid inside, and sees the client's real address.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"
need systemd-socket-activate

need_sandbox

# ino PROTO PORT: inode of the socket listening there.
ino() {
	ss -Hln"${1:0:1}"e "sport = :$2" | grep -o 'ino:[0-9]*' | head -1 |
		cut -d: -f2
}

# The first client starts the sandbox: a budget for a slow machine, which
# costs nothing when the answer comes (the probe then closes).
ask() { timeout 60 socat -t 20 - "$1"; }

for init in "" --init; do
	want_pid=1
	[ -n "$init" ] && want_pid=2
	what="TCP${init:+ with --init}"
	port=$(free_port)
	bg "$T/tcp$init.log" systemd-socket-activate -l 127.0.0.1:"$port" \
		--fdname=web -E LISTEN_PIDFDID=42 \
		"$WICK" run $init "${PROBE[@]}"
	act=$BG_PID
	wait_until 20 is_listening tcp "$port"
	bound=$(ino tcp "$port")
	out=$(echo hello | ask TCP:127.0.0.1:"$port",bind=127.0.0.2)
	expect_match "$what: a client from 127.0.0.2 is seen as 127.0.0.2" \
		"$out" "peer=127.0.0.2:* hello"
	wait_log "$T/tcp$init.log" '^fds=' 20
	log=$(cat "$T/tcp$init.log")
	expect_match "$what: LISTEN_PID is the server's pid inside, names kept, LISTEN_PIDFDID dropped" \
		"$log" "*pid=$want_pid listen_pid=$want_pid listen_fds=1 names=web pidfdid=-*"
	grep -qz '^LISTEN_PIDFDID=42$' "/proc/$act/environ" ||
		diag "the activator did not set LISTEN_PIDFDID"
	expect_match "$what: fd 3 is the socket the activator bound" \
		"$log" "*fd3=socket:\[$bound\]*"
	expect_match "$what: nothing but stdio and the socket is open" \
		"$log" "*fds=0,1,2,3,*"
	out=$(echo again | ask TCP:127.0.0.1:"$port")
	expect_match "$what: later clients are served too" "$out" "peer=127.0.0.1:* again"
	kill -TERM "$act"
	wait_until 20 eval "! running $act"
	# Once the server is gone, nothing holds the socket any more.
	check "$what: SIGTERM to wick ends the sandbox" \
		wait_until 20 eval "! is_listening tcp $port"
done

port=$(free_port)
bg "$T/udp.log" systemd-socket-activate -d -l 127.0.0.1:"$port" \
	--fdname=dns "$WICK" run "${PROBE[@]}"
act=$BG_PID
wait_until 20 is_listening udp "$port"
bound=$(ino udp "$port")
out=$(echo hello | dgram_reply 20 UDP:127.0.0.1:"$port",bind=127.0.0.2)
expect_match "UDP: the datagram from 127.0.0.2 is seen as such and the reply comes back" \
	"$out" "peer=127.0.0.2:* hello"
wait_log "$T/udp.log" '^fds=' 20
expect_match "UDP: fd 3 is the socket the activator bound" \
	"$(cat "$T/udp.log")" "*names=dns*fd3=socket:\[$bound\]*"
kill -TERM "$act"

# Two sockets through two activators, the outer one passing its own on:
# the order and both names survive.
port=$(free_port)
bg "$T/two.log" systemd-socket-activate -d -l 127.0.0.1:"$port" --fdname=dns \
	systemd-socket-activate -l 127.0.0.1:"$port" --fdname=web \
	"$WICK" run --init "${PROBE[@]}"
wait_until 20 is_listening udp "$port"
udp_ino=$(ino udp "$port")
# Its reply comes only once the TCP client below has started the server:
# this client waits for it until the test ends it.
echo one | socat -t 60 - UDP:127.0.0.1:"$port" >"$T/two-udp.out" &
_pids+=($!)
wait_until 20 is_listening tcp "$port"
tcp_ino=$(ino tcp "$port")
out=$(echo two | ask TCP:127.0.0.1:"$port")
expect_match "two sockets: TCP answered" "$out" "peer=127.0.0.1:* two"
wait_until 20 grep -q one "$T/two-udp.out"
expect_match "two sockets: the queued datagram answered" "$(cat "$T/two-udp.out")" "peer=127.0.0.1:* one"
log=$(cat "$T/two.log")
expect_match "two sockets: fds 3 and 4 in the activators' order" "$log" \
	"*fd3=socket:\[$udp_ino\]*fd4=socket:\[$tcp_ino\]*fds=0,1,2,3,4,*"
expect_match "two sockets: LISTEN_FDS=2 and the names as passed" "$log" \
	"*listen_fds=2 names=web:web*"
