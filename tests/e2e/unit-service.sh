#!/usr/bin/env bash
# The [Service] keys a started socket unit acts on: Type=notify with
# READY=1 and TimeoutStartSec=, Restart=on-failure and its limit,
# ExecStartPre= failures with and without '-', Accept=yes with the
# connection on fd 3 and REMOTE_ADDR, Environment=, EnvironmentFile=,
# WorkingDirectory=, $VAR splitting, PrivateNetwork= and NoNewPrivileges=.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"
need socat python3

# start_unit NAME: starts it and ends it with the test.
start_unit() {
	"$WICK" start --unit-path "$UNITS" "$1" >"$T/start.log" 2>&1
	local st=$?
	unit_track "$1"
	return $st
}
logf() { echo "$(unit_state "$1")/log"; }
# poke PORT: one client; its answer may need a sandbox started first. A
# service that answers closes the connection, so the budget costs nothing.
poke() { printf 'x\n' | timeout 60 socat -t 30 - "TCP:127.0.0.1:$1" 2>&1; }

# Type=notify: READY=1 from the server marks it ready.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/ntf.socket"
printf '[Service]\nType=notify\nExecStart=%s\n' \
	"$WICK_TOP/tests/lib/echo.py" >"$UNITS/ntf.service"
check "notify: start" start_unit ntf.socket
check "notify: echo" echo_check tcp4 "127.0.0.1:$port"
check "notify: READY=1 taken from NOTIFY_SOCKET" \
	wait_log "$(logf ntf.socket)" "ntf.service: ready (pid " 20
check "notify: stop" "$WICK" stop ntf.socket

# Type=notify without READY=1: stopped after TimeoutStartSec=.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/slow.socket"
printf '[Service]\nType=notify\nTimeoutStartSec=300ms\n%s\n' \
	"ExecStart=/bin/sleep 30" >"$UNITS/slow.service"
check "start timeout: start" start_unit slow.socket
poke "$port" >/dev/null &
_pids+=($!)
check "start timeout: named in the log" wait_log "$(logf slow.socket)" \
	"slow.service: not ready within TimeoutStartSec=; stopping it" 20
check "start timeout: stop" "$WICK" stop slow.socket

# Restart=on-failure: 1 start and 5 restarts, then it gives up.
port=$(free_port)
printf '[Socket]\nListenDatagram=127.0.0.1:%s\n' "$port" >"$UNITS/rs.socket"
cat >"$UNITS/rs.service" <<UNIT
[Service]
Restart=on-failure
RestartSec=10ms
ExecStart=/bin/sh -c 'echo run >> $T/rs-count; exit 3'
UNIT
check "restart: start" start_unit rs.socket
printf 'x' | socat - "UDP-SENDTO:127.0.0.1:$port"
check "restart: gives up after 5 restarts" wait_log "$(logf rs.socket)" \
	"rs.service: restarted 5 times within 10s; giving up" 20
expect_eq "restart: 6 runs before giving up" \
	"$(head -n 6 "$T/rs-count" | wc -l)" 6
out=$("$WICK" status rs.socket)
expect_match "restart: status shows the last lines of its log" "$out" \
	"*Service: rs.service, *

  wick: rs.service: *exited with status 3*"
expect_eq "… five of them" "$(echo "$out" | grep -c '^  wick: ')" 5
check "restart: stop" "$WICK" stop rs.socket

# ExecStartPre: '-' ignores a failure; without it the service does not
# start, and ExecStopPost still runs with the result.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/pre.socket"
cat >"$UNITS/pre.service" <<UNIT
[Service]
ExecStartPre=-/bin/false
ExecStartPre=/bin/sh -c 'exit 4'
ExecStart=/bin/sh -c 'echo ran > $T/pre-main'
ExecStopPost=/bin/sh -c 'echo \$SERVICE_RESULT > $T/pre-post'
UNIT
check "pre: start" start_unit pre.socket
poke "$port" >/dev/null &
_pids+=($!)
check "pre: the failure is logged" wait_log "$(logf pre.socket)" \
	"pre.service: ExecStartPre /bin/sh failed with status 4" 20
check "pre: ExecStopPost saw exit-code" \
	wait_until 20 grep -qx exit-code "$T/pre-post"
check "pre: main command did not run" eval "[ ! -e '$T/pre-main' ]"
check "pre: stop" "$WICK" stop pre.socket

