# Shared helpers for the scripts; source it.
FLYRUN_ROOT=${FLYRUN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

log() { printf '==> %s\n' "$*" >&2; }

# Configures and builds a CMake preset (dev, release, asan) with both cores.
build_preset() {
  local preset=$1
  shift
  cmake --preset "$preset" -S "$FLYRUN_ROOT" "$@" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
