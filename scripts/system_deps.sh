#!/usr/bin/env bash
# Install the Debian packages the project needs, only those missing (apt-get needs root or sudo).
#   scripts/system_deps.sh test   -> PostgreSQL 15, chromium, IPAmj明朝, HarfBuzz subsetting
#   scripts/system_deps.sh demo   -> what certificates need: Pango, IPAmj明朝, HarfBuzz subsetting
set -euo pipefail
what=${1:-test}
case "$what" in
# poppler-utils: pdftoppm/pdftotext/pdffonts check rendered certificates, pdfsig their signatures
# (tests/certificates/); zbar-tools: zbarimg reads the 検証コード's QR code back from the page
# pgbackrest: backups and point-in-time restore (docs/operations.md "Backups"; tests/continuity/)
# nginx-light: the shipped nginx site is tested in front of gunicorn (tests/web/test_nginx_site.py)
# patroni, etcd-server, etcd-client: the failover drill starts a three-member etcd and two
# Patroni-managed PostgreSQL nodes on 127.0.0.1 (tests/continuity/test_failover.py, bench-continuity)
test) pkgs=(postgresql-15 postgresql-client-15 pgbackrest patroni etcd-server etcd-client chromium fonts-ipamj-mincho libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig nginx-light poppler-utils zbar-tools) ;;
# certificates (issue 12): WeasyPrint's Pango, IPAmj明朝 and HarfBuzz subsetting (docs/certificates.md)
demo) pkgs=(fonts-ipamj-mincho libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig poppler-utils) ;;
*) echo "usage: $0 test|demo" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps the packages from starting services we don't use (a PostgreSQL cluster, a
# single-member etcd on 2379/2380, patroni): tests start their own on free ports. When the machine
# has no policy-rc.d we put one in place for the install and remove it afterwards.
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod 755 /usr/sbin/policy-rc.d; own_policy=1
fi
trap '[ -n "$own_policy" ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
