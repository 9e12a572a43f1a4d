#!/usr/bin/env bash
# A before/after battery for refactors: runs dip-pipe over a fixed set of filters, presets and error
# paths on the bundled sample and prints one line per case: the SHA-256 of stdout, the exit status
# and the SHA-256 of stderr with timings removed. Run it with the old and the new build and diff:
#   bash scripts/output-battery.sh .build/release/dip-pipe > before.txt   (then after.txt; diff)
set -uo pipefail
cd "$(dirname "$0")/.."
DIP=${1:-.build/release/dip-pipe}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
S=examples/sample.png
"$DIP" --seed 3 --output "$W/small.png" resize --width 64 --height 48 < "$S"
"$DIP" --seed 3 --output "$W/noisy.png" add-noise --sigma 25 < "$W/small.png"
"$DIP" --seed 3 --output "$W/dropped.png" drop-pixels --fraction 0.5 --mask-out "$W/mask.png" < "$W/small.png"
"$DIP" --output "$W/lr.png" downscale --factor 2 < "$W/small.png"
"$DIP" --output "$W/s96.png" resize --width 100 --height 96 < "$S"
"$DIP" --seed 3 --output "$W/dropped96.png" drop-pixels --fraction 0.5 --mask-out "$W/mask96.png" < "$W/s96.png"
"$DIP" --output "$W/flash.png" add-noise --sigma 5 < "$W/small.png"
"$DIP" --output "$W/jpg.png" jpeg --quality 20 < "$W/small.png"
"$DIP" --output "$W/grey.pgm" copy < "$W/small.png" 2>/dev/null || true
run() {  # run NAME INPUT ARGS...
  local name=$1 input=$2; shift 2
  "$DIP" --progress json "$@" < "$input" > "$W/out" 2> "$W/err"; local rc=$?
  printf '%-28s rc=%d out=%s err=%s\n' "$name" "$rc" "$(sha256sum < "$W/out" | cut -c1-16)" \
    "$(sed -E 's/"(elapsed|eta)":[0-9.e+-]+//g' "$W/err" | sha256sum | cut -c1-16)"
}
run copy           "$W/small.png" copy
run resize         "$W/small.png" resize --scale 2
run resize-bicubic "$W/small.png" resize --scale 1.5 --method bicubic
run downscale      "$W/small.png" downscale --factor 4
run add-noise      "$W/small.png" --seed 7 add-noise --sigma 15
run drop-pixels    "$W/small.png" --seed 7 drop-pixels --fraction 0.3
run jpeg           "$W/small.png" jpeg --quality 50
run denoise        "$W/noisy.png" --seed 1 denoise --iters 12
run denoise-sigma  "$W/noisy.png" --seed 1 denoise --iters 12 --sigma 50
run denoise-paper  "$W/noisy.png" --seed 1 denoise --iters 3 --preset paper
run denoise-lr     "$W/noisy.png" --seed 2 denoise --iters 10 --lr 0.02 --seed 5
run deblock        "$W/jpg.png"   --seed 1 deblock --iters 12
run inpaint        "$W/dropped.png" --seed 1 inpaint --mask "$W/mask.png" --iters 12
run inpaint-text   "$W/dropped.png" --seed 1 inpaint --mask "$W/mask.png" --iters 8 --case text
run inpaint-holes  "$W/dropped.png" --seed 1 inpaint --mask "$W/mask.png" --iters 8 --case holes
run inpaint-region "$W/dropped.png" --seed 1 inpaint --mask "$W/mask.png" --iters 8 --case region
run region-96      "$W/dropped96.png" --seed 1 inpaint --mask "$W/mask96.png" --iters 4 --case region
run inpaint-paper  "$W/dropped.png" --seed 1 inpaint --mask "$W/mask.png" --iters 3 --preset paper
run sr             "$W/lr.png"    --seed 1 sr --scale 2 --iters 10
run sr3            "$W/lr.png"    --seed 1 sr --scale 3 --iters 6
run flash          "$W/small.png" --seed 1 flash --flash "$W/flash.png" --iters 10
run chain          "$W/noisy.png" --seed 1 denoise --iters 5 ! sr --scale 2 --iters 5
run format-pnm     "$W/small.png" --format pnm copy
run format-tiff    "$W/small.png" --format tiff copy
run format-jpeg    "$W/small.png" --format jpeg --quality 80 copy
run bad-param      "$W/small.png" denoise --iters 0
run bad-sigma      "$W/small.png" denoise --sigma abc
run bad-filter     "$W/small.png" denoize
run bad-input      /dev/null      denoise
run bad-mask       "$W/small.png" inpaint --mask /nonexistent
for f in denoise inpaint sr flash deblock add-noise resize downscale drop-pixels jpeg copy; do
  printf '%-28s help=%s\n' "help-$f" "$("$DIP" help "$f" | sha256sum | cut -c1-16)"
done
