#!/usr/bin/env bash
# wick run -l: wick makes the sockets, the first client starts the sandbox,
# the server answers on TCP (IPv4 and IPv6), UDP and a Unix socket, and
# wick re-arms when it ends; and wick activate … -- wick run … does the same.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

port=$(free_port)
sock=$T/unix.sock
v6=0
ip -6 addr show lo 2>/dev/null | grep -q '::1' && v6=1
six=()
[ $v6 -eq 1 ] && six=(-l "[::1]:$port")
bg "$T/l.log" "$WICK" run --name lw -l 127.0.0.1:"$port" "${six[@]}" \
	--listen-datagram 127.0.0.1:"$port" -l "$sock" \
	--fdname "tcp:${six:+tcp6:}udp:unix" --init "${PROBE[@]}"
act=$BG_PID
wait_until 20 is_listening udp "$port"
# A client may start a sandbox: a budget for a slow machine, which costs
# nothing when the answer comes (the probe then closes the connection).
ask() { timeout 60 socat -t 20 - "$1"; }
expect_match "the sandbox does not run before the first client" \
	"$("$WICK" ps | grep '^lw ' | tr -s ' ')" "lw * listening *"
out=$(echo one | ask TCP:127.0.0.1:"$port",bind=127.0.0.2)
expect_match "TCP 127.0.0.1 answers, client address real" "$out" "peer=127.0.0.2:* one"
if [ $v6 -eq 1 ]; then
	out=$(echo six | ask TCP6:[::1]:"$port")
	expect_match "TCP [::1] answers" "$out" "peer=::1:* six"
else
	skip "TCP [::1] answers" "no IPv6 loopback here"
