#!/usr/bin/env bash
# Installs what `make check` needs (or, with "demo" or "bench", what
# `make demo` or `make bench` needs) as Debian packages, when run as root;
# otherwise says what is missing, and what needs it skips or says n/a.
set -u
mode=${1:-check}
pkgs=(socat curl iproute2 util-linux libseccomp-dev libc6-dev)
case "$mode" in
check) pkgs+=(systemd lighttpd podman runc uidmap libsystemd-dev clang strace
	python3 passwd) ;;
bench) pkgs+=(systemd lighttpd podman runc uidmap passwd wrk ucspi-tcp
	slirp4netns passt valgrind linux-perf procps) ;;
demo) ;;
*) echo "deps: unknown mode '$mode' (check, demo or bench)" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; what needs them skips (n/a)" >&2
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	{ echo "deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
