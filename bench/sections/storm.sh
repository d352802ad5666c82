# Section 4 — activation storm: 1,000 clients reach a sleeping listener at
# once (TCP connections, then UDP datagrams from 1,000 sockets). The
# service, wick-echo behind a wrapper that counts its starts, must start
# exactly once and answer every client.

ST_PEERS=(wick ssa)
ST_CLIENTS=${BENCH_STORM_CLIENTS:-1000}
declare -A ST_LABEL=(
	[wick]="wick activate"
	[ssa]="systemd-socket-activate"
)
declare -A ST_NA ST_BAD
# Rows per peer. wick's UDP goal row sets its own buffer with
# --receive-buffer; systemd-socket-activate has no such option, so its row
# keeps the default, and as root one more row raises the machine-wide
# default for it. wick's default-buffer row is shown, not judged.
ST_BUF=4M
declare -A ST_MODES=([wick]="tcp udp-rb udp" [ssa]="tcp udp")
ST_ORDER=(tcp udp udp-rb udp-4m)
declare -A ST_MODE=(
	[tcp]="TCP"
	[udp]="UDP, default buffer"
	[udp-rb]="UDP, --receive-buffer $ST_BUF"
	[udp-4m]="UDP, net.core.rmem_default raised to 4 MiB"
)
declare -A ST_JUDGED=([wick-tcp]=1 [wick-udp-rb]=1)

# The wrapper execs, so LISTEN_PID (the wrapper's pid) stays right.
ST_WRAP='echo start >>"$0"; exec "$@"'

# udp_drops: the kernel's count of datagrams dropped at a full socket
# receive buffer, machine-wide (the bench is the only UDP user here).
udp_drops() {
	awk '/^Udp:/ && !h {for (i = 1; i <= NF; i++) f[$i] = i; h = 1; next}
		/^Udp:/ {print $f["RcvbufErrors"]}' /proc/net/snmp
}

# The default receive buffer (212992 bytes, about 256 small datagrams)
# cannot hold 1,000 datagrams that arrive before the service reads.
# systemd-socket-activate cannot set its own, so for its "udp-4m" row, as
# root, the bench raises net.core.rmem_default while the listener is
# created, and restores it at once.
st_bigbuf() {
	RMEM_SAVED=$(sysctl -n net.core.rmem_default)
	sysctl -qw net.core.rmem_default=4194304
}

# st_rcvbuf KEY PORT: the receive buffer the kernel gave the UDP listener
# (ss -m, "rb"), kept for the table's note.
st_rcvbuf() {
	case $1 in *-udp*) ;; *) return 0 ;; esac
	ss -Hulmn "sport = :$2" | grep -o 'rb[0-9]*' | head -1 |
		tr -d rb >>"$W/st-$1.rb"
	return 0
}

st_once() { # PEER MODE ROUND
	local p=$1 mode=$2 proto=${2%-*} port count line flag=() d0 d1
	port=$(free_port)
	count=$W/var/st-$p-$mode-$3.starts
	[ "$proto" = udp ] && flag=(-d)
	[ "$mode" = udp-rb ] && flag+=(--receive-buffer "$ST_BUF")
	[ "$mode" = udp-4m ] && st_bigbuf
	case $p in
	wick) start "$W/log/st-$p.log" "$WICK" activate "${flag[@]}" \
		-l "127.0.0.1:$port" -- sh -c "$ST_WRAP" "$count" \
		"$WICK_ECHO" ;;
	ssa) [ "$proto" = udp ] && flag=(--datagram)
		start "$W/log/st-$p.log" systemd-socket-activate "${flag[@]}" \
		-l "127.0.0.1:$port" sh -c "$ST_WRAP" "$count" "$WICK_ECHO" ;;
	esac
	local pid=$PID
	wait_until 10 "listening_$proto" "$port" && st_rcvbuf "$p-$mode" \
		"$port" && d0=$(udp_drops) &&
		line=$(timeout 60 "$LOAD" "storm-$proto" 127.0.0.1 "$port" \
			"$ST_CLIENTS" 2>>"$W/log/st-$p-client.log")
	d1=$(udp_drops)
	[ "$mode" = udp-4m ] && sysctl -qw net.core.rmem_default="$RMEM_SAVED"
	# Late starts would show up here: give a second spawn time to happen.
	sleep 0.2
	stop "$pid"
	read -r answered _ _ ms <<<"${line:-0 0 0 -}"
	echo "$answered $(cat "$count" 2>/dev/null | wc -l) $ms" \
		"$((${d1:-0} - ${d0:-${d1:-0}}))" >>"$W/st-$p-$mode"
}

