#!/usr/bin/python3
"""PyTorch 1.13 parity fixtures for MLGradientInsight's optimizers and learning-rate schedules.

Run with Debian's torch (not the pyenv python on PATH):

    /usr/bin/python3 tools/make_optimizer_fixtures.py

Writes test/Trainers.Tests/Fixtures/optimizers/optimizers.json and schedules.json.

optimizers.json: a tiny model fc1 = Linear(4, 3) -> Tanh -> fc2 = Linear(3, 2), cross-entropy (mean) on a
fixed batch of 5. For every optimizer configuration, starting from the same initial weights, it records the
weights after 1 and after 10 steps (gradients recomputed at every step). LARS is not in torch: it is
computed by the NumPy reference `lars_step` below (You, Gitman & Ginsburg 2017, Algorithm 1).

schedules.json: the learning rates of two parameter groups after each of 30 epoch ends, for StepLR,
ExponentialLR, CosineAnnealingLR and ReduceLROnPlateau (fed a fixed metric sequence).

Floats are written with repr() of the float32 values (exact round trip).
"""

import json
import os

import numpy as np
import torch

torch.manual_seed(20240601)
torch.set_default_dtype(torch.float32)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "Trainers.Tests", "Fixtures", "optimizers")


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 3)
        self.act = torch.nn.Tanh()
        self.fc2 = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


BASE = Net()
# Scale up the initial weights a little so that updates and trust ratios are not tiny.
with torch.no_grad():
    for p in BASE.parameters():
        p.mul_(2.0)
X = torch.randn(5, 4)
Y = torch.tensor([0, 1, 1, 0, 1])
NAMES = ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def fresh():
    net = Net()
    net.load_state_dict(BASE.state_dict())
    return net


def weights(net):
    sd = dict(net.named_parameters())
    return {n: flat(sd[n]) for n in NAMES}


def gradients(net):
    net.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(X), Y)
    loss.backward()


def run_torch(make_optimizer, steps=10):
    net = fresh()
    opt = make_optimizer(net)
    after = {}
    for s in range(1, steps + 1):
        gradients(net)
        opt.step()
        if s in (1, steps):
            after[s] = weights(net)
    return after


def lars_step(params, grads, velocities, lr, momentum, weight_decay, trust, eps, exclude):
    """NumPy reference (float32): λ = η‖w‖/(‖g‖ + β‖w‖ + ε) (1 if a norm is 0); v ← μv + γλ(g + βw); w ← w − v."""
    for name in NAMES:
        w = params[name]
        g = grads[name]
        beta = np.float32(weight_decay)
        if exclude and w.ndim == 1:
            ratio = np.float32(1.0)
            beta = np.float32(0.0)
        else:
            wn = np.float32(np.sqrt(np.sum(w.astype(np.float64) ** 2)))
            gn = np.float32(np.sqrt(np.sum(g.astype(np.float64) ** 2)))
            ratio = np.float32(trust) * wn / (gn + beta * wn + np.float32(eps)) if wn > 0 and gn > 0 else np.float32(1.0)
        d = g + beta * w
        velocities[name] = np.float32(momentum) * velocities[name] + np.float32(lr) * ratio * d
        params[name] = (w - velocities[name]).astype(np.float32)


def run_lars(lr, momentum, weight_decay, trust, eps, exclude, steps=10):
    net = fresh()
    velocities = {n: np.zeros(tuple(dict(net.named_parameters())[n].shape), dtype=np.float32) for n in NAMES}
    after = {}
    for s in range(1, steps + 1):
        gradients(net)
        named = dict(net.named_parameters())
        params = {n: named[n].detach().numpy().copy() for n in NAMES}
        grads = {n: named[n].grad.detach().numpy().copy() for n in NAMES}
        lars_step(params, grads, velocities, lr, momentum, weight_decay, trust, eps, exclude)
        with torch.no_grad():
            for n in NAMES:
                named[n].copy_(torch.from_numpy(params[n]))
        if s in (1, steps):
            after[s] = weights(net)
    return after


