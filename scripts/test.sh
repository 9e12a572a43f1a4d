#!/usr/bin/env bash
# README command (2): the whole test suite. Unit and CLI tests run from one release build (numeric
# code is tens of times slower in debug), then the C hosts (C program, GIMP, ImageMagick).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
FLAGS=(-c release -Xswiftc -enable-testing)
swift build "${FLAGS[@]}" --build-tests
swift test "${FLAGS[@]}" --skip-build 2>&1 | tee .build/swift-test.log
if [ -x Tests/hosts/run.sh ] || [ -f Tests/hosts/run.sh ]; then
  bash Tests/hosts/run.sh
fi
