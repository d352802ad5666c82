#!/usr/bin/env bash
# Bad input to wick activate: one line naming the culprit, exit 2 for
# usage errors and 1 for run-time errors, and nothing left behind.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
need socat

port=$(free_port)
long=/tmp/$(printf 'a%.0s' $(seq 110)).sock

# bad STATUS MESSAGE ARGS…: runs `wick ARGS…` and checks both.
bad() {
	local want_st=$1 want_msg=$2 out st
	shift 2
	out=$("$WICK" "$@" 2>&1 </dev/null)
	st=$?
	if [ "$st" -eq "$want_st" ] && [ "$out" == "$want_msg" ]; then
		ok "$* -> exit $st: $want_msg"
	else
		not_ok "$*"
		diag "got exit $st: $out"
		diag "want exit $want_st: $want_msg"
	fi
}

U="use PORT, IP:PORT, [IPV6]:PORT, /path, @name or vsock:CID:PORT"
bad 2 "wick: no listen address given (use -l ADDR)" activate true
bad 2 "wick: no command given (put it after the options, e.g. '-- wick-echo')" \
	activate -l "127.0.0.1:$port"
bad 2 "wick: activate: option '--bogus' is unknown or needs a value (see 'wick activate --help')" \
	activate --bogus -l "$port" true
bad 2 "wick: activate: option '-l' is unknown or needs a value (see 'wick activate --help')" \
	activate -l
bad 2 "wick: activate: option '-x' is unknown or needs a value (see 'wick activate --help')" \
	activate -x -l "$port" true
bad 2 "wick: invalid listen address '1.2.3:80': not an address ($U)" \
	activate -l 1.2.3:80 true
bad 2 "wick: invalid listen address 'localhost:80': not an address ($U)" \
	activate -l localhost:80 true
bad 2 "wick: invalid listen address '127.0.0.1:65536': number out of range (ports are 1-65535)" \
	activate -l 127.0.0.1:65536 true
bad 2 "wick: invalid listen address '0': number out of range (ports are 1-65535)" \
	activate -l 0 true
bad 2 "wick: listen address '127.0.0.1:$port' (stream) is given twice" \
	activate -l "127.0.0.1:$port" -l "127.0.0.1:$port" true
bad 2 "wick: invalid --setenv '=x': expected VAR or VAR=VALUE" \
	activate -E =x -l "$port" true
bad 2 "wick: invalid --setenv '': expected VAR or VAR=VALUE" \
	activate -E '' -l "$port" true
bad 2 "wick: invalid listen address '$long': socket path too long (at most 107 bytes)" \
	activate -l "$long" true
bad 2 "wick: invalid listen address '[fe80::1%nosuch0]:80': no such network interface" \
	activate -l '[fe80::1%nosuch0]:80' true
bad 2 "wick: --accept cannot be used with --datagram listener '127.0.0.1:$port' (datagram sockets have no connections)" \
	activate --accept --datagram -l "127.0.0.1:$port" true
bad 2 "wick: --accept cannot be used with --datagram listener '127.0.0.1:$port' (datagram sockets have no connections)" \
	activate -a --listen-datagram "127.0.0.1:$port" true
bad 2 "wick: --inetd without --accept takes exactly one listener" \
	activate --inetd -l "127.0.0.1:$port" -l "$T/x.sock" true
bad 2 "wick: 3 --fdname names for 2 sockets; give at most one name per socket" \
	activate --fdname a:b:c -l "127.0.0.1:$port" -l "$T/x.sock" true
bad 2 "wick: invalid --fdname 'a	b': names are printable ASCII up to 255 bytes" \
	activate --fdname "a	b" -l "127.0.0.1:$port" true
bad 2 "wick: --now cannot be used with --accept" activate --now -a -l "$port" true
bad 2 "wick: --datagram and --seqpacket cannot be combined" \
	activate -d --seqpacket -l "$T/x.sock" true
bad 2 "wick: seqpacket listener '127.0.0.1:$port' must be a Unix or VSOCK address" \
	activate --listen-seqpacket "127.0.0.1:$port" true
bad 2 "wick: invalid --socket-mode '999': expected an octal mode such as 0660" \
	activate --socket-mode 999 -l "$T/x.sock" true
bad 2 "wick: invalid --backlog 'abc': expected a number from 1 to 1048576" \
	activate --backlog abc -l "$port" true
bad 2 "wick: invalid --max-connections '0': expected a number from 1 to 65536" \
	activate -a --max-connections 0 -l "$port" true
bad 2 "wick: invalid --bind-ipv6-only 'maybe': use default, both or ipv6-only" \
	activate --bind-ipv6-only maybe -l "$port" true
bad 2 "wick: invalid --trigger-limit-interval 'soon': expected seconds, such as 2 or 500ms" \
	activate --trigger-limit-interval soon -l "$port" true
