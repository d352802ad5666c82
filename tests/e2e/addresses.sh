#!/usr/bin/env bash
# Every row of the recorded systemd-socket-activate address vectors, run
# through `wick activate -l INPUT true`: wick accepts what systemd accepts,
# refuses what it refuses, and prints the same canonical address. Where
# wick deliberately differs from systemd 252, the row says so.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"

tsv=$WICK_COMPAT/systemd-252-listen-addresses.tsv
[ -r "$tsv" ] || { skip "address vectors" "$tsv not readable"; exit 0; }

# Deliberate differences, each with the reason.
declare -A differ=(
	["0x50"]="refused:EINVAL|systemd 252 reads ports in hex; users mean decimal"
	["127.0.0.1:045315"]="listening: 127.0.0.1:45315|leading zeros are decimal, not octal"
	["+45316"]="refused:EINVAL|a sign on a port is a typo"
	["[fe80::1%lo]:45306"]="refused:EADDRNOTAVAIL|scoped form is parsed (documented for units); fe80::1 is not on lo"
	["[::1%lo]:45307"]="listening: [::1%lo]:45307|scoped form is parsed, as documented for socket units"
)

# Paths from the recording are moved under this test's directory, so
# nothing outside it is created.
relocate() { sed -e "s|/tmp/wick-vec|$T/wick-vec|" -e "s|/nonexistent-dir|$T/nonexistent-dir|" -e "s|/tmp/aaaa|$T/aaaa|"; }

# run_row TYPE INPUT: prints wick's exit status, or 124 when it was still
# running once it said it listens (then it is ended); stderr in $T/err.
# It waits for one or the other, not a fixed time a slow machine may miss.
run_row() {
	local type=$1 input=$2 flag=() pid st
	case "$type" in datagram) flag=(-d) ;; seqpacket) flag=(--seqpacket) ;; esac
	"$WICK" activate "${flag[@]}" -l "$input" true 2>"$T/err" &
	pid=$!
	wait_until 20 eval "! running $pid || grep -q ' as fd 3\$' '$T/err'"
	if running "$pid"; then
		kill -TERM "$pid"
		wait "$pid"
		echo 124
	else
		wait "$pid"
		echo "$?"
	fi
}

while IFS=$'\t' read -r type input exit outcome; do
	[ "$type" = type ] && continue
	local_input=$(relocate <<<"$input")
	want=$outcome why=""
	if [ -n "${differ[$input]+x}" ]; then
		want=${differ[$input]%%|*} why=" (differs from systemd: ${differ[$input]#*|})"
	fi
	want=$(relocate <<<"$want")
	p=
	case "$input" in
	*:45301|*:45304|*:45305|*:65535|*:4530[2-9]|*:4531[0-9])
		# A recorded port may be taken on this machine right now, also
		# as the local end of some connection.
		p=${input##*:}
		if ss -Htuan "sport = :$p" | grep -q .; then
			skip "$type '$input'" "port $p is in use here"
			continue
		fi ;;
	esac
	st=$(run_row "$type" "$local_input")
	err=$(cat "$T/err")
	case "$want" in
	listening:*)
		got=$(sed -n 's/^wick: listening on \(.*\) ([a-z]*) as fd 3$/listening: \1/p' <<<"$err")
		if [[ "$input" == vsock* ]] && [ "$st" != 124 ]; then
			skip "$type '$input' -> $want" "VSOCK unavailable: $err"
			continue
		fi
		# Or taken between that check and the bind (it is in the
		# kernel's range for clients' local ports): said, and seen.
		if [ -n "$p" ] && [[ "$err" == *"address already in use"* ]] &&
			ss -Htuan "sport = :$p" | grep -q .; then
			skip "$type '$input'" "port $p was taken meanwhile"
			continue
		fi
		expect_eq "$type '$input' -> $want$why" "$st $got" "124 $want" ;;
	refused*)
		lines=$(grep -c . <<<"$err")
		if [[ "$input" == vsock* ]] && grep -q 'VSOCK is not available' <<<"$err"; then
			skip "$type '$input' refused" "VSOCK unavailable here"
			continue
		fi
		if [ "$st" -ne 124 ] && [ "$st" -ne 0 ] && [ "$lines" -eq 1 ] &&
			[[ "$err" == "wick: "* ]]; then
			ok "$type '$input' refused in one line, exit $st$why"
		else
			not_ok "$type '$input' refused$why"
			diag "exit $st: $err"
		fi ;;
	esac
done <"$tsv"

# Exit statuses: malformed input is a usage error (2); a bind failure is a
# run-time error (1).
"$WICK" activate -l 1.2.3:80 true 2>/dev/null
expect_eq "malformed address exits 2" "$?" 2
"$WICK" activate --seqpacket -l 127.0.0.1:45319 true 2>/dev/null
expect_eq "seqpacket on TCP exits 2" "$?" 2
