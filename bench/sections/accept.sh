# Section 3 — accept mode: one service instance per connection. Every peer
# runs `cat` with the connection on stdin/stdout, so only the activator
# differs; the client sends a line, half-closes and waits for the echo and
# EOF, on 4 concurrent clients.

AC_PEERS=(wick ssa tcpserver socat)
AC_CONNS=${BENCH_ACCEPT_CONNS:-2000}
AC_CLIENTS=4
declare -A AC_LABEL=(
	[wick]="wick activate --accept --inetd"
	[ssa]="systemd-socket-activate --accept --inetd"
	[tcpserver]="tcpserver -R -H -l0"
	[socat]="socat TCP-LISTEN,fork EXEC"
)
declare -A AC_NA AC_MED AC_PORT
SOCAT_OPTS=bind=127.0.0.1,fork,reuseaddr,backlog=1024

ac_start() { # PEER PORT
	local cat
	cat=$(command -v cat)
	case $1 in
	wick)
		wick_has activate || {
			AC_NA[wick]="n/a: wick activate not built yet"
			return 1
		}
		start "$W/log/ac-wick.log" "$WICK" activate --accept --inetd \
			-l "127.0.0.1:$2" -- "$cat" ;;
	ssa)
		have systemd-socket-activate ||
			{ AC_NA[ssa]="n/a: not installed"; return 1; }
		start "$W/log/ac-ssa.log" systemd-socket-activate --accept \
			--inetd -l "127.0.0.1:$2" "$cat" ;;
	tcpserver)
		# -R -H: no ident or reverse DNS lookups, which would leave
		# loopback; -c: room for the same concurrency as the others.
		have tcpserver || {
			AC_NA[tcpserver]="n/a: ucspi-tcp not installed"
			return 1
		}
		start "$W/log/ac-tcpserver.log" tcpserver -R -H -l0 -c 64 \
			127.0.0.1 "$2" "$cat" ;;
	socat)
		start "$W/log/ac-socat.log" socat "TCP-LISTEN:$2,$SOCAT_OPTS" \
			"EXEC:$cat" ;;
	esac
}

ac_row() { # PEER SSA TCPSERVER
	local p=$1 m lo hi fails=0
	if [ -n "${AC_NA[$p]:-}" ]; then
		out "| ${AC_LABEL[$p]} | ${AC_NA[$p]} | | | | | |"
		return
	fi
	[ -f "$W/ac-$p.fail" ] && fails=$(awk '{s += $1} END {print s}' \
		"$W/ac-$p.fail")
	read -r m lo hi < <(summary "$W/ac-$p")
	AC_MED[$p]=$m
	out "| ${AC_LABEL[$p]} | $(fnum "$m" 0) | $(fnum "$lo" 0) |" \
		"$(fnum "$hi" 0) | $(ratio "$m" "$2") | $(ratio "$m" "$3") |" \
		"$fails |"
}

ac_run_once() { # PEER
	local p=$1 line rate okc failed
	line=$(timeout 120 "$LOAD" accept 127.0.0.1 "${AC_PORT[$p]}" \
		"$AC_CONNS" "$AC_CLIENTS" 2>>"$W/log/ac-$p-client.log")
	read -r rate okc failed _ <<<"${line:-- 0 $AC_CONNS}"
	[ "$okc" -gt 0 ] && echo "$rate" >>"$W/ac-$p"
	[ "$failed" -gt 0 ] && echo "$failed" >>"$W/ac-$p.fail"
	return 0
}

