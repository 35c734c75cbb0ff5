#!/usr/bin/env bash
# Install what mmsim needs to build, test and benchmark, from Debian's
# packages. Idempotent: does nothing when everything is already there.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libcmocka-dev libmimalloc-dev libluajit-5.1-dev
      libjansson-dev libedit-dev zlib1g-dev gnuplot-nox clang libclang-rt-14-dev procps util-linux)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
