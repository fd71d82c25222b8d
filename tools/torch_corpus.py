#!/usr/bin/python3
"""Trace corpus from a different framework: a few corpus conditions trained in Debian's PyTorch (python3-torch 1.13),
with the gradient activity of 000 §3 computed exactly as our tracker does by default (warm-up 10, k2 = 0.1, elements
excluded while M <= 1e-20 or M < 0.01 x the layer's mean M, non-finite gradients excluded; layer = the parameters of
one module; network = sum dI / sum included over all layers). Writes OUT/traces.csv.gz and OUT/runs.csv in the
corpus format of tools/CorpusGenerator, so `mlgi classifier train --evaluate --external OUT` adds a 'pytorch' row.

Usage: /usr/bin/python3 tools/torch_corpus.py [OUT=data/classifier-corpus-torch]
Workloads: blobs (MLP 2-16-16-4 ReLU, 1,200 points, batch 8, 4 epochs) and Fashion-MNIST (MLP 784-64-10 ReLU,
2,400 normalised images, batch 16, 4 epochs), seeds 1 (SGD-momentum 0.9) and 2 (Adam). Conditions: healthy,
lr-too-high (x100), lr-too-low (x1e-3), shuffled-labels, deep-sigmoid (8 sigmoid layers). One thread.
"""
import csv
import gzip
import math
import os
import statistics
import struct
import sys

import torch

REQUIRED = "1.13"
if not torch.__version__.startswith(REQUIRED):
    sys.exit(f"torch {torch.__version__} found; this script is pinned to Debian's python3-torch {REQUIRED}")
torch.set_num_threads(1)

OUT = sys.argv[1] if len(sys.argv) > 1 else "data/classifier-corpus-torch"
FMNIST = "/usr/share/datasets/fashion-mnist"


def blobs(seed, n=1200, classes=4, spread=0.5):
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(classes, 2, generator=g) * 6 - 3
    y = torch.arange(n) % classes
    x = centres[y] + spread * torch.randn(n, 2, generator=g)
    return x, y


def fashion(n=2400):
    with gzip.open(os.path.join(FMNIST, "train-images-idx3-ubyte.gz")) as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        x = torch.frombuffer(bytearray(f.read(n * rows * cols)), dtype=torch.uint8).float().view(n, rows * cols) / 255
    with gzip.open(os.path.join(FMNIST, "train-labels-idx1-ubyte.gz")) as f:
        f.read(8)
        y = torch.frombuffer(bytearray(f.read(n)), dtype=torch.uint8).long()
    return (x - 0.2860) / 0.3530, y


def mlp(sizes, act):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return torch.nn.Sequential(*layers)


WORKLOADS = {
    "torch-blobs-mlp": dict(data=lambda s: blobs(s), sizes=[2, 16, 16, 4], batch=8, epochs=4, momentum_lr=0.02, adam_lr=0.005),
    "torch-fmnist-mlp": dict(data=lambda s: fashion(), sizes=[784, 64, 10], batch=16, epochs=4, momentum_lr=0.02, adam_lr=0.002),
}
CONDITIONS = [
    ("healthy", "none", "continue", 1),
    ("lr-too-high", "learning-rate-too-high", "lower-learning-rate", 100),
    ("lr-too-low", "learning-rate-too-low", "raise-learning-rate", 1e-3),
    ("shuffled-labels", "shuffled-labels", "check-data", 1),
    ("deep-sigmoid", "deep-sigmoid-stack", "check-architecture", 1),
]


class Activity:
    """000 §3 with the tracker's defaults, per element."""

    def __init__(self, layers, warmup=10, k2=0.1, absolute=1e-20, relative=0.01):
        self.layers, self.warmup, self.k2, self.absolute, self.relative = layers, warmup, k2, absolute, relative
        self.prev = self.m = None
        self.seen = 0

    def step(self, grads):
        g = [torch.cat([p.reshape(-1) for p in layer]).detach().clone() for layer in grads]
        self.seen += 1
        if self.seen == 1:
            self.prev, self.m = g, [torch.zeros_like(x) for x in g]
            return None
        result = []
        sums = counts = 0.0
        for i, gi in enumerate(g):
            finite = torch.isfinite(gi)
            change = torch.where(finite, (gi - self.prev[i]).abs(), torch.zeros_like(gi))
            if self.seen <= self.warmup + 1:
                self.m[i] += change / self.warmup
                self.prev[i] = torch.where(finite, gi, self.prev[i])
                continue
            mi = self.m[i]
            include = finite & (mi > self.absolute) & (mi >= self.relative * mi.mean())
            di = torch.where(include, (change - mi).abs() / torch.where(include, mi, torch.ones_like(mi)), torch.zeros_like(mi))
            s, c = di.sum().item(), include.sum().item()
            result.append((s / c if c else float("nan"), 1 - c / gi.numel()))
            sums, counts = sums + s, counts + c
            self.m[i] = torch.where(finite, (1 - self.k2) * mi + self.k2 * change, mi)
            self.prev[i] = torch.where(finite, gi, self.prev[i])
        if self.seen <= self.warmup + 1:
            return None
        return (sums / counts if counts else float("nan")), result


