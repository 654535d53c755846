#!/usr/bin/env bash
# Measures the statement splitter: MB/s on one core and peak RSS while splitting a
# generated script of about 1 GB per dialect (SPEC 9: >= 300 MB/s, < 32 MB).
#
#   scripts/bench-splitter.sh [size-mb]      (default 1024)
#
# Builds a Release tree in build/bench (or $FLYRUN_BENCH_BUILD_DIR), then runs
# bench/splitter_bench.cc pinned to one CPU when taskset is available.
set -euo pipefail

size_mb=${1:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLYRUN_BENCH_BUILD_DIR:-$root/build/bench}
jobs=${FLYRUN_JOBS:-$(nproc)}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLYRUN_BUILD_TESTS=OFF \
  -DFLYRUN_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target flyrun_bench_splitter -j"$jobs"

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
for dialect in postgres mysql sqlite; do
  "${pin[@]}" "$build/bench/flyrun_bench_splitter" --dialect "$dialect" --size-mb "$size_mb"
  echo
done
