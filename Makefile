# wick — build, test, demo and benchmark entry points.
# `make` builds into $(B); `make check` and `make demo` install what they
# need first (Debian packages, when run as root).

CC      ?= cc
CFLAGS  ?= -O2 -g
B       ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

WFLAGS  := -std=gnu17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -D_GNU_SOURCE
XCFLAGS := $(WFLAGS) -DWICK_VERSION=\"$(VERSION)\" -Iinclude -fPIC -MMD -MP

LIB_SRC  := $(wildcard lib/*.c)
WICK_SRC := $(wildcard src/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)

LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
WICK_OBJ := $(WICK_SRC:%.c=$(B)/%.o)
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

PROGRAMS := $(B)/wick $(B)/wick-echo
LIBS     := $(B)/libwick.a $(B)/libwick.so
HELPERS  := $(B)/helpers/wick-envprobe $(B)/helpers/wick-probe

all: $(PROGRAMS) $(LIBS) $(UNITS) $(HELPERS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/libwick.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/libwick.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libwick.so.0 $(LDFLAGS) -o $@ $^

# The activator links only libc; libseccomp is opened at run time by the
# sandbox, so `wick activate` works on hosts without it.
$(B)/wick: $(WICK_OBJ) $(B)/libwick.a
	$(CC) $(LDFLAGS) -o $@ $(WICK_OBJ) $(B)/libwick.a

$(B)/wick-echo: $(B)/servers/echo.o $(B)/libwick.a
	$(CC) $(LDFLAGS) -o $@ $^

# A static build goes into images that hold nothing else (podman import of
# a one-file rootfs), so it must not need a loader or a shared libc.
all: $(B)/wick-echo-static

$(B)/wick-echo-static: $(B)/servers/echo.o $(B)/libwick.a
	$(CC) -static $(LDFLAGS) -o $@ $^

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libwick.a
	$(CC) $(LDFLAGS) -o $@ $^

# The unit-file reader's tests link the wick objects they exercise.
UNIT_PARSE_OBJ := $(addprefix $(B)/src/,unit.o unit_path.o unit_keys.o \
	unit_specifier.o unit_exec.o unit_env.o unit_config.o address.o \
	listen.o unix_bound.o log.o text.o)
$(B)/tests/unit-parse: $(B)/tests/unit/unit-parse.o $(UNIT_PARSE_OBJ) \
		$(B)/libwick.a
	$(CC) $(LDFLAGS) -o $@ $^

# Test helpers, kept out of $(B)/tests/ so the driver does not run them.
$(B)/helpers/wick-%: $(B)/tests/helpers/%.o $(B)/libwick.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

# Dependencies first: the build itself needs libseccomp's header.
check:
	@tests/deps.sh
	@$(MAKE) --no-print-directory all
	@tests/run

demo:
	@tests/deps.sh demo
	@$(MAKE) --no-print-directory all
	@tests/demo.sh

# The benchmark's own client; not part of `all`, nothing installs it.
$(B)/bench/wick-load: bench/load.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) -pthread -o $@ $<

# Accept mode's per-connection service: static and without libc, so that
# starting it is cheap and the activators' own cost shows.
$(B)/bench/inetd-echo: bench/inetd-echo.c
	@mkdir -p $(dir $@)
	$(CC) $(WFLAGS) $(CFLAGS) -static -nostdlib -ffreestanding \
		-fno-stack-protector -o $@ $<

bench:
	@bench/deps.sh
	@$(MAKE) --no-print-directory all $(B)/bench/wick-load \
		$(B)/bench/inetd-echo
	@bench/run

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	  $(DESTDIR)$(PREFIX)/include/wick $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(B)/libwick.a $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(B)/libwick.so $(DESTDIR)$(PREFIX)/lib/libwick.so.0
	ln -sf libwick.so.0 $(DESTDIR)$(PREFIX)/lib/libwick.so
	install -m 644 include/wick/*.h $(DESTDIR)$(PREFIX)/include/wick
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	  wick.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/wick.pc
	for m in docs/*.1; do [ -e "$$m" ] && install -m 644 $$m \
	  $(DESTDIR)$(PREFIX)/share/man/man1; done; true
	for m in docs/*.3; do [ -e "$$m" ] && install -m 644 $$m \
	  $(DESTDIR)$(PREFIX)/share/man/man3; done; true
	for m in docs/*.5; do [ -e "$$m" ] && install -D -m 644 $$m \
	  $(DESTDIR)$(PREFIX)/share/man/man5/$$(basename $$m); done; true

clean:
	rm -rf $(B)

.PHONY: all check demo bench install clean
# Keep the unit tests' objects, so a second `make` rebuilds nothing.
.SECONDARY:
-include $(shell find $(B) -name '*.d' 2>/dev/null)