def train(name, spec, condition, seed):
    cname, fault, action, factor = condition
    torch.manual_seed(seed)
    x, y = spec["data"](seed)
    if cname == "shuffled-labels":
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed + 7919))]
    sizes = spec["sizes"]
    model = mlp([sizes[0]] + [32] * 8 + [sizes[-1]], torch.nn.Sigmoid) if cname == "deep-sigmoid" else mlp(sizes, torch.nn.ReLU)
    optimizer_name = "momentum" if seed % 2 == 1 else "adam"
    lr = (spec["momentum_lr"] if optimizer_name == "momentum" else spec["adam_lr"]) * factor
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9) if optimizer_name == "momentum" else torch.optim.Adam(model.parameters(), lr=lr)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    names = [f"fc{i + 1}" for i in range(len(linears))]
    tracker = Activity([[l.weight, l.bias] for l in linears])
    loss_fn = torch.nn.CrossEntropyLoss()
    rows, losses, status, step = [], [], "Completed", 0
    g = torch.Generator().manual_seed(seed)
    run = f"{name}/{cname}/{optimizer_name}/s{seed}"
    for _ in range(spec["epochs"]):
        order = torch.randperm(len(y), generator=g)
        for b in range(0, len(y), spec["batch"]):
            idx = order[b:b + spec["batch"]]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            step += 1
            if not math.isfinite(loss.item()):
                status = "NonFinite"
                break
            loss.backward()
            out = tracker.step([[l.weight.grad, l.bias.grad] for l in linears])
            opt.step()
            if out is not None:
                network, layers = out
                rows.append((run, step, "network", network, loss.item(), lr, ""))
                for n, (a, ex) in zip(names, layers):
                    rows.append((run, step, n, a, "", "", ex))
                losses.append(loss.item())
        if status != "Completed":
            break
    return dict(run=run, workload=name, seed=seed, optimizer=optimizer_name, condition=cname, fault=fault, action=action,
                steps=step, status=status, rows=rows, losses=losses)


def med(values):
    v = [x for x in values if math.isfinite(x)]
    return statistics.median(v) if v else float("nan")


def main():
    os.makedirs(OUT, exist_ok=True)
    runs = []
    with gzip.open(os.path.join(OUT, "traces.csv.gz"), "wt", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["run", "step", "layer", "activity", "loss", "learning_rate", "excluded_fraction"])
        for name, spec in WORKLOADS.items():
            for seed in (1, 2):
                healthy = None
                for condition in CONDITIONS:
                    r = train(name, spec, condition, seed)
                    r["first"], r["final"] = med(r["losses"][:20]), med(r["losses"][-50:])
                    healthy = healthy or r
                    if r["action"] == "continue":
                        r["effective"] = r["status"] == "Completed" and r["final"] <= 0.75 * r["first"]
                    else:
                        trained = healthy["final"] <= 0.75 * healthy["first"]
                        r["effective"] = r["status"] != "Completed" or (trained and not r["final"] < healthy["final"] + 0.25 * (healthy["first"] - healthy["final"]))
                    for row in r["rows"]:
                        w.writerow([row[0], row[1], row[2], f"{row[3]:.3g}", row[4] if row[4] == "" else f"{row[4]:.4g}",
                                    row[5] if row[5] == "" else f"{row[5]:.3g}", row[6] if row[6] == "" else f"{row[6]:.3g}"])
                    runs.append(r)
                    print(f"{r['run']:45s} {'used' if r['effective'] else 'unused':6s} {r['status']:10s} steps {r['steps']:5d} loss {r['first']:.4g} -> {r['final']:.4g}", flush=True)
    with open(os.path.join(OUT, "runs.csv"), "w") as f:
        f.write("run,workload,seed,optimizer,condition,fault,action,onset_step,steps,status,first_loss,final_loss,effective\n")
        for r in runs:
            onset = 0 if r["action"] == "continue" else 1
            f.write(f"{r['run']},{r['workload']},{r['seed']},{r['optimizer']},{r['condition']},{r['fault']},{r['action']},{onset},{r['steps']},{r['status']},{r['first']:.4g},{r['final']:.4g},{'true' if r['effective'] else 'false'}\n")


if __name__ == "__main__":
    main()
