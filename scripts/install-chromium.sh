#!/usr/bin/env bash
# Installs Debian's Chromium, which the demo site's browser test (apps/demo)
# drives through playwright-core at /usr/bin/chromium.
# Idempotent: returns at once when it is already installed.
set -euo pipefail

if [ -x /usr/bin/chromium ] && dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'ok installed'; then
  echo "install-chromium: chromium $(dpkg-query -W -f='${Version}' chromium) already installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: needs root to apt-get install chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
[ -x /usr/bin/chromium ] || { echo "install-chromium: chromium did not install" >&2; exit 1; }
echo "install-chromium: installed chromium $(dpkg-query -W -f='${Version}' chromium)"
