#!/usr/bin/env bash
# A project-local PostgreSQL server (Debian's `postgresql` package) on 127.0.0.1, for `make run`
# and by hand; tests start their own with tests/postgres_server.py. No system cluster is touched.
#
#   postgres.sh up        initdb if needed (user hadath, generated password), start, wait until it
#                         accepts connections, create the database; prints the DSN (no password)
#   postgres.sh down      fast shutdown (pg_ctl -m fast), immediate if it will not stop
#   postgres.sh status    exit 0 and print the DSN when running, exit 3 when stopped
#   postgres.sh env       print `export HADATH_POSTGRES_DSN=... HADATH_POSTGRES_PASSWORD=...` for eval
#   postgres.sh psql ...  psql on the database (password from the state dir)
#
# Env: POSTGRES_PORT (55432), POSTGRES_HOME_DIR (state dir, default <repo>/.run/postgres),
#      POSTGRES_BIN_DIR (default: pg_config --bindir, else /usr/lib/postgresql/<newest>/bin),
#      POSTGRES_START_TIMEOUT (60 s).
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
# the Debian package creates, and the state dir is handed to it.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
STATE_DIR="${POSTGRES_HOME_DIR:-$REPO_ROOT/.run/postgres}"
DATA_DIR="$STATE_DIR/data"
LOG_FILE="$STATE_DIR/server.log"
PASSWORD_FILE="$STATE_DIR/password"
PORT="${POSTGRES_PORT:-55432}"
HOST=127.0.0.1
USER_NAME=hadath
DATABASE=hadath
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
DSN="postgresql://$USER_NAME@$HOST:$PORT/$DATABASE"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

bin_dir() {
  if [[ -n "${POSTGRES_BIN_DIR:-}" ]]; then echo "$POSTGRES_BIN_DIR"; return; fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$newest" ]] || die "no PostgreSQL server binaries in /usr/lib/postgresql (make postgres-tools installs them)"
  echo "$newest"
}

# Run a server binary as the owner of the data: ourselves, or `postgres` when we are root.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [[ -f "$DATA_DIR/postmaster.pid" ]] && as_owner "$(bin_dir)/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

init_cluster() {
  [[ -f "$DATA_DIR/PG_VERSION" ]] && return 0
  mkdir -p "$STATE_DIR"
  umask 077
  [[ -s "$PASSWORD_FILE" ]] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$PASSWORD_FILE"
  local pwfile="$STATE_DIR/.pwfile"
  cp "$PASSWORD_FILE" "$pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown -R postgres: "$STATE_DIR"; fi
  log "initdb $DATA_DIR (superuser $USER_NAME, password in $PASSWORD_FILE)"
  as_owner "$(bin_dir)/initdb" -D "$DATA_DIR" -U "$USER_NAME" --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$STATE_DIR/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; die "initdb failed, see $STATE_DIR/initdb.log"; }
  rm -f "$pwfile"
}

password() { cat "$PASSWORD_FILE"; }

cmd_up() {
  command -v runuser >/dev/null || [[ "$(id -u)" != 0 ]] || die "runuser not found (util-linux)"
  init_cluster
  if running; then
    log "already running ($DATA_DIR)"
  else
    if timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$PORT" 2>/dev/null; then
      die "port $PORT on $HOST is taken by another process (set POSTGRES_PORT)"
    fi
    log "starting on $HOST:$PORT (log: $LOG_FILE)"
    # The socket lives in the state dir: the system's /var/run/postgresql is not ours to use.
    as_owner "$(bin_dir)/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t "$START_TIMEOUT" \
      -o "-c listen_addresses=$HOST -p $PORT -c unix_socket_directories='$STATE_DIR'" start >&2 \
      || { tail -n 20 "$LOG_FILE" >&2 || true; die "server did not start"; }
  fi
  local exists
  exists="$(PGPASSWORD="$(password)" "$(bin_dir)/psql" -h "$HOST" -p "$PORT" -U "$USER_NAME" -d postgres \
    -Atc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")"
  if [[ "$exists" != 1 ]]; then
    PGPASSWORD="$(password)" "$(bin_dir)/createdb" -h "$HOST" -p "$PORT" -U "$USER_NAME" "$DATABASE"
    log "created database $DATABASE"
  fi
  echo "$DSN"
}

cmd_down() {
  if ! running; then
    log "not running"
    return 0
  fi
  log "stopping ($DATA_DIR)"
  as_owner "$(bin_dir)/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >&2 \
    || as_owner "$(bin_dir)/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >&2
}

cmd_status() {
  if running; then
    log "running ($DATA_DIR)"
    echo "$DSN"
    return 0
  fi
  log "stopped"
  return 3
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) printf 'export HADATH_POSTGRES_DSN=%q HADATH_POSTGRES_PASSWORD=%q\n' "$DSN" "$(password)" ;;
  psql) shift; PGPASSWORD="$(password)" exec "$(bin_dir)/psql" "$DSN" "$@" ;;
  *) echo "usage: $0 {up|down|status|env|psql [args]}" >&2; exit 2 ;;
esac
