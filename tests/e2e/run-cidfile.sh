#!/usr/bin/env bash
# --cidfile: a file that cannot be written, or one that exists already
# (it may be another sandbox's), is an error before anything starts: one
# line, exit 1, nothing run, listened on or left behind. It used to be
# logged only after the start (exit 0), and an existing file overwritten.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
SR=$(state_root)
n=cid$$

# refused DESC WANT_LINE ARGS…: wick run ARGS fails at once, runs nothing.
refused() {
	local d=$1 want=$2 out st
	shift 2
	out=$("$WICK" run --name "$n" "$@" sh -c "touch $T/ran" 2>&1 \
		</dev/null)
	st=$?
	expect_eq "$d: one line" "$out" "$want"
	expect_eq "$d: exit 1" "$st" 1
	check "$d: nothing ran" test ! -e "$T/ran"
	check "$d: no state left" test ! -e "$SR/$n"
}

refused "cidfile in a missing directory" \
	"wick: run: cidfile '$T/nodir/cid': No such file or directory (give a path in a writable directory)" \
	--cidfile "$T/nodir/cid"
if ! is_root; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	refused "cidfile in a read-only directory" \
		"wick: run: cidfile '$T/ro/cid': Permission denied (give a path in a writable directory)" \
		--cidfile "$T/ro/cid"
else
	skip "cidfile in a read-only directory" "root may write to any directory"
fi
echo other >"$T/cid"
refused "an existing cidfile" \
	"wick: run: cidfile '$T/cid' exists (another sandbox may use it; remove it first)" \
	--cidfile "$T/cid"
expect_eq "… which stays as it was" "$(cat "$T/cid")" other

port=$(free_port)
out=$(timeout 20 "$WICK" run -l 127.0.0.1:"$port" --cidfile "$T/cid" true \
	2>&1 </dev/null)
st=$?
expect_eq "run -l with an existing cidfile: one line" "$out" \
	"wick: run: cidfile '$T/cid' exists (another sandbox may use it; remove it first)"
expect_eq "… exit 1 at once" "$st" 1
check "… and nothing listens" sh -c "! ss -Hltn 'sport = :$port' | grep -q ."

rm -f "$T/cid"
id=$("$WICK" run -d --name "$n" --cidfile "$T/cid" sleep 1000)
expect_eq "a new cidfile holds the id" "$(cat "$T/cid" 2>&1)" "$id"
"$WICK" rm -f "$n" >/dev/null
check "… and goes with the sandbox" wait_until 20 test ! -e "$T/cid"
