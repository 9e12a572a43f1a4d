#!/bin/sh
# Installs libdip only — libdip.so.0, the libdip.so link, dip.h and dip.pc — into PREFIX
# (lib/, include/, lib/pkgconfig/), from an existing build:
#   examples/c/install.sh PREFIX [BUILD_PRODUCTS_DIR]
# BUILD_PRODUCTS_DIR defaults to .build/release (after `swift build -c release --product dip`).
# dip.pc adds an rpath to PREFIX/lib, so programs linked with `pkg-config --libs dip` find libdip
# without LD_LIBRARY_PATH. libdip carries the Swift runtime statically, so nothing else is needed.
# The whole install (dip-pipe, man page, completions) is `make install PREFIX=...` (scripts/install.sh).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 PREFIX [BUILD_PRODUCTS_DIR]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/../.." && pwd)
exec bash "$root/scripts/install.sh" --lib-only --prefix "$1" --products "${2:-$root/.build/release}"
