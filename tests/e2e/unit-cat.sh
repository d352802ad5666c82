#!/usr/bin/env bash
# `wick cat` shows a unit as wick read it (continuations joined, drop-ins
# in order, specifiers expanded), warns FILE:LINE for what it ignores,
# lists keys without effect with --unsupported, finds units on the
# default search path, and refuses units that cannot run without
# starting anything.
# wick-test: rootless
. "$(dirname "$0")/../lib.sh"
. "$WICK_TOP/tests/lib/units.sh"

cat >"$UNITS/web@.socket" <<'UNIT'
# a comment
[Unit]
Description=web %i \
; a comment inside the continuation
  on %p
Wants=network-online.target

[Socket]
ListenStream=/tmp/never-%i.sock
Bogus=1
ListenDatagram=%Q
[X-Other]
Anything=goes
UNIT
mkdir -p "$UNITS/web@.socket.d" "$UNITS/web@blue.socket.d"
printf '[Socket]\nListenStream=\nListenStream=%%t/web-%%i.sock\n' \
	>"$UNITS/web@.socket.d/20-reset.conf"
printf '[Socket]\nBacklog=5\n' >"$UNITS/web@blue.socket.d/10-backlog.conf"

out=$("$WICK" cat --unit-path "$UNITS" web@blue.socket 2>"$T/err")
expect_eq "cat exits 0" "$?" 0
expect_eq "cat prints the unit as read" "$out" "# $UNITS/web@.socket
[Unit]
Description=web blue  on web
Wants=network-online.target

[Socket]
ListenStream=/tmp/never-blue.sock
# $UNITS/web@blue.socket.d/10-backlog.conf
[Socket]
Backlog=5
# $UNITS/web@.socket.d/20-reset.conf
[Socket]
ListenStream=
ListenStream=$XDG_RUNTIME_DIR/web-blue.sock"
expect_eq "warnings name FILE:LINE" "$(cat "$T/err")" \
"wick: $UNITS/web@.socket:10: unknown key 'Bogus' in section [Socket], ignoring
wick: $UNITS/web@.socket:11: bad specifier '%Q' in ListenDatagram=, ignoring"

out=$("$WICK" cat --unit-path "$UNITS" --unsupported web@blue.socket \
	2>/dev/null)
expect_eq "--unsupported lists keys without effect" "$out" \
	"$UNITS/web@.socket:6: [Unit] Wants=network-online.target"

# The default search path: ~/.config/systemd/user, or XDG_CONFIG_HOME.
mkdir -p "$T/home/.config/systemd/user" "$T/xdg/systemd/user"
printf '[Socket]\nListenStream=1\n' >"$T/home/.config/systemd/user/d.socket"
printf '[Socket]\nListenStream=2\n' >"$T/xdg/systemd/user/d.socket"
out=$(HOME=$T/home "$WICK" cat d.socket 2>&1)
expect_eq "found in ~/.config/systemd/user" "$out" \
	"# $T/home/.config/systemd/user/d.socket
[Socket]
ListenStream=1"
out=$(HOME=$T/home XDG_CONFIG_HOME=$T/xdg "$WICK" cat d.socket 2>&1)
expect_match "XDG_CONFIG_HOME comes first" "$out" \
	"# $T/xdg/systemd/user/d.socket*"

# Units that cannot run are errors naming the file; nothing starts.
out=$("$WICK" cat --unit-path "$UNITS" web@.socket 2>&1)
expect_eq "template without instance: exit 1" "$?" 1
expect_eq "template without instance: message" "$out" \
	"wick: $UNITS/web@.socket: a template runs only as an instance (name it web@INSTANCE.socket)"
out=$("$WICK" cat --unit-path "$UNITS" none.socket 2>&1)
expect_eq "missing unit: message" "$out" \
	"wick: none.socket: no such unit file in $UNITS (copy it there or add its directory with --unit-path)"
ln -s /dev/null "$UNITS/masked.socket"
out=$("$WICK" start --unit-path "$UNITS" masked.socket 2>&1)
expect_eq "masked unit: message" "$out" \
	"wick: masked.socket: masked ($UNITS/masked.socket is empty or links to /dev/null)"

printf '[Socket]\nListenStream=not-an-address\n' >"$UNITS/nolisten.socket"
printf '[Service]\nExecStart=/bin/true\n' >"$UNITS/nolisten.service"
out=$("$WICK" start --unit-path "$UNITS" nolisten.socket 2>&1)
expect_eq "no listener left: exit 1" "$?" 1
expect_eq "no listener left: messages" "$out" \
"wick: $UNITS/nolisten.socket:2: ListenStream=not-an-address: not an address wick knows, ignoring
wick: $UNITS/nolisten.socket: no listener left (ListenStream=, ListenDatagram= or ListenSequentialPacket=); nothing started"
check "no listener left: no state" \
	eval "[ ! -e '$(unit_state nolisten.socket)' ]"

port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/nosvc.socket"
out=$("$WICK" start --unit-path "$UNITS" nosvc.socket 2>&1)
expect_eq "missing service: exit 1" "$?" 1
expect_match "missing service: message" "$out" \
	"*wick: nosvc.socket: its service nosvc.service cannot be loaded; nothing started"
check "missing service: port not bound" eval "! is_listening tcp $port"

printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/noexec.socket"
printf '[Service]\nExecStart=bin/relative\n' >"$UNITS/noexec.service"
out=$("$WICK" start --unit-path "$UNITS" noexec.socket 2>&1)
expect_eq "no ExecStart left: exit 1" "$?" 1
expect_eq "no ExecStart left: messages" "$out" \
"wick: $UNITS/noexec.service:2: invalid command line in ExecStart=, ignoring
wick: $UNITS/noexec.service: no usable ExecStart= (exactly one is needed unless Type=oneshot); nothing started"

out=$("$WICK" start --unit-path "$UNITS" noexec.service 2>&1)
expect_eq "start of the service: exit 1" "$?" 1
expect_eq "start of the service: the same messages, through its socket" \
	"$out" \
"wick: $UNITS/noexec.service:2: invalid command line in ExecStart=, ignoring
wick: $UNITS/noexec.service: no usable ExecStart= (exactly one is needed unless Type=oneshot); nothing started"
check "start of the service: port not bound" eval "! is_listening tcp $port"
out=$("$WICK" start --unit-path "$UNITS" noexec.target 2>&1)
expect_eq "start of another kind of unit: exit 1" "$?" 1
expect_eq "start of another kind of unit: message" "$out" \
	"wick: noexec.target: wick starts socket units (NAME.socket) and services through them (NAME.service)"
out=$("$WICK" cat 2>&1)
expect_eq "cat without unit: usage, exit 2" "$?" 2

# An instance whose name starts with a dot is still an instance.
port=$(free_port)
printf '[Socket]\nListenStream=127.0.0.1:%s\n' "$port" >"$UNITS/dot@.socket"
printf '[Service]\nExecStart=/bin/cat\n' >"$UNITS/dot@.service"
out=$("$WICK" start --unit-path "$UNITS" dot@.x.socket 2>&1)
expect_match "instance '.x': its service is dot@.x.service" "$out" \
	"wick: started dot@.x.socket (supervisor pid *), activates dot@.x.service"
"$WICK" stop dot@.x.socket >/dev/null 2>&1
