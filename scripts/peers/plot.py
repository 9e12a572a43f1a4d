"""Reads DIR/scores.tsv (written by scripts/peers-benchmark.sh: case, who, PSNR, seconds, stop
step) and each case's dip-PRESET.tsv curve; prints the comparison table (markdown) and writes
DIR/peers.png: PSNR against seconds of each dip preset's run per case, with the peer as a point."""
import collections
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(out):
    scores = collections.defaultdict(dict)
    with open(os.path.join(out, "scores.tsv")) as f:
        for line in f:
            case, who, psnr, seconds, step = line.rstrip("\n").split("\t")
            scores[case][who] = (float(psnr), float(seconds), step)
    cases = sorted(scores)
    presets = sorted({w for c in cases for w in scores[c] if w.startswith("dip-")})
    print("| case | " + " | ".join(f"{p} PSNR (s, stop step; best along run)" for p in presets)
          + " | peer | peer PSNR (s) | dip − peer (dB) |")
    print("|---" * (len(presets) + 4) + "|")
    deltas = collections.defaultdict(list)
    for case in cases:
        row = [case]
        curves = {}
        for p in presets:
            curve = read_curve(os.path.join(out, case, p + ".tsv"))
            curves[p] = curve
            best = max([c[2] for c in curve], default=float("nan"))
            if p in scores[case]:
                psnr, sec, step = scores[case][p]
                row.append(f"{psnr:.2f} ({sec:.0f} s, {step}; {max(best, psnr):.2f})")
            else:
                row.append("—")
        peer = [w for w in scores[case] if not w.startswith("dip-")]
        if peer:
            name = peer[0]
            psnr, sec, _ = scores[case][name]
            row += [name.replace("_", " "), f"{psnr:.2f} ({sec:.1f} s)"]
            first = presets[0] if presets else None
            if first and first in scores[case]:
                d = scores[case][first][0] - psnr
                deltas[case.split("-", 1)[0]].append(d)
                row.append(f"{d:+.2f}")
            else:
                row.append("—")
        else:
            row += ["—", "—", "—"]
        print("| " + " | ".join(row) + " |")
    for task, ds in sorted(deltas.items()):
        print(f"| {task}: mean of {len(ds)} | | | | {sum(ds) / len(ds):+.2f} (worst {min(ds):+.2f}) |")
    plot(out, cases, presets, scores)


def read_curve(path):
    curve = []
    if not os.path.exists(path):
        return curve
    with open(path) as f:
        next(f)
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3 and not line.rstrip().endswith("returned"):
                curve.append((int(parts[0]), float(parts[1]), float(parts[2])))
    return curve


def plot(out, cases, presets, scores):
    n = len(cases)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax, case in zip(axes.flat, cases):
        for p in presets:
            curve = read_curve(os.path.join(out, case, p + ".tsv"))
            if curve:
                ax.plot([c[1] for c in curve], [c[2] for c in curve], label=p)
            if p in scores[case]:
                psnr, sec, _ = scores[case][p]
                ax.plot([sec], [psnr], "o", color=ax.lines[-1].get_color() if curve else "k")
        for w, (psnr, sec, _) in scores[case].items():
            if not w.startswith("dip-"):
                ax.plot([max(sec, 0.1)], [psnr], "r*", markersize=12, label=w.replace("_", " "))
        ax.set_title(case, fontsize=9)
        ax.set_xlabel("seconds")
        ax.set_ylabel("PSNR (dB)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "peers.png"), dpi=80)
    print(f"wrote {os.path.join(out, 'peers.png')}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
