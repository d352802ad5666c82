#!/usr/bin/env bash
# wick activate, behaviours 4 and 6: a service that never takes its trigger
# is paused by the trigger limit with one line, never a tight loop;
# SIGTERM/SIGINT reach the service; wick removes only the socket files it
# made; stale socket files are replaced, live ones refused.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat

port=$(free_port)

# 4. Trigger limit: `true` never reads its datagram.
bg "$T/log" "$WICK" activate -d -l "127.0.0.1:$port" true
wick=$BG_PID
wait_log "$T/log" "as fd 3"
echo dgram | socat -u - "UDP:127.0.0.1:$port"
check "trigger limit reported" wait_log "$T/log" "trigger limit: 20 starts within 2.0s and 127.0.0.1:$port still has a client waiting; pausing 1s"
# Counted up to the pause line: after the pause more starts follow.
starts=$(sed '/trigger limit/q' "$T/log" | grep -c '^wick: started')
expect_eq "exactly 20 starts before the pause" "$starts" 20
# CPU time over half a second that lies within a pause: a sample that a
# slow machine let run past the resume is taken again in the next pause.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
used=
for k in 1 2 3; do
	wait_until 30 eval '[ "$(grep -c "; pausing" "$T/log")" -ge '"$k"' ]' ||
		break
	r=$(grep -c resuming "$T/log")
	t0=$(ticks "$wick")
	sleep 0.5
	t1=$(ticks "$wick")
	[ "$(grep -c resuming "$T/log")" = "$r" ] && used=$((t1 - t0)) && break
done
check "no CPU used while paused (${used:-no sample} ticks)" \
	test -n "$used" -a "${used:-2}" -le 1
check "resumes after the pause" wait_log "$T/log" "resuming: listening again" 20
check "and pauses longer the next time" wait_log "$T/log" "pausing 2s" 20
kill -TERM "$wick"; wait "$wick"
expect_eq "SIGTERM while paused: exit 0" "$?" 0

