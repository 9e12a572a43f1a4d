#!/usr/bin/env bash
# The peers benchmark: dip's default preset (and, with --paper, the paper preset) against the tool
# a user would pick instead, on the same degraded inputs — CBM3D (PyPI bm3d) for σ=25 denoising
# of F16 and CBSD68-dev, bicubic for Set5 ×4, ffmpeg's deblock filter for JPEGs, OpenCV's Navier–Stokes inpainting for barbara/kate
# with 50% of pixels missing and the three reference masks. Every PSNR is computed by dip's own
# code (`dip-pipe compare`; SR on luma with a 4-pixel crop, the paper's protocol). Prints one
# markdown table and writes OUT/peers.png (PSNR against seconds per case, the peer as a star).
#
#   bash scripts/peers-benchmark.sh [--paper] [--peers-only] [--data DIR] [--out DIR] [--tasks a,b] [--images a,b] [--steps N] [--every N]
# (--steps fixes every fit's step count: a smoke run of the pipeline, not a quality figure;
# --peers-only reuses the dip results already in OUT, e.g. from `dip-bench quality --out OUT`;
# --every N records the curve every N steps, default 10: 1 for the no-net rows, whose steps are passes)
#
# The Python peers run in a virtual environment this script makes (.build/peers-venv, from PyPI).
# Long: the default preset takes minutes per image, the paper preset up to an hour and a half.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data OUT=.build/peers PAPER=0 RERUN_DIP=1 PASS=()
while [ $# -gt 0 ]; do
  case $1 in
    --paper) PAPER=1 ;;
    --peers-only) RERUN_DIP=0 ;;
    --data) DATA=$2; shift ;;
    --out) OUT=$2; shift ;;
    --tasks|--images|--steps|--every) PASS+=("$1" "$2"); shift ;;
    *) echo "peers-benchmark: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# Its own build folder: the test suite's .build is built with -enable-testing, and switching flags
# in one folder rebuilds everything.
SCRATCH=.build-bench BIN=.build-bench/release
swift build -c release --scratch-path "$SCRATCH" --product dip-bench >/dev/null
swift build -c release --scratch-path "$SCRATCH" --product dip-pipe >/dev/null
VENV=.build/peers-venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import bm3d, cv2, matplotlib" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q bm3d==4.0.3 opencv-python-headless numpy matplotlib
fi
STATE=../shared/tools/cpu-state.sh
[ -x "$STATE" ] && echo "machine before: $(bash "$STATE")"
mkdir -p "$OUT"
if [ "$RERUN_DIP" = 1 ]; then
  "$BIN"/dip-bench quality --data "$DATA" --out "$OUT" "${PASS[@]}" | tee "$OUT/dip-fast.md"
  if [ "$PAPER" = 1 ]; then
    "$BIN"/dip-bench quality --data "$DATA" --out "$OUT" --preset paper "${PASS[@]}" | tee "$OUT/dip-paper.md"
  fi
fi
"$VENV/bin/python" scripts/peers/peers.py "$OUT"
[ -x "$STATE" ] && echo "machine after: $(bash "$STATE")"
: > "$OUT/scores.tsv"
for d in "$OUT"/*/; do
  case=$(basename "$d"); flags=()
  [[ $case == sr-* ]] && flags=(--luma --crop 4)
  for f in "$d"dip-*.png "$d"peer.png; do
    [ -e "$f" ] || continue
    who=$(basename "$f" .png); seconds=0 step=""
    if [[ $who == dip-* ]]; then
      last=$(tail -1 "$d$who.tsv"); step=$(cut -f1 <<<"$last"); seconds=$(cut -f2 <<<"$last")
    elif [ -e "${d}peer.txt" ]; then
      read -r who seconds < "${d}peer.txt"
    else
      who=bicubic
    fi
    psnr=$("$BIN"/dip-pipe compare "${flags[@]}" "$f" "${d}truth.png" | awk '{print $2}')
    printf '%s\t%s\t%s\t%s\t%s\n' "$case" "$who" "$psnr" "$seconds" "$step" >> "$OUT/scores.tsv"
  done
done
"$VENV/bin/python" scripts/peers/plot.py "$OUT"
