#!/usr/bin/env bash
# Builds OUT/dip_VERSION_ARCH.deb with dpkg-deb from the same install as `make install`
# (scripts/install.sh --prefix /usr into a staging folder). Depends lists the Debian packages that
# hold the libraries dip-pipe and libdip.so.0 link (found with dpkg -S), plus OpenBLAS, which dip
# loads at run time.
#   scripts/make-deb.sh OUT [--products DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make-deb.sh OUT [--products DIR]}; shift
mkdir -p "$out"; out=$(cd "$out" && pwd)
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
bash "$root/scripts/install.sh" --prefix /usr --destdir "$stage" "$@" > "$stage.log" 2>&1 \
    || { cat "$stage.log" >&2; rm -f "$stage.log"; exit 1; }
rm -f "$stage.log"
version=$(sed -n 's/^#define DIP_VERSION *"\(.*\)"/\1/p' "$root/Sources/CDip/include/dip.h")
arch=$(dpkg --print-architecture)

# The package of each shared library the ELF files need, as the dynamic linker resolves it.
depends=$(for elf in "$stage/usr/bin/dip-pipe" "$stage"/usr/lib/libdip.so.*; do
              ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
          done | sort -u | while read -r lib; do
              dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
          done | sed 's/:.*//' | sort -u | paste -sd, | sed 's/,/, /g')
[ -n "$depends" ] || { echo "make-deb.sh: found no package for the linked libraries" >&2; exit 1; }
depends="$depends, libopenblas0-pthread | libopenblas0"

mkdir -p "$stage/DEBIAN" "$stage/usr/share/doc/dip"
mv "$stage/usr/share/doc/dip/LICENSE" "$stage/usr/share/doc/dip/copyright"
sed -i 's|^share/doc/dip/LICENSE$|share/doc/dip/copyright|' "$stage/usr/share/dip/manifest"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: dip
Version: $version
Architecture: $arch
Maintainer: dip developers <dip@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Description: Deep Image Prior image restoration for pipes and C hosts
 dip-pipe denoises, inpaints, super-resolves and deblocks images and
 image streams (PNG, TIFF, JPEG, PNM/PAM) with sparse classical filters
 and Deep Image Prior fits; libdip.so.0 offers the same filters to C
 hosts (GIMP plug-ins, ImageMagick modules). No training data, no
 downloaded weights.
CONTROL
echo "activate-noawait ldconfig" > "$stage/DEBIAN/triggers"
deb=$out/dip_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
