#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (lavapipe) from bookworm-backports so the
# `webgpu` package (Dawn) finds an adapter on machines without a GPU.
# Idempotent: returns at once when a new-enough lavapipe is already installed.
set -euo pipefail

icd_glob="/usr/share/vulkan/icd.d/lvp_icd*.json"
have_mesa() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 23 && compgen -G "$icd_glob" >/dev/null && \
    dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q 'ok installed'
}

if have_mesa; then
  echo "install-vulkan: lavapipe $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers) already installed"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-vulkan: needs root to apt-get install mesa-vulkan-drivers from bookworm-backports" >&2
  exit 1
fi

src=/etc/apt/sources.list.d/debian-backports.sources
if [ ! -f "$src" ]; then
  base=/etc/apt/sources.list.d/debian.sources
  uris=$(awk '/^URIs:/{print $2; exit}' "$base")
  key=$(awk '/^Signed-By:/{print $2; exit}' "$base")
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
    "${uris:-http://deb.debian.org/debian}" "${key:-/usr/share/keyrings/debian-archive-keyring.gpg}" > "$src"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
have_mesa || { echo "install-vulkan: lavapipe did not install" >&2; exit 1; }
echo "install-vulkan: installed lavapipe $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
