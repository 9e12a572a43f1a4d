#!/usr/bin/env bash
# Tests/packaging/run.sh — the install as a user gets it: README command 1 (scripts/quickstart.sh),
# `make install` into a prefix and `make uninstall`, the .deb from scripts/make-deb.sh installed
# with dpkg -i, dip-pipe run from PATH with no Swift toolchain on PATH or LD_LIBRARY_PATH (env -i
# PATH=/usr/bin:/bin), a C program built from the installed dip.pc, the man page and the
# completions, then dpkg -r leaving nothing behind.
# Prints PASS/FAIL/SKIP lines and "N passed, N failed[, N skipped]"; exits non-zero on a failure.
# dpkg -i needs root; it is skipped (not failed) without root or when a package "dip" is installed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/.build-install/packaging-test
PASSED=0 FAILED=0 SKIPPED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "SKIP: $*"; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
summary() {
    local line="$PASSED passed, $FAILED failed"
    [ "$SKIPPED" -gt 0 ] && line="$line, $SKIPPED skipped"
    echo "$line"; [ "$FAILED" -eq 0 ]; exit $?
}
show() { sed -n '1,30p' "$1" | sed 's/^/    | /'; }
rm -rf "$WORK" && mkdir -p "$WORK"
cd "$ROOT" || exit 1
SAMPLE=$ROOT/examples/sample.png
CLEAN_ENV=(env -i PATH=/usr/bin:/bin HOME="$WORK")

# denoises_sample DIP_PIPE: σ=25 noise, then the default denoise, both with the given binary in a
# clean environment; true if the denoised sample is at least 5 dB closer to the original.
denoises_sample() {
    "${CLEAN_ENV[@]}" "$1" --seed 1 add-noise --sigma 25 "$SAMPLE" > "$WORK/noisy.png" &&
    "${CLEAN_ENV[@]}" "$1" --quiet denoise "$WORK/noisy.png" > "$WORK/denoised.png" || return 1
    local a b
    a=$("${CLEAN_ENV[@]}" "$1" compare "$WORK/noisy.png" "$SAMPLE" | awk '{print $2}')
    b=$("${CLEAN_ENV[@]}" "$1" compare "$WORK/denoised.png" "$SAMPLE" | awk '{print $2}')
    echo "noisy $a dB, denoised $b dB" > "$WORK/psnr"
    awk -v a="$a" -v b="$b" 'BEGIN { exit !(b >= a + 5) }'
}

# completes WORDS...: the bash completion's answers for the command line WORDS (last = being typed).
completes() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _dip_pipe; echo "${COMPREPLY[*]}"' \
        _ "$COMPLETION" "$@"
}