# A command that cannot be started is named with its cause.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/pre2.socket"
printf '[Service]\nExecStartPre=/nonexistent/pre\nExecStart=/bin/true\n' \
	>"$UNITS/pre2.service"
check "pre2: start" start_unit pre2.socket
poke "$port" >/dev/null &
_pids+=($!)
check "pre2: a missing ExecStartPre is named with its cause" \
	wait_log "$(logf pre2.socket)" \
		"/nonexistent/pre.*No such file or directory" 20
check "pre2: stop" "$WICK" stop pre2.socket

# Accept=yes: the connection is fd 3 of one instance per client.
port=$(free_port)
mkdir -p "$T/wd"
printf 'B="b c"\n# comment\nC=one two\n' >"$T/envfile"
printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\n' "$port" \
	>"$UNITS/acc.socket"
cat >"$UNITS/acc@.service" <<UNIT
[Service]
Environment=A=a
EnvironmentFile=$T/envfile
EnvironmentFile=-$T/missing
WorkingDirectory=$T/wd
ExecStart=/bin/sh -c 'echo "\$A|\$B|\$PWD|\$REMOTE_ADDR|\$#|%i" >&3' sh \$C
UNIT
check "accept: start" start_unit acc.socket
expect_eq "accept: env, files, workdir, REMOTE_ADDR, \$C split, %i" \
	"$(poke "$port")" "a|b c|$T/wd|127.0.0.1|2|0"

if unit_has_run; then
	cat >"$UNITS/acc@.service" <<UNIT
[Service]
PrivateNetwork=yes
NoNewPrivileges=yes
ExecStart=/bin/sh -c 'exec >&3; ls /sys/class/net | tr "\\n" " "; \\
  grep NoNewPrivs /proc/self/status'
UNIT
	check "sandboxed: restart the unit" "$WICK" stop acc.socket
	check "sandboxed: start" start_unit acc.socket
	expect_eq "PrivateNetwork=yes: only lo, through wick run" \
		"$(poke "$port" | head -n 1)" "lo NoNewPrivs:	1"
else
	skip "PrivateNetwork=yes" "this wick has no 'run'"
fi
check "accept: stop" "$WICK" stop acc.socket

# MaxConnectionsPerSource=1: a second connection from the same address is
# refused while the first is served; another source address is served.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\nAccept=yes\n%s\n' "$port" \
	"MaxConnectionsPerSource=1" >"$UNITS/per.socket"
# The instance answers and runs on for 30 s: the source stays counted
# however slow the machine is. (Its connection stays open meanwhile, as
# under systemd, which holds an Accept=yes connection for the instance.)
printf '[Service]\nExecStart=/bin/sh -c %s\n' "'echo hi >&3; sleep 30'" \
	>"$UNITS/per@.service"
check "per source: start" start_unit per.socket
# from ADDRESS: what a client from ADDRESS gets: the answer once it is
# there, or nothing once the connection is closed on it.
from() {
	local out pid
	out=$(mktemp "$T/from.XXXXXX")
	timeout 30 socat -u "TCP:127.0.0.1:$port,bind=$1" - >"$out" \
		2>/dev/null &
	pid=$!
	wait_until 30 eval "grep -q . '$out' || ! running $pid"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cat "$out"
}
from 127.0.0.1 >"$T/first" &
_pids+=($!)
wait_until 20 grep -q hi "$T/first"
expect_eq "per source: second from 127.0.0.1 refused" "$(from 127.0.0.1)" ""
check "per source: refusal logged" wait_log "$(logf per.socket)" \
	"refused connection from 127.0.0.1:[0-9]*: 1 instances for that source"
expect_eq "per source: 127.0.0.2 served" "$(from 127.0.0.2)" hi
check "per source: stop" "$WICK" stop per.socket

# wick start X.service: its X.socket listens and X.service runs at once,
# before any client, as systemd starts a service with its socket unit.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/now.socket"
cat >"$UNITS/now.service" <<UNIT
[Service]
ExecStartPre=/bin/sh -c 'echo ran >$T/now-ran'
ExecStart=$WICK_ECHO
UNIT
"$WICK" start --unit-path "$UNITS" now.service >"$T/now.log" 2>&1
expect_eq "service: start now.service exits 0" "$?" 0
unit_track now.socket
expect_match "service: … saying which socket unit runs it" \
	"$(cat "$T/now.log")" "wick: started now.socket (supervisor pid *), runs now.service"
