# Section 1 — throughput: lighttpd serving 1 KiB and 1 MiB files through
# each path a rootless user could pick, against lighttpd direct (the floor).

TP_PEERS=(floor wick socat slirp4netns pasta podman)
declare -A TP_LABEL=(
	[floor]="lighttpd direct (floor)"
	[wick]="wick run --network=none, socket-activated"
	[socat]="socat fork forwarder"
	[slirp4netns]="slirp4netns port forwarding"
	[pasta]="pasta port forwarding"
	[podman]="podman run -p (rootlessport)"
)
declare -A TP_PORT TP_NA

tp_start_floor() {
	start "$W/log/tp-floor.log" "$LIGHTTPD" -D \
		-f "$(lighttpd_conf tp-floor "$1")"
}

tp_start_wick() {
	wick_has run || { TP_NA[wick]="n/a: wick run not built yet"; return 1; }
	start "$W/log/tp-wick.log" "$WICK" run --network=none \
		-l "127.0.0.1:$1" -- "$LIGHTTPD" -D \
		-f "$(lighttpd_conf tp-wick "$1")"
}

tp_start_socat() {
	start "$W/log/tp-socat.log" socat \
		"TCP-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
		"TCP:127.0.0.1:${TP_PORT[floor]}"
}

# lighttpd in a fresh user+network namespace; slirp4netns forwards
# 127.0.0.1:PORT on the host to port 8080 inside it.
tp_start_slirp4netns() {
	local sock=$W/var/slirp.sock req
	have slirp4netns ||
		{ TP_NA[slirp4netns]="n/a: not installed"; return 1; }
	start "$W/log/tp-slirp-server.log" unshare --user --map-root-user \
		--net -- "$LIGHTTPD" -D -f "$(lighttpd_conf tp-ns 8080 0.0.0.0)"
	local ns=$PID
	# Until unshare has made the namespaces and exec'd, the pid is still
	# setpriv's, whose namespace files the bench user may not open.
	wait_until 5 grep -qx lighttpd "/proc/$ns/comm" || return 1
	rm -f "$sock"
	start "$W/log/tp-slirp.log" slirp4netns --configure --mtu=65520 \
		--disable-host-loopback --api-socket "$sock" "$ns" tap0
	wait_until 5 test -S "$sock" || return 1
	req='{"execute": "add_hostfwd", "arguments": {"proto": "tcp",'
	req+=' "host_addr": "127.0.0.1", "host_port": '$1','
	req+=' "guest_port": 8080}}'
	echo "$req" | as_user socat -t 2 - "UNIX-CONNECT:$sock" |
		grep -q '"return"'
}

tp_start_pasta() {
	have pasta || { TP_NA[pasta]="n/a: not installed"; return 1; }
	start "$W/log/tp-pasta.log" pasta --config-net -f \
		-t "127.0.0.1/$1:8080" -u none -T none -U none -- \
		"$LIGHTTPD" -D -f "$(lighttpd_conf tp-ns 8080 0.0.0.0)"
}

tp_start_podman() {
	[ -z "$PODMAN_NA" ] || { TP_NA[podman]=$PODMAN_NA; return 1; }
	start "$W/log/tp-podman.log" podman --cgroup-manager=cgroupfs \
		--events-backend=file --runtime=runc run --name wick-bench-tp \
		--replace -p "127.0.0.1:$1:8080" $(podman_run_args) \
		/usr/sbin/lighttpd -D -f "$(lighttpd_conf tp-ns 8080 0.0.0.0)"
}

# The first request also wakes the socket-activated server.
tp_ready() {
	curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/index.html"
}

tp_setup() {
	local p
	for p in "${TP_PEERS[@]}"; do
		TP_PORT[$p]=$(free_port)
		[ -n "${TP_NA[$p]:-}" ] && continue
		if ! "tp_start_$p" "${TP_PORT[$p]}"; then
			: "${TP_NA[$p]:=n/a: did not start (its log: $W/log)}"
		elif ! wait_until 20 tp_ready "${TP_PORT[$p]}"; then
			TP_NA[$p]="n/a: no answer on its port after 20 s"
		fi
	done
}

