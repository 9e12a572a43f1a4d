"""One DIP fitting step in PyTorch, for `dip-bench engine --pytorch`.

Builds the same skip encoder-decoder as dip's SkipNet (DIP-REFERENCE "The network": per level a
skip branch conv→BN→LReLU and a down branch conv/2→BN→LReLU→conv→BN→LReLU→deeper→upsample,
concatenated, BN, up conv→BN→LReLU, optional 1×1 conv→BN→LReLU; a 1×1 head and a sigmoid;
reflection padding), and times what dip times as one step: perturb z with regularisation noise,
forward, MSE loss, backward, Adam. Prints one JSON line per config on stdout.

Usage: python torch_step.py '<json>' where the JSON holds a list of configs:
  [{"name": "denoise", "input": 32, "out": 3, "down": [...], "up": [...], "skip": [...],
    "kd": 3, "ku": 3, "ks": 1, "upsample": ["bilinear", ...], "need1x1": true,
    "h": 512, "w": 512, "steps": 5, "warmup": 2}]

"Tuned" means: torch.set_num_threads(2) (the machine's cores), each config tried in both the
default (NCHW) and channels_last memory format, the faster reported; run with
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 so glibc keeps freed activations mapped.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn


def conv(cin, cout, k, stride=1):
    pad = (k - 1) // 2
    layers = [nn.ReflectionPad2d(pad)] if pad > 0 else []
    layers.append(nn.Conv2d(cin, cout, k, stride=stride, bias=True))
    return layers


def bn_act(c):
    return [nn.BatchNorm2d(c), nn.LeakyReLU(0.2)]


class Concat(nn.Module):
    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


def level(cfg, i, cin):
    last = len(cfg["down"]) - 1
    nd, nu, ns = cfg["down"][i], cfg["up"][i], cfg["skip"][i]
    deep = conv(cin, nd, cfg["kd"], 2) + bn_act(nd) + conv(nd, nd, cfg["kd"]) + bn_act(nd)
    if i < last:
        deep.append(level(cfg, i + 1, nd))
    mode = cfg["upsample"][i]
    deep.append(nn.Upsample(scale_factor=2, mode=mode, **({"align_corners": False} if mode == "bilinear" else {})))
    deeper = cfg["up"][i + 1] if i < last else nd
    branches = [nn.Sequential(*deep)]
    if ns > 0:
        branches.insert(0, nn.Sequential(*(conv(cin, ns, cfg["ks"]) + bn_act(ns))))
    layers = [Concat(*branches), nn.BatchNorm2d(ns + deeper)]
    layers += conv(ns + deeper, nu, cfg["ku"]) + bn_act(nu)
    if cfg["need1x1"]:
        layers += conv(nu, nu, 1) + bn_act(nu)
    return nn.Sequential(*layers)


def skip_net(cfg):
    top = cfg["up"][0]
    return nn.Sequential(level(cfg, 0, cfg["input"]), *conv(top, cfg["out"], 1), nn.Sigmoid())


def time_config(cfg, channels_last):
    torch.manual_seed(1)
    net = skip_net(cfg)
    z = torch.rand(1, cfg["input"], cfg["h"], cfg["w"]) * 0.1
    target = torch.rand(1, cfg["out"], cfg["h"], cfg["w"])
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
        z = z.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    noise = torch.empty_like(z)

    def step():
        opt.zero_grad(set_to_none=False)
        out = net(z + noise.normal_() * (1.0 / 30))
        loss = torch.nn.functional.mse_loss(out, target)
        loss.backward()
        opt.step()

    for _ in range(cfg["warmup"]):
        step()
    times = []
    for _ in range(cfg["steps"]):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    torch.set_num_threads(2)
    for cfg in json.loads(sys.argv[1]):
        best = None
        for cl in (False, True):
            t = time_config(cfg, cl)
            if best is None or t < best[0]:
                best = (t, cl)
        print(json.dumps({"name": cfg["name"], "seconds": best[0],
                          "format": "channels_last" if best[1] else "nchw",
                          "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
