# Bounded waiting and free loopback ports, for the end-to-end tests
# (tests/lib.sh) and the benchmarks (bench/lib/common.sh). Sourced.
# WAIT_POLL_MS sets how often wait_until polls (default 20 ms).

# wait_until SECONDS CMD…: polls CMD every WAIT_POLL_MS until it succeeds.
# Its locals have names of their own: CMD sees them (bash scopes
# dynamically), and a test's own $n in CMD must stay the test's.
wait_until() {
	local _wait_ms=${WAIT_POLL_MS:-20} _wait_left _wait_step
	_wait_left=$(($1 * 1000 / _wait_ms))
	printf -v _wait_step '0.%03d' "$_wait_ms"
	shift
	while [ "$_wait_left" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep "$_wait_step"
		_wait_left=$((_wait_left - 1))
	done
	return 1
}

# free_port: a TCP and UDP port free on loopback right now (at most 1000
# tries). Called as $(free_port), it runs in a subshell, so two calls may
# in rare cases name one port; the bind that follows then says so. It is
# taken below the kernel's range for clients' local ports when there is
# room, so that no connection (ours or another test's) gets it as its
# local port between this check and the bind.
free_port() {
	local p used lo=32768 hi=60999 base=20000 span
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	span=$((lo - base))
	if [ "$span" -lt 2000 ]; then
		base=$((hi + 1)) span=$((65536 - hi - 1))
	fi
	[ "$span" -ge 2000 ] || base=20000 span=30000
	used=$(ss -Htuan 2>/dev/null | awk '{print $5}' | sed 's/.*://' |
		sort -u)
	for _ in $(seq 1000); do
		p=$((base + (RANDOM * 32768 + RANDOM) % span))
		grep -qx "$p" <<<"$used" || break
	done
	echo "$p"
}
