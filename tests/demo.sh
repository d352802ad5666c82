#!/usr/bin/env bash
# make demo: the seed scenario on this machine. wick holds TCP and UDP on
# 127.0.0.1 and ::1, a Unix stream socket and VSOCK, all on one port, and
# starts wick-echo in a sandbox with no network on the first client; the
# real client socat then talks over every transport. PORT= overrides 3000.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
WICK=$PWD/$B/wick
ECHO=$PWD/$B/wick-echo
PORT=${PORT:-3000}
dir=$(mktemp -d /tmp/wick-demo.XXXXXX)
wick_pid=

finish() {
	if [ -n "$wick_pid" ]; then
		kill -TERM "$wick_pid" 2>/dev/null
		wait "$wick_pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap finish EXIT

listeners=(--listen-stream "127.0.0.1:$PORT" --listen-stream "[::1]:$PORT"
	--listen-datagram "127.0.0.1:$PORT" --listen-datagram "[::1]:$PORT"
	--listen-stream "$dir/echo.sock")
vsock=(--listen-stream "vsock::$PORT")

# The sandbox, when this wick has one; plain activation otherwise.
if "$WICK" run --help >/dev/null 2>&1; then
	cmd=(run --network=none "${listeners[@]}")
	how="wick run --network=none (sandboxed, no network of its own)"
else
	cmd=(activate "${listeners[@]}")
	how="wick activate"
fi

start() { # EXTRA-LISTENERS…
	"$WICK" "${cmd[@]}" "$@" -- "$ECHO" 2>"$dir/wick.log" &
	wick_pid=$!
	for _ in $(seq 100); do
		grep -q 'as fd' "$dir/wick.log" &&
			[ "$(grep -c 'as fd' "$dir/wick.log")" -ge $((5 + $#/2)) ] && return 0
		kill -0 "$wick_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

vsock_note=""
if ! start "${vsock[@]}"; then
	vsock_note=$(grep -m1 'vsock' "$dir/wick.log" | sed 's/^wick: //')
	wait "$wick_pid" 2>/dev/null
	wick_pid=
	start || { cat "$dir/wick.log"; echo "demo: wick did not start" >&2; exit 1; }
fi

echo "== $how, holding:"
sed -n 's/^wick: listening on /   /p' "$dir/wick.log"
echo "== socat sends \"hello\" over each transport:"

try() { # LABEL SOCAT-ADDRESS
	local out
	out=$(echo hello | timeout 5 socat -t 3 - "$2" 2>&1)
	if [ "$out" = hello ]; then
		printf '   %-6s %-32s -> %s\n' "$1" "${2#*:}" "$out"
		return 0
	fi
	printf '   %-6s %-32s -> FAILED: %s\n' "$1" "${2#*:}" "$out"
	return 1
}

fails=0
try tcp4 "TCP4:127.0.0.1:$PORT" || fails=$((fails + 1))
try tcp6 "TCP6:[::1]:$PORT" || fails=$((fails + 1))
try udp4 "UDP4:127.0.0.1:$PORT" || fails=$((fails + 1))
try udp6 "UDP6:[::1]:$PORT" || fails=$((fails + 1))
try unix "UNIX-CONNECT:$dir/echo.sock" || fails=$((fails + 1))
if [ -n "$vsock_note" ]; then
	printf '   %-6s %-32s -> skipped: %s\n' vsock "vsock::$PORT" "$vsock_note"
else
	out=$(echo hello | timeout 5 socat -t 3 - "VSOCK-CONNECT:1:$PORT" 2>&1)
	if [ "$out" = hello ]; then
		printf '   %-6s %-32s -> %s\n' vsock "1:$PORT" "$out"
	else
		printf '   %-6s %-32s -> skipped: %s\n' vsock "1:$PORT" \
			"no VSOCK loopback transport on this kernel (${out##*: })"
	fi
fi

if [ "${cmd[0]}" = run ]; then
	echo "== inside a sandbox like the server's, the network is gone:"
	"$WICK" run --network=none -- sh -c "
		echo \"   interfaces: \$(ip -o link | cut -d: -f2 | tr -d ' ' | tr '\\n' ' ')\"
		echo \"   routes:     \$(ip route | wc -l) (none)\"
		if out=\$(echo hello | socat -t 2 - TCP4:127.0.0.1:$PORT 2>&1); then
			echo \"   egress:     127.0.0.1:$PORT answered '\$out' (unexpected)\"
		else
			echo \"   egress:     127.0.0.1:$PORT, which answered outside: \${out##*: }\"
		fi" 2>&1 | head -5
fi

echo "== wick's log:"
sed 's/^/   /' "$dir/wick.log"
[ "$fails" -eq 0 ] || { echo "demo: $fails transport(s) failed" >&2; exit 1; }
