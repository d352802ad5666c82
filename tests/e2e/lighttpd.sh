#!/usr/bin/env bash
# A real web server, unchanged: Debian's lighttpd with socket activation
# serves its page through the socket an activator made, and keeps serving.
# systemd-socket-activate is the reference; then wick activate, and wick
# run --network=none -l (the sandbox activates itself).
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib/activator.sh"
. "$(dirname "$0")/../lib/lighttpd.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"
need curl

# The first request starts lighttpd (in a sandbox for wick run).
get() { curl -s --max-time 60 "http://127.0.0.1:$1$2"; }

# started DIR: how many times lighttpd started with DIR's config.
started() {
	if [ -f "$1/error.log" ]; then
		grep -c 'server started' "$1/error.log"
	else
		echo 0
	fi
}

# net_of PID: the network interfaces PID sees.
net_of() {
	awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' "/proc/$1/net/dev" |
		sort | tr '\n' ' '
}

# serve_case NAME DIR PORT host|none CMD…: CMD holds the socket on PORT
# and starts lighttpd on the first request; later requests reach the same
# server. With none, lighttpd must see no interface but loopback.
serve_case() {
	local name=$1 dir=$2 port=$3 net=$4 pid log sizes left p n
	shift 4
	log=$dir/activator.log
	bg_listening "$name" "$log" "$port" "$@" || return
	pid=$BG_PID
	expect_eq "$name: nothing started before the first client" \
		"$(started "$dir")" 0
	expect_eq "$name: first request gets the page" "$(get "$port" /)" \
		"$LIGHTTPD_PAGE"
	sizes=
	for _ in 1 2 3; do
		sizes+="$(get "$port" /1k.bin | wc -c) "
	done
	sizes+=$(get "$port" /1m.bin | wc -c)
	expect_eq "$name: later requests served (1 KiB x3, 1 MiB)" \
		"$sizes" "1024 1024 1024 1048576"
	p=$(lighttpd_pids "$LIGHTTPD_CONF")
	n=$(wc -w <<<"$p")
	expect_eq "$name: one lighttpd served them all" \
		"$(started "$dir") $n" "1 1"
	if [ "$net" = none ] && [ "$n" = 1 ]; then
		expect_eq "$name: lighttpd sees only loopback" \
			"$(net_of "$p")" "lo "
	fi
	if [ -s "$dir/error.log" ] && grep -v 'server st' "$dir/error.log" |
		grep -q .; then
		diag "$name: lighttpd said: $(grep -v 'server st' \
			"$dir/error.log" | head -n 3)"
	fi
	end_pid "$pid"
	left=$(lighttpd_pids "$LIGHTTPD_CONF")
	for p in $left; do end_pid "$p"; done
	expect_eq "$name: ending the activator ends lighttpd" \
		"$(running "$pid" && echo "$pid")$left" ""
}

# prepare_case NAME: a fresh directory and port per case, so that no case
# depends on a socket the previous one left in TIME_WAIT.
prepare_case() {
	port=$(free_port)
	dir=$T/$1
	lighttpd_prepare "$dir" 127.0.0.1 "$port"
}

if ! prepare_case ref; then
	skip "lighttpd" "$LIGHTTPD_WHY"
	exit 0
fi
if command -v systemd-socket-activate >/dev/null; then
	serve_case systemd-socket-activate "$dir" "$port" host \
		systemd-socket-activate -l "127.0.0.1:$port" \
		"$LIGHTTPD" -D -f "$LIGHTTPD_CONF"
else
	skip "systemd-socket-activate + lighttpd" \
		"systemd-socket-activate missing"
fi

if "$WICK" activate --help >/dev/null 2>&1 && prepare_case activate; then
	serve_case "wick activate" "$dir" "$port" host \
		"$WICK" activate -l "127.0.0.1:$port" -- \
		"$LIGHTTPD" -D -f "$LIGHTTPD_CONF"
else
	skip "wick activate + lighttpd" "wick activate is not built ($WICK)"
fi

# The sandbox gets a private /tmp, so the test directory is bound in.
if "$WICK" run --help >/dev/null 2>&1 && prepare_case run; then
	give_to_sandbox "$dir" # lighttpd logs there as root inside
	serve_case "wick run --network=none" "$dir" "$port" none \
		"$WICK" run --network=none -v "$T:$T" -l "127.0.0.1:$port" \
		"$LIGHTTPD" -D -f "$LIGHTTPD_CONF"
else
	skip "wick run --network=none + lighttpd" \
		"wick run is not built ($WICK)"
fi
