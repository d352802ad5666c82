#!/usr/bin/env bash
# One-line errors that say what is wrong, from the fresh-user pass: a long
# --hostname, bad arguments to stop/exec/rm, a state directory that is
# another user's, a --read-only rootfs without its mount points, and
# volumes over the root or /proc. Nothing may be left behind by any.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox
SR=$(state_root)
n=msg$$

# bad DESC WANT_STATUS WANT_LINE CMD…: CMD prints WANT_LINE only, exits
# with WANT_STATUS, runs nothing and leaves no state for $n.
bad() {
	local d=$1 ws=$2 wl=$3 out st
	shift 3
	out=$("$@" 2>&1 </dev/null)
	st=$?
	expect_eq "$d: one line" "$out" "$wl"
	expect_eq "$d: exit $ws" "$st" "$ws"
	check "$d: nothing ran" test ! -e "$T/ran"
	check "$d: no state left" test ! -e "$SR/$n"
}
RAN=(sh -c "touch $T/ran")

long=$(printf 'h%.0s' $(seq 100))
bad "a 100-byte --hostname" 2 \
	"wick: run: --hostname is 100 bytes long; the kernel allows at most 64" \
	"$WICK" run --name "$n" --hostname "$long" "${RAN[@]}"
out=$("$WICK" run --hostname "$(printf 'h%.0s' $(seq 64))" hostname 2>&1)
expect_eq "a 64-byte --hostname is fine" "$out" "$(printf 'h%.0s' $(seq 64))"

bad "stop -t abc" 2 \
	"wick: stop: -t 'abc' is not a number of seconds (0 to 86400)" \
	"$WICK" stop -t abc "$n"
bad "stop without a name" 2 \
	"wick: stop: no NAME given (wick stop [-t SECONDS] NAME...)" \
	"$WICK" stop
bad "rm with an unknown option" 2 \
	"wick: rm: option '-z' is unknown or needs a value (wick rm [-f] NAME...)" \
	"$WICK" rm -z "$n"
bad "exec without a command" 2 \
	"wick: exec: no COMMAND given to run in '$n' (wick exec [-i] [-t] NAME COMMAND [ARG...])" \
	"$WICK" exec "$n"
bad "exec without a name" 2 \
	"wick: exec: no NAME given (wick exec [-i] [-t] NAME COMMAND [ARG...])" \
	"$WICK" exec

# A state directory of another user's: root's own tests make /run/wick,
# which an unprivileged user reaches with XDG_RUNTIME_DIR=/run; as root,
# nobody meets a directory of root's.
if is_root; then
	mkdir -p "$T/o/wick" && chmod 755 "$T/o" "$T/o/wick"
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups env
		XDG_RUNTIME_DIR="$T/o")
	dir=$T/o/wick
	whom="not to you (uid $(id -u nobody))"
else
	as=(env XDG_RUNTIME_DIR=/run)
	dir=/run/wick
	whom="not to you (uid $(id -u))"
fi
if [ "$(stat -c %u "$dir" 2>/dev/null)" = 0 ] &&
	"${as[@]}" test -x "$WICK"; then
	for c in ps "stop x" "exec x true" "rm x" "run true"; do
		# shellcheck disable=SC2086 # $c is the command and its words
		bad "another user's state directory ($c)" 1 \
			"wick: ${c%% *}: state directory '$dir' belongs to root (uid 0), $whom: remove it, or set XDG_RUNTIME_DIR to a directory of your own" \
			"${as[@]}" "$WICK" $c
	done
else
	skip "another user's state directory" "no directory of root's at $dir to meet"
fi

mkdir -p "$T/rootfs/bin"
bad "--read-only rootfs without /proc" 1 \
	"wick: run: rootfs '$T/rootfs' has no /proc, which a --read-only rootfs needs (create /proc, /dev, /sys, /tmp and /run in it, or drop --read-only)" \
	"$WICK" run --name "$n" --rootfs "$T/rootfs" --read-only "${RAN[@]}"
