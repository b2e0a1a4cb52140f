#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for tests, the load benchmark and trying
# `newsfuse serve --db postgresql://...`.
#
#   scripts/postgres.sh start [DIR]   # initdb in DIR (default: a new temp dir), start, print the URL
#   scripts/postgres.sh stop DIR      # stop it (the data stays in DIR; delete DIR yourself)
#
# Uses Debian's `postgresql` package (installed with apt-get when missing and we are root).
# The server runs as a non-root user (`postgres` when we are root: PostgreSQL refuses root),
# listens on 127.0.0.1 only, on a free port, with trust authentication: a test server, not a
# production setup. PG_FAST=1 turns fsync off (tests only: it trades crash safety for speed);
# PG_OPTS adds server options (e.g. "-c shared_preload_libraries=pg_stat_statements").
# The URL is the last line on stdout; everything else goes to stderr.
set -euo pipefail
# runuser, initdb helpers and pg_ctl may live in sbin, which a minimal PATH (cron, env -i) lacks
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" ]] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd=${1:-start}
case "$cmd" in
  start)
    if ! BIN=$(find_bin); then
      if [[ $(id -u) -eq 0 ]]; then
        echo "postgres.sh: installing Debian's postgresql" >&2
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        BIN=$(find_bin)
      else
        echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
        exit 3
      fi
    fi
    DIR=${2:-$(mktemp -d -t newsfuse-pg.XXXXXX)}
    mkdir -p "$DIR"
    if [[ $(id -u) -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DIR" --shell /usr/sbin/nologin postgres
      chown postgres "$DIR"
      chmod 700 "$DIR"
    fi
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
      as_server_user "$BIN/initdb" -D "$DIR/data" -U newsfuse --auth=trust --no-locale -E UTF8 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; exit 1; }
    fi
    mkdir -p "$DIR/sock"
    if [[ $(id -u) -eq 0 ]]; then chown postgres "$DIR/sock"; fi
    OPTS="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/sock -c max_connections=200 -c shared_buffers=128MB"
    [[ "${PG_FAST:-0}" == "1" ]] && OPTS="$OPTS -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    OPTS="$OPTS ${PG_OPTS:-}"
    as_server_user "$BIN/pg_ctl" -D "$DIR/data" -o "$OPTS" -l "$DIR/server.log" -w -t 60 start >&2 \
      || { cat "$DIR/server.log" >&2; exit 1; }
    echo "$PORT" >"$DIR/port"
    as_server_user "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U newsfuse -d postgres -qAt \
      -c "SELECT 1 FROM pg_database WHERE datname = 'newsfuse'" | grep -q 1 \
      || as_server_user "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U newsfuse newsfuse >&2
    echo "postgres.sh: running in $DIR (stop: scripts/postgres.sh stop $DIR)" >&2
    echo "postgresql://newsfuse@127.0.0.1:$PORT/newsfuse"
    ;;
  stop)
    DIR=${2:?usage: postgres.sh stop DIR}
    BIN=$(find_bin)
    as_server_user "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >&2
    ;;
  *)
    echo "usage: postgres.sh start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