def per_layer(net, lrs, **kw):
    return [
        {"params": [net.fc1.weight, net.fc1.bias], "lr": lrs[0], **kw},
        {"params": [net.fc2.weight, net.fc2.bias], "lr": lrs[1], **kw},
    ]


O = torch.optim
CASES = [
    ("sgd", {"lr": 0.1}, lambda n: O.SGD(n.parameters(), lr=0.1)),
    ("sgd_momentum", {"lr": 0.1, "momentum": 0.9}, lambda n: O.SGD(n.parameters(), lr=0.1, momentum=0.9)),
    ("sgd_momentum_dampening", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
     lambda n: O.SGD(n.parameters(), lr=0.1, momentum=0.9, dampening=0.3)),
    ("sgd_nesterov", {"lr": 0.1, "momentum": 0.9, "nesterov": True},
     lambda n: O.SGD(n.parameters(), lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", {"lr": 0.1, "weight_decay": 0.05}, lambda n: O.SGD(n.parameters(), lr=0.1, weight_decay=0.05)),
    ("sgd_momentum_weight_decay", {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.05},
     lambda n: O.SGD(n.parameters(), lr=0.1, momentum=0.8, weight_decay=0.05)),
    ("adagrad", {"lr": 0.1}, lambda n: O.Adagrad(n.parameters(), lr=0.1, foreach=False)),
    ("adagrad_decay_accumulator", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1, "weight_decay": 0.01},
     lambda n: O.Adagrad(n.parameters(), lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.01, foreach=False)),
    ("adadelta", {"lr": 1.0}, lambda n: O.Adadelta(n.parameters(), foreach=False)),
    ("adadelta_rho_decay", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.01},
     lambda n: O.Adadelta(n.parameters(), lr=0.5, rho=0.8, weight_decay=0.01, foreach=False)),
    ("rmsprop", {"lr": 0.01}, lambda n: O.RMSprop(n.parameters(), lr=0.01, foreach=False)),
    # Conditioning: the first RMSprop steps are about ±10·lr·sign(g), so a 10-step run can amplify 1-ulp gradient
    # differences (different summation order) beyond a 1e-5 test. The settings below were chosen by perturbing the
    # inputs by ±2e-7 (relative) in torch itself: every RMSprop case here moves by < 1e-6 relative; with lr = 0.01 and
    # momentum 0.9 it moved by 2e-5, and the centred case with eps = 1e-8 by 3e-6.
    ("rmsprop_momentum", {"lr": 0.001, "momentum": 0.9},
     lambda n: O.RMSprop(n.parameters(), lr=0.001, momentum=0.9, foreach=False)),
    ("rmsprop_centered", {"lr": 0.01, "centered": True, "weight_decay": 0.01, "eps": 1e-4},
     lambda n: O.RMSprop(n.parameters(), lr=0.01, centered=True, weight_decay=0.01, eps=1e-4, foreach=False)),
    ("rmsprop_centered_momentum", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5},
     lambda n: O.RMSprop(n.parameters(), lr=0.01, alpha=0.9, centered=True, momentum=0.5, foreach=False)),
    ("adam", {"lr": 0.01}, lambda n: O.Adam(n.parameters(), lr=0.01, foreach=False)),
    ("adam_weight_decay", {"lr": 0.01, "weight_decay": 0.1}, lambda n: O.Adam(n.parameters(), lr=0.01, weight_decay=0.1, foreach=False)),
    ("adam_amsgrad", {"lr": 0.01, "amsgrad": True, "beta1": 0.8, "beta2": 0.99},
     lambda n: O.Adam(n.parameters(), lr=0.01, betas=(0.8, 0.99), amsgrad=True, foreach=False)),
    ("adamw", {"lr": 0.01, "weight_decay": 0.01}, lambda n: O.AdamW(n.parameters(), lr=0.01, foreach=False)),
    ("adamw_amsgrad", {"lr": 0.01, "weight_decay": 0.2, "amsgrad": True},
     lambda n: O.AdamW(n.parameters(), lr=0.01, weight_decay=0.2, amsgrad=True, foreach=False)),
    ("adam_per_layer", {"lrs": [0.01, 0.05]}, lambda n: O.Adam(per_layer(n, [0.01, 0.05]), foreach=False)),
    ("sgd_per_layer", {"lrs": [0.2, 0.02], "momentum": 0.9},
     lambda n: O.SGD(per_layer(n, [0.2, 0.02]), lr=0.1, momentum=0.9)),
]

