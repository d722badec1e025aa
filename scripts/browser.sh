#!/usr/bin/env bash
# Installs Debian's Chromium (the browser the browser tests drive; Playwright never downloads
# its own here) and poppler-utils (pdftoppm: the receipt's screenshot) when they are missing.
# Run by `make test` and `make screenshots`. With CI=true a browser that cannot be installed
# fails the run; elsewhere the browser tests are skipped with the reason.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing for the browser tests: ${need[*]}. Install with: sudo apt-get install ${need[*]}" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing for the browser tests: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
