# Section 5 — idle cost: memory and wake-ups of activators that wait for
# their first client, and the memory wick adds around a sandboxed server,
# next to what the podman path adds. One 5-second window for all rows.

ID_PEERS=(wick ssa tcpserver wick_run podman)
ID_SECONDS=${BENCH_IDLE_SECONDS:-5}
declare -A ID_LABEL=(
	[wick]="wick activate, idle"
	[ssa]="systemd-socket-activate, idle"
	[tcpserver]="tcpserver, idle"
	[wick_run]="wick run --network=none -l: wick's processes around\
 lighttpd"
	[podman]="systemd-socket-activate + podman run --network=none:\
 podman, conmon and pause process around lighttpd"
)
declare -A ID_NA ID_PID ID_PORT

# id_procs PEER: the pids a row counts (the server's own excluded).
id_procs() {
	local p=$1 root=${ID_PID[$1]} c pause
	case $p in
	podman)
		echo "$root"
		descendants "$root"
		c=$(podman_ inspect --format '{{.State.ConmonPid}}' \
			wick-bench-idle 2>/dev/null)
		[ -n "$c" ] && [ "$c" != 0 ] && echo "$c"
		pause=${BENCH_XDG:-/nonexistent}/libpod/tmp/pause.pid
		[ -f "$pause" ] && cat "$pause"
		[ -n "$c" ] && [ "$c" != 0 ] && descendants "$c" ;;
	*) echo "$root"; descendants "$root" ;;
	esac | while read -r c; do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = lighttpd ] || echo "$c"
	done
}

# id_sample PID…: "RSS_KB PSS_KB CONTEXT_SWITCHES" summed over PIDs.
id_sample() {
	local p rss pss cs t_rss=0 t_pss=0 t_cs=0
	for p in "$@"; do
		rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null)
		pss=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" \
			2>/dev/null)
		cs=$(awk '/ctxt_switches:/ {s += $2} END {print s}' \
			"/proc/$p/status" 2>/dev/null)
		t_rss=$((t_rss + ${rss:-0}))
		t_pss=$((t_pss + ${pss:-0}))
		t_cs=$((t_cs + ${cs:-0}))
	done
	echo "$t_rss $t_pss $t_cs"
}

id_start() { # PEER PORT
	local a=127.0.0.1:$2 conf
	conf=$(lighttpd_conf "id-$1" "$2")
	case $1 in
	wick) wick_has activate || { ID_NA[wick]="n/a: wick activate not\
 built yet"; return 1; }
		start "$W/log/id-wick.log" "$WICK" activate -l "$a" -- cat ;;
	ssa) start "$W/log/id-ssa.log" systemd-socket-activate -l "$a" cat ;;
	tcpserver) have tcpserver || { ID_NA[tcpserver]="n/a: not installed"
		return 1; }
		start "$W/log/id-tcpserver.log" tcpserver -R -H -l0 127.0.0.1 \
			"$2" cat ;;
	wick_run) wick_has run || { ID_NA[wick_run]="n/a: wick run not built\
 yet"; return 1; }
		start "$W/log/id-wick_run.log" "$WICK" run --network=none \
			-l "$a" -- "$LIGHTTPD" -D -f "$conf" ;;
	podman) [ -z "$PODMAN_NA" ] || { ID_NA[podman]=$PODMAN_NA; return 1; }
		start "$W/log/id-podman.log" systemd-socket-activate -l "$a" \
			-E XDG_RUNTIME_DIR \
			podman --cgroup-manager=cgroupfs --events-backend=file \
			--runtime=runc run --replace --name wick-bench-idle \
			--network=none $(podman_run_args) /usr/sbin/lighttpd \
			-D -f "$conf" ;;
	esac
}

id_wake() { # PEER: the sandboxed rows start their server first.
	local port=${ID_PORT[$1]}
	case $1 in
	wick_run | podman)
		wait_until 20 curl -s -o /dev/null -m 1 \
			"http://127.0.0.1:$port/index.html" ||
			ID_NA[$1]="n/a: no answer on port $port" ;;
	esac
}

section_idle() {
	local p before after
	declare -A s0 s1
	for p in "${ID_PEERS[@]}"; do
		ID_PORT[$p]=$(free_port)
		id_start "$p" "${ID_PORT[$p]}" || continue
		ID_PID[$p]=$PID
		wait_until 10 listening_tcp "${ID_PORT[$p]}" ||
			ID_NA[$p]="n/a: not listening after 10 s"
		[ -n "${ID_NA[$p]:-}" ] || id_wake "$p"
	done
	sleep 0.5 # let start-up work settle before the window opens
	for p in "${ID_PEERS[@]}"; do
		[ -n "${ID_NA[$p]:-}" ] || s0[$p]=$(id_sample $(id_procs "$p"))
	done
	sleep "$ID_SECONDS"
	for p in "${ID_PEERS[@]}"; do
		[ -n "${ID_NA[$p]:-}" ] || s1[$p]=$(id_sample $(id_procs "$p"))
	done
	id_table s0 s1
	[ -z "${ID_NA[podman]:-}" ] && podman_ stop -t 2 wick-bench-idle \
		>/dev/null 2>&1
	bench_cleanup
}

id_table() { # NAME_OF_BEFORE NAME_OF_AFTER
	local -n a=$1 b=$2
	local p rss pss c0 c1 n
	out "Sampled over one ${ID_SECONDS}-second window, all rows at once;\
 RSS and PSS from /proc (PSS shares libraries fairly); wake-ups =\
 context switches in the window; processes = how many were counted."
	out ""
	out "No goal is set for this section; it shows the cost, next to the\
 peers."
	out ""
	out "| what | RSS MB | PSS MB | wake-ups in ${ID_SECONDS} s |" \
		"processes |"
	out "| --- | ---: | ---: | ---: | ---: |"
	for p in "${ID_PEERS[@]}"; do
		if [ -n "${ID_NA[$p]:-}" ]; then
			out "| ${ID_LABEL[$p]} | ${ID_NA[$p]} | | | |"
			continue
		fi
		read -r _ _ c0 <<<"${a[$p]}"
		read -r rss pss c1 <<<"${b[$p]}"
		n=$(id_procs "$p" | wc -l)
		out "| ${ID_LABEL[$p]} | $(fnum "$(awk -v k="$rss" \
'BEGIN {print k / 1024}')" 1) | $(fnum "$(awk -v k="$pss" \
'BEGIN {print k / 1024}')" 2) | $((c1 - c0)) | $n |"
	done
	out ""
}
