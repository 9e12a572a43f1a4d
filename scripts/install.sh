#!/usr/bin/env bash
# Installs dip: dip-pipe (Swift runtime linked statically: runs with no Swift toolchain), libdip
# (libdip.so.0 with that SONAME, and the libdip.so link), dip.h, dip.pc, the man page dip-pipe(1),
# bash and zsh completions, and a manifest that `--uninstall` removes exactly.
#
#   scripts/install.sh [--prefix DIR] [--destdir DIR] [--products DIR] [--lib-only]
#   scripts/install.sh --uninstall [--prefix DIR] [--destdir DIR]
#
# --prefix   where dip will live (default /usr/local); --destdir stages the files under DIR instead
#            (DIR/PREFIX/..., for packaging: scripts/make-deb.sh). --products uses an existing build
#            (a folder with dip-pipe and libdip.so) instead of building into .build-install.
# --lib-only installs only libdip, dip.h and dip.pc (examples/c/install.sh). Debug info is stripped
#            (valgrind 3.19 cannot read Swift 6's DWARF 5); DIP_KEEP_DEBUG=1 keeps it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local destdir="" products="" lib_only=0 uninstall=0
while [ $# -gt 0 ]; do
    case $1 in
        --prefix) prefix=${2:?--prefix needs a folder}; shift 2;;
        --destdir) destdir=${2:?--destdir needs a folder}; shift 2;;
        --products) products=${2:?--products needs a folder}; shift 2;;
        --lib-only) lib_only=1; shift;;
        --uninstall) uninstall=1; shift;;
        *) echo "install.sh: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2;;
    esac
done
case $prefix in /*) ;; *) mkdir -p "$prefix"; prefix=$(cd "$prefix" && pwd);; esac
stage=$destdir$prefix
manifest=share/dip/manifest

if [ "$uninstall" = 1 ]; then
    [ -f "$stage/$manifest" ] || { echo "install.sh: no dip installed in $stage (no $manifest)" >&2; exit 1; }
    files=$(cat "$stage/$manifest"; echo "$manifest")
    # Every folder above those files, deepest first; each goes only if nothing else is in it.
    dirs=$(while IFS= read -r f; do d=$(dirname "$f"); while [ "$d" != . ]; do echo "$d"; d=$(dirname "$d"); done
           done <<< "$files" | sort -ru)
    while IFS= read -r f; do rm -f "$stage/$f"; done <<< "$files"
    while IFS= read -r d; do rmdir "$stage/$d" 2>/dev/null || true; done <<< "$dirs"
    echo "uninstalled dip from $stage"
    exit 0
fi

if [ -z "$products" ]; then
    products=$root/.build-install/release
    build=(swift build -c release --scratch-path "$root/.build-install" --static-swift-stdlib)
    (cd "$root" && "${build[@]}" --product dip && { [ "$lib_only" = 1 ] || "${build[@]}" --product dip-pipe; }) \
        2>&1 | grep -v "Cannot export local symbol\|warning: the use of .mktemp" || true
fi
[ -f "$products/libdip.so" ] || { echo "install.sh: no $products/libdip.so" >&2; exit 1; }
[ "$lib_only" = 1 ] || [ -x "$products/dip-pipe" ] || { echo "install.sh: no $products/dip-pipe" >&2; exit 1; }

version=$(sed -n 's/^#define DIP_VERSION *"\(.*\)"/\1/p' "$root/Sources/CDip/include/dip.h")
soname=$(readelf -d "$products/libdip.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ -n "$soname" ] || { echo "install.sh: $products/libdip.so has no SONAME" >&2; exit 1; }
installed=()
# put SOURCE DEST MODE: copies atomically (a temporary beside DEST, then rename).
put() {
    mkdir -p "$(dirname "$stage/$2")"
    cp "$1" "$stage/$2.tmp" && chmod "$3" "$stage/$2.tmp"
    case $2 in bin/*|lib/*.so*) [ "${DIP_KEEP_DEBUG:-0}" = 1 ] || strip --strip-debug "$stage/$2.tmp";; esac
    mv "$stage/$2.tmp" "$stage/$2"
    installed+=("$2")
}
put "$products/libdip.so" "lib/$soname" 644
ln -sfn "$soname" "$stage/lib/libdip.so"; installed+=(lib/libdip.so)
put "$root/Sources/CDip/include/dip.h" include/dip.h 644
# Programs linked with `pkg-config --libs dip` find libdip without LD_LIBRARY_PATH: an rpath
# unless the library folder is one the dynamic linker searches anyway.
rpath=' -Wl,-rpath,${libdir}'
case $prefix in /usr|/) rpath="";; esac
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
cat > "$tmp" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: dip
Description: Deep Image Prior restoration filters (C ABI of dip-pipe's filters)
Version: $version
Libs: -L\${libdir}$rpath -ldip
Cflags: -I\${includedir}
PC
put "$tmp" lib/pkgconfig/dip.pc 644
if [ "$lib_only" = 0 ]; then
    put "$products/dip-pipe" bin/dip-pipe 755
    "$products/dip-pipe" help --man > "$tmp" && put "$tmp" share/man/man1/dip-pipe.1 644
    "$products/dip-pipe" help --completion bash > "$tmp" && put "$tmp" share/bash-completion/completions/dip-pipe 644
    "$products/dip-pipe" help --completion zsh > "$tmp" && put "$tmp" share/zsh/site-functions/_dip-pipe 644
    put "$root/LICENSE" share/doc/dip/LICENSE 644
fi
mkdir -p "$stage/share/dip"
printf '%s\n' "${installed[@]}" > "$stage/$manifest"
# A real install as root: refresh the linker cache so the new SONAME is found.
[ -z "$destdir" ] && [ "$(id -u)" -eq 0 ] && command -v ldconfig > /dev/null && ldconfig 2>/dev/null || true
echo "installed dip $version into $stage"
