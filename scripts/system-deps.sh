#!/usr/bin/env bash
# Makes sure the Debian packages the tests use are installed: installs them when
# running as root, otherwise stops and names the exact command to run.
# Usage: scripts/system-deps.sh PACKAGE...   (chromium, wrk, podman, ...)
set -euo pipefail

declare -A probe=(
  [chromium]=/usr/bin/chromium
  [wrk]=/usr/bin/wrk
  [nginx]=/usr/sbin/nginx
  [podman]=/usr/bin/podman
  [buildah]=/usr/bin/buildah
  [runc]=/usr/sbin/runc
  [debootstrap]=/usr/sbin/debootstrap
  [redis-server]=/usr/bin/redis-server
  [podman-compose]=/usr/bin/podman-compose
  # Service names on podman's networks (its CNI network backend).
  [golang-github-containernetworking-plugin-dnsname]=/usr/lib/cni/dnsname
)

missing=()
for pkg in "$@"; do
  path=${probe[$pkg]:-}
  if [ -n "$path" ] && [ -x "$path" ]; then continue; fi
  if [ -z "$path" ] && dpkg -s "$pkg" >/dev/null 2>&1; then continue; fi
  missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
