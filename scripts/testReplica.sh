#!/usr/bin/env bash
# A streaming replica of the local Postgres server (127.0.0.1:5432) on port 5433, for the read-replica tests.
#   scripts/testReplica.sh start   make it (pg_basebackup -R) if needed, start it, wait until it answers
#   scripts/testReplica.sh stop    stop it (its data directory stays, so `start` is quick)
#   scripts/testReplica.sh fresh   throw the copy away and make a new one, then start it
#   scripts/testReplica.sh status  exit 0 when it answers
# Needs root (or the postgres user) and the Debian PostgreSQL packages. Idempotent.
set -euo pipefail
VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}"
BIN="/usr/lib/postgresql/$VERSION/bin"
CONF="/etc/postgresql/$VERSION/main"
DIR="${REPLICA_DIR:-/var/tmp/parley-test-replica}"
PORT="${REPLICA_PORT:-5433}"
HBA_LINE="host replication all 127.0.0.1/32 trust"

as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi; }
answering() { pg_isready -q -h 127.0.0.1 -p "$PORT"; }

allow_replication() {
  if ! grep -qxF "$HBA_LINE" "$CONF/pg_hba.conf"; then
    echo "$HBA_LINE" >> "$CONF/pg_hba.conf"
    as_postgres psql -h 127.0.0.1 -p 5432 -U postgres -qAtc 'SELECT pg_reload_conf()' >/dev/null
  fi
}

make_copy() {
  rm -rf "$DIR"
  mkdir -p "$(dirname "$DIR")"
  as_postgres "$BIN/pg_basebackup" -h 127.0.0.1 -p 5432 -U postgres -D "$DIR" -R -X stream -c fast
  echo "port = $PORT" >> "$DIR/postgresql.auto.conf"
}

start() {
  answering && return 0
  [ -f "$DIR/standby.signal" ] || { allow_replication; make_copy; }
  as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/log" -w -t 60 \
    -o "-c config_file=$DIR/postgresql.auto.conf -c hba_file=$CONF/pg_hba.conf -c ident_file=$CONF/pg_ident.conf -c unix_socket_directories=$DIR" \
    start >/dev/null
  for _ in $(seq 1 60); do answering && return 0; sleep 0.5; done
  echo "replica did not answer on port $PORT; see $DIR/log" >&2
  return 1
}

stop() {
  [ -f "$DIR/postmaster.pid" ] || return 0
  as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast -w -t 60 stop >/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  fresh) stop; allow_replication; make_copy; start ;;
  status) answering ;;
  *) echo "usage: $0 start|stop|fresh|status" >&2; exit 2 ;;
esac
