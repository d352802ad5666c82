#!/usr/bin/env bash
# wick ps/exec/stop/rm on named sandboxes, exit statuses and signals, and
# bad input: one line each, and nothing left behind (no state directory,
# no mount, no process).
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
SR=$(state_root)
me=$(sandbox_uid) # the host uid of root inside
# Root's state directory is shared with every other wick on the machine:
# this test's sandboxes carry its own prefix, and its probes a tag.
n=mg$$
PROBE=(-e "WICK_TEST_TAG=$n" "${PROBE[@]}")

# our_probes: our processes running the probe with this test's tag.
our_probes() {
	local p
	for p in $(pgrep -u "$me" -f "^/run/pb/probe"); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null |
			grep -qx "WICK_TEST_TAG=$n" && echo "$p"
	done
}

# snapshot: this test's state entries (by name: other wicks' come and
# go in a shared directory), mounts wick could leave (its staging /tmp or
# anything under $T; other mounts of the host may come and go meanwhile)
# and our tagged probes.
snapshot() {
	ls -A "$SR" 2>/dev/null | grep -- "$n-" | sort | tr '\n' ' '
	awk -v t="$T" '$5 == "/tmp" || index($5, t) == 1' /proc/self/mountinfo | wc -l
	our_probes | wc -l
}

t0=$(date +%s%N)
id=$("$WICK" run -d --name "$n-web1" "${PROBE[@]}")
diag "run -d took $((($(date +%s%N) - t0) / 1000000)) ms"
# run -d returns once the sandbox started; its pid 1 may still be on its
# way to exec the probe.
wait_until 20 eval '[ "$(our_probes | wc -l)" = 1 ]'
diag "its probe was there after $((($(date +%s%N) - t0) / 1000000)) ms"
expect_eq "its probe is one snapshot counts" "$(our_probes | wc -l)" 1
expect_match "run -d prints a 32-digit id" "$id" \
	"$(printf '[0-9a-f]%.0s' $(seq 32))"
out=$("$WICK" ps)
expect_match "ps lists it: name, id, command, status, age, listeners" \
	"$(grep "^$n-web1 " <<<"$out" | tr -s ' ')" \
	"$n-web1 ${id:0:12} /run/pb/probe running [0-9]s 0"
expect_match "ps has a header" "$(head -1 <<<"$out" | tr -s ' ')" \
	"NAME ID COMMAND STATUS AGE LISTENERS"

