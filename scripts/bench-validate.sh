#!/usr/bin/env bash
# Times offline `flyrun validate` over generated migration files (SPEC 9:
# 10,000 files in < 0.3 s), and `validate --base HEAD` over the same files
# committed to a scratch git repository.
#
#   scripts/bench-validate.sh [files]        (default 10000)
#
# Builds a Release flyrun in build/bench-validate (or $FLYRUN_BENCH_BUILD_DIR);
# FLYRUN_BIN=path skips the build. Uses hyperfine when installed, else a loop.
# Environment: BENCH_RUNS (default 20).
set -euo pipefail

files=${1:-10000}
runs=${BENCH_RUNS:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FLYRUN_BENCH_BUILD_DIR:-$root/build/bench-validate}
jobs=${FLYRUN_JOBS:-$(nproc)}

if [[ -z "${FLYRUN_BIN:-}" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DFLYRUN_BUILD_TESTS=OFF \
    -DFLYRUN_BUILD_BENCH=OFF >/dev/null
  cmake --build "$build" --target flyrun -j"$jobs"
  FLYRUN_BIN=$build/src/cli/flyrun
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/flyrun-bench-validate.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/sql"

# Small, realistic scripts: a table, an index, seed rows, a comment, a string
# with a semicolon; every tenth version has an undo file.
echo "==> generating $files migration files in $work/sql" >&2
awk -v n="$files" -v dir="$work/sql" 'BEGIN {
  for (i = 1; i <= n; i++) {
    f = sprintf("%s/V%05d__create_table_%d.sql", dir, i, i)
    printf "-- table %d\nCREATE TABLE t_%d (\n  id INTEGER PRIMARY KEY,\n  name VARCHAR(100) NOT NULL, /* display name */\n  note TEXT DEFAULT \047a;b\047\n);\nCREATE INDEX t_%d_name ON t_%d (name);\nINSERT INTO t_%d (id, name) VALUES (1, \047row %d\047), (2, \047it\047\047s\047);\n", i, i, i, i, i, i > f
    close(f)
    if (i % 10 == 0) {
      u = sprintf("%s/U%05d__create_table_%d.sql", dir, i, i)
      printf "DROP TABLE t_%d;\n", i > u
      close(u)
    }
  }
}'

cmd_offline="$FLYRUN_BIN validate --offline --locations sql -q"
# Sanity: the generated files validate cleanly.
(cd "$work" && $cmd_offline >/dev/null)

have_git=false
if command -v git >/dev/null; then
  (cd "$work" && git init -q && git add sql &&
    git -c user.name=bench -c user.email=bench@localhost commit -qm files) && have_git=true
fi
cmd_base="$FLYRUN_BIN validate --offline --locations sql -q --base HEAD"
if $have_git; then (cd "$work" && $cmd_base >/dev/null); fi

echo "==> $(ls "$work/sql" | wc -l) files, $(du -sh "$work/sql" | cut -f1)" >&2
if command -v hyperfine >/dev/null; then
  args=(--warmup 3 --runs "$runs" -N --export-markdown "$work/result.md"
    -n "validate --offline ($files files)" "$cmd_offline")
  if $have_git; then args+=(-n "validate --offline --base HEAD ($files files)" "$cmd_base"); fi
  (cd "$work" && hyperfine "${args[@]}")
  cat "$work/result.md"
else
  measure() {
    local name=$1 cmd=$2 best=999999 total=0
    for _ in $(seq 1 "$runs"); do
      local start end ms
      start=$(date +%s%N)
      (cd "$work" && $cmd >/dev/null)
      end=$(date +%s%N)
      ms=$(((end - start) / 1000000))
      total=$((total + ms))
      ((ms < best)) && best=$ms
    done
    printf '%s: mean %d ms, best %d ms over %d runs\n' "$name" $((total / runs)) "$best" "$runs"
  }
  measure "validate --offline ($files files)" "$cmd_offline"
  if $have_git; then measure "validate --offline --base HEAD ($files files)" "$cmd_base"; fi
fi
