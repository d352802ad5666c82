#!/usr/bin/env bash
# podman interop: a real rootless podman container with no network, started
# by an activator on the first client, serves through the inherited socket.
# systemd-socket-activate is the reference; `wick activate` must match it.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/activator.sh"
. "$(dirname "$0")/../lib/podman.sh"
need socat

# roundtrip PORT TEXT: what the echo server sends back for TEXT.
roundtrip() {
	printf '%s\n' "$2" | timeout 120 socat -t 90 - "TCP:127.0.0.1:$1"
}

# ctr_pid: host pid of the one running container's process.
ctr_pid() {
	local id
	id=$("${PODMAN[@]}" ps -q) && [ -n "$id" ] &&
		"${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$id"
}

# no_containers: --rm removed the container once it ended.
no_containers() { [ -z "$("${PODMAN[@]}" ps -aq 2>/dev/null)" ]; }

# serve_case NAME once|rearm ACTIVATOR…: the activator runs podman; a
# client starts the container and gets its echo; the container saw only
# its socket. With rearm, a client after the container ended starts
# another (systemd-socket-activate is one-shot, wick re-arms).
serve_case() {
	local name=$1 rearm=$2 port t0 t1 got pid cpid env log
	shift 2
	port=$(free_port)
	log="$T/${name// /-}.log"
	bg_listening "$name" "$log" "$port" "$@" -l "127.0.0.1:$port" -- \
		"${PODMAN[@]}" run --rm --network=none "${PODMAN_RUN_OPTS[@]}" \
		"$PODMAN_IMAGE" || return
	pid=$BG_PID
	t0=$(date +%s%N)
	got=$(roundtrip "$port" "hello $name")
	t1=$(date +%s%N)
	expect_eq "$name: first client starts the container and is echoed" \
		"$got" "hello $name"
	diag "$name: connect to echo, cold: $(((t1 - t0) / 1000000)) ms"
	expect_eq "$name: a later client is served by the same container" \
		"$(roundtrip "$port" again)" again

	cpid=$(ctr_pid)
	if [ -n "$cpid" ] && env=$(tr '\0' '\n' <"/proc/$cpid/environ"); then
		expect_eq "$name: container got LISTEN_FDS=1 LISTEN_PID=1" \
			"$(grep -E '^LISTEN_(FDS|PID)=' <<<"$env" | sort |
				tr '\n' ' ')" "LISTEN_FDS=1 LISTEN_PID=1 "
		expect_eq "$name: container has only loopback" \
			"$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' \
				"/proc/$cpid/net/dev")" lo
	else
		not_ok "$name: container process found"
		diag "$(cat "$log")"
	fi

	timeout 60 "${PODMAN[@]}" stop -a -t 1 >/dev/null 2>&1
	check "$name: stopped container is removed (--rm)" \
		wait_until 30 no_containers
	if [ "$rearm" = rearm ]; then
		expect_eq "$name: re-armed, the next client starts a new one" \
			"$(roundtrip "$port" later)" later
		timeout 60 "${PODMAN[@]}" stop -a -t 1 >/dev/null 2>&1
		check "$name: the second container is removed too" \
			wait_until 30 no_containers
	fi
	end_pid "$pid"
}

if ! podman_prepare "$T/podman"; then
	skip "podman" "$PODMAN_WHY"
	exit 0
fi
if is_root && id wicktest >/dev/null 2>&1; then
	out=$(podman_grant_subids wicktest) && [ -n "$out" ] && diag "$out"
fi
if ! podman_echo_binary || ! podman_image wick-echo "$PODMAN_ECHO" ||
	! podman_probe "$PODMAN_IMAGE"; then
	skip "podman" "$PODMAN_WHY"
	exit 0
fi
diag "image $PODMAN_IMAGE holds $(basename "$PODMAN_ECHO")"

if command -v systemd-socket-activate >/dev/null; then
	serve_case systemd-socket-activate once systemd-socket-activate
else
	skip "systemd-socket-activate + podman" \
		"systemd-socket-activate missing"
fi

if "$WICK" activate --help >/dev/null 2>&1; then
	serve_case "wick activate" rearm "$WICK" activate
else
	skip "wick activate + podman" "wick activate is not built ($WICK)"
fi
