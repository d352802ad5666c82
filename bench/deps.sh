#!/usr/bin/env bash
# Installs what `make bench` needs: the build's own headers and the peers
# wick is compared with (tests/deps.sh keeps the one list and installer).
exec "$(dirname "$0")/../tests/deps.sh" bench
