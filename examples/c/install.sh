#!/bin/sh
# Installs libdip.so, dip.h and dip.pc into PREFIX (lib/, include/, lib/pkgconfig/).
#   examples/c/install.sh PREFIX [BUILD_PRODUCTS_DIR]
# BUILD_PRODUCTS_DIR defaults to .build/release (after `swift build -c release --product dip`).
# dip.pc adds an rpath to PREFIX/lib, so programs linked with `pkg-config --libs dip` find libdip.so
# without LD_LIBRARY_PATH. libdip.so carries the Swift runtime statically, so nothing else is needed.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 PREFIX [BUILD_PRODUCTS_DIR]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
products=${2:-$root/.build/release}
[ -f "$products/libdip.so" ] || { echo "$0: no $products/libdip.so (swift build -c release --product dip)" >&2; exit 1; }
version=$(sed -n 's/^#define DIP_VERSION *"\(.*\)"/\1/p' "$root/Sources/CDip/include/dip.h")
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
# Debug info is stripped: it is large, and valgrind 3.19 (Debian 12) cannot read the DWARF 5 that
# Swift 6 emits. Set DIP_KEEP_DEBUG=1 to keep it.
cp "$products/libdip.so" "$prefix/lib/libdip.so.tmp"
[ "${DIP_KEEP_DEBUG:-0}" = 1 ] || strip --strip-debug "$prefix/lib/libdip.so.tmp"
mv "$prefix/lib/libdip.so.tmp" "$prefix/lib/libdip.so"
cp "$root/Sources/CDip/include/dip.h" "$prefix/include/dip.h"
cat > "$prefix/lib/pkgconfig/dip.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: dip
Description: Deep Image Prior restoration filters (C ABI of dip-pipe's filters)
Version: $version
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -ldip
Cflags: -I\${includedir}
PC
echo "installed dip $version into $prefix"
