#!/usr/bin/env bash
# Installs the Debian packages dip builds against and tests with. Idempotent: does nothing when
# everything is already there. Needs root (or sudo) for apt-get.
set -euo pipefail
PACKAGES=(
  pkg-config libpng-dev libtiff-dev libjpeg62-turbo-dev libopenblas-dev   # build
  ffmpeg netpbm imagemagick libmagickcore-6.q16-dev                      # stream + ImageMagick hosts
  gimp libgimp2.0-dev valgrind                                            # GIMP host, C ABI checks
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