out=$("$WICK" exec "$n-web1" sh -c 'for p in /proc/[0-9]*; do printf "%s " "$(cat $p/comm)"; done; ls /sys/class/net')
expect_eq "exec sees the sandbox's processes and network" "$(echo $out)" "probe sh lo"
out=$("$WICK" exec "$n-web1" sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " " | sort | tr "\n" " "')
expect_eq "exec runs under the same restrictions" "$out" \
	"CapEff: 0000000000000000 NoNewPrivs: 1 Seccomp: 2 "
out=$("$WICK" exec "${id:0:8}" cat /proc/1/cmdline | tr '\0' ' ')
expect_eq "exec finds a sandbox by id prefix" "$out" "/run/pb/probe "
"$WICK" exec "$n-web1" sh -c 'exit 7'
expect_eq "exec returns the command's status" "$?" "7"
out=$("$WICK" exec -t "$n-web1" tty </dev/null | tr -d '\r')
expect_eq "exec -t gives the command a terminal of the sandbox" "$out" "/dev/pts/0"
out=$("$WICK" exec "$n-web1" tty </dev/null)
expect_eq "exec without -t gives none" "$out" "not a tty"

out=$("$WICK" run -d --name "$n-web1" "${PROBE[@]}" 2>&1)
expect_eq "a name in use: one line" "$out" \
	"wick: run: the name '$n-web1' is in use by a running sandbox (pick another, or add --replace)"
id2=$("$WICK" run -d --name "$n-web1" --replace "${PROBE[@]}")
out=$("$WICK" ps | grep -c "^$n-web1 ")
expect_eq "--replace leaves one web1" "$out" "1"
check "--replace gave it a new id" test "$id2" != "$id"

out=$("$WICK" rm "$n-web1" 2>&1)
expect_eq "rm of a running sandbox: one line" "$out" \
	"wick: rm: '$n-web1' is running (stop it first, or use rm -f)"
out=$("$WICK" stop -t 1 "$n-web1")
expect_eq "stop prints the name" "$out" "$n-web1"
check "stop removed its state" test ! -e "$SR/$n-web1"
out=$("$WICK" exec "$n-web1" true 2>&1)
st=$?
expect_eq "exec into a gone sandbox: one line" "$out" \
	"wick: exec: no running sandbox named '$n-web1' (see wick ps)"
expect_eq "… exit 1" "$st" "1"
"$WICK" run -d --name "$n-web2" sleep 1000 >/dev/null
start=$(date +%s%N)
"$WICK" stop -t 1 "$n-web2" >/dev/null
took=$((($(date +%s%N) - start) / 1000000))
# Not before -t; and well before the 10 s that -t 1 ignored would take,
# with room for a slow machine.
check "stop falls back to SIGKILL after -t (sleep as pid 1 ignores SIGTERM)" \
	test "$took" -ge 1000 -a "$took" -le 8000
diag "stop -t 1 took $took ms"
"$WICK" run -d --name "$n-web3" "${PROBE[@]}" >/dev/null
out=$("$WICK" rm -f "$n-web3")
expect_eq "rm -f stops and removes" "$out" "$n-web3"
check "… and its state is gone" test ! -e "$SR/$n-web3"

bg "$T/stale.log" "$WICK" run --name "$n-st1" sleep 1000
st1=$BG_PID
wait_until 20 test -s "$SR/$n-st1/pid"
inner=$(cat "$SR/$n-st1/pid")
kill -KILL "$st1"
check "a killed wick takes its sandbox along" \
	wait_until 20 eval "! running $inner"
out=$("$WICK" ps | grep "^$n-st1 " | tr -s ' ')
# Any wick run of this user sweeps stale state, and as root others may
# run meanwhile: only a leftover still there can be shown and removed.
if [ -z "$out" ] && [ ! -e "$SR/$n-st1" ]; then
	skip "ps shows its leftover state as stale" "another wick swept it first"
	skip "rm removes stale state" "another wick swept it first"
else
	expect_match "ps shows its leftover state as stale" "$out" \
		"$n-st1 * sleep 1000 stale *"
	out=$("$WICK" rm "$n-st1")
	expect_eq "rm removes stale state" "$out" "$n-st1"
fi
check "… and the directory is gone" test ! -e "$SR/$n-st1"

"$WICK" run sh -c 'exit 3'
expect_eq "run exits with the command's status" "$?" "3"
"$WICK" run --init sh -c 'exit 4'
expect_eq "… also with --init" "$?" "4"
"$WICK" run --init sh -c 'kill -KILL $$'
expect_eq "a command killed by a signal gives 128+N (--init)" "$?" "137"
bg "$T/kill.log" "$WICK" run --name "$n-k1" sleep 1000
k1=$BG_PID
wait_until 20 test -s "$SR/$n-k1/pid"
kill -KILL "$(cat "$SR/$n-k1/pid")"
wait "$k1"
expect_eq "a server killed from outside gives 128+N" "$?" "137"
bg "$T/sig.log" "$WICK" run --init sh -c 'trap "echo got TERM; exit 5" TERM; echo up; while :; do sleep 0.1; done'
sig=$BG_PID
wait_log "$T/sig.log" up 20
kill -TERM "$sig"
wait "$sig"
expect_eq "SIGTERM to wick reaches the server through --init" "$?" "5"
expect_match "… which handled it" "$(cat "$T/sig.log")" "*got TERM*"
# The orphaned sleep ends and init must reap it: wait (bounded) until it
# is gone, then count zombies; one that init left stays as "sleep".
out=$("$WICK" run --init sh -c '(sleep 0.2 & exec true); i=0
	while [ $i -lt 200 ] &&
		grep -qs "^Name:[[:space:]]*sleep" /proc/[0-9]*/status; do
		sleep 0.05; i=$((i + 1))
	done
	grep -l "^State:.*Z" /proc/[0-9]*/status | wc -l')
expect_eq "--init reaps orphans (no zombie left)" "$out" "0"

before=$(snapshot)
bad() { # DESC WANT_STATUS WANT_LINE ARGS…
	local d=$1 ws=$2 wl=$3 out st
	shift 3
	out=$("$@" 2>&1)
	st=$?
	expect_eq "$d: one line" "$out" "$wl"
	expect_eq "$d: exit $ws" "$st" "$ws"
	expect_eq "$d: nothing left behind" "$(snapshot)" "$before"
}
bad "unknown --network" 2 \
	"wick: run: unknown --network mode 'bridge' (use none or host)" \
	"$WICK" run --network=bridge true
bad "missing rootfs" 1 \
	"wick: run: rootfs '$T/nope': No such file or directory (give an existing directory)" \
	"$WICK" run --name "$n-gone" --rootfs "$T/nope" true
bad "missing command" 127 \
	"wick: run: cannot run 'no-such-command' in the sandbox: No such file or directory (is it installed in the sandbox's root?)" \
	"$WICK" run --name "$n-gone" no-such-command
bad "volume mount point on the read-only root" 1 \
	"wick: run: mount point '/wick-no-such-dir' is missing and cannot be made (use an existing path, or one under /tmp or /run): Read-only file system" \
	"$WICK" run --name "$n-gone" -v "$T:/wick-no-such-dir" true
bad "unknown capability" 2 \
	"wick: run: unknown capability 'FLY' (e.g. NET_BIND_SERVICE)" \
	"$WICK" run --cap-add FLY true
bad "stop of nothing" 1 \
	"wick: stop: no running sandbox named '$n-gone' (see wick ps)" \
	"$WICK" stop "$n-gone"

# User namespaces refused: set the limit to 0 inside a user namespace of
# our own (the limit is per namespace), never on the host.
if unshare -Ur true 2>/dev/null; then
	out=$(unshare -Ur sh -c "echo 0 >/proc/sys/user/max_user_namespaces &&
		XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR '$WICK' run --name $n-nouserns true" 2>&1)
	expect_eq "no user namespaces allowed: one line" "$out" \
		"wick: run: creating the namespaces: No space left on device (user namespaces are not allowed here: see sysctl user.max_user_namespaces and the host's policy)"
	expect_eq "… nothing left behind" "$(snapshot)" "$before"
	check "… no state for the name" test ! -e "$SR/$n-nouserns"
else
	skip "no user namespaces allowed" "unshare -Ur is refused here"
fi
