#!/usr/bin/env bash
# podman's own API socket activated by wick: a podman.socket/podman.service
# pair as Debian ships them (with this test's private podman set-up in
# front of the command). curl gets OK from /_ping, and a podman remote
# client lists containers through the socket. Skips with the reason where
# podman cannot run.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"
need curl
if [ ! -r "$WICK_TOP/tests/lib/podman.sh" ]; then
	skip "podman API unit" "tests/lib/podman.sh is not in this tree"
	exit 0
fi
. "$WICK_TOP/tests/lib/podman.sh"
if ! podman_prepare "$T/podman"; then
	skip "podman API unit" "$PODMAN_WHY"
	exit 0
fi

cat >"$UNITS/podman.socket" <<'UNIT'
[Unit]
Description=Podman API Socket
Documentation=man:podman-system-service(1)

[Socket]
ListenStream=%t/podman/podman.sock
SocketMode=0660

[Install]
WantedBy=sockets.target
UNIT
cat >"$UNITS/podman.service" <<UNIT
[Unit]
Description=Podman API Service
Requires=podman.socket
After=podman.socket
Documentation=man:podman-system-service(1)
StartLimitIntervalSec=0

[Service]
Delegate=true
Type=exec
KillMode=process
Environment=LOGGING="--log-level=info"
ExecStart=${PODMAN[*]} \$LOGGING system service

[Install]
WantedBy=default.target
UNIT

sock=$XDG_RUNTIME_DIR/podman/podman.sock
out=$("$WICK" start --unit-path "$UNITS" podman.socket 2>&1)
expect_eq "start exits 0" "$?" 0
unit_track podman.socket
check "socket file made under %t" test -S "$sock"
expect_eq "socket mode from SocketMode=" "$(stat -c %a "$sock")" 660
expect_eq "curl /_ping" \
	"$(timeout 60 curl -s --unix-socket "$sock" http://d/_ping)" OK
out=$(timeout 60 "${PODMAN[@]}" --url "unix://$sock" ps -a 2>&1)
expect_match "podman remote client lists containers" "$out" "CONTAINER ID*"
state=$(unit_state podman.socket)
check "the service got the socket (log)" \
	grep -q "podman.service: started" "$state/log"
out=$("$WICK" stop podman.socket 2>&1)
expect_eq "stop exits 0" "$?" 0
check "state removed" eval "[ ! -e '$state' ]"
