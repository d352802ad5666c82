#!/usr/bin/env bash
# The seed's unit pair run by wick: a template socket unit, an instance
# drop-in with TCP and UDP on 127.0.0.1 and ::1 plus VSOCK, a service that
# runs the echo server (inside `wick run --network=none` when this wick
# has it). `wick start echo@demo.socket` answers socat; status and
# list-sockets show it; `wick stop` leaves nothing behind.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"
need socat

port=$(free_port)
server=$(unit_echo_server)
if unit_has_run; then
	# The sandbox sees the host's root read-only but a private /tmp:
	# the server's directory goes in as a volume.
	dir=$(dirname "$server")
	# --init: the server is not pid 1, so SIGTERM ends it.
	exec_start="$WICK run --init --network=none -v $dir:$dir:ro -- $server"
	post_want="success exited 0" # wick-echo ends cleanly on SIGTERM
else
	diag "this wick has no 'run' yet; the service runs unsandboxed"
	exec_start=$server
	post_want="success killed TERM"
fi

unit_echo_socket "echo server for %I" \
	"ListenStream=127.0.0.1:$port" "ListenStream=[::1]:$port" \
	"ListenDatagram=127.0.0.1:$port" "ListenDatagram=[::1]:$port" \
	"ListenStream=vsock:4294967295:$port"
cat >"$UNITS/echo@.service" <<UNIT
[Unit]
Description=echo server %i
Wants=network-online.target

[Service]
Environment=MARK=%n
ExecStartPre=/bin/sh -c 'echo "\$MARK" > $T/pre-ran'
ExecStart=$exec_start
ExecStopPost=/bin/sh -c 'echo \$SERVICE_RESULT \$EXIT_CODE \$EXIT_STATUS \\
  > $T/post-ran'
UNIT

out=$("$WICK" start --unit-path "$UNITS" echo@demo.socket 2>&1)
st=$?
unit_track echo@demo.socket
expect_eq "start exits 0" "$st" 0
expect_match "start says what it started" "$out" \
	"*started echo@demo.socket (supervisor pid *), activates echo@demo.service*"
state=$(unit_state echo@demo.socket)
check "state directory exists" test -d "$state"
check "tcp4 listening before any client" is_listening tcp "$port"

check "tcp4 echo" echo_check tcp4 "127.0.0.1:$port"
check "tcp6 echo" echo_check tcp6 "[::1]:$port"
check "udp4 echo" echo_check udp4-sendto "127.0.0.1:$port"
check "udp6 echo" echo_check udp6-sendto "[::1]:$port"
if echo_check VSOCK-CONNECT "1:$port" 2>/dev/null; then
	ok "vsock echo"
else
	skip "vsock echo" "no VSOCK loopback on this machine"
fi
expect_eq "ExecStartPre ran with Environment= and %n" \
	"$(cat "$T/pre-ran" 2>/dev/null)" "echo@demo.service"

st_out=$("$WICK" status echo@demo.socket)
expect_match "status names unit and description" "$st_out" \
	"echo@demo.socket - echo server for demo*"
expect_match "status shows the supervisor" "$st_out" \
	"*Active: active, supervisor pid *"
expect_match "status lists the VSOCK listener" "$st_out" \
	"*vsock::$port (stream)*"
expect_match "status shows the running service" "$st_out" \
	"*Service: echo@demo.service, running as pid *"
main_pid=$(cat "$state/main-pid" 2>/dev/null)

ls_out=$("$WICK" list-sockets)
expect_match "list-sockets: tcp4 row" "$ls_out" \
	"*127.0.0.1:$port *stream *echo@demo.socket *echo@demo.service*"
expect_match "list-sockets: udp6 row" "$ls_out" \
	"*[::1]:$port *datagram *echo@demo.socket *echo@demo.service*"
expect_match "list-sockets: count" "$ls_out" "*5 sockets listed."
ps_out=$("$WICK" ps)
expect_eq "wick ps lists no units state as a sandbox" \
	"$(grep -c "^units " <<<"$ps_out")" 0

again=$("$WICK" start --unit-path "$UNITS" echo@demo.socket 2>&1)
expect_eq "second start fails" "$?" 1
expect_match "second start says why" "$again" \
	"*echo@demo.socket: already started (supervisor pid *)*"

sup=$(cat "$state/pid")
out=$("$WICK" stop echo@demo.socket 2>&1)
expect_eq "stop exits 0" "$?" 0
check "supervisor gone" wait_until 20 eval "! running $sup"
check "service gone" \
	wait_until 20 eval "[ -n '$main_pid' ] && ! running $main_pid"
check "state directory removed" eval "[ ! -e '$state' ]"
# The sandboxed server holds the sockets too, and may take a moment more.
check "tcp port released" wait_until 20 eval "! is_listening tcp $port"
check "udp port released" wait_until 20 eval "! is_listening udp $port"
shopt -s extglob
expect_match "ExecStopPost ran, with the service's result" \
	"$(cat "$T/post-ran" 2>/dev/null)" "$post_want"
expect_eq "status after stop" "$("$WICK" status echo@demo.socket; echo $?)" \
	"echo@demo.socket: not started
3"
