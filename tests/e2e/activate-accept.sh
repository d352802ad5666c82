#!/usr/bin/env bash
# wick activate --accept and --inetd: one instance per connection, the
# connection on fd 3 (or stdin/stdout), REMOTE_ADDR/REMOTE_PORT set, the
# instance count bounded by --max-connections with a logged refusal.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat

port=$(free_port)

cat >"$T/inst.sh" <<'EOS'
#!/bin/sh
exec >&3 <&3
echo "fds=$LISTEN_FDS pid_ok=$([ "$LISTEN_PID" = $$ ] && echo y) names=$LISTEN_FDNAMES remote=$REMOTE_ADDR:$REMOTE_PORT"
head -n 1
EOS
chmod +x "$T/inst.sh"
bg "$T/log" "$WICK" activate -a -l "127.0.0.1:$port" -- "$T/inst.sh"
wick=$BG_PID
wait_log "$T/log" "as fd 3"
# A client port checked free, not port + 1, which may be taken.
cport=$(free_port)
out=$(echo ping | socat -t 20 - "TCP:127.0.0.1:$port,bind=127.0.0.1:$cport")
expect_eq "accept: connection on fd 3 with REMOTE_ADDR/PORT" "$out" \
	"fds=1 pid_ok=y names=connection remote=127.0.0.1:$cport
ping"
out=$(echo pong | socat -t 20 - "TCP:127.0.0.1:$port")
expect_match "accept: a second connection gets its own instance" "$out" \
	"fds=1 pid_ok=y names=connection remote=127.0.0.1:*pong"
kill -TERM "$wick"; wait "$wick" 2>/dev/null

# IPv6 peers are shown without brackets, as systemd sets REMOTE_ADDR.
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	bg "$T/log6" "$WICK" activate -a -l "[::1]:$port" -- "$T/inst.sh"
	wait_log "$T/log6" "as fd 3"
	out=$(echo x | socat -t 20 - "TCP6:[::1]:$port" 2>/dev/null | head -n 1)
	expect_match "accept: IPv6 REMOTE_ADDR has no brackets" "$out" "*remote=::1:*"
	kill -TERM "$BG_PID"; wait "$BG_PID" 2>/dev/null
else
	skip "accept: IPv6 REMOTE_ADDR" "no ::1 on lo"
fi

# --inetd: the connection is stdin and stdout, and no LISTEN_* is set.
bg "$T/log3" "$WICK" activate --accept --inetd -l "127.0.0.1:$port" -- \
	sh -c 'read -r l; echo "got=$l fds=${LISTEN_FDS-unset} pid=${LISTEN_PID-unset} remote=$REMOTE_ADDR"'
wait_log "$T/log3" "as fd 3"
out=$(echo hi | socat -t 20 - "TCP:127.0.0.1:$port")
expect_eq "inetd: stdin/stdout is the connection, no LISTEN_*" "$out" \
	"got=hi fds=unset pid=unset remote=127.0.0.1"
kill -TERM "$BG_PID"; wait "$BG_PID" 2>/dev/null

# --max-connections: the third concurrent connection is refused and logged.
bg "$T/log4" "$WICK" activate -a --max-connections 2 -l "127.0.0.1:$port" -- \
	sh -c 'echo up >&3; read -r l <&3'
wick=$BG_PID
wait_log "$T/log4" "as fd 3"
# The two held clients stay until the file release appears (not for a
# fixed time, which a slow machine could use up before the third comes).
held=()
for i in 1 2; do
	(wait_until 60 test -e "$T/release" |
		socat -t 5 - "TCP:127.0.0.1:$port" >"$T/held$i") &
	held+=($!)
done
check "two instances run" eval 'wait_until 20 grep -q up "$T/held1" &&
	wait_until 20 grep -q up "$T/held2"'
# An instance would say "up": give it time to, the refusal closes at once.
out=$(socat -t 10 - "TCP:127.0.0.1:$port" </dev/null 2>&1)
expect_eq "third connection is closed without an instance" "$out" ""
check "refusal is logged naming the limit" wait_log "$T/log4" \
	"refused connection from 127.0.0.1:.*--max-connections 2"
touch "$T/release"
wait "${held[@]}"
kill -TERM "$wick"; wait "$wick" 2>/dev/null

# seqpacket with --accept is allowed.
bg "$T/log5" "$WICK" activate --accept --seqpacket -l "$T/seq.sock" -- \
	sh -c 'echo seq-ok >&3'
wait_log "$T/log5" "as fd 3"
out=$(socat -t 20 - "UNIX-CONNECT:$T/seq.sock,type=5" </dev/null 2>&1)
expect_eq "--seqpacket --accept serves a connection" "$out" "seq-ok"
kill -TERM "$BG_PID"; wait "$BG_PID" 2>/dev/null

# 200 clients that connect and reset at once: no zombies, no leaked fds,
# and the next normal client is served.
bg "$T/log6" "$WICK" activate -a -l "127.0.0.1:$port" -- "$T/inst.sh"
wick=$BG_PID
wait_log "$T/log6" "as fd 3"
before=$(fd_count "$wick")
clients=()
for i in $(seq 200); do
	socat -u /dev/null "TCP:127.0.0.1:$port,linger=0" 2>/dev/null &
	clients+=($!)
done
wait "${clients[@]}"
# The clients are gone, but wick may still be taking their connections
# off the queue: wait until none is queued, no instance runs and its fd
# count is back (a leak keeps it up until the budget ends).
settled() {
	[ "$(ss -Hltn "sport = :$port" | awk '{print $2}')" = 0 ] &&
		! grep -q . /proc/"$wick"/task/*/children &&
		[ "$(fd_count "$wick")" = "$before" ]
}
wait_until 30 settled
zombies=$(ps -o stat= --ppid "$wick" | grep -c Z)
expect_eq "after 200 resets: no zombies" "$zombies" 0
expect_eq "after 200 resets: no leaked fds" "$(fd_count "$wick")" "$before"
[ "$(fd_count "$wick")" = "$before" ] ||
	diag "$(ls -l "/proc/$wick/fd" | awk 'NF > 9 {print $9, $11}')"
out=$(echo after | socat -t 20 - "TCP:127.0.0.1:$port" | tail -n 1)
expect_eq "after 200 resets: the next client is served" "$out" after
check "wick is still running" running "$wick"

# Instances that ended are not counted against --max-connections, even
# when wick has not read their SIGCHLD yet: with a limit of 1, a client
# that waits for the previous one to finish is never refused.
kill -TERM "$wick"; wait "$wick" 2>/dev/null
bg "$T/log7" "$WICK" activate -a --max-connections 1 -l "127.0.0.1:$port" -- \
	sh -c 'echo one >&3'
wick=$BG_PID
wait_log "$T/log7" "as fd 3"
answered=0
for i in $(seq 100); do
	[ "$(socat -t 20 - "TCP:127.0.0.1:$port" </dev/null 2>/dev/null)" = \
		one ] &&
		answered=$((answered + 1))
done
expect_eq "max-connections 1: 100 sequential clients all served" "$answered" 100
expect_eq "max-connections 1: nobody refused" "$(grep -c refused "$T/log7")" 0
