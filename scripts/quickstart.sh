#!/usr/bin/env bash
# README command (1): install the system packages, build dip in release mode, and run the main job
# on the bundled sample image: add sigma-25 noise, then denoise it (a few minutes on 2 cores, most of
# it the first build; the denoise itself takes about a second).
# Writes out/sample-noisy.png and out/sample-denoised.png and prints both PSNRs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
# The build `make install` uses (static Swift runtime), in its own scratch folder, so the test
# suite's build in .build is not rebuilt with other flags.
swift build -c release --scratch-path .build-install --static-swift-stdlib --product dip-pipe
DIP=.build-install/release/dip-pipe
mkdir -p out
"$DIP" --seed 1 --output out/sample-noisy.png add-noise --sigma 25 < examples/sample.png
"$DIP" --seed 1 --input out/sample-noisy.png --output out/sample-denoised.png denoise
echo "noisy:    $("$DIP" compare out/sample-noisy.png examples/sample.png)"
echo "denoised: $("$DIP" compare out/sample-denoised.png examples/sample.png)"
echo "wrote out/sample-noisy.png and out/sample-denoised.png"
