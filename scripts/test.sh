#!/usr/bin/env bash
# Set everything up on a fresh machine, then run the test suite.
# System packages (Debian): PostgreSQL for the store tests, Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${need[*]}" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "warning: could not install ${need[*]}; their tests will be skipped" >&2
  else
    echo "warning: not root, cannot install ${need[*]}; their tests will be skipped" >&2
  fi
fi
scripts/setup.sh
shared=${NEWSFUSE_SHARED:-$(cd .. && pwd)/shared}
if [ ! -d "$shared/seeds" ] || [ ! -d "$shared/data" ]; then
  echo "note: the real articles are not at $shared (seeds/, data/); the tests that read them" \
       "will be skipped (set NEWSFUSE_SHARED to run them; with CI set they fail instead)" >&2
fi
exec .venv/bin/python -m pytest "$@"
