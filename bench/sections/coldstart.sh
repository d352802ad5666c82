# Section 2 — cold start: from the client's connect (or, for the bare row,
# from the exec) to the first byte of lighttpd's answer, over N starts.

CS_PEERS=(bare ssa wick_activate wick_run podman run_noseccomp run_nosub)
declare -A CS_LABEL=(
	[bare]="bare exec of lighttpd (floor)"
	[ssa]="systemd-socket-activate + lighttpd"
	[wick_activate]="wick activate + lighttpd"
	[wick_run]="wick run --network=none -l + lighttpd"
	[podman]="systemd-socket-activate + podman run --network=none"
	[run_noseccomp]="diagnostic: wick run -l, no seccomp filter"
	[run_nosub]="diagnostic: wick run -l, user without subordinate ids\
 (no newuidmap/newgidmap)"
)
declare -A CS_NA CS_MED

cs_check() {
	have systemd-socket-activate ||
		CS_NA[ssa]="n/a: systemd-socket-activate not installed"
	wick_has activate ||
		CS_NA[wick_activate]="n/a: wick activate not built yet"
	if ! wick_has run; then
		CS_NA[wick_run]="n/a: wick run not built yet"
		CS_NA[run_noseccomp]=${CS_NA[wick_run]}
		CS_NA[run_nosub]=${CS_NA[wick_run]}
	fi
	[ -z "${CS_NA[run_nosub]:-}" ] && ! nosub_user_setup &&
		CS_NA[run_nosub]="n/a: needs root to make a user without\
 subordinate ids"
	[ -z "$PODMAN_NA" ] || CS_NA[podman]=$PODMAN_NA
	have systemd-socket-activate ||
		CS_NA[podman]="n/a: systemd-socket-activate not installed"
}

# cs_activator PEER PORT CONF: the command that listens and activates.
cs_activator() {
	local a="127.0.0.1:$2"
	case $1 in
	ssa) CS_CMD=(systemd-socket-activate -l "$a" "$LIGHTTPD" -D -f "$3") ;;
	wick_activate)
		CS_CMD=("$WICK" activate -l "$a" -- "$LIGHTTPD" -D -f "$3") ;;
	wick_run | run_nosub)
		CS_CMD=("$WICK" run --network=none -l "$a" -- "$LIGHTTPD" -D
			-f "$3") ;;
	run_noseccomp)
		CS_CMD=("$WICK" run --network=none --security-opt
			seccomp=unconfined -l "$a" -- "$LIGHTTPD" -D -f "$3") ;;
	podman)
		# systemd-socket-activate clears the environment; podman
		# needs its runtime directory back.
		CS_CMD=(systemd-socket-activate -l "$a" -E XDG_RUNTIME_DIR
			podman --cgroup-manager=cgroupfs --events-backend=file
			--runtime=runc run --replace --name wick-bench-cs
			--network=none $(podman_run_args) /usr/sbin/lighttpd -D
			-f "$3") ;;
	esac
}

# cs_once PEER: one start; appends milliseconds to $W/cs-PEER.
cs_once() {
	local p=$1 port conf v
	port=$(free_port)
	conf=$(lighttpd_conf "cs-$p" "$port")
	if [ "$p" = bare ]; then
		v=$(as_user "$LOAD" ttfb 127.0.0.1 "$port" /index.html \
			--spawn "$LIGHTTPD" -D -f "$conf" 2>>"$W/log/cs-$p.log")
	else
		cs_activator "$p" "$port" "$conf"
		if [ "$p" = run_nosub ]; then
			as_nosub start "$W/log/cs-$p-last.log" "${CS_CMD[@]}"
		else
			start "$W/log/cs-$p-last.log" "${CS_CMD[@]}"
		fi
		local pid=$PID
		if wait_until 10 listening_tcp "$port"; then
			v=$(as_user "$LOAD" ttfb 127.0.0.1 "$port" \
				/index.html 2>>"$W/log/cs-$p.log")
		fi
		stop "$pid"
		# podman --rm finishes in its own cleanup process.
		[ "$p" = podman ] && wait_until 10 cs_podman_gone
	fi
	if [ -n "${v:-}" ]; then
		echo "$v" >>"$W/cs-$p"
	else
		echo x >>"$W/cs-$p.fail"
	fi
}

