#!/usr/bin/env bash
# PostgreSQL for Odoo: the server the standard PG* variables point to when it
# accepts a connection, otherwise a private cluster that this script owns.
#   postgres.sh start   make a server available; write .local/db.env for Odoo
#   postgres.sh stop    stop the private cluster if this script started it
#   postgres.sh remove  stop it and delete its data folder
source "$(dirname "$0")/lib.sh"

pg_dir=$(private_pg_dir)
data_dir="$pg_dir/data"
socket_dir="$pg_dir/run"
port=5432  # the private cluster listens on its own socket folder only, never TCP
db_env="$LOCAL_DIR/db.env"

write_db_env() {  # host port user password
  mkdir -p "$LOCAL_DIR"
  {
    printf 'DB_HOST=%q\n' "$1"
    printf 'DB_PORT=%q\n' "$2"
    printf 'DB_USER=%q\n' "$3"
    printf 'DB_PASSWORD=%q\n' "$4"
  } > "$db_env"
}

try_external_server() {
  command -v psql >/dev/null 2>&1 || return 1
  local role
  role=$(PGCONNECT_TIMEOUT=3 psql -X -At -d "${PGDATABASE:-postgres}" \
         -c 'SELECT current_user WHERE (SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user)' \
         2>/dev/null) || return 1
  [ -n "$role" ] || return 1
  if [ "$role" = postgres ]; then
    die "the PostgreSQL server at ${PGHOST:-<default socket>} accepts the connection as role 'postgres', which Odoo rejects. Set PGUSER to another role that may create databases, or unset the PG* variables to use a private cluster."
  fi
  info "using the PostgreSQL server at ${PGHOST:-<default socket>}:${PGPORT:-5432} as role $role"
  write_db_env "${PGHOST:-}" "${PGPORT:-}" "$role" "${PGPASSWORD:-}"
}

ensure_system_user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$PG_SYSTEM_USER" >/dev/null 2>&1 && return 0
  info "creating system user $PG_SYSTEM_USER to own the private PostgreSQL cluster"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
}

private_is_running() {
  [ -f "$data_dir/postmaster.pid" ] && as_pg_owner "$bindir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1
}

start_private_cluster() {
  bindir=$(pg_bindir) || die "no PostgreSQL server binaries (initdb) found; run scripts/system_packages.sh"
  ensure_system_user
  mkdir -p "$pg_dir"
  [ "$(id -u)" = 0 ] && chown "$PG_SYSTEM_USER" "$pg_dir"
  chmod 700 "$pg_dir"
  if [ ! -f "$data_dir/PG_VERSION" ]; then
    info "creating a private PostgreSQL cluster in $data_dir"
    as_pg_owner "$bindir/initdb" --pgdata="$data_dir" --username="$PRIVATE_PG_ROLE" \
      --auth=trust --encoding=UTF8 --locale=C >/dev/null
  fi
  as_pg_owner mkdir -p "$socket_dir"
  if ! private_is_running; then
    info "starting the private PostgreSQL cluster (socket folder $socket_dir)"
    as_pg_owner "$bindir/pg_ctl" -D "$data_dir" -l "$pg_dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -k $socket_dir -p $port" start >/dev/null \
      || die "the private PostgreSQL cluster did not start; see $pg_dir/server.log"
    touch "$data_dir/.started-by-safety-training-dossier"
  fi
  write_db_env "$socket_dir" "$port" "$PRIVATE_PG_ROLE" ""
}

case "${1:-start}" in
  start)
    try_external_server || start_private_cluster
    ;;
  stop)
    bindir=$(pg_bindir) || exit 0
    if [ -f "$data_dir/.started-by-safety-training-dossier" ] && private_is_running; then
      info "stopping the private PostgreSQL cluster in $data_dir"
      as_pg_owner "$bindir/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
    fi
    rm -f "$data_dir/.started-by-safety-training-dossier"
    ;;
  remove)
    bash "$0" stop
    if [ -d "$pg_dir" ]; then
      info "removing the private PostgreSQL cluster in $pg_dir"
      rm -rf "$pg_dir"
    fi
    ;;
  *)
    die "usage: postgres.sh start|stop|remove"
    ;;
esac
