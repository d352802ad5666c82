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
starts=$(grep -c '^wick: started' "$T/log")
expect_eq "exactly 20 starts before the pause" "$starts" 20
t0=$(awk '{print $14 + $15}' "/proc/$wick/stat")
sleep 0.5
t1=$(awk '{print $14 + $15}' "/proc/$wick/stat")
check "no CPU used while paused" test $((t1 - t0)) -le 1
check "resumes after the pause" wait_log "$T/log" "resuming: listening again" 5
check "and pauses longer the next time" wait_log "$T/log" "pausing 2s" 5
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
	wait_until 5 test -e "$T/running"
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
wait_until 5 test -S "$T/r.sock"
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
out=$(echo via-stale | socat -t 5 - "UNIX-CONNECT:$T/stale.sock")
expect_eq "and serves" "$out" via-stale

# The server never unlinks a path it was handed: after it exits the path
# still works.
kill -TERM "$wick"; wait "$wick"
bg "$T/log4" "$WICK" activate -l "$T/kept.sock" -- "$WICK_ECHO" --exit-after 1
wait_log "$T/log4" "as fd 3"
out1=$(echo one | socat -t 5 - "UNIX-CONNECT:$T/kept.sock")
wait_log "$T/log4" "listening again"
out2=$(echo two | socat -t 5 - "UNIX-CONNECT:$T/kept.sock")
expect_eq "the path works across service exits" "$out1 $out2" "one two"
