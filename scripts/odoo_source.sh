#!/usr/bin/env bash
# Make sure an Odoo 19.0 source tree is available and print its path.
# Order: $ODOO_SRC, then the cache folder, then a shallow clone of branch 19.0.
source "$(dirname "$0")/lib.sh"

is_odoo_tree() { [ -f "$1/odoo-bin" ] && [ -d "$1/odoo/addons/base" ] && [ -d "$1/addons/hr" ]; }

if [ -n "${ODOO_SRC:-}" ]; then
  is_odoo_tree "$ODOO_SRC" \
    || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree (no odoo-bin, odoo/addons/base or addons/hr there). Point ODOO_SRC at the folder that contains odoo-bin, or unset it."
  printf '%s\n' "$ODOO_SRC"
  exit 0
fi

if is_odoo_tree "$DEFAULT_ODOO_SRC"; then
  printf '%s\n' "$DEFAULT_ODOO_SRC"
  exit 0
fi

if [ -e "$DEFAULT_ODOO_SRC" ] && [ -n "$(ls -A "$DEFAULT_ODOO_SRC" 2>/dev/null)" ]; then
  die "$DEFAULT_ODOO_SRC exists but is not an Odoo source tree; remove it or set ODOO_SRC."
fi

info "cloning Odoo 19.0 from $ODOO_GIT_URL into $DEFAULT_ODOO_SRC (about 1 GB, shallow)"
mkdir -p "$(dirname "$DEFAULT_ODOO_SRC")"
if ! git clone --quiet --depth 1 --branch 19.0 "$ODOO_GIT_URL" "$DEFAULT_ODOO_SRC.partial"; then
  rm -rf "$DEFAULT_ODOO_SRC.partial"
  die "no Odoo 19.0 source found. Tried: 1) ODOO_SRC (not set); 2) $DEFAULT_ODOO_SRC (missing); 3) git clone --branch 19.0 $ODOO_GIT_URL (failed). Set ODOO_SRC to an Odoo 19.0 checkout, or set ODOO_GIT_URL to a reachable mirror of Odoo's repository."
fi
mv "$DEFAULT_ODOO_SRC.partial" "$DEFAULT_ODOO_SRC"
printf '%s\n' "$DEFAULT_ODOO_SRC"