check "service: it runs before any client" wait_until 10 test -e "$T/now-ran"
check "service: status now.service shows it running" wait_until 10 sh -c \
	"'$WICK' status now.service | grep -q 'Service: now.service, running as pid'"
check "service: the socket serves" echo_check tcp4 "127.0.0.1:$port"
out=$("$WICK" stop now.service 2>&1)
expect_eq "service: stop now.service stops both" "$out" \
	"wick: stopped now.service and the socket unit that runs it"
check "service: … and leaves no state" test ! -e "$(unit_state now.socket)"

printf '[Service]\nExecStart=/bin/true\n' >"$UNITS/lone.service"
out=$("$WICK" start --unit-path "$UNITS" lone.service 2>&1)
expect_eq "service: one without a socket unit is refused (exit 1)" \
	"$?:$out" "1:wick: lone.service: wick starts a service through its socket unit and finds no lone.socket (write one, or run the command with 'wick run')"
printf '[Socket]\nListenStream=127.0.0.1:%s\nService=lone.service\n' \
	"$port" >"$UNITS/other.socket"
printf '[Service]\nExecStart=/bin/true\n' >"$UNITS/other.service"
out=$("$WICK" start --unit-path "$UNITS" other.service 2>&1)
expect_eq "service: one its socket does not activate is refused" \
	"$?:$out" "1:wick: other.service: other.socket activates lone.service, so it cannot start it; nothing started (start other.socket itself)"
check "service: … and nothing listens" sh -c "! ss -Hltn 'sport = :$port' |
	grep -q ."

# status shows the service's output safely: control bytes escaped (no
# terminal escape sequence gets through), NUL shown, long lines cut.
cat >"$T/noisy.sh" <<'SH'
#!/bin/sh
printf '\033]0;title\007\033[2Jred\n'
printf 'before\000after\n'
head -c 5000 /dev/zero | tr '\000' a
printf '\nlast\n'
exec sleep 60
SH
chmod 755 "$T/noisy.sh"
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/noisy.socket"
printf '[Service]\nExecStart=%s\n' "$T/noisy.sh" >"$UNITS/noisy.service"
"$WICK" start --unit-path "$UNITS" noisy.service >/dev/null 2>&1
unit_track noisy.socket
check "noisy: its output reaches the log" wait_log "$(logf noisy.socket)" '^last$'
out=$("$WICK" status noisy.service)
check "noisy: no escape byte reaches the terminal" \
	eval '! printf "%s" "$out" | grep -q "$(printf "\033")"'
check "noisy: escapes shown as \\x1b" eval \
	'printf "%s\n" "$out" | grep -qxF "  \\x1b]0;title\\x07\\x1b[2Jred"'
check "noisy: NUL shown, the rest of the line kept" eval \
	'printf "%s\n" "$out" | grep -qxF "  before\\x00after"'
expect_match "noisy: a long line cut" "$out" "*  $(printf 'a%.0s' $(seq 240)) …*"
expect_match "noisy: the last line there" "$out" "*
  last"
"$WICK" stop noisy.service >/dev/null

# A supervisor killed with SIGKILL takes its service along: nothing keeps
# the unit's port, and the unit starts again.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/kill9.socket"
printf '[Service]\nExecStart=%s\n' "$WICK_ECHO" >"$UNITS/kill9.service"
"$WICK" start --unit-path "$UNITS" kill9.service >/dev/null 2>&1
unit_track kill9.socket
sup=$(cat "$(unit_state kill9.socket)/pid")
check "kill9: the service runs" wait_until 20 sh -c \
	"'$WICK' status kill9.service | grep -q 'running as pid'"
main=$("$WICK" status kill9.service | sed -n 's/.*running as pid \([0-9]*\).*/\1/p')
kill -KILL "$sup"
check "kill9: the service ends with its supervisor" wait_until 20 eval \
	'[ -n "$main" ] && ! running "$main"'
check "kill9: … and the port is free" wait_until 20 eval \
	'! is_listening tcp "$port"'
"$WICK" stop kill9.service >/dev/null 2>&1
check "kill9: the unit starts again" "$WICK" start --unit-path "$UNITS" \
	kill9.service
unit_track kill9.socket
check "kill9: … and serves" echo_check tcp4 "127.0.0.1:$port"
"$WICK" stop kill9.service >/dev/null
