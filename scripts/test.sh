#!/usr/bin/env bash
# README command (2): the whole test suite. Unit and CLI tests run from one release build (numeric
# code is tens of times slower in debug), then the C hosts (C program, GIMP, ImageMagick), the
# install and the .deb (Tests/packaging), the Python binding (Tests/python), a Slurm job array
# (Tests/slurm), then a minute of fuzzing per target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
FLAGS=(-c release -Xswiftc -enable-testing)
swift build "${FLAGS[@]}" --build-tests
swift test "${FLAGS[@]}" --skip-build 2>&1 | tee .build/swift-test.log
bash Tests/hosts/run.sh 2>&1 | tee .build/hosts-test.log
# make install / uninstall, and the .deb installed with dpkg -i and removed (Tests/packaging).
bash Tests/packaging/run.sh 2>&1 | tee .build/packaging-test.log
# The Python binding: pip install ./python into a virtual environment, then pytest (Tests/python).
bash Tests/python/run.sh 2>&1 | tee .build/python-test.log
# A one-node Slurm cluster of the test's own: a job array over a folder, a cancelled task, a resubmit.
bash Tests/slurm/run.sh 2>&1 | tee .build/slurm-test.log
# Every fuzz target for 60 s with libFuzzer + ASan (scripts/fuzz.sh); a finding fails the suite.
fuzz_failed=0
bash scripts/fuzz.sh all 60 2>&1 | tee .build/fuzz.log || fuzz_failed=1

# One closing line for the whole suite: XCTest's total, the host and packaging checks and the fuzz
# run (one check).
# The last "Executed" line is the whole run's: "Executed N tests, with [K tests skipped and] M failures".
xc=$(grep -E "Executed [0-9]+ tests?, with" .build/swift-test.log | tail -1)
xc_run=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$xc")
xc_failed=$(sed -E 's/.* ([0-9]+) failures?.*/\1/' <<<"$xc")
xc_skipped=$(sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p' <<<"$xc")
xc_skipped=${xc_skipped:-0}
# The shell suites' own closing lines ("N passed, M failed[, K skipped]"); a suite that printed
# none (it died) counts as one failure.
h_passed=0 h_failed=0 h_skipped=0
for log in .build/hosts-test.log .build/packaging-test.log .build/python-test.log .build/slurm-test.log; do
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$log" | tail -1)
  if [ -z "$line" ]; then h_failed=$(( h_failed + 1 )); continue; fi
  h_passed=$(( h_passed + $(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line") ))
  h_failed=$(( h_failed + $(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line") ))
  h_skipped=$(( h_skipped + $(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line" | grep . || echo 0) ))
done
passed=$(( xc_run - xc_failed - xc_skipped + h_passed + 1 - fuzz_failed ))
failed=$(( xc_failed + h_failed + fuzz_failed ))
skipped=$(( xc_skipped + h_skipped ))
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
