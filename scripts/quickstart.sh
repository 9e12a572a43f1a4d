#!/usr/bin/env bash
# README command (1): install the system packages, build dip in release mode, and run the main job
# on the bundled sample image. Writes out/sample-noisy.png and out/sample-restored.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product dip-pipe
DIP=.build/release/dip-pipe
mkdir -p out
"$DIP" --seed 1 --output out/sample-noisy.png add-noise --sigma 25 < examples/sample.png
"$DIP" --input out/sample-noisy.png --output out/sample-restored.png resize --scale 0.5 ! resize --scale 2
echo "noisy:    $("$DIP" compare out/sample-noisy.png examples/sample.png)"
echo "restored: $("$DIP" compare out/sample-restored.png examples/sample.png)"
echo "wrote out/sample-noisy.png and out/sample-restored.png"
