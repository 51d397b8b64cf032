#!/usr/bin/env bash
# Create or refresh the virtualenv in .venv with Odoo's requirements and ours.
# Reruns are cheap: nothing is installed while the requirement files are unchanged.
source "$(dirname "$0")/lib.sh"

src=$(bash "$REPO_DIR/scripts/odoo_source.sh")
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found; install Python 3.10-3.12 or set PYTHON"
"$python" - <<'PY' || die "Odoo 19.0 needs Python 3.10-3.12; set PYTHON to such an interpreter"
import sys
sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)
PY

stamp_file="$VENV_DIR/.requirements.sha1"
wanted=$(cat "$src/requirements.txt" "$REPO_DIR/requirements.txt" | sha1sum | cut -c1-40)
if [ -x "$VENV_DIR/bin/python" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$wanted" ]; then
  exit 0
fi

[ -x "$VENV_DIR/bin/python" ] || { info "creating virtualenv $VENV_DIR"; "$python" -m venv "$VENV_DIR"; }
info "installing Python requirements into $VENV_DIR (first run takes a few minutes)"
"$VENV_DIR/bin/python" -m pip install --quiet --upgrade 'pip>=25.3'
# Odoo pins old sdists whose setup.py imports pkg_resources, which setuptools 70+
# no longer provides inside pip's isolated build environment.
constraint="$VENV_DIR/build-constraints.txt"
printf 'setuptools<70\n' > "$constraint"
"$VENV_DIR/bin/python" -m pip install --quiet --build-constraint "$constraint" \
  -r "$src/requirements.txt" -r "$REPO_DIR/requirements.txt"
printf '%s\n' "$wanted" > "$stamp_file"