bad 2 "wick: invalid --trigger-limit-interval 'nan': expected seconds, such as 2 or 500ms" \
	activate --trigger-limit-interval nan -l "$port" true
bad 2 "wick: invalid --trigger-limit-interval '1e-9': expected seconds, such as 2 or 500ms" \
	activate --trigger-limit-interval 1e-9 -l "$port" true
bad 2 "wick: unknown command 'frobnicate' (run 'wick --help' for the list)" frobnicate
bad 1 "wick: cannot run 'no-such-command-wick': command not found (check the name and PATH)" \
	activate -l "127.0.0.1:$port" no-such-command-wick
touch "$T/notexec"
bad 1 "wick: cannot run '$T/notexec': not executable (check the name and PATH)" \
	activate -l "127.0.0.1:$port" "$T/notexec"
check "a failed start binds nothing" sh -c "! ss -Hltn 'sport = :$port' | grep -q ."

# Port in use, named; the Unix listener opened before it is removed.
socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" /dev/null &
holder=$!
_pids+=("$holder")
wait_until 20 is_listening tcp "$port"
bad 1 "wick: listen 127.0.0.1:$port (stream): address already in use (another process listens there)" \
	activate -l "$T/first.sock" -l "127.0.0.1:$port" true
check "the socket file bound before the failure is gone" test ! -e "$T/first.sock"
kill "$holder"

# In use by the command's own earlier listener: that one is named.
p2=$(free_port)
bad 1 "wick: listen 127.0.0.1:$p2 (stream): address already in use by [::]:$p2, listed before it (list each address once; a bare port already covers IPv4 and IPv6)" \
	activate -l "$p2" -l "127.0.0.1:$p2" true

# A live Unix socket of a one-shot server (socat without fork) is refused
# without a connection to it: the server keeps waiting for its client.
socat "UNIX-LISTEN:$T/oneshot.sock" - </dev/null >"$T/oneshot.out" &
oneshot=$!
_pids+=("$oneshot")
wait_until 20 test -S "$T/oneshot.sock"
bad 1 "wick: listen $T/oneshot.sock (stream): address already in use (another process listens there)" \
	activate -l "$T/oneshot.sock" true
check "the one-shot server was not woken by the check" running "$oneshot"
out=$(echo mine | socat -t 20 - "UNIX-CONNECT:$T/oneshot.sock" 2>&1)
check "… and still takes its own client" wait_until 20 grep -qx mine \
	"$T/oneshot.out"

# A path that is not a socket is refused and left alone.
echo keep >"$T/file"
bad 1 "wick: listen $T/file (stream): the path exists and is not a socket (move it away or choose another path)" \
	activate -l "$T/file" true
expect_eq "the file is untouched" "$(cat "$T/file")" keep

# A parent that is a file, and a full fd table, are named as such.
bad 1 "wick: listen $T/file/x.sock (stream): a parent of the path is not a directory" \
	activate -l "$T/file/x.sock" true
out=$(ulimit -n 5; "$WICK" activate -l "$T/a.sock" -l "$T/b.sock" -l "$T/c.sock" true 2>&1)
expect_eq "a full fd table says what to raise" "$out" \
	"wick: listen $T/c.sock (stream): too many open files (raise ulimit -n)"
check "… and leaves no socket file" test ! -e "$T/a.sock" -a ! -e "$T/b.sock"
out=$(ulimit -n 6; "$WICK" activate -l "$T/a.sock" -l "$T/b.sock" -l "$T/c.sock" true 2>&1)
expect_eq "no fd left for supervision: said, with the remedy" "$out" \
	"wick: cannot set up supervision: Too many open files (raise ulimit -n)"
check "… and leaves no socket file" test ! -e "$T/a.sock" -a ! -e "$T/c.sock"

# Permission denied: a directory wick may not write to.
if ! is_root; then
	bad 1 "wick: listen 127.0.0.1:80 (stream): permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)" \
		activate -l 127.0.0.1:80 true
	mkdir -m 555 "$T/ro"
	bad 1 "wick: listen $T/ro/x.sock (stream): permission denied (the directory must be writable)" \
		activate -l "$T/ro/x.sock" true
else
	skip "permission denied on port 80" "root may bind it; runs as the unprivileged user"
	skip "permission denied on a read-only directory" "root may write it; runs as the unprivileged user"
fi

# An address where the command should be: a listen switch took no value.
bad 2 "wick: '127.0.0.1:$port' is an address, not a command: --datagram and --seqpacket take no value (use --listen-datagram ADDR)" \
	activate -l "127.0.0.1:$port" --datagram "127.0.0.1:$port"
bad 2 "wick: generate: '127.0.0.1:$port' is an address, not a command: --datagram and --seqpacket take no value (use --listen-datagram ADDR)" \
	generate systemd -- wick run -l "127.0.0.1:$port" --datagram "127.0.0.1:$port" -- wick-echo
bad 2 "wick: run: name 'units' is taken by the state of started units; choose another" \
	run --name units true
