#!/usr/bin/env bash
# wick run --rootfs: mount points are made inside the new root only. A
# symlink in DIR that points outside it (here at a directory the test
# makes in /var/tmp, since set-up hides the host's /tmp) is refused with
# one line, and its target stays as it was; a missing point with no link
# on the way is still made.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

R=$T/rootfs
O=$(mktemp -d /var/tmp/wick-t.XXXXXX)
trap '_cleanup; rm -rf "$O"' EXIT
chmod 777 "$O" # any sandbox root could write there: only wick holds back
small_rootfs "$R" sh cat
mkdir -p "$T/vol"
ln -s "$O" "$R/x"
echo data >"$T/vol/in"

out=$("$WICK" run --rootfs "$R" -v "$T/vol:/x/sub/created" -- \
	/bin/cat /x/sub/created/in 2>&1; echo "rc=$?")
expect_eq "a mount point through an absolute link is refused" "$out" \
	"wick: run: mount point '/x/sub/created' passes through a symlink in the root (use the path it points to): Too many levels of symbolic links
rc=1"
expect_eq "the link's target outside the root stays untouched" \
	"$(ls -A "$O")" ""
out=$("$WICK" run --rootfs "$R" -v "$T/vol:/y/sub" -- /bin/cat /y/sub/in 2>&1)
expect_eq "a missing point without links is made inside the root" \
	"$out" "data"
expect_eq "and DIR itself gains nothing" "$(ls -A "$R" | tr '\n' ' ')" \
	"bin dev lib lib64 proc run sys tmp x "

