#!/usr/bin/env bash
# Provides the images that compose.yaml pulls (redis:7 and nginx:1.27.x or later), on a
# machine that reaches no container registry, in the way scripts/container-test-images.sh
# provides the Dockerfile's base images: a Debian root file system bootstrapped from
# Debian's own packages, shaped like the official image, imported into podman under the
# exact name compose.yaml gives. Cached as tarballs, so only the first run downloads.
#
#   redis:7         Debian bookworm's redis-server (7.0), as the redis user in /data, with
#                   protected mode off as the official image has it.
#   nginx:1.27.x+   Debian forky's nginx (1.30: bookworm's 1.22 and trixie's 1.26 predate
#                   `server ... resolve`, 1.27.3), with curl for the health check, as
#                   the official image has; its unprivileged user is 101:101 there too.
#
# Usage (as root): scripts/compose-test-images.sh IMAGE...
#   BACKPROP_IMAGE_CACHE  where the tarballs are kept (/var/cache/backprop-explainer)
#   DEBIAN_MIRROR         the Debian archive to bootstrap from (deb.debian.org)
set -euo pipefail
shopt -s inherit_errexit

cache=${BACKPROP_IMAGE_CACHE:-/var/cache/backprop-explainer}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Any change to this script changes the recipes, so it names the cache entries.
recipe_id=$(sha256sum "$0" | cut -c1-12)

log() { echo "compose-test-images: $*" >&2; }

recipe_for() {
  case "$1" in
    redis:7 | redis:7.*) echo redis ;;
    nginx:1.27.[3-9] | nginx:1.27.[1-9][0-9] | nginx:1.2[89]* | nginx:1.[3-9][0-9]*) echo nginx ;;
    *) log "no stand-in recipe for image '$1' (only redis:7 and nginx:1.27.3 or later)"; return 1 ;;
  esac
}

suite_for() {
  case "$1" in
    redis) echo bookworm ;;
    nginx) echo forky ;;
  esac
}

bootstrap() { # ROOT SUITE PACKAGES
  # Debian's debootstrap names suites up to its own release's successors; a later
  # suite bootstraps as unstable does.
  local script=/usr/share/debootstrap/scripts/$2
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  debootstrap --variant=minbase --include="$3" "$2" "$1" "$mirror" "$script" >"$1.log" 2>&1 || {
    tail -n 30 "$1.log" >&2
    return 1
  }
}

build_redis() { # ROOT
  bootstrap "$1" bookworm redis-server,redis-tools
  mkdir -p "$1/data"
  chroot "$1" chown redis:redis /data
  # The official image's redis-server is built with protected mode off, so that other
  # containers may connect without a password; Debian's keeps it on. A configuration
  # file, if one is named, comes first; options after it override it.
  cat >"$1/usr/local/bin/redis-server" <<'SCRIPT'
#!/bin/sh
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  conf=$1
  shift
  exec /usr/bin/redis-server "$conf" --protected-mode no "$@"
fi
exec /usr/bin/redis-server --protected-mode no "$@"
SCRIPT
  chmod 755 "$1/usr/local/bin/redis-server"
}

build_nginx() { # ROOT
  bootstrap "$1" forky nginx,curl,ca-certificates
  # The official image's nginx user and group.
  chroot "$1" groupadd --system --gid 101 nginx
  chroot "$1" useradd --system --uid 101 --gid nginx --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin nginx
}

# Writes the root file system tarball for RECIPE, unless the cache has it.
rootfs_tarball() { # RECIPE
  local suite tarball
  suite=$(suite_for "$1")
  tarball="$cache/$1-$suite-$recipe_id.tar.gz"
  if [ ! -s "$tarball" ]; then
    log "bootstrapping a Debian $suite root file system for '$1' (first run only)"
    local root
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    # shellcheck disable=SC2064  # expanded now: the trap runs after this function returns
    trap "rm -rf --one-file-system '$root' '$root.log' '$tarball.tmp'" EXIT
    "build_$1" "$root"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
    tar --numeric-owner -C "$root" -czf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    # Tarballs of earlier recipes are of no further use.
    find "$cache" -maxdepth 1 -name "$1-$suite-*.tar.gz" ! -name "${tarball##*/}" -delete
  fi
  echo "$tarball"
}

import_image() { # IMAGE RECIPE
  local label="backprop-explainer.stand-in"
  if podman image exists "$1"; then
    local current
    current=$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$1")
    [ "$current" = "$2-$recipe_id" ] && return 0
    # A real image of that name (say, pulled where a registry is reachable) is better still.
    if [ "$current" = "<no value>" ] || [ -z "$current" ]; then
      log "using the existing image '$1', which is not a stand-in"
      return 0
    fi
  fi
  local tarball changes=()
  tarball=$(rootfs_tarball "$2")
  changes=(--change "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"
    --change "ENV LANG=C.UTF-8")
  case "$2" in
    redis) changes+=(--change "WORKDIR /data" --change "USER redis" --change 'CMD ["redis-server"]') ;;
    nginx) changes+=(--change 'CMD ["nginx", "-g", "daemon off;"]') ;;
  esac
  podman import --quiet "${changes[@]}" --change "LABEL $label=$2-$recipe_id" "$tarball" "$1" >/dev/null
  log "imported a stand-in for '$1'"
}

main() {
  [ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap and rootful podman)"; exit 1; }
  [ $# -gt 0 ] || { log "usage: $0 IMAGE..."; exit 2; }
  mkdir -p "$cache"
  # The same lock as scripts/container-test-images.sh: one bootstrap at a time.
  exec 9>"$cache/.lock"
  flock 9
  local image recipe
  for image in "$@"; do
    recipe=$(recipe_for "$image")
    import_image "$image" "$recipe"
  done
}

main "$@"
