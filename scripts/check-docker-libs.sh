#!/usr/bin/env bash
# There is no Docker engine here, so check the runtime stage statically: every
# shared library the built binary links directly (its ELF NEEDED entries,
# resolved with ldd) must come from a package in the Dockerfile's
# RUNTIME_PACKAGES list; apt installs their own dependencies.
#   scripts/check-docker-libs.sh [path/to/flyrun]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$root/build/release/src/cli/flyrun}
[ -x "$binary" ] || { echo "no binary at $binary (build it first)" >&2; exit 2; }

listed=$(sed -n 's/^ARG RUNTIME_PACKAGES="\(.*\)"/\1/p' "$root/docker/Dockerfile")
[ -n "$listed" ] || { echo "docker/Dockerfile has no RUNTIME_PACKAGES line" >&2; exit 2; }

missing=0
while read -r lib path; do
  [ -n "$path" ] || continue
  real=$(readlink -f "$path")
  pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$path" 2>/dev/null || true)
  pkg=${pkg%%:*}
  if [ -z "$pkg" ]; then
    echo "?? $lib ($path) belongs to no Debian package" >&2
    missing=1
  elif ! grep -qw -- "$pkg" <<<"$listed"; then
    echo "missing from RUNTIME_PACKAGES: $pkg (provides $lib)" >&2
    missing=1
  fi
done < <(join <(objdump -p "$binary" | awk '/NEEDED/ {print $2}' | sort) \
              <(ldd "$binary" | awk '/=>/ && $3 ~ /^\// {print $1, $3}' | sort))
# Every listed package must exist, or the image build fails.
for pkg in $listed; do
  apt-cache show "$pkg" >/dev/null 2>&1 || { echo "RUNTIME_PACKAGES names an unknown package: $pkg" >&2; missing=1; }
done
if [ "$missing" = 0 ]; then
  echo "docker runtime stage covers every library of $(basename "$binary")"
fi
exit $missing
