#!/usr/bin/python3
"""Writes PyTorch reference fixtures for the managed engine's layers and losses.

Run with Debian's torch (``/usr/bin/python3 tools/make_layer_fixtures.py``); the test suite only
reads the JSON it writes to test/Trainers.Tests/Fixtures/layers/ and never needs torch.

Every layer fixture holds: the layer config, an input, the layer's parameters, the output, an
upstream gradient (grad_output), and the resulting input and parameter gradients. Layers with
parameters also hold an ``sgd`` block: the layer followed by a loss, trained with plain SGD on a
fixed batch, with the parameters after 1 and after 10 steps. Loss fixtures hold the input, the
target, the loss value and the gradient of the loss with respect to the input.

Floats are written with Python's repr (json's default), so float32 values round-trip exactly.
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "Trainers.Tests", "Fixtures", "layers")

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def t(x):
    x = x.detach().to(torch.float32).contiguous()
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def write(name, obj):
    obj["generator"] = "tools/make_layer_fixtures.py, torch " + torch.__version__
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 200_000, (path, size)
    print(f"{path}: {size} bytes")


def layer_case(name, kind, config, module, x, seed, sgd=None, train=True):
    """Runs forward/backward once and records everything; sgd = (loss_kind, lr, target) adds a training block."""
    g = torch.Generator().manual_seed(seed + 1000)
    module.train(train)
    x = x.clone().requires_grad_(True)
    params = {k: v.detach().clone() for k, v in module.named_parameters()}
    buffers_before = {k: v.detach().clone() for k, v in module.named_buffers() if k != "num_batches_tracked"}
    y = module(x)
    grad_output = torch.randn(y.shape, generator=g)
    y.backward(grad_output)
    case = {
        "layer": kind,
        "config": config,
        "training": train,
        "input": t(x),
        "params": {k: t(v) for k, v in params.items()},
        "output": t(y),
        "grad_output": t(grad_output),
        "grad_input": t(x.grad),
        "grad_params": {k: t(v.grad) for k, v in module.named_parameters()},
    }
    if buffers_before:
        case["buffers_before"] = {k: t(v) for k, v in buffers_before.items()}
        case["buffers_after"] = {k: t(v) for k, v in module.named_buffers() if k != "num_batches_tracked"}
    if sgd is not None:
        # Restart from the recorded parameters and buffers.
        with torch.no_grad():
            for k, v in module.named_parameters():
                v.copy_(params[k])
            for k, v in module.named_buffers():
                if k in buffers_before:
                    v.copy_(buffers_before[k])
        case["sgd"] = train_sgd(module, x.detach(), *sgd)
    write(name, case)


def loss_value(kind, out, target):
    if kind == "mse":
        return F.mse_loss(out, target)
    if kind == "cross_entropy":
        return F.cross_entropy(out, target.long())
    if kind == "nll":
        return F.nll_loss(out, target.long())
    raise ValueError(kind)


def train_sgd(module, x, loss_kind, lr, target):
    opt = torch.optim.SGD(module.parameters(), lr=lr)
    block = {"loss": loss_kind, "learning_rate": lr, "target": t(target), "losses": []}
    for step in range(1, 11):
        opt.zero_grad()
        loss = loss_value(loss_kind, module(x), target)
        loss.backward()
        opt.step()
        block["losses"].append(float(loss.item()))
        if step in (1, 10):
            block[f"after_{step}"] = {k: t(v) for k, v in module.named_parameters()}
            buffers = {k: t(v) for k, v in module.named_buffers() if k != "num_batches_tracked"}
            if buffers:
                block[f"buffers_after_{step}"] = buffers
    return block


def randn(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def mse_target(module, x, seed):
    with torch.no_grad():
        was = module.training
        shape = module(x).shape
        module.train(was)
    return randn(seed, *shape)


def linear_cases():
    torch.manual_seed(1)
    m = nn.Linear(5, 4)
    x = randn(2, 3, 5)
    target = torch.tensor([0.0, 3.0, 1.0])
    layer_case("linear", "Linear", {"in": 5, "out": 4, "bias": True}, m, x, 3, sgd=("cross_entropy", 0.5, target))
    torch.manual_seed(4)
    m = nn.Linear(6, 2, bias=False)
    x = randn(5, 4, 6)
    layer_case("linear_nobias", "Linear", {"in": 6, "out": 2, "bias": False}, m, x, 6, sgd=("mse", 0.1, randn(7, 4, 2)))


def conv_cases():
    variants = [
        ("conv2d", dict(cin=2, cout=3, k=(3, 3), s=(1, 1), p=(0, 0), bias=True), (2, 2, 5, 5)),
        ("conv2d_stride2_pad1", dict(cin=2, cout=2, k=(3, 3), s=(2, 2), p=(1, 1), bias=True), (2, 2, 5, 6)),
        ("conv2d_rect_nobias", dict(cin=3, cout=2, k=(2, 3), s=(2, 1), p=(1, 0), bias=False), (1, 3, 4, 5)),
        ("conv2d_pad2", dict(cin=1, cout=2, k=(3, 3), s=(1, 1), p=(2, 2), bias=True), (2, 1, 3, 4)),
    ]
    for i, (name, c, shape) in enumerate(variants):
        torch.manual_seed(10 + i)
        m = nn.Conv2d(c["cin"], c["cout"], c["k"], stride=c["s"], padding=c["p"], bias=c["bias"])
        x = randn(20 + i, *shape)
        config = {"in": c["cin"], "out": c["cout"], "kernel": list(c["k"]), "stride": list(c["s"]), "padding": list(c["p"]), "bias": c["bias"]}
        layer_case(name, "Conv2d", config, m, x, 30 + i, sgd=("mse", 0.05, mse_target(m, x, 40 + i)))


def pool_cases():
    for i, (name, kind, k, s, p, shape) in enumerate([
        ("maxpool2d", "MaxPool2d", 2, 2, 0, (2, 2, 4, 6)),
        ("maxpool2d_k3_s2_p1", "MaxPool2d", 3, 2, 1, (2, 2, 7, 6)),
        ("maxpool2d_odd", "MaxPool2d", 2, 2, 0, (1, 2, 5, 7)),
        ("avgpool2d", "AvgPool2d", 2, 2, 0, (2, 2, 4, 6)),
        ("avgpool2d_k3_s2_p1", "AvgPool2d", 3, 2, 1, (2, 2, 7, 6)),
        ("avgpool2d_k3_s1", "AvgPool2d", 3, 1, 0, (1, 2, 5, 5)),
    ]):
        cls = nn.MaxPool2d if kind == "MaxPool2d" else nn.AvgPool2d
        layer_case(name, kind, {"kernel": k, "stride": s, "padding": p}, cls(k, stride=s, padding=p), randn(50 + i, *shape), 60 + i)
    # Ties: small integers, so windows hold equal maxima; PyTorch routes the gradient to the first one.
    x = torch.randint(0, 3, (2, 2, 6, 6), generator=torch.Generator().manual_seed(70)).float()
    layer_case("maxpool2d_ties", "MaxPool2d", {"kernel": 2, "stride": 2, "padding": 0}, nn.MaxPool2d(2), x, 71)
    x = torch.randint(0, 2, (1, 2, 7, 7), generator=torch.Generator().manual_seed(72)).float()
    layer_case("maxpool2d_ties_overlap", "MaxPool2d", {"kernel": 3, "stride": 2, "padding": 1}, nn.MaxPool2d(3, 2, 1), x, 73)


def simple_cases():
    layer_case("flatten", "Flatten", {}, nn.Flatten(), randn(80, 2, 3, 2, 2), 81)
    layer_case("relu", "ReLU", {}, nn.ReLU(), randn(82, 3, 7), 83)
    layer_case("leaky_relu", "LeakyReLU", {"negative_slope": 0.2}, nn.LeakyReLU(0.2), randn(84, 3, 7), 85)
    layer_case("leaky_relu_default", "LeakyReLU", {"negative_slope": 0.01}, nn.LeakyReLU(), randn(86, 2, 2, 3), 87)
    layer_case("tanh", "Tanh", {}, nn.Tanh(), randn(88, 3, 7) * 2, 89)
    layer_case("sigmoid", "Sigmoid", {}, nn.Sigmoid(), randn(90, 3, 7) * 3, 91)
    layer_case("log_softmax", "LogSoftmax", {}, nn.LogSoftmax(dim=1), randn(92, 4, 5) * 3, 93)


def batchnorm_cases():
    for i, (name, kind, features, shape) in enumerate([
        ("batchnorm1d", "BatchNorm1d", 3, (5, 3)),
        ("batchnorm1d_3d", "BatchNorm1d", 2, (3, 2, 4)),
        ("batchnorm2d", "BatchNorm2d", 3, (2, 3, 3, 4)),
    ]):
        cls = nn.BatchNorm1d if kind == "BatchNorm1d" else nn.BatchNorm2d
        m = cls(features)
        # Non-trivial affine parameters and running statistics.
        with torch.no_grad():
            m.weight.copy_(1 + 0.5 * randn(100 + i, features))
            m.bias.copy_(0.5 * randn(110 + i, features))
            m.running_mean.copy_(0.3 * randn(120 + i, features))
            m.running_var.copy_(1 + 0.4 * torch.rand(features, generator=torch.Generator().manual_seed(130 + i)))
        x = randn(140 + i, *shape) * 2 + 0.5
        config = {"features": features, "eps": 1e-5, "momentum": 0.1}
        layer_case(name, kind, config, m, x, 150 + i, sgd=("mse", 0.1, mse_target(m, x, 160 + i)))
        # Evaluation mode with the same starting parameters and running statistics.
        m = cls(features)
        with torch.no_grad():
            m.weight.copy_(1 + 0.5 * randn(100 + i, features))
            m.bias.copy_(0.5 * randn(110 + i, features))
            m.running_mean.copy_(0.3 * randn(120 + i, features))
            m.running_var.copy_(1 + 0.4 * torch.rand(features, generator=torch.Generator().manual_seed(130 + i)))
        layer_case(name + "_eval", kind, config, m, x, 170 + i, train=False)


def loss_case(name, kind, x, target, through_log_softmax=False):
    x = x.clone().requires_grad_(True)
    inp = F.log_softmax(x, dim=1) if through_log_softmax else x
    value = loss_value(kind, inp, target)
    value.backward()
    write(name, {
        "loss": kind,
        "through_log_softmax": through_log_softmax,
        "input": t(x),
        "target": t(target),
        "value": float(value.item()),
        "grad_input": t(x.grad),
    })


def loss_cases():
    target = torch.tensor([2.0, 0.0, 4.0, 4.0, 1.0, 3.0])
    loss_case("nll", "nll", F.log_softmax(randn(200, 6, 5), dim=1), target)
    loss_case("log_softmax_nll", "nll", randn(201, 6, 5) * 2, target, through_log_softmax=True)
    loss_case("cross_entropy", "cross_entropy", randn(202, 6, 5) * 2, target)
    extreme = torch.tensor([
        [1e4, 0.0, -1e4, 5.0, 1e4 - 1.0],
        [-1e4, -1e4 + 2.0, -1e4 + 1.0, -1e4, -1e4 - 3.0],
        [0.0, 1e4, 0.0, 0.0, 0.0],
        [3.0, 1.0, 2.0, -1e4, 1e4],
    ])
    loss_case("cross_entropy_extreme", "cross_entropy", extreme, torch.tensor([4.0, 1.0, 0.0, 3.0]))
    loss_case("log_softmax_nll_extreme", "nll", extreme, torch.tensor([4.0, 1.0, 0.0, 3.0]), through_log_softmax=True)
    loss_case("mse", "mse", randn(203, 4, 3), randn(204, 4, 3))
    loss_case("mse_4d", "mse", randn(205, 2, 2, 3, 3), randn(206, 2, 2, 3, 3))


def lenet_tiny():
    """A LeNet-shaped model ending in LogSoftmax + NLL, trained 10 SGD steps."""
    torch.manual_seed(300)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3), nn.LogSoftmax(dim=1))
    x = randn(301, 4, 1, 10, 10)
    target = torch.tensor([0.0, 1.0, 2.0, 1.0])
    params = {k: t(v) for k, v in model.named_parameters()}
    block = train_sgd(model, x, "nll", 0.1, target)
    write("lenet_tiny_sgd", {"model": "lenet_tiny", "input": t(x), "params": params, "sgd": block})


def main():
    os.makedirs(OUT, exist_ok=True)
    linear_cases()
    conv_cases()
    pool_cases()
    simple_cases()
    batchnorm_cases()
    loss_cases()
    lenet_tiny()


if __name__ == "__main__":
    sys.exit(main())
