#!/usr/bin/env bash
# wick run: what a server sees from inside the sandbox — only loopback, no
# way out, no host processes, no capabilities, seccomp on, nothing but
# stdio open, and a --rootfs that writes never reach.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../helpers/run-lib.sh"

need_sandbox

inside() { "$WICK" run "$@" 2>&1; }

out=$(inside sh -c 'ls /sys/class/net')
expect_eq "only lo in --network=none" "$out" "lo"

port=$(free_port)
bg "$T/host-listener.log" socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo host'
wait_until 20 is_listening tcp "$port" || diag "host listener did not start"
# Read-only clients: a server that closes with unread input would reset
# the connection and lose its answer.
host=$(socat -u TCP:127.0.0.1:"$port" - 2>&1)
expect_eq "the host listener answers on the host" "$host" "host"
out=$(inside sh -c "socat -u TCP:127.0.0.1:$port - 2>&1; echo rc=\$?")
expect_match "the host's 127.0.0.1:$port is unreachable inside" "$out" "*Connection refused*rc=1"
out=$(inside --network=host sh -c "socat -u TCP:127.0.0.1:$port -")
expect_eq "--network=host reaches it" "$out" "host"

out=$(inside sh -c 'getent hosts localhost.wick-test.example debian.org; echo rc=$?')
expect_eq "name resolution fails" "$out" "rc=2"

out=$(inside sh -c 'for p in /proc/[0-9]*; do printf "%s " "${p#/proc/}:$(cat $p/comm)"; done')
expect_eq "no host process is visible (not even the socat listener)" \
	"$out" "1:sh "
# The device nodes bound in from the host carry no setuid or exec rights.
out=$(inside sh -c 'for d in null zero full random urandom tty; do
	awk -v p=/dev/$d '"'"'$5 == p {print p, ($6 ~ /nosuid/ && $6 ~ /noexec/)}'"'"' \
		/proc/self/mountinfo; done | tr "\n" " "')
expect_eq "device nodes are nosuid and noexec" "$out" \
	"/dev/null 1 /dev/zero 1 /dev/full 1 /dev/random 1 /dev/urandom 1 /dev/tty 1 "
# Every namespace is the sandbox's own (cgroup included: it is made, but
# wick sets no cgroup limits; see wick-run(1)).
for ns in user mnt pid net uts ipc cgroup; do
	mine=$(readlink /proc/self/ns/$ns)
	out=$(inside readlink /proc/self/ns/$ns)
	check "own $ns namespace" test -n "$out" -a "$out" != "$mine"
done
out=$(inside --network=host readlink /proc/self/ns/net)
expect_eq "--network=host shares the host's" "$out" "$(readlink /proc/self/ns/net)"
out=$(inside sh -c 'echo $$')
expect_eq "the command is pid 1" "$out" "1"

out=$(inside sh -c 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "')
expect_eq "CapEff 0, NoNewPrivs 1, Seccomp 2" "$out" \
	"$(printf 'NoNewPrivs: 1\nSeccomp: 2\nCapEff: 0000000000000000' | sort)"
out=$(inside --cap-add NET_BIND_SERVICE sh -c 'grep ^CapEff /proc/self/status')
expect_eq "--cap-add NET_BIND_SERVICE grants just that" "$out" \
	"CapEff:	0000000000000400"
out=$(inside --security-opt seccomp=unconfined sh -c 'grep ^Seccomp: /proc/self/status')
expect_eq "seccomp=unconfined loads no filter" "$out" "Seccomp:	0"
out=$(inside sh -c 'unshare -U true 2>&1; echo rc=$?')
expect_match "the filter refuses new user namespaces" "$out" "*Operation not permitted*rc=1"
out=$(inside --cap-add SYS_ADMIN sh -c 'mount -t tmpfs x /mnt 2>&1; echo rc=$?')
expect_match "the filter refuses mount even with --cap-add SYS_ADMIN" \
	"$out" "*rc=32"

if command -v script >/dev/null; then
	out=$(script -qc "$WICK run -v $PB:/run/pb:ro /run/pb/probe tiocsti" /dev/null | tr -d '\r')
	expect_eq "the filter refuses to push input into the terminal" "$out" \
		"tiocsti: Operation not permitted"
else
	skip "the filter refuses to push input into the terminal" "no script(1)"
fi
out=$(inside sh -c 'echo 1 > /proc/sys/kernel/domainname 2>&1; echo rc=$?')
expect_match "/proc/sys is read-only" "$out" "*Read-only*rc=2"

out=$(inside sh -c 'ls /proc/self/fd' 9>/dev/null 7</dev/null)
expect_eq "only stdio (and ls's own dir fd) open inside" "$(echo $out)" "0 1 2 3"
out=$(inside sh -c 'echo x > /etc/wick-test 2>&1; echo rc=$?; echo ok > /tmp/t && cat /tmp/t')
expect_match "the host root is read-only, /tmp is private and writable" "$out" "*Read-only*rc=2*ok"

# A small root file system: sh and a few tools with their libraries.
R=$T/rootfs
small_rootfs "$R" sh cat ls touch mkdir rm
echo original >"$R/file"
give_to_sandbox "$R"
before=$(cd "$R" && find . -printf '%p %s %T@ %m\n' | sort | md5sum)
out=$(inside --rootfs "$R" /bin/sh -c 'echo changed > /file; touch /new; rm /bin/touch; mkdir /d; cat /file; for f in /*; do printf "%s " "${f#/}"; done')
expect_eq "--rootfs is writable inside" "$(echo $out)" "changed bin d dev file lib lib64 new proc run sys tmp"
after=$(cd "$R" && find . -printf '%p %s %T@ %m\n' | sort | md5sum)
expect_eq "--rootfs DIR is unchanged after the writes" "$after" "$before"
out=$(inside --rootfs "$R" --read-only /bin/sh -c 'echo x > /file 2>&1; echo rc=$?')
expect_match "--rootfs --read-only refuses writes" "$out" "*Read-only*rc=2"
out=$(inside --rootfs "$R" -w /tmp --hostname box /bin/sh -c 'echo $PWD; cat /proc/sys/kernel/hostname')
expect_eq "-w and --hostname" "$(echo $out)" "/tmp box"
mkdir -p "$T/vol"
echo data >"$T/vol/in"
give_to_sandbox "$T/vol"
out=$(inside -v "$T/vol:/run/vol" sh -c 'cat /run/vol/in; echo out > /run/vol/out')
expect_eq "-v reads the host directory" "$out" "data"
expect_eq "-v writes reach the host directory" "$(cat "$T/vol/out")" "out"
out=$(inside -v "$T/vol:/run/vol:ro" sh -c 'echo x > /run/vol/out 2>&1; echo rc=$?')
expect_match "-v …:ro is read-only" "$out" "*Read-only*rc=2"
out=$(inside -e A=1 -e HOME sh -c 'echo $A $HOME $container')
expect_eq "-e sets and copies variables" "$out" "1 $HOME wick"
