# Shared helpers for the scripts; source it.
FLYRUN_ROOT=${FLYRUN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

log() { printf '==> %s\n' "$*" >&2; }

# Configures and builds a CMake preset (dev, release, asan) with both cores.
# build_preset PRESET [--target T ...]: configures and builds (everything, or
# the targets named).
build_preset() {
  local preset=$1
  shift
  cmake --preset "$preset" -S "$FLYRUN_ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" "$@"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now.
flyrun_free_port() {
  local port _
  for _ in $(seq 1 200); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# flyrun_fail_with_log NAME LOGFILE MESSAGE...: says what failed, shows the end
# of the server's log, and returns 1.
flyrun_fail_with_log() {
  local name=$1 log=$2
  shift 2
  echo "$name: $*" >&2
  if [ -s "$log" ]; then
    echo "---- $log (last 60 lines) ----" >&2
    tail -n 60 "$log" >&2
    echo "----" >&2
  fi
  return 1
}
