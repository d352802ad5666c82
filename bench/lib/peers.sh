# Setting up what the peers serve: lighttpd configurations, the document
# tree, the local podman image, and /dev/net/tun for the forwarders.

# The lighttpd used everywhere: socket activation on, so the same file
# serves the direct run (it binds PORT itself) and the activated ones.
# lighttpd_conf NAME PORT [BIND]: prints the path of the new file.
lighttpd_conf() {
	local f=$W/conf/$1.conf
	cat >"$f" <<CONF
server.document-root = "$W/www"
server.bind = "${3:-127.0.0.1}"
server.port = $2
server.systemd-socket-activation = "enable"
server.max-keep-alive-requests = 10000
index-file.names = ("index.html")
CONF
	chmod 644 "$f"
	echo "$f"
}

www_setup() {
	mkdir -p "$W/www" "$W/conf" "$W/var" "$W/log"
	printf 'hello, wick\n' >"$W/www/index.html"
	head -c 1024 /dev/urandom >"$W/www/1k.bin"
	head -c 1048576 /dev/urandom >"$W/www/1m.bin"
	chmod -R a+rX "$W"
	chmod 755 "$W/var"
	[ "$(id -u)" -eq 0 ] && chown "$BENCH_USER:" "$W/var"
	LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
}

# slirp4netns and pasta open /dev/net/tun as the bench user; Debian ships
# it 0600 here. As root the bench opens it up for the run and restores the
# mode at exit, and says so.
TUN_MODE=
tun_setup() {
	[ -c /dev/net/tun ] || return 1
	[ "$(id -u)" -eq 0 ] || return 0
	TUN_MODE=$(stat -c %a /dev/net/tun)
	if [ "$TUN_MODE" != 666 ]; then
		chmod 666 /dev/net/tun
		note "/dev/net/tun was mode $TUN_MODE; the bench made it" \
			"0666 for slirp4netns and pasta (run as the bench" \
			"user) and restored it when the section ended."
		TUN_CHANGED=1
	fi
}

tun_restore() {
	[ -n "${TUN_CHANGED:-}" ] && chmod "$TUN_MODE" /dev/net/tun
	TUN_CHANGED=
}

# Rootless podman 4.3 here: cgroupfs (no systemd user session), file
# events, runc (crun 1.8 refuses the hybrid cgroup layout).
podman_() {
	as_user podman --cgroup-manager=cgroupfs --events-backend=file \
		--runtime=runc "$@"
}

PODMAN_IMAGE=localhost/wick-bench-lighttpd:1

# A minimal image made from the host's lighttpd and the libraries it
# links; nothing is pulled. Sets PODMAN_NA to the reason when unusable.
podman_setup() {
	local root=$W/rootfs lib
	PODMAN_NA=
	if ! have podman || ! have runc; then
		PODMAN_NA="n/a: podman or runc not installed"
		return 1
	fi
	podman_ image exists "$PODMAN_IMAGE" 2>/dev/null && return 0
	rm -rf "$root"
	mkdir -p "$root/usr/sbin" "$root/lib64" "$root/etc" "$root/tmp" \
		"$root/lib/x86_64-linux-gnu"
	cp "$LIGHTTPD" "$root/usr/sbin/lighttpd"
	for lib in $(ldd "$LIGHTTPD" | awk '/=>/ {print $3}'); do
		cp -L "$lib" "$root/lib/x86_64-linux-gnu/"
	done
	cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
	echo 'root:x:0:0:root:/:/nonexistent' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	tar -C "$root" -cf "$W/rootfs.tar" . && chmod 644 "$W/rootfs.tar"
	if ! podman_ import "$W/rootfs.tar" "$PODMAN_IMAGE" \
		>"$W/log/podman-import.log" 2>&1; then
		PODMAN_NA="n/a: podman import failed ($(tail -1 \
			"$W/log/podman-import.log"))"
		return 1
	fi
}

# podman_run_args: what every podman row passes before the command.
podman_run_args() {
	echo --rm -v "$W:$W:ro" "$PODMAN_IMAGE"
}

# Removes the bench's containers should a run have been cut short, then
# ends podman's pause process (it keeps the user namespace alive between
# runs), by the pid it recorded.
podman_cleanup() {
	local f=${BENCH_XDG:-/nonexistent}/libpod/tmp/pause.pid
	[ -z "${PODMAN_NA-x}" ] && podman_ rm -f -t 1 wick-bench-tp \
		wick-bench-cs wick-bench-idle >/dev/null 2>&1
	[ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	return 0
}