# --- README command 1, verbatim ----------------------------------------------------------------
quickstart_denoises() {
    bash scripts/quickstart.sh > "$WORK/quickstart.log" 2>&1 || return 1
    local a b
    a=$(sed -n 's/^noisy: *PSNR \([0-9.]*\).*/\1/p' "$WORK/quickstart.log")
    b=$(sed -n 's/^denoised: *PSNR \([0-9.]*\).*/\1/p' "$WORK/quickstart.log")
    [ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" 'BEGIN { exit !(b >= a + 5) }'
}
if quickstart_denoises; then
    pass "README command 1 (bash scripts/quickstart.sh): $(grep -E '^(noisy|denoised):' "$WORK/quickstart.log" | tr '\n' ' ')"
else
    fail "README command 1 (bash scripts/quickstart.sh)"; tail -15 "$WORK/quickstart.log" | sed 's/^/    | /'
fi

# --- make install / make uninstall into a prefix ------------------------------------------------
P=$WORK/prefix
if make install PREFIX="$P" > "$WORK/install.log" 2>&1; then
    pass "make install PREFIX=$P"
    runs_clean() { "${CLEAN_ENV[@]}" "$P/bin/dip-pipe" --version > /dev/null; }
    check "installed dip-pipe runs with no Swift toolchain (env -i PATH=/usr/bin:/bin)" runs_clean
    check "installed dip-pipe links no Swift library (ldd)" \
        bash -c "ldd '$P/bin/dip-pipe' > '$WORK/ldd' 2>&1 && grep -q 'libc\.so' '$WORK/ldd' && ! grep -qi swift '$WORK/ldd'"
    if denoises_sample "$P/bin/dip-pipe"; then pass "installed dip-pipe denoises the sample ($(cat "$WORK/psnr"))"
    else fail "installed dip-pipe denoises the sample"; cat "$WORK/psnr" 2>/dev/null; fi
    soname=$(readelf -d "$P/lib/libdip.so.0" 2>/dev/null | sed -n 's/.*soname: \[\(.*\)\]/\1/p')
    check "libdip.so.0 has SONAME libdip.so.0 and libdip.so links to it (soname '$soname')" \
        bash -c "[ '$soname' = libdip.so.0 ] && [ \"\$(readlink '$P/lib/libdip.so')\" = libdip.so.0 ]"
    man_page_ok() {
        groff -man -Tutf8 -P-bou -ww "$P/share/man/man1/dip-pipe.1" 2> "$WORK/groff.err" > "$WORK/man.txt" && [ ! -s "$WORK/groff.err" ] || return 1
        local f
        for f in $("$P/bin/dip-pipe" list --names); do grep -q "^   $f\$" "$WORK/man.txt" || return 1; done
        grep -q -- "--max-memory <max-memory>" "$WORK/man.txt" && grep -q -- "--preset word" "$WORK/man.txt"
    }
    check "the man page dip-pipe(1) formats without warnings and lists every filter" man_page_ok
    COMPLETION=$P/share/bash-completion/completions/dip-pipe
    completion_answers() {
        [ "$(completes dip-pipe deno)" = denoise ] && [ "$(completes dip-pipe denoise --sig)" = --sigma ] &&
        [ "$(completes dip-pipe sr --preset '')" = 'fast paper' ] && [ "$(completes dip-pipe --qui)" = --quiet ] &&
        [ "$(completes dip-pipe copy ! s)" = sr ] && [ "$(completes dip-pipe --max-m)" = --max-memory ] &&
        [ "$(completes dip-pipe --max-memory 1G de)" = 'denoise deblock deflicker' ]
    }
    check "bash completion: filters, parameters, preset words, global options" completion_answers
    if command -v zsh > /dev/null; then
        check "zsh completion parses (zsh -n)" zsh -n "$P/share/zsh/site-functions/_dip-pipe"
    else
        skip "zsh completion parses (no zsh)"
    fi
    if make uninstall PREFIX="$P" > "$WORK/uninstall.log" 2>&1 && [ -z "$(find "$P" -mindepth 1)" ]; then
        pass "make uninstall leaves $P empty"
    else
        fail "make uninstall leaves $P empty"; find "$P" -mindepth 1 | sed 's/^/    | /'
    fi
else
    fail "make install PREFIX=$P"; tail -20 "$WORK/install.log"
fi

# --- the .deb ------------------------------------------------------------------------------------
if ! deb=$(bash scripts/make-deb.sh "$WORK/deb" --products "$ROOT/.build-install/release" 2> "$WORK/deb.log"); then
    fail "scripts/make-deb.sh"; show "$WORK/deb.log"; summary
fi
check "dpkg-deb reads $(basename "$deb") (Package: dip)" bash -c "dpkg-deb -f '$deb' Package | grep -qx dip"
if [ "$(id -u)" -ne 0 ]; then
    skip "dpkg -i of the .deb (needs root)"; summary
elif dpkg-query -W -f='${Status}' dip 2>/dev/null | grep -q "ok installed"; then
    skip "dpkg -i of the .deb (a package 'dip' is installed already; not replacing it)"; summary
fi
trap 'dpkg -r dip > /dev/null 2>&1' EXIT   # never leave the test's package installed
if dpkg -i "$deb" > "$WORK/dpkg-i.log" 2>&1; then
    pass "dpkg -i $(basename "$deb")"
    check "dip-pipe is on PATH at /usr/bin/dip-pipe (env -i PATH=/usr/bin:/bin)" \
        [ "$("${CLEAN_ENV[@]}" sh -c 'command -v dip-pipe')" = /usr/bin/dip-pipe ]
    if denoises_sample dip-pipe; then pass "dip-pipe from PATH denoises the sample ($(cat "$WORK/psnr"))"
    else fail "dip-pipe from PATH denoises the sample"; cat "$WORK/psnr" 2>/dev/null; fi
    check "pkg-config finds the installed dip with no PKG_CONFIG_PATH" env -u PKG_CONFIG_PATH pkg-config --exists dip
    printf 'P6\n2 1\n255\n\x10\x20\x30\x40\x50\x60' > "$WORK/tiny.ppm"
    c_program_runs() {
        gcc -std=c11 -Wall -Werror examples/c/dip-run.c $(env -u PKG_CONFIG_PATH pkg-config --cflags --libs dip) \
            -o "$WORK/dip-run" 2> "$WORK/cc.log" &&
        "${CLEAN_ENV[@]}" "$WORK/dip-run" copy "$WORK/tiny.ppm" "$WORK/tiny-copy.ppm" > /dev/null 2>&1 &&
        cmp -s "$WORK/tiny.ppm" "$WORK/tiny-copy.ppm" && ldd "$WORK/dip-run" | grep -q 'libdip.so.0 => /\(usr/\)\?lib/libdip.so.0'
    }
    check "a C program built with the installed dip.pc runs against /usr/lib/libdip.so.0" c_program_runs
    dpkg -L dip > "$WORK/files"
    if dpkg -r dip > "$WORK/dpkg-r.log" 2>&1; then
        left=$(while read -r f; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done < "$WORK/files")
        check "dpkg -r dip removes every file it installed (left: ${left:-none})" [ -z "$left" ]
    else
        fail "dpkg -r dip"; show "$WORK/dpkg-r.log"
    fi
else
    fail "dpkg -i $(basename "$deb")"; show "$WORK/dpkg-i.log"
fi
summary
