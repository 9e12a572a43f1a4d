#!/usr/bin/env bash
# Tests/python/run.sh — the Python binding as a user installs it: a virtual environment (Debian's
# numpy and pytest visible in it), `pip install ./python` from this checkout (which bundles the
# built libdip), a one-line denoise with `python -c`, then pytest on python/tests against the
# installed package. Ends with "N passed, N failed[, N skipped]" like the other shell suites.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/.build-python
PY=${DIP_PYTHON:-/usr/bin/python3}
rm -rf "$WORK" && mkdir -p "$WORK"
cd "$ROOT" || exit 1
PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; sed -n '1,30p' "$2" | sed 's/^/    | /'; }
summary() {
    local line="$PASSED passed, $FAILED failed"; [ "${SKIPPED:-0}" -gt 0 ] && line="$line, $SKIPPED skipped"
    echo "$line"; [ "$FAILED" -eq 0 ]; exit $?
}

"$PY" -m venv --system-site-packages "$WORK/venv" > "$WORK/venv.log" 2>&1 || { fail "python3 -m venv" "$WORK/venv.log"; summary; }
"$WORK/venv/bin/pip" install ./python > "$WORK/pip.log" 2>&1 || { fail "pip install ./python" "$WORK/pip.log"; summary; }
pass "pip install ./python"
cd "$WORK" || exit 1   # away from the checkout, so `import dip` is the installed package
"$WORK/venv/bin/python" -c "import dip; print(dip.__file__)" > "$WORK/where.log" 2>&1
if grep -q "^$WORK/venv/" "$WORK/where.log"; then pass "import dip loads the installed package ($(cat "$WORK/where.log"))"
else fail "import dip loads the installed package" "$WORK/where.log"; fi
# README's example, in one line: noise, then denoise, must gain at least 5 dB.
if "$WORK/venv/bin/python" -c "
import dip, numpy as np
y, x = np.mgrid[0:64, 0:64] / 8.0
clean = ((0.5 + 0.35 * np.sin(x) * np.cos(0.7 * y)) * 255).round().astype(np.uint8)
noisy = np.clip(clean + np.random.default_rng(0).normal(0, 25, clean.shape), 0, 255).astype(np.uint8)
out = dip.run('denoise --sigma 25', noisy)
p = lambda a: 10 * np.log10(255.0 ** 2 / np.mean((a.astype(float) - clean) ** 2))
print('noisy %.2f dB, denoised %.2f dB' % (p(noisy), p(out)))
assert p(out) > p(noisy) + 5
" > "$WORK/oneline.log" 2>&1; then pass "python -c 'import dip, numpy; dip.run(\"denoise\", ...)' ($(cat "$WORK/oneline.log"))"
else fail "python -c denoise" "$WORK/oneline.log"; fi
"$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/python/tests" 2>&1 | tee "$WORK/pytest.log"
result=$(tail -1 "$WORK/pytest.log")
count() { sed -nE "s/.*[^0-9]([0-9]+) $1.*/\1/p; s/^([0-9]+) $1.*/\1/p" <<< "$result" | head -1; }
ran=$(count passed); failed=$(count failed); errors=$(count error); SKIPPED=$(count skipped)
if [ -z "$ran$failed$errors" ]; then fail "pytest printed no result" "$WORK/pytest.log"; fi
PASSED=$(( PASSED + ${ran:-0} )); FAILED=$(( FAILED + ${failed:-0} + ${errors:-0} )); SKIPPED=${SKIPPED:-0}
summary