LARS_CASES = [
    ("lars", {"lr": 0.5, "momentum": 0.9, "weight_decay": 0.0, "trust": 0.02, "eps": 0.0, "exclude": False}),
    ("lars_weight_decay", {"lr": 0.5, "momentum": 0.9, "weight_decay": 0.01, "trust": 0.02, "eps": 1e-8, "exclude": False}),
    ("lars_exclude", {"lr": 0.5, "momentum": 0.8, "weight_decay": 0.01, "trust": 0.02, "eps": 0.0, "exclude": True}),
]


def optimizers_fixture():
    cases = []
    for name, options, make in CASES:
        after = run_torch(make)
        cases.append({"name": name, "options": options, "after1": after[1], "after10": after[10]})
    for name, o in LARS_CASES:
        after = run_lars(o["lr"], o["momentum"], o["weight_decay"], o["trust"], o["eps"], o["exclude"])
        cases.append({"name": name, "options": o, "after1": after[1], "after10": after[10]})
    return {
        "torch": torch.__version__,
        "model": "fc1 = Linear(4, 3) -> Tanh -> fc2 = Linear(3, 2); cross-entropy (mean)",
        "inputs": [flat(r) for r in X],
        "targets": [int(v) for v in Y],
        "initial": weights(BASE),
        "cases": cases,
    }


def schedules_fixture():
    epochs = 30
    initial = [0.1, 0.02]

    def run(make_scheduler, metrics=None):
        p1 = torch.nn.Parameter(torch.zeros(1))
        p2 = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([{"params": [p1], "lr": initial[0]}, {"params": [p2], "lr": initial[1]}], lr=initial[0])
        sched = make_scheduler(opt)
        lrs = []
        for e in range(epochs):
            opt.step()
            if metrics is None:
                sched.step()
            else:
                sched.step(metrics[e])
            lrs.append([g["lr"] for g in opt.param_groups])
        return lrs

    S = torch.optim.lr_scheduler
    # A loss that falls, stalls, improves by less than the relative threshold, stalls again...
    metrics = [1.0, 0.8, 0.7, 0.7, 0.71, 0.69999, 0.7, 0.69, 0.69, 0.69, 0.69, 0.69, 0.5, 0.5, 0.5,
               0.5, 0.5, 0.5, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49, 0.49]
    cases = [
        {"name": "step", "stepSize": 7, "gamma": 0.5, "lrs": run(lambda o: S.StepLR(o, step_size=7, gamma=0.5))},
        {"name": "exponential", "gamma": 0.9, "lrs": run(lambda o: S.ExponentialLR(o, gamma=0.9))},
        {"name": "cosine", "tMax": 12, "etaMin": 0.001, "lrs": run(lambda o: S.CosineAnnealingLR(o, T_max=12, eta_min=0.001))},
        {"name": "plateau", "factor": 0.5, "patience": 2, "threshold": 1e-4, "cooldown": 1, "minLr": 0.004, "metrics": metrics,
         "lrs": run(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, threshold=1e-4, cooldown=1, min_lr=0.004), metrics)},
        {"name": "plateau_defaults", "metrics": metrics,
         "lrs": run(lambda o: S.ReduceLROnPlateau(o), metrics)},
    ]
    return {"torch": torch.__version__, "initial": initial, "cases": cases}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in (("optimizers.json", optimizers_fixture()), ("schedules.json", schedules_fixture())):
        path = os.path.join(OUT, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
