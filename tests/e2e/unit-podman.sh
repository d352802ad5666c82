#!/usr/bin/env bash
# The seed's service unit with its real `podman run --cidfile=%t/%n.ctr-id
# --cgroups=no-conmon --rm --sdnotify=conmon --replace --name echo-%i
# --detach --network none IMAGE` line, Type=notify, NotifyAccess=all and
# the ExecStartPre/ExecStop/ExecStopPost cidfile clean-up, started by
# `wick start echo@demo.socket`: socat is answered by the container, and
# `wick stop` leaves no container behind. Skips with the reason where
# podman cannot run.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"
need socat
if [ ! -r "$WICK_TOP/tests/lib/podman.sh" ]; then
	skip "podman unit" "tests/lib/podman.sh is not in this tree"
	exit 0
fi
. "$WICK_TOP/tests/lib/podman.sh"
if ! podman_prepare "$T/podman" || ! podman_echo_binary ||
	! podman_image socket-activate-echo "$PODMAN_ECHO" ||
	! podman_probe "$PODMAN_IMAGE"; then
	skip "podman unit" "$PODMAN_WHY"
	exit 0
fi

port=$(free_port)
podman_cmd="${PODMAN[*]}"
run_opts="${PODMAN_RUN_OPTS[*]}"
unit_echo_socket "echo server %I in a container" \
	"ListenStream=127.0.0.1:$port" "ListenStream=[::1]:$port"
# As the seed writes it, with this test's private podman set-up in front.
cat >"$UNITS/echo@.service" <<UNIT
[Unit]
Description=socket-activate-echo for %I
Wants=network-online.target
After=network-online.target
RequiresMountsFor=%t/containers

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n-%i
Restart=on-failure
TimeoutStopSec=70
ExecStartPre=/bin/rm -f %t/%n.ctr-id
ExecStart=$podman_cmd run \\
  --cidfile=%t/%n.ctr-id \\
  --cgroups=no-conmon \\
  --rm \\
  --sdnotify=conmon \\
  --replace \\
  --name echo-%i \\
  --detach \\
  --network none $run_opts \\
    $PODMAN_IMAGE
ExecStop=$podman_cmd stop --ignore --cidfile=%t/%n.ctr-id
ExecStopPost=$podman_cmd rm -f --ignore --cidfile=%t/%n.ctr-id
Type=notify
NotifyAccess=all

[Install]
WantedBy=default.target
UNIT

out=$("$WICK" start --unit-path "$UNITS" echo@demo.socket 2>&1)
expect_eq "start exits 0" "$?" 0
unit_track echo@demo.socket
state=$(unit_state echo@demo.socket)
check "the container answers on tcp4" echo_check tcp4 "127.0.0.1:$port"
check "the container answers on tcp6" echo_check tcp6 "[::1]:$port"
# podman ps may briefly miss a container while podman run finishes.
names() { "${PODMAN[@]}" ps --format '{{.Names}}' 2>&1; }
wait_until 10 eval '[ "$(names)" = echo-demo ]'
expect_eq "one container, named from %i" "$(names)" "echo-demo"
check "cidfile written under %t" \
	test -s "$XDG_RUNTIME_DIR/echo@demo.service.ctr-id"
check "READY=1 arrived (log)" grep -q "echo@demo.service: ready" "$state/log"
check "MAINPID moved to conmon (log)" \
	grep -q "echo@demo.service: main process is now pid" "$state/log"
check "a later client is served by the same container" \
	echo_check tcp4 "127.0.0.1:$port"
wait_until 10 eval '[ "$(names)" = echo-demo ]'
expect_eq "still one container" "$(names)" "echo-demo"
# The service followed MAINPID to conmon: `podman run --detach` exiting
# did not end it, so no client started (and --replace'd) a second one.
expect_eq "the service was started once" \
	"$(grep -c "started echo@demo.service as pid" "$state/log")" 1

# wick-echo is pid 1 in the container and has no SIGTERM handler, so
# ExecStop's podman stop waits its 10 s and kills it.
out=$("$WICK" stop echo@demo.socket 2>&1)
expect_eq "stop exits 0" "$?" 0
no_containers() { [ -z "$("${PODMAN[@]}" ps -aq 2>&1)" ]; }
wait_until 30 no_containers
expect_eq "no container left" "$("${PODMAN[@]}" ps -aq 2>&1)" ""
check "state removed" eval "[ ! -e '$state' ]"
check "port released" wait_until 20 eval "! is_listening tcp $port"
