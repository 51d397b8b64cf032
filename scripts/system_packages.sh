#!/usr/bin/env bash
# Install the Debian packages the project needs, or print the command that does.
# As root on Debian/Ubuntu the missing ones are installed with apt-get; otherwise the
# script prints the exact command and exits non-zero.
source "$(dirname "$0")/lib.sh"

# What each package is for:
#   postgresql                   server binaries for the private cluster
#   libpq-dev                    builds psycopg2
#   libldap2-dev, libsasl2-dev   build python-ldap
#   wkhtmltopdf, fonts-noto-cjk  PDFs with Chinese text
#   chromium                     Odoo's browser tests
#   poppler-utils                pdftotext in the tests
PACKAGES=(postgresql libpq-dev libldap2-dev libsasl2-dev wkhtmltopdf fonts-noto-cjk
          chromium poppler-utils git)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  info "not a Debian/Ubuntu machine: install the equivalents of ${PACKAGES[*]} yourself"
  exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
  is_installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  die "missing system packages. Run: sudo apt-get update && sudo $command"
fi
info "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