st_row() { # PEER MODE
	local p=$1 mode=$2 f=$W/st-$1-$2 rows worst_a starts ms drops
	if [ -n "${ST_NA[$p]:-}" ]; then
		out "| ${ST_LABEL[$p]} | ${ST_MODE[$mode]} | ${ST_NA[$p]} |" \
			"| | |"
		return
	fi
	[ -f "$f" ] || return 0
	rows=$(wc -l <"$f")
	worst_a=$(awk 'NR == 1 || $1 < m {m = $1} END {print m}' "$f")
	starts=$(awk '{print $2}' "$f" | sort -un | paste -sd/)
	drops=$(awk '$4 > m {m = $4} END {print m + 0}' "$f")
	awk '{print $3}' "$f" | grep -v -- - >"$W/st-ms" || true
	read -r ms lo hi < <(summary "$W/st-ms")
	out "| ${ST_LABEL[$p]} | ${ST_MODE[$mode]}${ST_JUDGED[$p-$mode]:+ *}"\
		"| $worst_a of $ST_CLIENTS | $starts |" \
		"$(fnum "$ms" 1) ($(fnum "$lo" 1)–$(fnum "$hi" 1)) | $drops |"
	[ -n "${ST_JUDGED[$p-$mode]:-}" ] || return 0
	if [ "$worst_a" != "$ST_CLIENTS" ] || [ "$starts" != 1 ] ||
		[ "$rows" -ne "$BENCH_ROUNDS" ]; then
		ST_BAD[$p]+="${ST_MODE[$mode]}: $worst_a answered, starts"
		ST_BAD[$p]+=" $starts, $drops dropped by the kernel; "
	fi
}

section_storm() {
	local r p mode
	[ -x "$WICK_ECHO" ] || ST_NA[ssa]="n/a: wick-echo not built yet"
	have systemd-socket-activate || ST_NA[ssa]="n/a: not installed"
	wick_has activate || ST_NA[wick]="n/a: wick activate not built yet"
	[ -x "$WICK_ECHO" ] || ST_NA[wick]="n/a: wick-echo not built yet"
	if [ "$(id -u)" -eq 0 ]; then
		ST_MODES[ssa]+=" udp-4m"
		note "the storm's row \"${ST_MODE[udp-4m]}\" set" \
			"net.core.rmem_default to 4194304 while its listener" \
			"was created, and put back" \
			"$(sysctl -n net.core.rmem_default) right after."
	fi
	# Interleaved: round by round, each kind of socket, each peer.
	for r in $(seq "$BENCH_ROUNDS"); do
		for mode in "${ST_ORDER[@]}"; do
			for p in "${ST_PEERS[@]}"; do
				[[ " ${ST_MODES[$p]} " == *" $mode "* ]] ||
					continue
				[ -n "${ST_NA[$p]:-}" ] ||
					st_once "$p" "$mode" "$r"
			done
		done
	done
	st_table
	if [ -n "${ST_NA[wick]:-}" ]; then
		goal "exactly one start, every client answered" "${ST_NA[wick]}"
	elif [ -z "${ST_BAD[wick]:-}" ]; then
		goal "exactly one start, every client answered" "met" \
			"rows TCP and ${ST_MODE[udp-rb]}"
	else
		goal "exactly one start, every client answered" "not met" \
			"${ST_BAD[wick]%; }"
	fi
}

st_table() {
	local p mode rb
	rb=$(sort -u "$W/st-wick-udp-rb.rb" 2>/dev/null | paste -sd/)
	out "$ST_CLIENTS clients at once against a listener with no service\
 running yet, $BENCH_ROUNDS rounds interleaved; answered = fewest clients\
 answered in any round; starts = service starts per round (every distinct\
 value); ms = until the last answer, median (min–max); kernel drops =\
 most datagrams dropped at a full receive buffer in a round\
 (RcvbufErrors)."
	out ""
	out "UDP buffers: the datagrams wait in the listener's receive buffer\
 until the service starts; the default one is net.core.rmem_default\
 ($(sysctl -n net.core.rmem_default) bytes here). wick's goal row asks\
 for $ST_BUF with --receive-buffer: SO_RCVBUFFORCE, or, for a user without\
 CAP_NET_ADMIN as here, SO_RCVBUF, which the kernel caps at\
 net.core.rmem_max ($(sysctl -n net.core.rmem_max) bytes on this machine)\
 and doubles; the listener got ${rb:-?} bytes (ss -m).\
 systemd-socket-activate has no option for its buffer, so its row keeps\
 the default; the row with net.core.rmem_default raised (as root) shows\
 what it takes instead: a machine-wide setting. wick's default-buffer row\
 is shown for comparison; the goal is judged on the rows marked *."
	out ""
	out "| activator | socket | answered | starts | ms to last answer |" \
		"kernel drops |"
	out "| --- | --- | ---: | ---: | ---: | ---: |"
	for p in "${ST_PEERS[@]}"; do
		for mode in ${ST_MODES[$p]}; do
			st_row "$p" "$mode"
		done
	done
	out ""
}
