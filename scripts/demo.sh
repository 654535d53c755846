#!/usr/bin/env bash
# Builds flyrun and runs `migrate` then `info` with the shipped conf/flyrun.yaml
# (SQLite, the example migrations in sql/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/lib/common.sh"

"$root/scripts/install-deps.sh" build
log "building flyrun (release)"
build_preset release
flyrun="$root/build/release/src/cli/flyrun"

cd "$root"
log "flyrun migrate"
"$flyrun" migrate
log "flyrun info"
"$flyrun" info
