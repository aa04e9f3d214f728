#!/usr/bin/env bash
# Install the given Debian packages that are not installed yet (sudo when not
# root); print what it does. Used by ci/setup.sh and ci/binder_check.sh.
set -euo pipefail
missing=()
for deb in "$@"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$deb")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "[apt] $* already installed"
  exit 0
fi
echo "[apt] installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
