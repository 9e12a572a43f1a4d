#!/usr/bin/env bash
# Installs the Debian packages dip needs. Idempotent: does nothing when everything is already
# there. Needs root (or sudo) for apt-get.
#   scripts/install-deps.sh build   what building and running dip needs (README command 1)
#   scripts/install-deps.sh test    that, plus the hosts and tools the test suite drives (command 2)
set -euo pipefail
BUILD=(pkg-config libpng-dev libtiff-dev libjpeg62-turbo-dev libopenblas-dev)
TEST=(
  ffmpeg netpbm imagemagick libmagickcore-6.q16-dev    # stream recipes, ImageMagick module and delegates
  gimp libgimp2.0-dev valgrind                          # GIMP plug-in, C ABI checks
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good                             # the GStreamer element (pngenc, multifilesink)
  groff-base zsh                                        # packaging checks: the man page, zsh completion
  python3-venv python3-pip python3-setuptools python3-numpy python3-pytest   # the Python binding's tests
  slurm-wlm munge                                       # the Slurm job-array test's own one-node cluster
)
case ${1:-test} in
  build) PACKAGES=("${BUILD[@]}") ;;
  test) PACKAGES=("${BUILD[@]}" "${TEST[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
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
