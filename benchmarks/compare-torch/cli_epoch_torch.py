#!/usr/bin/python3
"""The PyTorch script equivalent to `mlgi train --model lenet5 --dataset fashion-mnist --epochs 1`, run as a whole
process by run-cli.sh: read and pad Fashion-MNIST, train LeNet-5 (002 Table 1) one epoch with plain SGD (lr 0.01,
batch 64, shuffled), evaluate the 10,000 test images, print the test accuracy. Debian's python3-torch 1.13, every
core as intra-op threads (as torch_bench.py), or TORCH_THREADS of them (run-cli.sh --threads N)."""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bench import LeNet5, read_idx  # noqa: E402

assert torch.__version__.startswith("1.13"), f"expects Debian's python3-torch 1.13, got {torch.__version__}"
torch.set_num_threads(int(os.environ.get("TORCH_THREADS", os.cpu_count())))
torch.manual_seed(1)
d = "/usr/share/datasets/fashion-mnist"
xs = F.pad(read_idx(f"{d}/train-images-idx3-ubyte.gz").float() / 255.0, (2, 2, 2, 2))
ys = read_idx(f"{d}/train-labels-idx1-ubyte.gz")
xt = F.pad(read_idx(f"{d}/t10k-images-idx3-ubyte.gz").float() / 255.0, (2, 2, 2, 2))
yt = read_idx(f"{d}/t10k-labels-idx1-ubyte.gz")
model = LeNet5()
opt = torch.optim.SGD(model.parameters(), lr=0.01)
perm = torch.randperm(xs.shape[0])
for start in range(0, xs.shape[0], 64):
    idx = perm[start:start + 64]
    opt.zero_grad()
    F.cross_entropy(model(xs[idx]), ys[idx]).backward()
    opt.step()
with torch.no_grad():
    print(f"test accuracy {(model(xt).argmax(1) == yt).float().mean().item():.4f}")
