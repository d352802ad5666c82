# Debian's lighttpd set up for socket activation in a test-owned directory
# (sourced by tests and benchmarks). Works as root and as any user: no pid
# file, no user switch, logs and uploads stay in the directory.
#
# lighttpd_prepare DIR ADDR PORT [noaccesslog]
#   writes DIR/lighttpd.conf and DIR/www (index.html, 1k.bin, 1m.bin);
#   sets LIGHTTPD (the binary), LIGHTTPD_CONF, LIGHTTPD_PAGE (the exact
#   body of /) and LIGHTTPD_WHY on failure (also on stderr).
# lighttpd_pids CONF
#   pids of the lighttpd processes running with CONF (lighttpd writes no
#   pid file here, and under an activator or a sandbox its pid is not
#   the one the test started).
#
# Facts about lighttpd 1.4.69 found by trying:
# - `server.systemd-socket-activation = "enable"` makes it take the
#   LISTEN_FDS sockets; an inherited socket whose address matches
#   server.bind/server.port replaces the one it would bind. Any other
#   inherited socket is served with the global settings, and the
#   configured address is then bound as well, so ADDR and PORT must be
#   the activator's.
# - It lives in /usr/sbin, which an unprivileged PATH lacks.
# - Without server.username it keeps the uid it was started with (root
#   too), and with -D it stays in the foreground.
# - ADDR is an IPv4 address or an IPv6 one in brackets ("[::1]").

LIGHTTPD=
LIGHTTPD_CONF=
LIGHTTPD_PAGE=
LIGHTTPD_WHY=

_lighttpd_fail() {
	LIGHTTPD_WHY=$*
	echo "lighttpd: $*" >&2
	return 1
}

_lighttpd_find() {
	local d
	LIGHTTPD=$(command -v lighttpd) && return 0
	for d in /usr/sbin /sbin /usr/local/sbin; do
		[ -x "$d/lighttpd" ] && { LIGHTTPD=$d/lighttpd; return 0; }
	done
	_lighttpd_fail "lighttpd is not installed"
}

# _lighttpd_docroot WWW: the page and two bench files of known content.
_lighttpd_docroot() {
	local www=$1
	mkdir -p "$www" || return 1
	LIGHTTPD_PAGE="wick lighttpd test page"
	printf '%s\n' "$LIGHTTPD_PAGE" >"$www/index.html" &&
		yes 'wick bench 1k data' | head -c 1024 >"$www/1k.bin" &&
		yes 'wick bench 1m data' | head -c 1048576 >"$www/1m.bin"
}

lighttpd_prepare() {
	local d=$1 addr=$2 port=$3 access=${4:-} out
	_lighttpd_find || return 1
	mkdir -p "$d/upload" || {
		_lighttpd_fail "cannot create $d"
		return 1
	}
	d=$(cd "$d" && pwd)
	_lighttpd_docroot "$d/www" || {
		_lighttpd_fail "cannot write $d/www"
		return 1
	}
	LIGHTTPD_CONF=$d/lighttpd.conf
	{
		echo 'server.modules = ( "mod_indexfile", "mod_accesslog" )'
		echo "server.document-root = \"$d/www\""
		echo "server.errorlog = \"$d/error.log\""
		[ "$access" = noaccesslog ] ||
			echo "accesslog.filename = \"$d/access.log\""
		echo "server.upload-dirs = ( \"$d/upload\" )"
		echo "server.bind = \"$addr\""
		echo "server.port = $port"
		echo 'server.systemd-socket-activation = "enable"'
		echo 'index-file.names = ( "index.html" )'
		echo 'mimetype.assign = ( ".html" => "text/html",'
		echo '	".bin" => "application/octet-stream" )'
	} >"$LIGHTTPD_CONF"
	if ! out=$("$LIGHTTPD" -tt -f "$LIGHTTPD_CONF" 2>&1); then
		_lighttpd_fail "config rejected: $(tail -n 1 <<<"$out")"
		return 1
	fi
	return 0
}

lighttpd_pids() {
	local c p exe
	for c in /proc/[0-9]*/cmdline; do
		p=${c#/proc/}
		p=${p%/cmdline}
		tr '\0' '\n' 2>/dev/null <"$c" | grep -qxF -- "$1" || continue
		exe=$(readlink "/proc/$p/exe" 2>/dev/null)
		[ "${exe##*/}" = lighttpd ] && echo "$p"
	done
}
