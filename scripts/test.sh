#!/usr/bin/env bash
# Builds flyrun and runs every test:
#   1. unit tests (warnings as errors), and scripts/demo.sh (Release build),
#   2. the unit tier again under AddressSanitizer + UndefinedBehaviorSanitizer,
#   3. integration tests against real PostgreSQL and MariaDB servers and a
#      3-node MariaDB Galera cluster that this script starts on loopback
#      (private data dirs under a temp dir, free ports) and stops at the end,
#   4. the splitter fuzzer for a bounded time.
# Installs missing Debian packages first. Set FLYRUN_SKIP_ASAN=1 or
# FLYRUN_SKIP_FUZZ=1 to shorten a local run; CI runs everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/common.sh"
source "$root/scripts/lib/postgres.sh"
source "$root/scripts/lib/mariadb.sh"
source "$root/scripts/lib/galera.sh"
source "$root/scripts/lib/pgbouncer.sh"
source "$root/scripts/lib/pg_standby.sh"

"$root/scripts/install-deps.sh" test

export FLYRUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/flyrun-test.XXXXXX")
cleanup() {
  local rc=$?
  pgbouncer_stop || true
  pg_standby_stop || true
  pg_stop || true
  mariadb_stop || true
  galera_stop || true
  rm -rf "$FLYRUN_TMP"
  exit $rc
}
trap cleanup EXIT INT TERM

jobs=$(nproc)
failed=0
passed_total=0
failed_total=0
# run_ctest DIR ARGS...: runs ctest, shows its output, adds up its counts.
run_ctest() {
  local dir=$1
  shift
  local log="$FLYRUN_TMP/ctest-$(basename "$dir").log" rc=0
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600 "$@") 2>&1 | tee "$log" || rc=1
  local summary
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1 || true)
  if [ -n "$summary" ]; then
    local bad total
    bad=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/' <<<"$summary")
    total=$(sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/' <<<"$summary")
    passed_total=$((passed_total + total - bad))
    failed_total=$((failed_total + bad))
  fi
  return $rc
}

log "building (dev preset: warnings as errors)"
build_preset dev

log "scripts/demo.sh (release build, SQLite example)"
if (cd "$root" && rm -f flyrun-demo.db && scripts/demo.sh >"$FLYRUN_TMP/demo.log" 2>&1) &&
  grep -q "Successfully applied 4 migrations" "$FLYRUN_TMP/demo.log" &&
  grep -q "Repeatable .*order totals view .*Success" "$FLYRUN_TMP/demo.log"; then
  echo "demo: migrate and info as expected" >&2
  passed_total=$((passed_total + 1))
else
  cat "$FLYRUN_TMP/demo.log" >&2
  failed=1
  failed_total=$((failed_total + 1))
fi
rm -f "$root/flyrun-demo.db"

log "checking the docker runtime stage's library list against the binary"
"$root/scripts/check-docker-libs.sh" "$root/build/dev/src/cli/flyrun" || failed=1

log "starting PostgreSQL (with PgBouncer and a standby), MariaDB and a 3-node Galera cluster on loopback"
pg_start
pgbouncer_start
pg_standby_start
mariadb_start
galera_started=$SECONDS
galera_start
echo "galera: 3 nodes Synced in $((SECONDS - galera_started)) s" >&2
export FLYRUN_REQUIRE_SERVERS=1

log "unit and integration tests"
run_ctest "$root/build/dev" || failed=1

if [ "${FLYRUN_SKIP_ASAN:-0}" != 1 ]; then
  log "unit tests under ASan + UBSan"
  build_preset asan --target flyrun_unit_tests
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest "$root/build/asan" -L unit || failed=1
fi

if [ "${FLYRUN_SKIP_FUZZ:-0}" != 1 ] && [ -x "$root/scripts/fuzz.sh" ]; then
  log "fuzzing the splitter"
  # libFuzzer prints a line per new input: keep it in a file, show it on failure.
  if "$root/scripts/fuzz.sh" "${FLYRUN_FUZZ_SECONDS:-60}" >"$FLYRUN_TMP/fuzz.log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done ' "$FLYRUN_TMP/fuzz.log" >&2 || true
    passed_total=$((passed_total + 1))
  else
    tail -n 60 "$FLYRUN_TMP/fuzz.log" >&2
    failed=1
    failed_total=$((failed_total + 1))
  fi
fi

if [ "$failed" != 0 ]; then
  log "FAILED"
  echo "flyrun: $passed_total passed, $failed_total failed"
  exit 1
fi
log "all tests passed"
echo "flyrun: $passed_total passed, $failed_total failed"
