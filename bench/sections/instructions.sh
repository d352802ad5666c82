# Section 6 — instructions on wick's own activation and spawn path, counted
# with callgrind: a figure that machine noise does not move, so that a
# later change which slows the path shows up. Peers are counted alike.

IN_RUNS=(base one accept10 accept110)
declare -A IN_NA IN_IR

# in_total FILE…: instructions (Ir) summed over callgrind output files.
in_total() {
	awk '/^totals:/ {s += $2} END {print s + 0}' "$@" 2>/dev/null
}

# in_activator PEER RUN PORT: the command line callgrind runs.
in_activator() {
	local a=127.0.0.1:$3 conf
	# lighttpd also binds its configured port: it must be the same one.
	conf=$(lighttpd_conf "in-$1-$2" "$3")
	local acc=() svc=("$LIGHTTPD" -D -f "$conf")
	case $2 in
	accept*) acc=(--accept --inetd); svc=("$(command -v cat)") ;;
	esac
	case $1 in
	wick) IN_CMD=("$WICK" activate "${acc[@]}" -l "$a" -- "${svc[@]}") ;;
	ssa) IN_CMD=(systemd-socket-activate "${acc[@]}" -l "$a" "${svc[@]}") ;;
	esac
}

# in_count PEER RUN: one run under callgrind; sets IN_IR[PEER-RUN].
in_count() {
	local p=$1 run=$2 port dir=$W/cg/$1-$2 pid
	port=$(free_port)
	mkdir -p "$dir" && chmod 777 "$dir"
	in_activator "$p" "$run" "$port"
	start "$W/log/in-$p-$run.log" valgrind --tool=callgrind \
		--callgrind-out-file="$dir/cg.%p" "${IN_CMD[@]}"
	pid=$PID
	if wait_until 30 listening_tcp "$port"; then
		case $run in
		one) curl -s -o /dev/null -m 10 "http://127.0.0.1:$port/" ;;
		accept10) "$LOAD" accept 127.0.0.1 "$port" 10 1 >/dev/null ;;
		accept110) "$LOAD" accept 127.0.0.1 "$port" 110 1 >/dev/null ;;
		esac
		sleep 0.5 # the service's exit and the re-arm, when any
	fi
	stop "$pid"
	IN_IR[$p-$run]=$(in_total "$dir"/cg.*)
}

section_instructions() {
	local p r
	have valgrind || { out "n/a: valgrind is not installed"; return; }
	wick_has activate || IN_NA[wick]="n/a: wick activate not built yet"
	have systemd-socket-activate || IN_NA[ssa]="n/a: not installed"
	for r in "${IN_RUNS[@]}"; do
		for p in wick ssa; do
			[ -n "${IN_NA[$p]:-}" ] || in_count "$p" "$r"
		done
	done
	in_run_sandbox
	in_table
}

# wick run's own path: set up the sandbox and exec `true` in it.
in_run_sandbox() {
	local dir=$W/cg/run
	wick_has run || { IN_NA[run]="n/a: wick run not built yet"; return; }
	mkdir -p "$dir" && chmod 777 "$dir"
	as_user timeout 60 valgrind --tool=callgrind \
		--callgrind-out-file="$dir/cg.%p" "$WICK" run --network=none \
		-- true >"$W/log/in-run.log" 2>&1 || {
		IN_NA[run]="n/a: failed under valgrind ($(in_unhandled))"
		return
	}
	IN_IR[run]=$(in_total "$dir"/cg.*)
}

in_table() {
	local p
	local -A act acc
	out "Instructions (callgrind Ir) executed by the activator process\
 itself: the forked child before its exec is not counted, nor the\
 service. activation = (one request) − (start and stop only); per\
 connection = (110 connections − 10 connections) / 100."
	out ""
	out "| path | wick | systemd-socket-activate |"
	out "| --- | ---: | ---: |"
	for p in wick ssa; do
		act[$p]=$(in_diff "$p" one base 1)
		acc[$p]=$(in_diff "$p" accept110 accept10 100)
	done
	# systemd-socket-activate execs into the service in its own pid, and
	# callgrind writes nothing for a process image that execs away.
	if [ "${IN_IR[ssa-one]:-0}" = 0 ]; then
		act[ssa]="n/a: execs into the service; callgrind records\
 nothing at exec"
		IN_IR[ssa-one]=${act[ssa]}
	fi
	in_pair "start, listen, stop (no client)" base
	in_pair "start, one activation of lighttpd, stop" one
	out "| activation alone | $(in_fmt "${act[wick]}") |\
 $(in_fmt "${act[ssa]}") |"
	out "| accept mode, per connection | $(in_fmt "${acc[wick]}") |\
 $(in_fmt "${acc[ssa]}") |"
	out "| wick run --network=none true (whole run) |\
 ${IN_NA[run]:-$(in_fmt "${IN_IR[run]:-}")} | |"
	out ""
}

in_fmt() {
	case $1 in
	n/a*) echo "$1" ;;
	*) awk -v v="$1" 'BEGIN {
		if (v == "" || v == "-") print "-"; else printf "%.0f", v}' ;;
	esac
}

in_diff() { # PEER RUN_A RUN_B DIVISOR
	local a=${IN_IR[$1-$2]:-} b=${IN_IR[$1-$3]:-}
	[ -n "$a" ] && [ -n "$b" ] || { echo -; return; }
	awk -v a="$a" -v b="$b" -v d="$4" 'BEGIN {print (a - b) / d}'
}

in_pair() { # LABEL RUN
	local w=${IN_NA[wick]:-$(in_fmt "${IN_IR[wick-$2]:-}")}
	local s=${IN_NA[ssa]:-$(in_fmt "${IN_IR[ssa-$2]:-}")}
	out "| $1 | $w | $s |"
}

# in_unhandled: why wick run failed under valgrind, from its log.
in_unhandled() {
	local n
	n=$(grep -o 'unhandled amd64-linux syscall: [0-9]*' \
		"$W/log/in-run.log" | awk '{print $NF}' | sort -un | paste -sd,)
	if [ -n "$n" ]; then
		echo "valgrind $(valgrind --version | sed 's/valgrind-//') does\
 not know system calls $n"
	else
		echo "see $W/log/in-run.log"
	fi
}
