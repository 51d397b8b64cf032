#!/usr/bin/env bash
# Regenerate i18n/safety_training_dossier.pot from a throwaway database holding the
# addon and its demo plant, then merge it into i18n/zh_CN.po (existing translations
# kept) and list the entries that still lack a translation.
source "$(dirname "$0")/lib.sh"

# shellcheck source=/dev/null
source "$LOCAL_DIR/db.env"
export PGHOST="$DB_HOST" PGPORT="$DB_PORT" PGUSER="$DB_USER" PGPASSWORD="$DB_PASSWORD"
db="safety_i18n_$$"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1' EXIT
i18n_dir="$REPO_DIR/$ADDON/i18n"

bash "$REPO_DIR/scripts/odoo.sh" -d "$db" -i "$ADDON" --stop-after-init --log-level=warn
bash "$REPO_DIR/scripts/odoo.sh" shell -d "$db" --log-level=warn < "$REPO_DIR/scripts/load_demo.py" >/dev/null
src=$(bash "$REPO_DIR/scripts/odoo_source.sh")
"$VENV_DIR/bin/python" "$src/odoo-bin" i18n export -c "$LOCAL_DIR/odoo.conf" -d "$db" \
  -o "$i18n_dir/$ADDON.pot" "$ADDON"
"$VENV_DIR/bin/python" - "$i18n_dir/$ADDON.pot" "$i18n_dir/zh_CN.po" <<'PY'
import sys

import polib

pot_path, po_path = sys.argv[1:]
template = polib.pofile(pot_path)
try:
    catalog = polib.pofile(po_path)
except OSError:
    catalog = polib.POFile()
    catalog.metadata = dict(template.metadata, Language="zh_CN")
catalog.merge(template)
catalog.metadata["Language"] = "zh_CN"
# polib keeps entries that left the template as obsolete; they serve no one.
for entry in [entry for entry in catalog if entry.obsolete]:
    catalog.remove(entry)
catalog.save(po_path)
missing = [entry for entry in catalog if not entry.msgstr and not entry.obsolete]
print(f"{len(catalog)} entries, {len(missing)} without a zh_CN translation")
for entry in missing:
    print("  missing:", entry.msgid.replace("\n", " ")[:100])
PY
