# Figures and tables: medians with min and max, ratios against a floor,
# markdown rows printed to the terminal and kept for docs/benchmarks.md.

# summary FILE: "median min max" of the numbers in FILE, one a line.
summary() {
	sort -g "$1" | awk '{v[NR] = $1}
		END {
			if (NR == 0) { print "- - -"; exit }
			h = int(NR / 2)
			m = NR % 2 ? v[h + 1] : (v[h] + v[h + 1]) / 2
			printf "%s %s %s\n", m, v[1], v[NR]
		}'
}

# fnum NUMBER [DECIMALS]
fnum() {
	case "$1" in
	- | "") echo "-" ;;
	*) LC_ALL=C printf "%.${2:-2}f" "$1" ;;
	esac
}

# ratio A B [DECIMALS]: A / B.
ratio() {
	case "$1$2" in
	*-*) echo "-"; return ;;
	esac
	awk -v a="$1" -v b="$2" -v d="${3:-2}" \
		'BEGIN { if (b == 0) print "-"
			 else printf "%.*f\n", d, a / b }'
}

# paired_ratio FILE_A FILE_B [DECIMALS]: the median over rounds of
# A[i] / B[i], line i of each file being the same round. Slow drifts of a
# shared machine hit both sides of a pair alike and cancel out.
paired_ratio() {
	[ -s "$1" ] && [ -s "$2" ] || { echo "-"; return; }
	paste "$1" "$2" | awk '$2 > 0 {print $1 / $2}' >"$1.ratio"
	awk -v d="${3:-2}" '{printf "%.*f\n", d, $1}' \
		<<<"$(summary "$1.ratio" | cut -d' ' -f1)"
}

# num_ok A OP B: numeric comparison, OP one of <= >= < > ==.
num_ok() {
	case "$1$3" in
	*-*) return 1 ;;
	esac
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		r = op == "<=" ? a <= b : op == ">=" ? a >= b : \
		    op == "<" ? a < b : op == ">" ? a > b : a == b
		exit !r }'
}

# met A OP B: "met" when the comparison holds, else "not met".
met() {
	if num_ok "$@"; then echo met; else echo "not met"; fi
}

# out WORD…: one line, to the terminal and to this section's result file.
out() {
	printf '%s\n' "$*" | tee -a "$RESULT"
}

# goal TEXT MET [DETAIL]: MET is "met", "not met" or "n/a: why".
goal() {
	out "- goal: $1 — **$2**${3:+ ($3)}"
}

# note TEXT: something the run did to the machine or that bears on every
# table (printed now, and listed under the header of docs/benchmarks.md).
note() {
	echo "bench: $*" >&2
	echo "- $*" >>"$B/bench/results/notes.md"
}
