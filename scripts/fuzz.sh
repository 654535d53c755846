#!/usr/bin/env bash
# Fuzzes the statement splitter for a bounded time.
#
#   scripts/fuzz.sh [seconds]     (default 60)
#
# Two targets share the time: the splitter's own promises (two thirds), and its
# PostgreSQL boundaries against PostgreSQL's parser, libpg_query (one third; skipped
# when libpg_query is not installed).
#
# Configures a separate clang build (build/fuzz, or $FLYRUN_FUZZ_BUILD_DIR) with
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, builds only the fuzz
# target (flyrun_core, flyrun_parse and the fuzzer), and runs it on a copy of the
# seed corpus in tests/fuzz/splitter/corpus. Exits non-zero when the fuzzer finds a
# crash; the input that caused it is kept in <build>/fuzz-artifacts/ (copy it into
# the seed corpus once fixed, so the replay unit test keeps it fixed).
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLYRUN_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${FLYRUN_JOBS:-$(nproc)}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is needed (apt-get install clang)" >&2; exit 2; }

CC=clang CXX=clang++ cmake -S "$root" -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFLYRUN_FUZZ=ON \
  -DFLYRUN_WITH_POSTGRES=OFF -DFLYRUN_WITH_MYSQL=OFF -DFLYRUN_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
targets=(flyrun_fuzz_splitter)
if [ -f /usr/include/pg_query.h ]; then targets+=(flyrun_fuzz_pg_differential); fi
cmake --build "$build" --target "${targets[@]}" -j"$jobs"

# libFuzzer adds new inputs to its corpus directory: work on copies so that the
# shipped seeds stay as reviewed.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/fuzz-artifacts"

# fuzz <target> <seed dir> <seconds>
fuzz() {
  mkdir -p "$work/$1"
  cp -R "$2/." "$work/$1/"
  echo "fuzzing $1 for ${3}s" >&2
  "$build/tests/fuzz/$4/$1" \
    -max_total_time="$3" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$1-" "$work/$1"
}

if [ ${#targets[@]} -eq 1 ]; then
  fuzz flyrun_fuzz_splitter "$root/tests/fuzz/splitter/corpus" "$seconds" splitter
else
  pg_seconds=$((seconds / 3 > 0 ? seconds / 3 : 1))
  fuzz flyrun_fuzz_splitter "$root/tests/fuzz/splitter/corpus" $((seconds - pg_seconds)) splitter
  fuzz flyrun_fuzz_pg_differential "$root/tests/fuzz/pg_differential/corpus" "$pg_seconds" \
    pg_differential
fi
