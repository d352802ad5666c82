# Section 3 — accept mode: one service instance per connection. Every peer
# runs the same service with the connection on stdin/stdout, so only the
# activator differs; the client sends a line, half-closes and waits for the
# echo and EOF, on 4 concurrent clients. Two services, two tables: a static
# echo that starts in little more than an exec (the goals are judged on
# it), and the dynamically linked `cat`, whose loader dominates.

AC_PEERS=(wick ssa tcpserver socat)
AC_SERVICES=(static dynamic)
AC_CONNS=${BENCH_ACCEPT_CONNS:-2000}
AC_CLIENTS=4
declare -A AC_LABEL=(
	[wick]="wick activate --accept --inetd"
	[ssa]="systemd-socket-activate --accept --inetd"
	[tcpserver]="tcpserver -R -H -l0"
	[socat]="socat TCP-LISTEN,fork EXEC"
)
declare -A AC_SVC_TITLE=(
	[static]="static echo (build/bench/inetd-echo)"
	[dynamic]="dynamically linked cat"
)
# Keys are SERVICE-PEER.
declare -A AC_NA AC_MED AC_PORT AC_PATH
SOCAT_OPTS=bind=127.0.0.1,fork,reuseaddr,backlog=1024

# ac_services: the path of each service, or the reason it cannot run.
ac_services() {
	AC_PATH[static]=$B/bench/inetd-echo
	AC_PATH[dynamic]=$(command -v cat)
	[ -x "${AC_PATH[static]}" ] || AC_PATH[static]=
}

ac_start() { # SERVICE PEER PORT
	local k=$1-$2 svc=${AC_PATH[$1]}
	case $2 in
	wick)
		wick_has activate || {
			AC_NA[$k]="n/a: wick activate not built yet"
			return 1
		}
		start "$W/log/ac-$k.log" "$WICK" activate --accept --inetd \
			-l "127.0.0.1:$3" -- "$svc" ;;
	ssa)
		have systemd-socket-activate ||
			{ AC_NA[$k]="n/a: not installed"; return 1; }
		start "$W/log/ac-$k.log" systemd-socket-activate --accept \
			--inetd -l "127.0.0.1:$3" "$svc" ;;
	tcpserver)
		# -R -H: no ident or reverse DNS lookups, which would leave
		# loopback; -c: room for the same concurrency as the others.
		have tcpserver || {
			AC_NA[$k]="n/a: ucspi-tcp not installed"
			return 1
		}
		start "$W/log/ac-$k.log" tcpserver -R -H -l0 -c 64 \
			127.0.0.1 "$3" "$svc" ;;
	socat)
		start "$W/log/ac-$k.log" socat "TCP-LISTEN:$3,$SOCAT_OPTS" \
			"EXEC:$svc" ;;
	esac
}

ac_row() { # SERVICE PEER SSA TCPSERVER
	local k=$1-$2 m lo hi fails=0
	if [ -n "${AC_NA[$k]:-}" ]; then
		out "| ${AC_LABEL[$2]} | ${AC_NA[$k]} | | | | | |"
		return
	fi
	[ -f "$W/ac-$k.fail" ] && fails=$(awk '{s += $1} END {print s}' \
		"$W/ac-$k.fail")
	read -r m lo hi < <(summary "$W/ac-$k")
	AC_MED[$k]=$m
	out "| ${AC_LABEL[$2]} | $(fnum "$m" 0) | $(fnum "$lo" 0) |" \
		"$(fnum "$hi" 0) | $(ratio "$m" "$3") | $(ratio "$m" "$4") |" \
		"$fails |"
}

ac_run_once() { # SERVICE-PEER
	local k=$1 line rate okc failed
	line=$(timeout 120 "$LOAD" accept 127.0.0.1 "${AC_PORT[$k]}" \
		"$AC_CONNS" "$AC_CLIENTS" 2>>"$W/log/ac-$k-client.log")
	read -r rate okc failed _ <<<"${line:-- 0 $AC_CONNS}"
	[ "$okc" -gt 0 ] && echo "$rate" >>"$W/ac-$k"
	[ "$failed" -gt 0 ] && echo "$failed" >>"$W/ac-$k.fail"
	return 0
}

# ac_listen: one listener per service and peer, all up before round one.
ac_listen() {
	local s p k
	for s in "${AC_SERVICES[@]}"; do
		for p in "${AC_PEERS[@]}"; do
			k=$s-$p
			if [ -z "${AC_PATH[$s]}" ]; then
				AC_NA[$k]="n/a: $B/bench/inetd-echo not built"
				AC_NA[$k]+=" (make $B/bench/inetd-echo)"
				continue
			fi
			AC_PORT[$k]=$(free_port)
			ac_start "$s" "$p" "${AC_PORT[$k]}" || continue
			wait_until 10 listening_tcp "${AC_PORT[$k]}" ||
				AC_NA[$k]="n/a: not listening after 10 s"
		done
	done
}

section_accept() {
	local r s p
	ac_services
	ac_listen
	# Interleaved: round by round, every service and peer in turn.
	for r in $(seq "$BENCH_ROUNDS"); do
		for s in "${AC_SERVICES[@]}"; do
			for p in "${AC_PEERS[@]}"; do
				[ -n "${AC_NA[$s-$p]:-}" ] ||
					ac_run_once "$s-$p"
			done
		done
	done
	bench_cleanup
	out "$AC_CONNS connections per round from $AC_CLIENTS concurrent\
 clients, $BENCH_ROUNDS rounds interleaved over both tables; connections/s,\
 median (min, max); failed = connections not echoed in full, all rounds.\
 Every peer starts the same service per connection, with the connection\
 on stdin and stdout."
	for s in "${AC_SERVICES[@]}"; do
		ac_table "$s"
	done
}

