# Shared settings and helpers for the bootstrap scripts. Source it, don't run it.
# shellcheck shell=bash

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_DIR="$REPO_DIR/.venv"
LOCAL_DIR="$REPO_DIR/.local"
DEFAULT_ODOO_SRC="${XDG_CACHE_HOME:-$HOME/.cache}/safety-training-dossier/odoo-19.0"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
ADDON=safety_training_dossier
# The role created in the private cluster; Odoo refuses to connect as "postgres".
PRIVATE_PG_ROLE=odoo
# The unprivileged system user that owns the private cluster when we run as root.
PG_SYSTEM_USER=stdossier-pg

info() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Print the path of the Odoo source tree; the bootstrap guarantees it exists.
odoo_src() {
  if [ -n "${ODOO_SRC:-}" ]; then
    printf '%s\n' "$ODOO_SRC"
  else
    printf '%s\n' "$DEFAULT_ODOO_SRC"
  fi
}

# The folder that contains the private PostgreSQL cluster. As root, the cluster runs
# as an unprivileged user, so its files live where that user can reach them.
private_pg_dir() {
  if [ "$(id -u)" = 0 ]; then
    local key
    key=$(printf '%s' "$REPO_DIR" | sha1sum | cut -c1-12)
    printf '/var/lib/safety-training-dossier/%s\n' "$key"
  else
    printf '%s\n' "$LOCAL_DIR/postgres"
  fi
}

pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { printf '%s\n' "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# Run a command as the cluster owner (plain when we are not root).
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$PG_SYSTEM_USER" -- "$@"
  else
    "$@"
  fi
}
