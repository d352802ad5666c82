#!/usr/bin/env bash
# wick run as root: the sandbox's root is an unprivileged host id, so
# root-only host files stay closed; --userns=host is root's way back to the
# identity mapping, and users are told it is not theirs.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

if ! is_root; then
	skip "/etc/shadow is closed to root inside" "needs root (run as $(id -un))"
	out=$("$WICK" run --userns=host true 2>&1; echo "rc=$?")
	expect_eq "--userns=host is refused for a user" "$out" \
		"wick: run: --userns=host needs root (as a user, root inside is already your own uid)
rc=2"
	exit 0
fi

out=$("$WICK" run -- sh -c 'head -c5 /etc/shadow; echo " rc=$?"' 2>&1)
expect_match "/etc/shadow is unreadable for root inside" "$out" \
	"*Permission denied* rc=1"
out=$("$WICK" run -- sh -c 'cat /proc/self/uid_map' 2>&1)
expect_match "root inside is mapped to 65536 unprivileged ids" "$out" \
	"*0*[1-9]*65536"
out=$("$WICK" run -- stat -c %U /etc/shadow 2>&1)
expect_eq "host root's files belong to nobody inside" "$out" "nobody"
out=$("$WICK" run -- head -c5 /etc/hostname 2>&1)
expect_eq "world-readable files still read" "$out" "$(head -c5 /etc/hostname)"
out=$("$WICK" run --userns=host -- sh -c 'head -c5 /etc/shadow' 2>&1)
expect_eq "--userns=host reads /etc/shadow" "$out" "$(head -c5 /etc/shadow)"
out=$("$WICK" run --userns=guest true 2>&1; echo "rc=$?")
expect_eq "an unknown --userns is refused" "$out" \
	"wick: run: unsupported --userns 'guest' (only host)
rc=2"
