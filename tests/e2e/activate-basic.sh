#!/usr/bin/env bash
# wick activate, behaviours 1-3: bound before anything runs, asleep while
# idle, fds 3.. in listen order with the LISTEN_* variables, the very
# socket it bound, and queued clients served after a restart.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat ss

port=$(free_port)
ctl=$T/ctl.sock
report=$T/report

# The service describes itself, then serves as wick-echo would.
cat >"$T/describe.sh" <<EOS
#!/bin/sh
# ls runs as a child, so it lists the shell's fds, not a redirection's.
ls -l /proc/\$\$/fd | awk 'NF > 9 {print "fd", \$9, \$11}' >"$report.fds"
echo "pid=\$\$ listen_pid=\$LISTEN_PID fds=\$LISTEN_FDS names=\$LISTEN_FDNAMES" >"$report.tmp"
cat "$report.fds" >>"$report.tmp"
mv "$report.tmp" "$report"
exec "$WICK_BUILD/helpers/wick-envprobe" "$report.probe"
EOS
chmod +x "$T/describe.sh"

bg "$T/log" "$WICK" activate --listen-stream "127.0.0.1:$port" \
	--listen-datagram "127.0.0.1:$port" --listen-stream "$ctl" \
	--fdname web:dns:ctl -- "$T/describe.sh"
wick=$BG_PID
wait_log "$T/log" "as fd 5" || not_ok "wick listens"

# 1. Bound before anything is started, and asleep.
check "TCP bound before any client" is_listening tcp "$port"
check "UDP bound before any client" is_listening udp "$port"
check "Unix socket file exists" test -S "$ctl"
expect_eq "no service started yet" "$(cat /proc/$wick/task/*/children)" ""
t0=$(awk '{print $14 + $15}' "/proc/$wick/stat")
sleep 1
t1=$(awk '{print $14 + $15}' "/proc/$wick/stat")
expect_eq "idle: no CPU time used over 1 s" "$t1" "$t0"
expect_match "idle: asleep in epoll" "$(cat /proc/$wick/wchan)" "*epoll*"
timers=$(grep -h '^it_value' /proc/$wick/fdinfo/* 2>/dev/null | sort -u)
expect_eq "idle: no timer armed" "$timers" "it_value: (0, 0)"

# 2. The first connection starts the service with fds 3, 4, 5 in order.
reply=$(echo hello | socat -t 20 - "TCP:127.0.0.1:$port")
expect_match "first client is answered by the service" "$reply" "*pid_match=1*"
wait_until 20 test -s "$report"
read -r pidline <"$report"
pid=$(sed 's/pid=\([0-9]*\).*/\1/' <<<"$pidline")
expect_eq "LISTEN_PID is the service's own pid" "$pidline" \
	"pid=$pid listen_pid=$pid fds=3 names=web:dns:ctl"
wait_until 20 test -s "$report.probe"
expect_eq "nothing open in the service above fd 5" \
	"$(grep -E '^(open_above|fd[0-9])' "$report.probe")" \
	"fd3=stream family=inet listening=1
fd4=dgram family=inet listening=0
fd5=stream family=unix listening=1
open_above="

# The very sockets wick bound: same inodes as wick's own fds.
inode_of() { readlink "/proc/$1/fd/$2" | tr -dc 0-9; }
for n in 3 4 5; do
	svc=$(awk -v n="$n" '$1 == "fd" && $2 == n {print $3}' "$report" | tr -dc 0-9)
	mine=""
	for f in /proc/$wick/fd/*; do
		[ "$(readlink "$f" | tr -dc 0-9)" = "$svc" ] && mine=yes
	done
	expect_eq "fd $n is a socket wick itself holds" "$mine" yes
done
type_of() { ss -Hlxn src "$ctl" | grep -q . && echo unix; }
expect_eq "fd 5 is the Unix listener" "$(type_of)" unix

# 3. After the service exits the sockets stay; clients queued while it was
# down are all served by the next start.
wait_log "$T/log" "listening again" 20 || not_ok "re-armed after exit"
check "TCP still bound after the service exited" is_listening tcp "$port"
check "socket file kept after the service exited" test -S "$ctl"

kill -TERM "$wick"; wait "$wick" 2>/dev/null
bg "$T/log2" "$WICK" activate -l "127.0.0.1:$port" -- "$WICK_ECHO" --exit-after 10
wick=$BG_PID
wait_log "$T/log2" "as fd 3" || not_ok "wick listens again"
clients=()
for i in $(seq 50); do
	(echo "client $i" | socat -t 20 - "TCP:127.0.0.1:$port" >"$T/c$i" 2>&1) &
	clients+=($!)
done
wait "${clients[@]}"
served=0
for i in $(seq 50); do [ "$(cat "$T/c$i")" = "client $i" ] && served=$((served + 1)); done
expect_eq "50 clients across 5 service restarts: all served" "$served" 50
starts=$(grep -c 'started' "$T/log2")
check "the service was restarted to serve them ($starts starts)" test "$starts" -ge 5
