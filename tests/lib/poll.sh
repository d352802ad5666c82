# Bounded waiting and free loopback ports, for the end-to-end tests
# (tests/lib.sh) and the benchmarks (bench/lib/common.sh). Sourced.
# WAIT_POLL_MS sets how often wait_until polls (default 20 ms).

# wait_until SECONDS CMD…: polls CMD every WAIT_POLL_MS until it succeeds.
wait_until() {
	local ms=${WAIT_POLL_MS:-20} n step
	n=$(($1 * 1000 / ms))
	printf -v step '0.%03d' "$ms"
	shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep "$step"
		n=$((n - 1))
	done
	return 1
}

# free_port: a TCP and UDP port free on loopback right now (at most 1000
# tries). Called as $(free_port), it runs in a subshell, so two calls may
# in rare cases name one port; the bind that follows then says so.
free_port() {
	local p used
	used=$(ss -Htuan 2>/dev/null | awk '{print $5}' | sed 's/.*://' |
		sort -u)
	for _ in $(seq 1000); do
		p=$((20000 + RANDOM % 30000))
		grep -qx "$p" <<<"$used" || break
	done
	echo "$p"
}
