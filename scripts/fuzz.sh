#!/usr/bin/env bash
# Fuzzes the statement splitter for a bounded time.
#
#   scripts/fuzz.sh [seconds]     (default 60)
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
cmake --build "$build" --target flyrun_fuzz_splitter -j"$jobs"

# libFuzzer adds new inputs to its corpus directory: work on a copy so that the
# shipped seeds stay as reviewed.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$root/tests/fuzz/splitter/corpus/." "$work/"
mkdir -p "$build/fuzz-artifacts"

echo "fuzzing the splitter for ${seconds}s" >&2
"$build/tests/fuzz/splitter/flyrun_fuzz_splitter" \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/" "$work"