section_accept() {
	local p r
	for p in "${AC_PEERS[@]}"; do
		AC_PORT[$p]=$(free_port)
		ac_start "$p" "${AC_PORT[$p]}" || continue
		wait_until 10 listening_tcp "${AC_PORT[$p]}" ||
			AC_NA[$p]="n/a: not listening after 10 s"
	done
	for r in $(seq "$BENCH_ROUNDS"); do
		for p in "${AC_PEERS[@]}"; do
			[ -n "${AC_NA[$p]:-}" ] || ac_run_once "$p"
		done
	done
	bench_cleanup
	for p in "${AC_PEERS[@]}"; do
		[ -n "${AC_NA[$p]:-}" ] || [ -s "$W/ac-$p" ] ||
			AC_NA[$p]="n/a: no connection succeeded"
	done
	out "$AC_CONNS connections per round from $AC_CLIENTS concurrent\
 clients, $BENCH_ROUNDS rounds interleaved; connections/s, median (min,\
 max); failed = connections not echoed in full, all rounds."
	out ""
	out "| activator | conn/s | min | max | × ssa | × tcpserver |" \
		"failed |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	touch "$W/ac-ssa" "$W/ac-tcpserver"
	for p in "${AC_PEERS[@]}"; do
		ac_row "$p" "$(summary "$W/ac-ssa" | cut -d' ' -f1)" \
			"$(summary "$W/ac-tcpserver" | cut -d' ' -f1)"
	done
	out ""
	ac_refusals
	ac_goals
	ac_where
}

# ac_where: when wick misses a goal, one more wick round under perf
# (cpu-clock, every CPU) shows who burns the time per connection.
ac_where() {
	local data=$W/ac-perf.data port pid
	[ -z "${AC_NA[wick]:-}" ] && ! $AC_ALL_MET || return 0
	have perf || return 0
	port=$(free_port)
	ac_start wick "$port" && pid=$PID || return 0
	wait_until 10 listening_tcp "$port" &&
		timeout 120 perf record -q -e cpu-clock -F 2000 -a -o "$data" \
		-- "$LOAD" accept 127.0.0.1 "$port" "$AC_CONNS" "$AC_CLIENTS" \
		>/dev/null 2>&1
	stop "$pid"
	[ -s "$data" ] || return 0
	perf report -i "$data" --no-children --sort comm,dso --stdio -g none \
		2>/dev/null | awk -v c="$AC_CLIENTS" '
		/%/ { p = $1; sub(/%/, "", p); comm[$2] += p
		      if ($2 == "cat" && $3 ~ /^ld-linux/) ld += p
		      if ($2 == "cat" && $3 ~ /kernel/) k += p }
		END { f = "- where the time goes (perf record -e cpu-clock -a"
		      f = f " over one more wick round): the cat instances"
		      f = f " %.0f %% of all CPU samples (dynamic loader"
		      f = f " %.0f %%, kernel %.0f %%), wick %.1f %%, the"
		      f = f " client %.1f %%,"
		      f = f " idle %.0f %%.\n"
		      printf f, comm["cat"], ld, k, comm["wick"],
		      comm["wick-load"], comm["swapper"] }' | tee -a "$RESULT"
}

# wick refuses a connection when --max-connections instances run; with 4
# clients that should never happen, so a refusal is worth a line.
ac_refusals() {
	local n
	[ -f "$W/log/ac-wick.log" ] || return 0
	n=$(grep -c 'refused connection' "$W/log/ac-wick.log")
	[ "$n" -gt 0 ] || return 0
	out "- wick refused $n connections with \"$(grep -m1 -o \
'[0-9]* instances running.*' "$W/log/ac-wick.log")\", though no more\
 than $AC_CLIENTS clients were connected at any time."
}

AC_ALL_MET=true
ac_goals() {
	local w=${AC_MED[wick]:--} r1 r2
	r1=$(ratio "$w" "${AC_MED[ssa]:--}")
	r2=$(ratio "$w" "${AC_MED[tcpserver]:--}")
	if [ -n "${AC_NA[wick]:-}" ]; then
		goal "≥ 1.5 × systemd-socket-activate" "${AC_NA[wick]}"
		goal "≥ tcpserver" "${AC_NA[wick]}"
		return
	fi
	num_ok "$r1" ">=" 1.5 && num_ok "$r2" ">=" 1 || AC_ALL_MET=false
	goal "≥ 1.5 × systemd-socket-activate" \
		"$(num_ok "$r1" ">=" 1.5 && echo met || echo not met)" "$r1 ×"
	goal "≥ tcpserver" \
		"$(num_ok "$r2" ">=" 1 && echo met || echo not met)" "$r2 ×"
}