port=$(free_port)
bad "… also before listening (-l)" 1 \
	"wick: run: rootfs '$T/rootfs' has no /proc, which a --read-only rootfs needs (create /proc, /dev, /sys, /tmp and /run in it, or drop --read-only)" \
	timeout 20 "$WICK" run -l 127.0.0.1:"$port" --name "$n" \
	--rootfs "$T/rootfs" --read-only "${RAN[@]}"
check "… where nothing listens" sh -c "! ss -Hltn 'sport = :$port' | grep -q ."

for v in "$T:/" "$T://" ; do
	bad "a volume over the root ($v)" 2 \
		"wick: run: volume '$v': cannot bind over the sandbox's root (use --rootfs)" \
		"$WICK" run --name "$n" -v "$v" "${RAN[@]}"
done
for v in "$T:/proc" "$T:/proc/sys:ro"; do
	bad "a volume over /proc ($v)" 2 \
		"wick: run: volume '$v': /proc is the sandbox's own (bind somewhere else)" \
		"$WICK" run --name "$n" -v "$v" "${RAN[@]}"
done
bad "a volume with '..'" 2 \
	"wick: run: volume '$T:/tmp/../proc': '..' is not allowed in the destination" \
	"$WICK" run --name "$n" -v "$T:/tmp/../proc" "${RAN[@]}"
out=$("$WICK" run -v "$T:/tmp/procs" -v "$T:/tmp/..x" ls -d /tmp/procs \
	/tmp/..x 2>&1)
expect_eq "names that only look alike are fine" "$(echo $out)" \
	"/tmp/..x /tmp/procs"

bad "one volume destination twice" 2 \
	"wick: run: volume destination '/tmp/v' is given twice (bind each place once)" \
	"$WICK" run --name "$n" -v "$T:/tmp/v" -v "$T:/tmp/v/" "${RAN[@]}"
bad "one volume destination twice, spelled otherwise" 2 \
	"wick: run: volume destination '/tmp/v' is given twice (bind each place once)" \
	"$WICK" run --name "$n" -v "$T://tmp/./v" -v "$T:/tmp/v" "${RAN[@]}"
bad "an unknown option" 2 \
	"wick: run: option '--bogus' is unknown or needs a value (see 'wick run --help')" \
	"$WICK" run --name "$n" --bogus "${RAN[@]}"

# Volumes are mounted parents first, as podman does, whatever the order
# given: the inner one is not hidden by the outer.
mkdir -p "$T/outer/inner" "$T/in"
echo in >"$T/in/f"
echo out >"$T/outer/f"
out=$("$WICK" run -v "$T/in:/tmp/o/inner:ro" -v "$T/outer:/tmp/o" \
	cat /tmp/o/inner/f /tmp/o/f 2>&1)
expect_eq "an inner volume given first is still seen" "$(echo $out)" "in out"

# Too few file descriptors: the one line says which limit to raise.
out=$(bash -c 'ulimit -n 10; "$0" run --name "$1" true' "$WICK" "$n" 2>&1)
expect_match "a tiny fd limit names ulimit -n" "$out" \
	"wick: run: *: Too many open files (raise ulimit -n; wick run needs about 16)"
check "… and leaves no state" test ! -e "$SR/$n"

# stop, rm and exec take short options only: --help is help, another
# long option is named.
out=$("$WICK" stop --help 2>&1)
expect_eq "stop --help: usage, exit 0" "$?:$out" "0:usage: wick stop [-t SECONDS] NAME..."
bad "stop --bogus" 2 \
	"wick: stop: option '--bogus' is unknown (wick stop [-t SECONDS] NAME...)" \
	"$WICK" stop --bogus "$n"
bad "exec --tty" 2 \
	"wick: exec: option '--tty' is unknown (wick exec [-i] [-t] NAME COMMAND [ARG...])" \
	"$WICK" exec --tty "$n" true
