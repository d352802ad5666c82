#!/usr/bin/env bash
# wick run: a set-up child that dies without a word (here strace kills it
# with SIGKILL at sethostname, as the OOM killer might) is a failed start,
# not a started sandbox, in the foreground and with --detach alike.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
if ! command -v strace >/dev/null; then
	skip "run-setup-death" "strace is not installed"
	exit 0
fi
kill_setup() {
	strace -f -qq -o /dev/null -e trace=sethostname \
		-e inject=sethostname:signal=SIGKILL "$WICK" run "$@" 2>&1
	echo "rc=$?"
}
if ! out=$(strace -f -qq -o /dev/null "$WICK" run true 2>&1); then
	skip "run-setup-death" "strace cannot follow wick here: $out"
	exit 0
fi

want="wick: run: set-up was killed by signal 9 (Killed) before the command ran: Operation canceled
rc=1"
out=$(kill_setup -- echo started)
expect_eq "a killed set-up fails the run with one line" "$out" "$want"
out=$(kill_setup --init -- echo started)
expect_eq "so it does under --init" "$out" "$want"
out=$(kill_setup --detach --name sd1 -- sleep 30)
expect_eq "--detach prints no id for a sandbox that never ran" "$out" "$want"
out=$("$WICK" ps 2>&1)
case $out in
*sd1*) not_ok "no state is left for it"; diag "$out"; "$WICK" rm -f sd1 ;;
*) ok "no state is left for it" ;;
esac
