#!/usr/bin/env bash
# Installs the Debian packages the portal needs when they are missing: gettext (compiling the
# Vietnamese translation); Pango and fonts with Vietnamese diacritics (WeasyPrint's PDF forms).
# Run by `make run` and `make test`; needs root only when something is missing.
set -euo pipefail

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
# WeasyPrint loads Pango at run time; the forms' font stack is DejaVu Sans, then Noto Sans.
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || need+=("$package")
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${need[*]}. Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
