#!/usr/bin/env bash
# Makes sure the headless browser the settings-page test drives is here: Debian's chromium and chromedriver (the
# browser vendors' own downloads are not reachable from this network). Run by the build before the e2e tests.
set -euo pipefail
chromium=${1:-/usr/bin/chromium}
driver=${2:-/usr/bin/chromedriver}
if [ -x "$chromium" ] && [ -x "$driver" ]; then
  exit 0
fi
echo "e2e: $chromium or $driver is missing; installing Debian's chromium and chromium-driver" >&2
if ! command -v apt-get >/dev/null; then
  echo "e2e: no apt-get here. Install Chromium and a matching chromedriver, then run again with" >&2
  echo "     -De2e.chromium=/path/to/chromium -De2e.chromedriver=/path/to/chromedriver" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "e2e: installing packages needs root. Run: sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
[ -x "$chromium" ] && [ -x "$driver" ]
