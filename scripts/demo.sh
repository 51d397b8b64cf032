#!/usr/bin/env bash
# Create (or upgrade) the demo database in zh_CN and serve it in the foreground.
source "$(dirname "$0")/lib.sh"

db=${DEMO_DB:-safety_training_demo}
port=${ODOO_HTTP_PORT:-8069}
# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"

# Check the port first: a busy port must not cost a database creation or upgrade.
if "$VENV_DIR/bin/python" -c "import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
  die "port $port on 127.0.0.1 is already in use; stop what runs there or set ODOO_HTTP_PORT"
fi

addon_hash() { find "$REPO_DIR/$ADDON" -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40; }
stamp="$LOCAL_DIR/demo-$db.sha1"

if ! psql -X -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  info "creating the demo database $db (zh_CN, about a minute)"
  bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -i "$ADDON" --load-language=zh_CN --stop-after-init --log-level=warn
  bash "$REPO_DIR/scripts/odoo.sh" shell -d "$db" --log-level=warn < "$REPO_DIR/scripts/load_demo.py"
  addon_hash > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$(addon_hash)" ]; then
  info "the addon changed: upgrading it in $db"
  bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -u "$ADDON" --stop-after-init --log-level=warn
  addon_hash > "$stamp"
fi


cat >&2 <<MSG

  Safety Training Dossier demo: http://127.0.0.1:$port/odoo/action-safety_training_dossier.safety_dossier_action
  Logins (user / password):
    officer  / officer   safety officer (孙敏)
    manager  / manager   manager of the Welding Workshop, approves its rectification notices (黄丽)
    employee / employee  employee who reads only her own dossier (吴静)
    E1006    / worker    portal login of a worker without e-mail (郭鹏), at /my/safety
    admin    / admin     administrator, also Safety administrator
  Ctrl-C stops the server.

MSG
exec bash "$REPO_DIR/scripts/odoo.sh" -d "$db" --db-filter="^$db\$" --http-port="$port"
