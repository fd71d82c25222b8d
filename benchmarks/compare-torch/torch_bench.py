#!/usr/bin/python3
"""PyTorch side of the side-by-side comparison (run by run.sh).

Runs the same workloads as `MLGradientInsight.Benchmarks compare` and prints one JSON object per
line: {"workload": ..., "median_us": ..., "p10_us": ..., "p90_us": ...} and, for the epoch workload,
{"workload": "lenet5-epoch", "seconds": ..., "test_accuracy": ...}.

Use Debian's torch (python3-torch 1.13) with OpenBLAS installed (libopenblas0-pthread) and
OPENBLAS_NUM_THREADS=1: torch's own intra-op threads (set to all cores here; Debian's OpenMP build
otherwise starts with one) already use both cores.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    """LeNet-5 of 002 Table 1: conv1 60, conv2 880, fc1 69240, fc2 10164, fc3 850 parameters."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def kraidiky():
    """The 001 network: 3 inputs, three tanh layers of 15, one tanh output, no biases (510 weights)."""
    return nn.Sequential(nn.Linear(3, 15, bias=False), nn.Tanh(), nn.Linear(15, 15, bias=False), nn.Tanh(),
                         nn.Linear(15, 15, bias=False), nn.Tanh(), nn.Linear(15, 1, bias=False), nn.Tanh())


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def time_steps(model, opt, loss_fn, x, y, steps, warmup):
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        t1 = time.perf_counter()
        if i >= warmup:
            times.append((t1 - t0) * 1e6)
    times.sort()
    return {"median_us": statistics.median(times), "p10_us": times[len(times) // 10], "p90_us": times[(9 * len(times)) // 10]}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).reshape(n, 1, rows, cols)
    return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).long()


def lenet_epoch(seed, directory):
    torch.manual_seed(seed)
    xs = F.pad(read_idx(f"{directory}/train-images-idx3-ubyte.gz").float() / 255.0, (2, 2, 2, 2))
    ys = read_idx(f"{directory}/train-labels-idx1-ubyte.gz")
    xt = F.pad(read_idx(f"{directory}/t10k-images-idx3-ubyte.gz").float() / 255.0, (2, 2, 2, 2))
    yt = read_idx(f"{directory}/t10k-labels-idx1-ubyte.gz")
    model = LeNet5()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    perm = torch.randperm(xs.shape[0])
    t0 = time.perf_counter()
    for start in range(0, xs.shape[0], 64):
        idx = perm[start:start + 64]
        opt.zero_grad()
        F.cross_entropy(model(xs[idx]), ys[idx]).backward()
        opt.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    return {"seconds": seconds, "test_accuracy": acc}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--warmup", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--epoch", action="store_true", help="also train one LeNet-5 epoch on Fashion-MNIST")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    a = p.parse_args()
    # Debian's OpenMP build starts with one thread on this machine kind; the fast setup uses every core.
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    ce = nn.CrossEntropyLoss()

    m = kraidiky()
    r = time_steps(m, torch.optim.SGD(m.parameters(), lr=0.01), nn.MSELoss(), torch.rand(1, 3) - 0.5, torch.ones(1, 1), a.steps * 10, a.warmup)
    print(json.dumps({"workload": "kraidiky-b1-sgd", **r}), flush=True)

    x = torch.rand(64, 1, 32, 32)
    y = torch.randint(0, 10, (64,))
    m = LeNet5()
    r = time_steps(m, torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), ce, x, y, a.steps, a.warmup)
    print(json.dumps({"workload": "lenet5-b64-momentum", **r}), flush=True)
    m = LeNet5()
    r = time_steps(m, torch.optim.Adam(m.parameters(), lr=1e-3), ce, x, y, a.steps, a.warmup)
    print(json.dumps({"workload": "lenet5-b64-adam", **r}), flush=True)

    m = mlp()
    r = time_steps(m, torch.optim.Adam(m.parameters(), lr=1e-3), ce, torch.rand(64, 784), y, a.steps, a.warmup)
    print(json.dumps({"workload": "mlp-b64-adam", **r}), flush=True)

    if a.epoch:
        print(json.dumps({"workload": "lenet5-epoch", **lenet_epoch(a.seed, a.data)}), flush=True)


if __name__ == "__main__":
    main()
