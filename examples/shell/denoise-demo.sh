#!/usr/bin/env bash
# Degrade the bundled sample with sigma-25 noise, denoise it, and print both PSNRs.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIP=${DIP:-.build/release/dip-pipe}
mkdir -p out
"$DIP" --seed 1 add-noise --sigma 25 < examples/sample.png > out/sample-noisy.png
"$DIP" denoise < out/sample-noisy.png > out/sample-denoised.png
echo "noisy:    $("$DIP" compare out/sample-noisy.png examples/sample.png)"
echo "denoised: $("$DIP" compare out/sample-denoised.png examples/sample.png)"
