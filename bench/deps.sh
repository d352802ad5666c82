#!/usr/bin/env bash
# Installs what `make bench` needs, as Debian packages, when run as root:
# the build's own headers and the peers wick is compared with; otherwise
# names what is missing (those rows say n/a).
set -u
pkgs=(libseccomp-dev libc6-dev lighttpd socat wrk systemd ucspi-tcp
	slirp4netns passt podman runc uidmap valgrind linux-perf curl
	iproute2 procps util-linux passwd)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/deps: missing ${missing[*]}; their rows will say n/a" >&2
	exit 0
fi
echo "bench/deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null ||
	{ echo "bench/deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
