#!/usr/bin/python3
"""The gradient-activity step of 000 §3 written with PyTorch element-wise ops, for the side-by-side in run-activity.sh.

Same layouts as ActivityTrackerBenchmarks.Layout: LeNet5, Mlp784-256-128-10, Synthetic10M (5 × (2000×1000 + 2000)).
Written the way a careful PyTorch user would (no boolean indexing, no per-layer host sync: one .tolist() and one
.item() per step). Per layer: I = |g − g_prev|; included = M > abs ∧ M ≥ rel·mean(M); dI = |I − M| / M; activity = mean dI over
included; network = Σ dI / Σ included over all layers; M ← (1 − k2)M + k2·I; g_prev ← g. Prints JSON lines.
"""
import argparse
import json
import os
import statistics
import time

import torch

LAYOUTS = {
    "LeNet5": [[(6, 1, 3, 3), (6,)], [(16, 6, 3, 3), (16,)], [(120, 576), (120,)], [(84, 120), (84,)], [(10, 84), (10,)]],
    "Mlp784-256-128-10": [[(256, 784), (256,)], [(128, 256), (128,)], [(10, 128), (10,)]],
    "Synthetic10M": [[(2000, 1000), (2000,)] for _ in range(5)],
}


def run(model, steps, warmup, k2=0.1, absolute=1e-20, relative=0.01):
    torch.manual_seed(42)
    sizes = [sum(torch.Size(s).numel() for s in layer) for layer in LAYOUTS[model]]
    grads = [[torch.rand(n) - 0.5 for n in sizes], [torch.rand(n) - 0.5 for n in sizes]]
    prev = [g.clone() for g in grads[1]]
    m = [(torch.rand(n) + 0.01) for n in sizes]
    scratch_i = [torch.empty(n) for n in sizes]
    zero = torch.zeros(())
    times = []
    with torch.no_grad():
        for step in range(warmup + steps):
            g = grads[step & 1]
            t0 = time.perf_counter()
            sums, counts = [], []
            for i in range(len(sizes)):
                change = torch.sub(g[i], prev[i], out=scratch_i[i]).abs_()
                mi = m[i]
                include = (mi > absolute) & (mi >= relative * mi.mean())
                di = torch.where(include, (change - mi).abs_().div_(mi), zero)
                sums.append(di.sum())
                counts.append(include.sum())
                mi.mul_(1 - k2).add_(change, alpha=k2)
                prev[i].copy_(g[i])
            s_t, c_t = torch.stack(sums), torch.stack(counts)
            _layers = (s_t / c_t).tolist()
            _network = (s_t.sum() / c_t.sum()).item()
            t1 = time.perf_counter()
            if step >= warmup:
                times.append((t1 - t0) * 1e6)
    n = sum(sizes)
    med = statistics.median(times)
    return {"workload": f"activity-{model}", "median_us": med, "values": n, "gb_per_s": 20 * n / (med * 1e-6) / 1e9}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=200)
    a = p.parse_args()
    torch.set_num_threads(os.cpu_count())  # Debian's OpenMP build starts with one thread on this machine kind
    for model in LAYOUTS:
        print(json.dumps(run(model, a.steps if model != "Synthetic10M" else max(20, a.steps // 10), 10)), flush=True)


if __name__ == "__main__":
    main()
