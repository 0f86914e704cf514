#!/usr/bin/env bash
# Provides the base images that the Dockerfile's FROM lines name, on a machine
# that reaches no container registry: each one is stood in for by a Debian root
# file system bootstrapped from Debian's own packages, shaped like the official
# image (same Debian release, python/pip or node/npm on the PATH where the
# Dockerfile expects them), imported into podman under the exact FROM name.
# Root file systems are cached as tarballs, so only the first run downloads.
#
# Usage (as root): scripts/container-test-images.sh [Dockerfile]
#   BACKPROP_IMAGE_CACHE  where the tarballs are kept (/var/cache/backprop-explainer)
#   DEBIAN_MIRROR         the Debian archive to bootstrap from (deb.debian.org)
set -euo pipefail
shopt -s inherit_errexit

here=$(cd "$(dirname "$0")" && pwd)
dockerfile=${1:-$here/../Dockerfile}
cache=${BACKPROP_IMAGE_CACHE:-/var/cache/backprop-explainer}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# The official node images carry npm from the npm registry, not Debian's npm
# (whose dependencies pull in a compiler tool chain); so does the stand-in.
npm_version=10.9.9
# Any change to this script changes the recipes, so it names the cache entries.
recipe_id=$(sha256sum "$0" | cut -c1-12)

log() { echo "container-test-images: $*" >&2; }

# Image names in FROM lines, leaving out references to earlier build stages.
base_images() {
  awk '
    toupper($1) == "FROM" {
      i = 2
      while ($i ~ /^--/) i++
      image = $i
      if (!(image in stage)) print image
      if (toupper($(i + 1)) == "AS") stage[$(i + 2)] = 1
    }' "$dockerfile" | sort -u
}

recipe_for() {
  case "$1" in
    python:3.11*bookworm*) echo python ;;
    node:*bookworm*) echo node ;;
    *) log "no stand-in recipe for base image '$1' (only Debian $suite python:3.11 and node)"; return 1 ;;
  esac
}

bootstrap() { # ROOT PACKAGES
  debootstrap --variant=minbase --include="$2" "$suite" "$1" "$mirror" >"$1.log" 2>&1 || {
    tail -n 30 "$1.log" >&2
    return 1
  }
}

# python:3.11-slim-bookworm has `python` and `pip` first on the PATH and lets pip
# install into the system interpreter; Debian's Python refuses that (PEP 668).
build_python() { # ROOT
  bootstrap "$1" python3,python3-pip,python-is-python3,ca-certificates,netbase
  rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED
  ln -sf /usr/bin/python3 "$1/usr/local/bin/python"
  ln -sf /usr/bin/pip3 "$1/usr/local/bin/pip"
}

# node:*-bookworm-slim has node, and npm under /usr/local/lib/node_modules.
build_node() { # ROOT
  bootstrap "$1" nodejs,ca-certificates,netbase
  local tgz="$cache/npm-$npm_version.tgz"
  if [ ! -s "$tgz" ]; then
    (cd "$cache" && npm pack --silent "npm@$npm_version" >/dev/null)
  fi
  mkdir -p "$1/usr/local/lib/node_modules/npm"
  tar -xzf "$tgz" -C "$1/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"
  ln -sf /usr/bin/node "$1/usr/local/bin/node"
}

# Writes the root file system tarball for RECIPE, unless the cache has it.
rootfs_tarball() { # RECIPE
  local tarball="$cache/$1-$suite-$recipe_id.tar.gz"
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
  local tarball env=()
  tarball=$(rootfs_tarball "$2")
  env=(--change "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin" --change "ENV LANG=C.UTF-8")
  case "$2" in
    python) env+=(--change 'CMD ["python3"]') ;;
    node) env+=(--change 'CMD ["node"]') ;;
  esac
  podman import --quiet "${env[@]}" --change "LABEL $label=$2-$recipe_id" "$tarball" "$1" >/dev/null
  log "imported a stand-in for '$1'"
}

main() {
  [ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap and rootful podman)"; exit 1; }
  mkdir -p "$cache"
  # Two runs at once would bootstrap the same tarball twice.
  exec 9>"$cache/.lock"
  flock 9
  # Left behind by a run that was killed; --one-file-system spares anything still mounted there.
  rm -rf --one-file-system "$cache"/rootfs.* 2>/dev/null || true
  local image recipe
  for image in $(base_images); do
    recipe=$(recipe_for "$image")
    import_image "$image" "$recipe"
  done
}

main