ac_table() { # SERVICE
	local s=$1 p
	out ""
	out "Service: ${AC_SVC_TITLE[$s]}.$([ "$s" = dynamic ] && echo \
" Shown so that nothing is hidden; no goal is judged on it, since the\
 service's own start-up takes most of the CPU (the line under the table\
 says where).")"
	out ""
	out "| activator | conn/s | min | max | × ssa | × tcpserver |" \
		"failed |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for p in "${AC_PEERS[@]}"; do
		[ -n "${AC_NA[$s-$p]:-}" ] || [ -s "$W/ac-$s-$p" ] ||
			AC_NA[$s-$p]="n/a: no connection succeeded"
	done
	touch "$W/ac-$s-ssa" "$W/ac-$s-tcpserver"
	for p in "${AC_PEERS[@]}"; do
		ac_row "$s" "$p" "$(summary "$W/ac-$s-ssa" | cut -d' ' -f1)" \
			"$(summary "$W/ac-$s-tcpserver" | cut -d' ' -f1)"
	done
	out ""
	ac_refusals "$s"
	[ "$s" = static ] && ac_goals
	# Always for the dynamic service (its note rests on it); for the
	# static one when wick misses a goal.
	if [ "$s" = dynamic ] || ! $AC_ALL_MET; then
		ac_where "$s"
	fi
	return 0
}

# ac_where SERVICE: one more wick round under perf (cpu-clock, every CPU)
# shows who burns the time: the service (split by where its samples fall,
# with its three hottest functions), wick, the client.
ac_where() {
	local s=$1 data=$W/ac-perf-$1.data port pid comm
	have perf && [ -n "${AC_PATH[$s]}" ] || return 0
	port=$(free_port)
	ac_start "$s" wick "$port" && pid=$PID || return 0
	wait_until 10 listening_tcp "$port" &&
		timeout 120 perf record -q -e cpu-clock -F 2000 -a -o "$data" \
		-- "$LOAD" accept 127.0.0.1 "$port" "$AC_CONNS" "$AC_CLIENTS" \
		>/dev/null 2>&1
	stop "$pid"
	[ -s "$data" ] || return 0
	comm=$(basename "${AC_PATH[$s]}")
	comm=${comm:0:15}
	{
		perf report -i "$data" --no-children --sort comm,dso --stdio \
			-g none 2>/dev/null
		echo "== hottest"
		perf report -i "$data" --no-children --comm "$comm" \
			--sort dso,sym --stdio -g none 2>/dev/null
	} | ac_where_line "$comm" | tee -a "$RESULT"
}

# ac_where_line COMM: perf's two reports on stdin, one line out.
ac_where_line() {
	awk -v svc="$1" '
	/^== hottest/ { hot = 1; next }
	!/%/ || /^#/ { next }
	!hot { p = $1; sub(/%/, "", p); comm[$2] += p
	       if ($2 != svc) next
	       if ($3 ~ /kernel/) k += p
	       else if ($3 ~ /^ld-linux/) ld += p
	       else if ($3 ~ /^lib/) lib += p
	       else own += p
	       next }
	ntop < 3 { p = $1; sub(/%/, "", p)
		   top = top (ntop++ ? ", " : "")
		   top = top sprintf("%s %.0f %%", $NF, p) }
	END {
		f = "- where the time goes (perf record -e cpu-clock -a over"
		f = f " one more wick round with this service): the %s"
		f = f " instances %.0f %% of all CPU samples (kernel %.0f %%,"
		f = f " dynamic loader %.0f %%, shared libraries %.0f %%,"
		f = f " its own code %.0f %%; hottest functions: %s), wick"
		f = f " %.1f %%, the client %.1f %%, idle %.0f %%.\n"
		printf f, svc, comm[svc], k, ld, lib, own, top, comm["wick"],
		       comm["wick-load"], comm["swapper"] }'
}

# wick refuses a connection when --max-connections (64) instances run;
# with 4 clients that must never happen, so the count is always shown.
ac_refusals() { # SERVICE
	local log=$W/log/ac-$1-wick.log n
	[ -f "$log" ] || return 0
	n=$(grep -c 'refused connection' "$log")
	if [ "$n" -eq 0 ]; then
		out "- wick refused 0 connections (--max-connections 64," \
			"$AC_CLIENTS clients)."
		return 0
	fi
	out "- wick refused $n connections with \"$(grep -m1 -o \
'[0-9]* instances running.*' "$log")\", though no more than $AC_CLIENTS\
 clients were connected at any time."
}

AC_ALL_MET=true
ac_goals() {
	local w=${AC_MED[static-wick]:--} r1 r2
	r1=$(ratio "$w" "${AC_MED[static-ssa]:--}")
	r2=$(ratio "$w" "${AC_MED[static-tcpserver]:--}")
	if [ -n "${AC_NA[static-wick]:-}" ]; then
		goal "≥ 1.5 × systemd-socket-activate" "${AC_NA[static-wick]}"
		goal "≥ tcpserver" "${AC_NA[static-wick]}"
		AC_ALL_MET=false
		return
	fi
	num_ok "$r1" ">=" 1.5 && num_ok "$r2" ">=" 1 || AC_ALL_MET=false
	goal "≥ 1.5 × systemd-socket-activate" \
		"$(num_ok "$r1" ">=" 1.5 && echo met || echo not met)" "$r1 ×"
	goal "≥ tcpserver" \
		"$(num_ok "$r2" ">=" 1 && echo met || echo not met)" "$r2 ×"
}
