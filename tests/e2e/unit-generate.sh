#!/usr/bin/env bash
# `wick generate systemd [--quadlet] -- wick run -l … COMMAND` prints a
# .socket/.service pair that systemd-analyze verify accepts (this works
# without systemd as PID 1: verify only loads the files), a Quadlet
# .container, and units that `wick start` runs to the same effect.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"
need socat systemd-analyze

port=$(free_port)
server=$(unit_echo_server)
gen=$T/gen
mkdir -p "$gen"
wick_abs=$(readlink -f "$WICK")

out=$("$WICK" generate systemd --name echo -- wick run \
	-l "127.0.0.1:$port" --listen-datagram "[::1]:$port" --backlog 16 \
	-E 'GREETING=hi 100%' --network=none -- "$server" 2>&1)
expect_eq "generate prints both units" "$out" "# echo.socket
[Unit]
Description=Sockets of echo

[Socket]
ListenStream=127.0.0.1:$port
ListenDatagram=[::1]:$port
Backlog=16

[Install]
WantedBy=sockets.target

# echo.service
[Unit]
Description=echo, started by its sockets
Requires=echo.socket
After=echo.socket

[Service]
ExecStart=$wick_abs run -E \"GREETING=hi 100%%\" --network=none -- $server

[Install]
Also=echo.socket"

sdir=$(dirname "$server")
"$WICK" generate systemd --name echo --output "$gen" -- wick run \
	-l "127.0.0.1:$port" --listen-datagram "[::1]:$port" \
	--init --network=none -v "$sdir:$sdir:ro" -- "$server"
expect_eq "--output writes the files" "$(cd "$gen" && ls)" \
	"echo.service
echo.socket"

# systemd-analyze warns on stderr and may still exit 0: both must be clean.
verify() {
	systemd-analyze verify "$@" >"$T/verify" 2>&1 && [ ! -s "$T/verify" ]
}
check "systemd-analyze verify accepts the pair" \
	verify "$gen/echo.socket" "$gen/echo.service"
[ -s "$T/verify" ] && diag "$(cat "$T/verify")"
# The check above can fail: a broken unit is reported by the same call.
printf '[Service]\nExecStart=bin/x\n' >"$T/broken.service"
check "systemd-analyze verify rejects a broken unit (control)" \
	eval "! verify '$T/broken.service'"

out=$("$WICK" generate systemd --quadlet --image localhost/echo --name echo \
	-- wick run -l "127.0.0.1:$port" -- "$server" --flag 2>&1)
expect_eq "--quadlet prints a .container" "${out#*# echo.container
}" "[Unit]
Description=echo in a container, started by its sockets
Requires=echo.socket
After=echo.socket

[Container]
Image=localhost/echo
Network=none
Exec=$server --flag

[Install]
Also=echo.socket"
if command -v /usr/libexec/podman/quadlet >/dev/null; then
	mkdir -p "$T/q"
	"$WICK" generate systemd --quadlet --image localhost/echo --name echo \
		--output "$T/q" -- wick run -l "127.0.0.1:$port" -- "$server"
	check "quadlet converts the .container" env \
		QUADLET_UNIT_DIRS="$T/q" /usr/libexec/podman/quadlet -dryrun
else
	skip "quadlet converts the .container" \
		"no quadlet here (Debian 12's podman 4.3 predates it)"
fi

out=$("$WICK" generate systemd -- wick run "$server" 2>&1)
expect_eq "no -l: usage error" "$?" 2
expect_eq "no -l: message" "$out" \
	"wick: generate: after '--' give 'wick run -l ADDR [OPTIONS] COMMAND...' (at least one -l and a command)"
out=$("$WICK" generate systemd --quadlet -- wick run -l 1 x 2>&1)
expect_eq "--quadlet without --image: message" "$out" \
	"wick: generate: --quadlet needs --image IMAGE (podman runs the command from a container image)"

# The same units under wick: needs `wick run`, which the service line uses.
if ! unit_has_run; then
	skip "wick start runs the generated units" "this wick has no 'run' yet"
	exit 0
fi
out=$("$WICK" start --unit-path "$gen" echo.socket 2>&1)
expect_eq "wick start of the generated socket" "$?" 0
unit_track echo.socket
check "generated units: tcp4 echo" echo_check tcp4 "127.0.0.1:$port"
check "generated units: udp6 echo" echo_check udp6-sendto "[::1]:$port"
check "generated units: stop" "$WICK" stop echo.socket
