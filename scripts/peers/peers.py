"""Runs the tool a user would pick instead of dip on each case `dip-bench quality --out DIR` wrote:
CBM3D (PyPI bm3d) on the noisy images, OpenCV's Navier-Stokes inpainting (cv2.INPAINT_NS) on the
damaged images with their masks, ffmpeg's `deblock` filter (its defaults: 8x8 blocks, strong) on
the decoded JPEGs. Writes DIR/CASE/peer.png and DIR/CASE/peer.txt ("NAME SECONDS").
Super-resolution's peer (bicubic) is written by dip-bench itself. PSNRs are computed afterwards by
dip-pipe compare, the project's own code, so dip and its peers are scored the same way."""
import os
import subprocess
import sys
import time

import cv2
import numpy as np


def read(path):
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise SystemExit(f"peers.py: cannot read {path}")
    return img


def main(out):
    for case in sorted(os.listdir(out)):
        d = os.path.join(out, case)
        if not os.path.isdir(d) or not os.path.exists(os.path.join(d, "input.png")):
            continue
        task = case.split("-", 1)[0]
        noisy = read(os.path.join(d, "input.png"))
        if task == "denoise":
            import bm3d
            x = noisy.astype(np.float64) / 255.0
            t0 = time.monotonic()
            if x.ndim == 3:
                rgb = x[:, :, ::-1]
                y = bm3d.bm3d_rgb(rgb, sigma_psd=25 / 255)[:, :, ::-1]
            else:
                y = bm3d.bm3d(x, sigma_psd=25 / 255)
            seconds = time.monotonic() - t0
            name = "CBM3D" if x.ndim == 3 else "BM3D"
            result = np.clip(np.round(y * 255), 0, 255).astype(np.uint8)
        elif task in ("restore", "inpaint"):
            mask = read(os.path.join(d, "mask.png"))
            if mask.ndim == 3:
                mask = mask[:, :, 0]
            holes = (mask < 128).astype(np.uint8) * 255
            t0 = time.monotonic()
            result = cv2.inpaint(noisy, holes, 3, cv2.INPAINT_NS)
            seconds = time.monotonic() - t0
            name = "OpenCV NS"
        elif task == "deblock":
            t0 = time.monotonic()
            subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(d, "input.png"), "-vf", "deblock",
                            os.path.join(d, "peer.png")], check=True)
            seconds = time.monotonic() - t0
            with open(os.path.join(d, "peer.txt"), "w") as f:
                f.write(f"ffmpeg_deblock {seconds:.2f}\n")
            print(f"{case}: ffmpeg deblock {seconds:.1f} s", file=sys.stderr)
            continue
        else:
            continue
        cv2.imwrite(os.path.join(d, "peer.png"), result)
        with open(os.path.join(d, "peer.txt"), "w") as f:
            f.write(f"{name.replace(' ', '_')} {seconds:.2f}\n")
        print(f"{case}: {name} {seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
