#!/usr/bin/env bash
# Tests/hosts/run.sh — builds libdip (release), installs it with dip.h and dip.pc into a prefix under
# the build directory, and tests it inside real C hosts: a C program (plain and under valgrind), the
# C example, the GIMP 2.10 plug-in (headless gimp-console) and the ImageMagick 6 -process module and
# delegates. Prints one PASS/FAIL/SKIP line per check and ends with "N passed, N failed[, N skipped]";
# exits non-zero if anything failed. Every filter the checks use is registered in libdip, so a missing
# one fails; the only skips are for a host that is not installed (gimp-console, convert).
#
# Environment: DIP_SCRATCH  SwiftPM scratch path (default: .build, as `swift build` uses)
#              DIP_SKIP_BUILD=1  use the products already in $DIP_SCRATCH/release
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=${DIP_SCRATCH:-$ROOT/.build}
case $SCRATCH in /*) ;; *) SCRATCH=$ROOT/$SCRATCH ;; esac
WORK=$SCRATCH/hosts-test
PREFIX=$WORK/prefix
PASSED=0 FAILED=0 SKIPPED=0

pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
summary() {
    local line="$PASSED passed, $FAILED failed"
    [ "$SKIPPED" -gt 0 ] && line="$line, $SKIPPED skipped"
    echo "$line"
    [ "$FAILED" -eq 0 ]
    exit $?
}
# Prints the last lines of a log, indented, after a failure.
show() { sed -n '1,40p' "$1" | sed 's/^/    | /'; }

rm -rf "$WORK" && mkdir -p "$WORK"
cd "$ROOT" || exit 1

# --- build and install --------------------------------------------------------------------------
if [ "${DIP_SKIP_BUILD:-0}" != 1 ]; then
    for product in dip dip-pipe; do
        if swift build --scratch-path "$SCRATCH" -c release --product "$product" > "$WORK/build-$product.log" 2>&1; then
            pass "swift build -c release --product $product"
        else
            fail "swift build -c release --product $product"; tail -20 "$WORK/build-$product.log"
            [ "$product" = dip ] && summary
        fi
    done
fi
PRODUCTS=$SCRATCH/release
if ! examples/c/install.sh "$PREFIX" "$PRODUCTS" > "$WORK/install.log" 2>&1; then
    fail "install libdip into $PREFIX"; show "$WORK/install.log"; summary
fi
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PATH=$PRODUCTS:$PATH
header_version=$(sed -n 's/^#define DIP_VERSION *"\(.*\)"/\1/p' Sources/CDip/include/dip.h)
check "pkg-config dip gives version $header_version" [ "$(pkg-config --modversion dip)" = "$header_version" ]

# --- the shared library --------------------------------------------------------------------------
LIB=$PREFIX/lib/libdip.so
grep -o '\bdip_[a-z_]*(' Sources/CDip/include/dip.h | tr -d '(' | sort -u > "$WORK/header-functions"
nm -D --defined-only "$LIB" | awk '$2 ~ /^[A-Z]$/ { print $3 }' | sort -u > "$WORK/exported"
if cmp -s "$WORK/header-functions" "$WORK/exported"; then
    pass "libdip.so exports exactly the $(wc -l < "$WORK/exported") functions of dip.h"
else
    fail "libdip.so exports differ from dip.h (< header, > library)"; diff "$WORK/header-functions" "$WORK/exported" | sed 's/^/    | /'
fi
# ldd and nm write to files first: a tool that fails (or a stripped library) must not pass as "nothing found".
check "libdip.so needs no Swift runtime libraries (linked statically)" \
    bash -c "ldd '$LIB' > '$WORK/ldd' 2>&1 && grep -q 'libc\.so' '$WORK/ldd' && ! grep -q -i swift '$WORK/ldd'"
# Full Foundation (and ICU's ~45 MB of data) must stay out of libdip: see Package.swift.
lib_mb=$(( $(stat -L -c %s "$LIB") / 1000000 ))
check "libdip.so as installed is $lib_mb MB (< 40 MB: no full Foundation or ICU inside)" [ "$lib_mb" -lt 40 ]
check "libdip.so has no ICU symbols (its symbol table, which lists dip_filter_new, has no ucol_/icudt)" \
    bash -c "nm '$LIB' > '$WORK/nm' 2>&1 && grep -q ' T dip_filter_new\$' '$WORK/nm' && ! grep -q -i 'ucol_\|icudt' '$WORK/nm'"

# --- C: the API test, plain and under valgrind ---------------------------------------------------
CFLAGS_STRICT="-std=c11 -Wall -Wextra -Werror -O1 -g"
if gcc $CFLAGS_STRICT Tests/hosts/c/dip_test.c $(pkg-config --cflags --libs dip) -lpthread -lm \
       -o "$WORK/dip_test" > "$WORK/cc.log" 2>&1; then
    pass "gcc dip_test.c \$(pkg-config --cflags --libs dip)"
    if "$WORK/dip_test" > "$WORK/dip_test.log" 2>&1; then
        pass "C API test: $(tail -1 "$WORK/dip_test.log")"
    else
        fail "C API test"; grep -v '^ok' "$WORK/dip_test.log" | sed 's/^/    | /'
    fi
    # definitely/indirectly lost from dip must be 0; "possibly lost"/"still reachable" are the Swift
    # runtime's one-time allocations (metadata caches, per-thread state) and are not errors.
    if valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect "$WORK/dip_test" --no-neural > "$WORK/valgrind.log" 2>&1 &&
       grep -q 'definitely lost: 0 bytes\|All heap blocks were freed' "$WORK/valgrind.log" &&
       grep -q 'ERROR SUMMARY: 0 errors' "$WORK/valgrind.log"; then
        pass "C API test under valgrind: no invalid accesses, nothing definitely lost"
    else
        fail "C API test under valgrind"; grep '==[0-9]*==' "$WORK/valgrind.log" | tail -40 | sed 's/^/    | /'
    fi
else
    fail "gcc dip_test.c"; show "$WORK/cc.log"
fi

# --- C example ----------------------------------------------------------------------------------
convert -size 32x24 gradient:red-blue -depth 8 "PNG24:$WORK/in.png"   # PNG24: not palette
convert "$WORK/in.png" -depth 8 "$WORK/in.ppm"
if gcc -std=c11 -Wall -Wextra -Werror examples/c/dip-run.c $(pkg-config --cflags --libs dip) -o "$WORK/dip-run" 2>"$WORK/cc-example.log"; then
    "$WORK/dip-run" copy "$WORK/in.ppm" "$WORK/copy.ppm" 2>/dev/null
    check "examples/c dip-run copy is exact" cmp -s "$WORK/in.ppm" "$WORK/copy.ppm"
    if "$WORK/dip-run" "no-such-filter" "$WORK/in.ppm" "$WORK/x.ppm" 2> "$WORK/dip-run.err"; then
        fail "examples/c dip-run reports an unknown filter"
    else
        check "examples/c dip-run reports an unknown filter" grep -q "no-such-filter: unknown filter" "$WORK/dip-run.err"
    fi
else
    fail "gcc examples/c/dip-run.c"; show "$WORK/cc-example.log"
fi

# scm_args prints a filter's Script-Fu arguments (and exits 3 for a filter libdip does not have).
if gcc -std=c11 -Werror Tests/hosts/c/scm_args.c $(pkg-config --cflags --libs dip) -o "$WORK/scm_args" \
       > "$WORK/cc-scm_args.log" 2>&1; then
    pass "gcc scm_args.c"
else
    fail "gcc scm_args.c"; show "$WORK/cc-scm_args.log"
fi
# --- C: the API test under AddressSanitizer, libdip built with ASan too ---------------------------
# valgrind sees the C side's heap; ASan also instruments libdip's Swift and C code, so a read or
# write past a buffer the caller gave is reported where the library does it. libdip links the
# toolchain's shared ASan runtime (-z defs needs its symbols), and the test program loads the same
# one first (-shared-libasan), as ASan requires. Its own scratch path: a separate, instrumented build.
ASAN_SCRATCH=$SCRATCH-asan
ASAN_RT=$(clang -print-file-name=libclang_rt.asan-x86_64.so 2>/dev/null)
if [ ! -f "$ASAN_RT" ]; then
    skip "C API test under ASan (no clang with libclang_rt.asan-x86_64.so on PATH)"
elif ! swift build --scratch-path "$ASAN_SCRATCH" -c release --product dip -Xswiftc -sanitize=address \
        -Xcc -fsanitize=address -Xlinker "$ASAN_RT" -Xlinker -rpath -Xlinker "$(dirname "$ASAN_RT")" \
        > "$WORK/build-asan.log" 2>&1; then
    fail "swift build --product dip with -sanitize=address"; grep -i error "$WORK/build-asan.log" | head -20 | sed 's/^/    | /'
elif ! ln -sf libdip.so "$ASAN_SCRATCH/release/$(readelf -d "$ASAN_SCRATCH/release/libdip.so" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')" ||
     ! clang $CFLAGS_STRICT -fsanitize=address -shared-libasan -fno-omit-frame-pointer \
        -ISources/CDip/include Tests/hosts/c/dip_test.c -L"$ASAN_SCRATCH/release" \
        -Wl,-rpath,"$ASAN_SCRATCH/release" -Wl,-rpath,"$(dirname "$ASAN_RT")" -ldip -lpthread -lm \
        -o "$WORK/dip_test_asan" > "$WORK/cc-asan.log" 2>&1; then
    fail "clang -fsanitize=address dip_test.c"; show "$WORK/cc-asan.log"
elif ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 "$WORK/dip_test_asan" > "$WORK/dip_test_asan.log" 2>&1 &&
     ! grep -q 'ERROR: \(Address\|Leak\)Sanitizer' "$WORK/dip_test_asan.log"; then
    pass "C API test under ASan (libdip instrumented): $(tail -1 "$WORK/dip_test_asan.log")"
    # The C example and scm_args, the other C programs here, under ASan as well.
    if clang -std=c11 -Wall -Wextra -Werror -fsanitize=address -shared-libasan -ISources/CDip/include \
            examples/c/dip-run.c -L"$ASAN_SCRATCH/release" -Wl,-rpath,"$ASAN_SCRATCH/release" \
            -Wl,-rpath,"$(dirname "$ASAN_RT")" -ldip -o "$WORK/dip-run-asan" 2> "$WORK/cc-example-asan.log" &&
       clang -std=c11 -Werror -fsanitize=address -shared-libasan -ISources/CDip/include Tests/hosts/c/scm_args.c \
            -L"$ASAN_SCRATCH/release" -Wl,-rpath,"$ASAN_SCRATCH/release" -Wl,-rpath,"$(dirname "$ASAN_RT")" \
            -ldip -o "$WORK/scm_args-asan" 2>> "$WORK/cc-example-asan.log"; then
        "$WORK/dip-run-asan" "resize --scale 2 ! add-noise --sigma 5 ! denoise" "$WORK/in.ppm" "$WORK/asan.ppm" \
            > "$WORK/dip-run-asan.log" 2>&1
        "$WORK/dip-run-asan" "no-such-filter" "$WORK/in.ppm" "$WORK/x.ppm" >> "$WORK/dip-run-asan.log" 2>&1
        for f in denoise inpaint sr flash; do "$WORK/scm_args-asan" "$f" >> "$WORK/dip-run-asan.log" 2>&1; done
        check "examples/c dip-run and scm_args under ASan: no report, dip-run wrote its image" \
            bash -c "[ -s '$WORK/asan.ppm' ] && ! grep -q 'ERROR: \(Address\|Leak\)Sanitizer' '$WORK/dip-run-asan.log'"
    else
        fail "clang -fsanitize=address dip-run.c scm_args.c"; show "$WORK/cc-example-asan.log"
    fi
else
    fail "C API test under ASan"; grep -A12 'ERROR:\|^not ok' "$WORK/dip_test_asan.log" | head -40 | sed 's/^/    | /'
fi

# The GIMP and ImageMagick checks below use these filters; each must be in this build of libdip.
missing=
for f in resize add-noise denoise inpaint sr; do
    "$WORK/scm_args" "$f" > /dev/null 2>&1 || missing="$missing $f"
done
check "libdip has every filter the host checks use (missing:${missing:- none})" [ -z "$missing" ]
# Overrides that keep the neural restorers' runs short, for whichever of these names a filter declares.
SHORT_RUN="iterations=3 iters=3 iter=3 steps=3 num-iter=3"

# --- GIMP 2.10 ----------------------------------------------------------------------------------
. "$ROOT/Tests/hosts/gimp.sh"
# --- ImageMagick 6 ------------------------------------------------------------------------------
. "$ROOT/Tests/hosts/imagemagick.sh"
# --- GStreamer --------------------------------------------------------------------------------
. "$ROOT/Tests/hosts/gstreamer.sh"
# --- the README's recipes, verbatim ---------------------------------------------------------------
. "$ROOT/Tests/hosts/readme.sh"

summary
