#!/usr/bin/env bash
# The build contract: clean under -Wall -Wextra -Werror with gcc and clang;
# `make install` lays out binaries, library, header, pkg-config file and
# man pages; a program built with `pkg-config wick` links and runs; the
# activator needs nothing but libc.
. "$(dirname "$0")/../lib.sh"

src=$WICK_TOP
for cc in gcc clang; do
	if ! command -v "$cc" >/dev/null; then
		skip "build with $cc" "$cc is not installed"
		continue
	fi
	if make -C "$src" -s B="$T/b-$cc" CC="$cc" all >"$T/$cc.log" 2>&1; then
		ok "clean build with $cc -Wall -Wextra -Werror"
	else
		not_ok "clean build with $cc"
		sed 's/^/# /' "$T/$cc.log" | head -20
	fi
done

b=$T/b-gcc
[ -x "$b/wick" ] || b=$WICK_BUILD
libs=$(ldd "$b/wick" | awk '{print $1}' | grep -v -e linux-vdso -e ld-linux | tr '\n' ' ')
expect_eq "wick links only libc" "$libs" "libc.so.6 "

if make -C "$src" -s B="$b" PREFIX=/usr DESTDIR="$T/root" install >"$T/inst.log" 2>&1; then
	ok "make install into DESTDIR"
else
	not_ok "make install"; sed 's/^/# /' "$T/inst.log" | head
fi
for f in bin/wick bin/wick-echo lib/libwick.a lib/libwick.so.0 lib/libwick.so \
	include/wick/daemon.h lib/pkgconfig/wick.pc share/man/man1/wick-activate.1 \
	share/man/man1/wick-run.1 share/man/man3/wick-daemon.3; do
	check "installed /usr/$f" test -e "$T/root/usr/$f"
done

cat >"$T/prog.c" <<'EOS'
#include <stdio.h>
#include <wick/daemon.h>
int main(void) { printf("%d\n", wick_listen_fds(1)); return 0; }
EOS
export PKG_CONFIG_SYSROOT_DIR=$T/root PKG_CONFIG_LIBDIR=$T/root/usr/lib/pkgconfig
if flags=$(pkg-config --cflags --libs wick 2>&1) &&
	cc -o "$T/prog" "$T/prog.c" $flags -Wl,-rpath,"$T/root/usr/lib" 2>"$T/cc.log"; then
	expect_eq "a program built with pkg-config wick runs" "$("$T/prog")" 0
else
	not_ok "build against the installed library"; diag "$flags"; sed 's/^/# /' "$T/cc.log"
fi