# tp_wrk PORT FILE: requests/s over keep-alive connections.
tp_wrk() {
	timeout $((BENCH_SECONDS + 20)) wrk -t1 -c10 -d"${BENCH_SECONDS}s" \
		"http://127.0.0.1:$1/$2" 2>/dev/null |
		awk '/^Requests\/sec:/ {print $2}'
}

# tp_ratio PEER SIZE DECIMALS: against the floor, pairing rounds.
tp_ratio() {
	paired_ratio "$W/tp-$1-$2" "$W/tp-floor-$2" "$3"
}

tp_row() { # PEER
	local p=$1 k m kmb mmb
	if [ -n "${TP_NA[$p]:-}" ]; then
		out "| ${TP_LABEL[$p]} | ${TP_NA[$p]} | | | | |"
		return
	fi
	read -r k kmin kmax < <(summary "$W/tp-$p-1k")
	read -r m mmin mmax < <(summary "$W/tp-$p-1m")
	kmb=$(awk -v r="$k" 'BEGIN {print r * 1024 / 1e6}')
	mmb=$(awk -v r="$m" 'BEGIN {print r * 1048576 / 1e6}')
	out "| ${TP_LABEL[$p]} |" \
		"$(fnum "$k" 0) ($(fnum "$kmin" 0)–$(fnum "$kmax" 0)) |" \
		"$(fnum "$kmb" 1) | $(tp_ratio "$p" 1k 2) |" \
		"$(fnum "$m" 0) ($(fnum "$mmin" 0)–$(fnum "$mmax" 0)) |" \
		"$(fnum "$mmb" 0) | $(tp_ratio "$p" 1m 2) |"
	TP_RATIO_1K[$p]=$(tp_ratio "$p" 1k 3)
	TP_RATIO_1M[$p]=$(tp_ratio "$p" 1m 3)
}

section_throughput() {
	local r p f v
	declare -gA TP_RATIO_1K TP_RATIO_1M
	have wrk || { out "n/a: wrk is not installed"; return; }
	tun_setup || { TP_NA[slirp4netns]="n/a: no /dev/net/tun"
		TP_NA[pasta]="n/a: no /dev/net/tun"; }
	tp_setup
	for r in $(seq "$BENCH_ROUNDS"); do
		for f in 1k 1m; do
			for p in "${TP_PEERS[@]}"; do
				[ -n "${TP_NA[$p]:-}" ] && continue
				v=$(tp_wrk "${TP_PORT[$p]}" "$f.bin")
				[ -n "$v" ] && echo "$v" >>"$W/tp-$p-$f"
			done
		done
	done
	[ -z "${TP_NA[podman]:-}" ] && podman_ stop -t 2 wick-bench-tp \
		>/dev/null 2>&1
	bench_cleanup
	tun_restore
	out "wrk -t1 -c10 -d${BENCH_SECONDS}s, keep-alive, $BENCH_ROUNDS rounds\
 interleaved; median (min–max); ratio = median over rounds of row / floor\
 in the same round; MB/s of payload."
	out ""
	out "| path | 1 KiB req/s | MB/s | ratio | 1 MiB req/s | MB/s | ratio |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for p in "${TP_PEERS[@]}"; do
		tp_row "$p"
	done
	out ""
	tp_goal
}

tp_goal() {
	local k=${TP_RATIO_1K[wick]:--} m=${TP_RATIO_1M[wick]:--}
	if [ -n "${TP_NA[wick]:-}" ]; then
		goal "wick run ≥ 0.98 × floor" "${TP_NA[wick]}"
	elif num_ok "$k" ">=" 0.98 && num_ok "$m" ">=" 0.98; then
		goal "wick run ≥ 0.98 × floor" "met" "1 KiB $k, 1 MiB $m"
	else
		goal "wick run ≥ 0.98 × floor" "not met" "1 KiB $k, 1 MiB $m"
	fi
}
