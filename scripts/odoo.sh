#!/usr/bin/env bash
# Run odoo-bin from the project's virtualenv with the project's configuration.
# Writes .local/odoo.conf from .local/db.env (made by postgres.sh) on each call.
source "$(dirname "$0")/lib.sh"

src=$(bash "$REPO_DIR/scripts/odoo_source.sh")
[ -f "$LOCAL_DIR/db.env" ] || die "no database settings yet; run scripts/postgres.sh start first"
# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"

addons_path="$src/odoo/addons,$src/addons,$REPO_DIR"
[ -n "${EXTRA_ADDONS_PATH:-}" ] && addons_path="$addons_path,$EXTRA_ADDONS_PATH"
config="$LOCAL_DIR/odoo.conf"
mkdir -p "$LOCAL_DIR/odoo-data"
cat > "$config" <<CONF
[options]
addons_path = $addons_path
data_dir = $LOCAL_DIR/odoo-data
db_host = ${DB_HOST:-False}
db_port = ${DB_PORT:-False}
db_user = $DB_USER
http_interface = 127.0.0.1
http_port = ${ODOO_HTTP_PORT:-8069}
gevent_port = ${ODOO_GEVENT_PORT:-8072}
list_db = False
CONF
[ -n "${DB_PASSWORD:-}" ] && printf 'db_password = %s\n' "$DB_PASSWORD" >> "$config"

# The key of the encrypted identity numbers lives beside the database settings, never in the
# database. A deployment sets safety_id_key in its own odoo.conf or SAFETY_ID_KEY instead.
key_file="$LOCAL_DIR/safety_id_key"
if [ -z "${SAFETY_ID_KEY:-}" ]; then
  if [ ! -s "$key_file" ]; then
    (umask 077 && "$VENV_DIR/bin/python" -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())' \
      > "$key_file")
  fi
  SAFETY_ID_KEY=$(cat "$key_file")
  export SAFETY_ID_KEY
fi

# A leading word without a dash is an odoo-bin subcommand (shell, ...): it goes first, after
# --addons-path, which odoo-bin reads there to find the commands that addons add.
subcommand=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  subcommand=("--addons-path=$addons_path" "$1")
  shift
fi
exec "$VENV_DIR/bin/python" "$src/odoo-bin" "${subcommand[@]}" -c "$config" "$@"