fi
out=$(echo dgram | dgram_reply 20 UDP:127.0.0.1:"$port",bind=127.0.0.2)
expect_match "UDP answers to 127.0.0.2" "$out" "peer=127.0.0.2:* dgram"
out=$(echo unix | ask UNIX-CONNECT:"$sock")
expect_match "the Unix stream socket answers" "$out" "peer=unix:0 unix"
wait_log "$T/l.log" '^fds=' 20
names="tcp:${six:+tcp6:}udp:unix"
n=$((3 + ${#six[@]} / 2))
expect_match "LISTEN_PID 2 under --init, names as given" "$(cat "$T/l.log")" \
	"*pid=2 listen_pid=2 listen_fds=$n names=$names*"
want_ino=$(ss -Hltne "sport = :$port" | grep '127.0.0.1' | grep -o 'ino:[0-9]*' | cut -d: -f2)
expect_match "fd 3 is the socket wick bound" "$(cat "$T/l.log")" "*fd3=socket:\[$want_ino\]*"
out=$("$WICK" ps | grep '^lw ' | tr -s ' ' | cut -d' ' -f6)
expect_eq "ps lists the listen addresses" "$out" \
	"127.0.0.1:$port,${six:+[::1]:$port,}127.0.0.1:$port,$sock"

# The server ends by itself (its pid 1 gets SIGTERM): wick re-arms. The
# sandbox's pid is published as the server starts, maybe after it answered.
wait_until 20 test -s "$(state_root)/lw/sandbox"
kill -TERM "$(cat "$(state_root)/lw/sandbox")"
check "after the server ends, wick listens again" \
	wait_log "$T/l.log" "listening again" 20
out=$(echo two | ask TCP:127.0.0.1:"$port")
expect_match "the next client starts a new sandbox" "$out" "peer=127.0.0.1:* two"
kill -TERM "$act"
wait "$act"
check "SIGTERM to wick run -l closes everything" \
	sh -c "! ss -Hltn 'sport = :$port' | grep -q . && test ! -e '$sock'"

# The activator and the sandbox as two commands.
port=$(free_port)
bg "$T/a.log" "$WICK" activate -l 127.0.0.1:"$port" --fdname web -- \
	"$WICK" run "${PROBE[@]}"
wait_until 20 is_listening tcp "$port"
out=$(echo three | ask TCP:127.0.0.1:"$port",bind=127.0.0.2)
expect_match "wick activate -- wick run answers" "$out" "peer=127.0.0.2:* three"
wait_log "$T/a.log" '^fds=' 20
expect_match "… with LISTEN_PID 1 and the name" "$(cat "$T/a.log")" \
	"*pid=1 listen_pid=1 listen_fds=1 names=web*fds=0,1,2,3,*"

# One sandbox per connection, through either activator.
port=$(free_port)
bg "$T/acc.log" "$WICK" activate --accept -l 127.0.0.1:"$port" -- \
	"$WICK" run sh -c 'echo "a $REMOTE_ADDR $LISTEN_FDS $$" >&3'
wait_until 20 is_listening tcp "$port"
out=$(timeout 60 socat -u TCP:127.0.0.1:"$port",bind=127.0.0.2 -)
expect_eq "activate --accept -- wick run: REMOTE_ADDR and the connection pass in" \
	"$out" "a 127.0.0.2 1 1"
port=$(free_port)
bg "$T/inetd.log" "$WICK" run --accept --inetd -l 127.0.0.1:"$port" -E X=7 \
	sh -c 'echo "i $REMOTE_ADDR $X"'
wait_until 20 is_listening tcp "$port"
out=$(timeout 60 socat -u TCP:127.0.0.1:"$port",bind=127.0.0.3 -)
expect_eq "run --accept --inetd: the connection is stdout, -E reaches the server" \
	"$out" "i 127.0.0.3 7"
out=$(timeout 60 socat -u TCP:127.0.0.1:"$port" -)
expect_eq "… and the next connection gets a sandbox of its own" "$out" "i 127.0.0.1 7"

# Named and detached: the listening wick holds the state.
port=$(free_port)
id=$("$WICK" run --name ld --detach -l 127.0.0.1:"$port" -l "$T/ld.sock" \
	"${PROBE[@]}")
expect_match "run -l --detach prints the id once listening" "$id" \
	"$(printf '[0-9a-f]%.0s' $(seq 32))"
check "… and it listens" is_listening tcp "$port"
expect_match "ps shows it listening before the first client" \
	"$("$WICK" ps | grep '^ld ' | tr -s ' ')" "ld ${id:0:12} /run/pb/probe listening *"
out=$("$WICK" exec ld true 2>&1)
expect_eq "exec before the first client: one line" "$out" \
	"wick: exec: 'ld' is listening; its sandbox starts with the first client"
out=$(echo four | ask TCP:127.0.0.1:"$port")
expect_match "the first client starts it" "$out" "peer=127.0.0.1:* four"
# ps says running once the sandbox's pid is published, which may come
# just after the server answered.
ld_line() { "$WICK" ps | grep '^ld ' | tr -s ' '; }
wait_until 20 eval '[[ "$(ld_line)" == *" running "* ]]'
expect_match "ps shows it running" \
	"$(ld_line)" "ld ${id:0:12} /run/pb/probe running *"
out=$("$WICK" exec ld cat /proc/1/cmdline | tr '\0' ' ')
expect_eq "exec enters the running sandbox" "$out" "/run/pb/probe "
out=$("$WICK" stop -t 2 ld)
expect_eq "stop ends sandbox and listener" "$out" "ld"
check "… the port is closed" wait_until 20 eval "! is_listening tcp $port"
check "… the socket file is gone" test ! -e "$T/ld.sock"
check "… and the state" test ! -e "$(state_root)/ld"
out=$("$WICK" run -l 127.0.0.1:"$port" --accept --name x true 2>&1)
expect_eq "--accept with --name: one line" "$out" \
	"wick: run: --name cannot be used with --accept (one sandbox per connection)"

# UDP on ::1 and VSOCK: the rest of the seed's transports.
port=$(free_port)
vport=$((port + 1))
if [ $v6 -eq 1 ]; then
	bg "$T/u6.log" "$WICK" run --listen-datagram "[::1]:$port" \
		--listen-stream "vsock::$vport" "${PROBE[@]}"
	wait_until 20 is_listening udp "$port"
	out=$(echo u6 | dgram_reply 20 UDP6:[::1]:"$port")
	expect_match "UDP [::1] answers" "$out" "peer=::1:* u6"
else
	skip "UDP [::1] answers" "no IPv6 loopback here"
fi
# VSOCK loopback (CID 1) needs the vsock_loopback transport; find out on
# the host alone first, so a skip never hides a wick failure.
# One bounded attempt: a VSOCK connect without a transport hangs until
# its own timeout.
bg "$T/vhost.log" socat VSOCK-LISTEN:$((vport + 1)) SYSTEM:'echo vhost'
wait_until 10 eval "ss -Hl --vsock | grep -q ':$((vport + 1))' ||
	! running $BG_PID"
if [ $v6 -eq 1 ] && timeout 3 socat -u VSOCK-CONNECT:1:$((vport + 1)) - \
	2>"$T/vconnect.log" | grep -q vhost; then
	out=$(echo vs | timeout 60 socat -t 20 - VSOCK-CONNECT:1:"$vport")
	expect_match "VSOCK answers" "$out" "peer=* vs"
else
	skip "VSOCK answers" "VSOCK loopback does not work on this host: $(tail -1 "$T/vconnect.log" | sed 's/.* E //')"
fi
