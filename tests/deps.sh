#!/usr/bin/env bash
# Installs what `make check` (or, with "demo", `make demo`) needs, as Debian
# packages, when run as root; otherwise says what is missing.
set -u
pkgs=(socat curl iproute2 util-linux libseccomp-dev libc6-dev)
[ "${1:-}" = demo ] || pkgs+=(systemd lighttpd podman runc uidmap
	libsystemd-dev clang passwd)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; tests that need them will skip" >&2
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	{ echo "deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