cs_podman_gone() { ! podman_ container exists wick-bench-cs; }

cs_row() { # PEER FLOOR
	local p=$1 m lo hi fails=0
	if [ -n "${CS_NA[$p]:-}" ]; then
		out "| ${CS_LABEL[$p]} | ${CS_NA[$p]} | | | | |"
		return
	fi
	[ -f "$W/cs-$p.fail" ] && fails=$(wc -l <"$W/cs-$p.fail")
	read -r m lo hi < <(summary "$W/cs-$p" 2>/dev/null || echo - - -)
	CS_MED[$p]=$m
	out "| ${CS_LABEL[$p]} | $(fnum "$m" 3) | $(fnum "$lo" 3) |" \
		"$(fnum "$hi" 3) | $(ratio "$m" "$2") | $fails |"
}

section_coldstart() {
	local r p floor
	cs_check
	for r in $(seq "$BENCH_STARTS"); do
		for p in "${CS_PEERS[@]}"; do
			[ -n "${CS_NA[$p]:-}" ] || cs_once "$p"
		done
	done
	touch "$W/cs-bare"
	read -r floor _ < <(summary "$W/cs-bare")
	out "$BENCH_STARTS starts per row, rows interleaved; milliseconds from\
 connect (bare: from fork+exec) to the first byte of a 12-byte page; the\
 client polls every 50 µs while nothing listens yet."
	out ""
	out "| path | median ms | min | max | × bare | failed |"
	out "| --- | ---: | ---: | ---: | ---: | ---: |"
	for p in "${CS_PEERS[@]}"; do
		cs_row "$p" "$floor"
	done
	out ""
	cs_goals "$floor"
}

cs_goals() {
	local a=${CS_MED[wick_activate]:--} s=${CS_MED[ssa]:--}
	local w=${CS_MED[wick_run]:--} pm=${CS_MED[podman]:--} r

	r=$(ratio "$a" "$s")
	if [ -n "${CS_NA[wick_activate]:-}${CS_NA[ssa]:-}" ]; then
		goal "wick activate ≤ 1.1 × systemd-socket-activate" \
			"${CS_NA[wick_activate]:-${CS_NA[ssa]}}"
	else
		goal "wick activate ≤ 1.1 × systemd-socket-activate" \
			"$(met "$r" "<=" 1.1)" "$r ×"
	fi
	r=$(ratio "$w" "$1")
	if [ -n "${CS_NA[wick_run]:-}" ]; then
		goal "wick run ≤ 1.5 × bare" "${CS_NA[wick_run]}"
	else
		goal "wick run ≤ 1.5 × bare" \
			"$(met "$r" "<=" 1.5)" "$r ×"
	fi
	cs_where "$1"
	r=$(ratio "$pm" "$w" 1)
	if [ -n "${CS_NA[wick_run]:-}${CS_NA[podman]:-}" ]; then
		goal "wick run ≥ 40 × faster than the podman path" \
			"${CS_NA[wick_run]:-${CS_NA[podman]}}"
	else
		goal "wick run ≥ 40 × faster than the podman path" \
			"$(met "$r" ">=" 40)" "$r ×"
	fi
}

# cs_where FLOOR: when wick run misses its goal, what the diagnostic rows
# say about where its time goes.
cs_where() {
	local w=${CS_MED[wick_run]:--} s=${CS_MED[run_noseccomp]:--}
	local n=${CS_MED[run_nosub]:--}
	num_ok "$(ratio "$w" "$1")" ">" 1.5 || return 0
	out "- where wick run's time goes: median $(fnum "$w" 2) ms against\
 $(fnum "$1" 2) ms bare; without the seccomp filter $(fnum "$s" 2) ms\
 ($(fnum "$(awk -v a="$w" -v b="$s" 'BEGIN {print a - b}')" 2) ms for\
 it); for a user whose ids are mapped without the setuid helpers\
 newuidmap and newgidmap $(fnum "$n" 2) ms ($(fnum "$(awk -v a="$w" \
-v b="$n" 'BEGIN {print a - b}')" 2) ms for the two helpers; wick run\
 -l builds the sandbox before the first client, so these show only when\
 a client comes while it is still being built)."
}
