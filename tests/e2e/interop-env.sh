#!/usr/bin/env bash
# libwick under both activators: wick-envprobe reports what it was handed
# (LISTEN_*, the fds' kinds, stray fds) by systemd-socket-activate and by
# wick activate for the same listen options; the reports must agree, and
# each must be what the options ask for.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat systemd-socket-activate
PROBE=$WICK_BUILD/helpers/wick-envprobe
for b in "$PROBE" "$WICK"; do
	if [ ! -x "$b" ]; then
		not_ok "$b is built (run make)"
		exit 1
	fi
done

# report TOOL NAME CLIENT ACTIVATOR-ARGS…: starts TOOL (sa or wick) with
# the probe, triggers it with one CLIENT (a socat address) and prints the
# report the probe wrote.
report() {
	local tool=$1 name=$2 client=$3 out=$T/$1-$2.out log=$T/$1-$2.log
	shift 3
	if [ "$tool" = sa ]; then
		bg "$log" systemd-socket-activate "$@" "$PROBE" "$out"
		wait_log "$log" "Listening on" 20 || return 1
	else
		bg "$log" "$WICK" activate "$@" -- "$PROBE" "$out"
		wait_log "$log" "listening on" 20 || return 1
	fi
	# The probe starts on this client; a datagram has no end to wait for.
	case $client in
	UDP*) echo hello | dgram_reply 20 "$client" ;;
	*) echo hello | timeout 60 socat -t 20 - "$client" ;;
	esac >"$T/$tool-$name.client" 2>&1
	wait_until 20 grep -q '^pidfdid=' "$out" || return 1
	kill "$BG_PID" 2>/dev/null
	wait "$BG_PID" 2>/dev/null
	cat "$out"
}

# compare NAME WANT CLIENT ACTIVATOR-ARGS…: both activators, same report,
# and that report is WANT. Lines matching $DIFFER (an ERE; REMOTE_* by
# default) are left out of the comparison and checked by the caller.
DIFFER='^remote='
same_part() { grep -Ev "$DIFFER" <<<"$1"; }
compare() {
	local name=$1 want=$2 client=$3 sa wick
	shift 3
	if ! sa=$(report sa "$name" "$client" "$@"); then
		not_ok "$name: systemd-socket-activate ran the probe"
		return
	fi
	if ! wick=$(report wick "$name" "$client" "$@"); then
		not_ok "$name: wick activate ran the probe"
		return
	fi
	expect_eq "$name: systemd-socket-activate report" \
		"$(same_part "$sa")" "$(same_part "$want")"
	expect_eq "$name: wick activate report is the same" \
		"$(same_part "$wick")" "$(same_part "$sa")"
	expect_eq "$name: the client got the report too" \
		"$(cat "$T/wick-$name.client")" "$wick"
}

p=$(free_port)
compare tcp4 "pid_match=1
listen_fds=1
fd3=stream family=inet listening=1
names=web
open_above=
pidfdid=unset" "TCP4:127.0.0.1:$p" -l "127.0.0.1:$p" --fdname=web

p=$(free_port)
compare udp4 "pid_match=1
listen_fds=1
fd3=dgram family=inet listening=0
names=unknown
open_above=
pidfdid=unset" "UDP4:127.0.0.1:$p" -d -l "127.0.0.1:$p"

p=$(free_port)
compare three "pid_match=1
listen_fds=3
fd3=stream family=inet listening=1
fd4=stream family=unix listening=1
fd5=stream family=unix listening=1
names=a:b:c
open_above=
pidfdid=unset" "TCP4:127.0.0.1:$p" -l "127.0.0.1:$p" -l "$T/three.sock" \
	-l "@wick-interop-$$" --fdname=a:b:c

compare seqpacket "pid_match=1
listen_fds=1
fd3=seqpacket family=unix listening=1
names=unknown
open_above=
pidfdid=unset" "UNIX-CONNECT:$T/seq.sock,type=5" --seqpacket -l "$T/seq.sock"

# Accept mode: the connection is fd 3. systemd-socket-activate 252 sets
# neither REMOTE_* nor a name; wick does as systemd's Accept=yes socket
# units do: REMOTE_ADDR/REMOTE_PORT (IPv4 shown plainly) and the name
# "connection".
p=$(free_port)
DIFFER='^(remote|names)='
compare accept "pid_match=1
listen_fds=1
fd3=stream family=inet listening=0
names=unknown
open_above=
pidfdid=unset" "TCP4:127.0.0.1:$p" -a -l "127.0.0.1:$p"
expect_eq "accept: systemd-socket-activate names it unknown" \
	"$(grep -E '^(names|remote)=' "$T/sa-accept.out")" "names=unknown"
expect_eq "accept: wick names it connection, as socket units do" \
	"$(grep '^names=' "$T/wick-accept.out")" "names=connection"
expect_match "accept: wick sets REMOTE_ADDR and REMOTE_PORT" \
	"$(grep '^remote=' "$T/wick-accept.out")" "remote=127.0.0.1:[0-9]*"