# 6. SIGTERM and SIGINT reach the service, then wick exits and removes
# its own socket file.
cat >"$T/svc.sh" <<EOS
#!/bin/sh
trap 'echo "got TERM" >"$T/got"; exit 0' TERM
trap 'echo "got INT" >"$T/got"; exit 0' INT
echo running >"$T/running"
i=0
while [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
EOS
chmod +x "$T/svc.sh"
for sig in TERM INT; do
	rm -f "$T/got" "$T/running"
	bg "$T/log-$sig" "$WICK" activate -l "$T/s.sock" --now -- "$T/svc.sh"
	wick=$BG_PID
	wait_until 20 test -e "$T/running"
	kill -"$sig" "$wick"
	wait_until 10 sh -c "! kill -0 $wick"
	wait "$wick"
	st=$?
	expect_eq "SIG$sig reaches the service" "$(cat "$T/got" 2>/dev/null)" "got $sig"
	expect_eq "SIG$sig: wick exits 0 after the service" "$st" 0
	check "SIG$sig: wick's socket file is removed" test ! -e "$T/s.sock"
done

# A socket file replaced by someone else while wick ran stays.
bg "$T/log2" "$WICK" activate -l "$T/r.sock" true
wick=$BG_PID
wait_log "$T/log2" "as fd 3"
rm "$T/r.sock"
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(30)' "$T/r.sock" &
other=$!
_pids+=("$other")
wait_until 20 test -S "$T/r.sock"
kill -TERM "$wick"; wait "$wick"
check "a socket file wick did not make is left alone" test -S "$T/r.sock"

# Live socket: refused as in use; nothing removed.
bad_out=$("$WICK" activate -l "$T/r.sock" true 2>&1)
expect_eq "a live socket path is refused as in use" "$bad_out" \
	"wick: listen $T/r.sock (stream): address already in use (another process listens there)"
check "the live socket stays" test -S "$T/r.sock"
kill "$other"; wait "$other" 2>/dev/null

# Stale socket (left by a crash: nothing accepts) is replaced.
rm -f "$T/stale.sock"
python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$T/stale.sock"
check "stale socket file exists" test -S "$T/stale.sock"
bg "$T/log3" "$WICK" activate -l "$T/stale.sock" -- "$WICK_ECHO"
wick=$BG_PID
check "a stale socket file is replaced" wait_log "$T/log3" "as fd 3"
out=$(echo via-stale | socat -t 20 - "UNIX-CONNECT:$T/stale.sock")
expect_eq "and serves" "$out" via-stale

# The server never unlinks a path it was handed: after it exits the path
# still works.
kill -TERM "$wick"; wait "$wick"
bg "$T/log4" "$WICK" activate -l "$T/kept.sock" -- "$WICK_ECHO" --exit-after 1
wait_log "$T/log4" "as fd 3"
out1=$(echo one | socat -t 20 - "UNIX-CONNECT:$T/kept.sock")
wait_log "$T/log4" "listening again" 20
out2=$(echo two | socat -t 20 - "UNIX-CONNECT:$T/kept.sock")
expect_eq "the path works across service exits" "$out1 $out2" "one two"

# What the service started stops with it: its process group is signalled,
# so no child keeps the port after wick has gone.
kill -TERM "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null
bg "$T/log5" "$WICK" activate -l "127.0.0.1:$port" --now -- \
	sh -c "sleep 30 & echo \$! > $T/child; wait"
wick=$BG_PID
wait_until 20 test -s "$T/child"
child=$(cat "$T/child")
kill -TERM "$wick"; wait "$wick"
# Ended (a zombie left to whoever adopted it holds no socket).
check "SIGTERM: the service's own child is gone too" \
	wait_until 20 eval "! running $child"
check "SIGTERM: the port is free" sh -c "! ss -Hltn 'sport = :$port' | grep -q ."

# A leftover of a service that exited is stopped before the next start.
rm -f "$T/child"
bg "$T/log6" "$WICK" activate -d -l "127.0.0.1:$port" -- \
	sh -c "sleep 30 & echo \$! > $T/child; head -c 1 <&3 >/dev/null"
wick=$BG_PID
wait_log "$T/log6" "as fd 3"
echo x | socat -u - "UDP:127.0.0.1:$port"
wait_until 20 test -s "$T/child"
check "a leftover is stopped when the service exits" \
	wait_log "$T/log6" \
		"stopping what pid [0-9]* left running in its process group" 20
check "… and is gone" wait_until 20 eval "! running $(cat "$T/child")"
kill -TERM "$wick"; wait "$wick"

# SIGTERM during start-up, while 200 socket files are being made: wick
# still removes every one of them.
mkdir "$T/many"
args=()
for i in $(seq 200); do args+=(-l "$T/many/s$i.sock"); done
for delay in 0.001 0.005 0.02; do
	"$WICK" activate "${args[@]}" true 2>/dev/null &
	w=$!
	sleep "$delay"
	kill -TERM "$w"
	wait "$w"
	left=$(ls "$T/many" | wc -l)
	expect_eq "SIGTERM ${delay}s into start-up leaves no socket file" "$left" 0
	rm -f "$T/many"/*
done

# Accept mode with no fd left: the clients stay queued, the pause is
# said once (not every 100 ms), and they are served once fds are back.
bg "$T/log7" "$WICK" activate -a -l "127.0.0.1:$port" -- "$WICK_ECHO"
wick=$BG_PID
wait_log "$T/log7" "as fd 3"
# The limit bounds fd numbers: set it to wick's lowest free one.
nfd=0
while [ -e "/proc/$wick/fd/$nfd" ]; do nfd=$((nfd + 1)); done
prlimit --pid "$wick" --nofile="$nfd:"
hold=()
for i in 1 2 3; do
	(echo "q$i" | socat -t 60 - "TCP:127.0.0.1:$port" >"$T/q$i" \
		2>/dev/null) &
	hold+=($!)
done
check "out of fds: the pause is logged" \
	wait_log "$T/log7" 'pausing until it works' 20
# Retries run every 100 ms at first: a repeated line would show by now.
sleep 1
expect_eq "out of fds: the pause is logged once" \
	"$(grep -c 'pausing until it works' "$T/log7")" 1

check "… naming the remedy" grep -q "raise ulimit -n" "$T/log7"
check "… and wick is still there" running "$wick"
prlimit --pid "$wick" --nofile=1024:
wait "${hold[@]}"
expect_eq "the queued clients are served once fds are back" \
	"$(cat "$T/q1" "$T/q2" "$T/q3" | sort | tr '\n' ' ')" "q1 q2 q3 "
check "… and that is said" grep -q 'accepting again' "$T/log7"
