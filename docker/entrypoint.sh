#!/bin/sh
# Entrypoint for an application image that bundles flyrun: migrate, then run
# the application as this process (flyrun exec replaces itself with it, so the
# app receives SIGTERM directly and no flyrun process remains).
#
#   ENTRYPOINT ["/usr/local/bin/flyrun-entrypoint"]
#   CMD ["./app", "--port", "8080"]
#
# Configuration comes from FLYRUN_* variables (FLYRUN_URL, FLYRUN_PASSWORD_FILE
# for secrets, FLYRUN_LOCATIONS, FLYRUN_CONNECT_RETRIES...). With no command,
# it only migrates.
set -eu
if [ "$#" -eq 0 ]; then
  exec flyrun migrate
fi
exec flyrun exec -- "$@"
