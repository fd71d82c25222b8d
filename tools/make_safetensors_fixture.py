#!/usr/bin/python3
"""Safetensors interop fixtures between PyTorch and MLGradientInsight.

Run with Debian's torch (``/usr/bin/python3``, torch 1.13). The ``safetensors`` Python package is
not needed (nor installed here): the format is written and read by hand, exactly per the spec:

    8 bytes   N, unsigned little-endian 64-bit: the header length
    N bytes   UTF-8 JSON object {name: {"dtype", "shape", "data_offsets": [begin, end]}, ...,
              optional "__metadata__": {str: str}}, starting with '{', padded with spaces
    rest      the data buffer; offsets are relative to its start, tensors are little-endian,
              row-major (C order), and together cover the buffer without holes or overlaps.

Usage
    tools/make_safetensors_fixture.py [OUT_DIR]
        Writes the fixtures (default test/Trainers.Tests/Fixtures/checkpoints):
        torch_mlp.safetensors     state_dict of Sequential(fc1=Linear(3,4), act=Tanh(), fc2=Linear(4,2))
        torch_mlp_io.safetensors  "input" (5, 3) and the model's "output" (5, 2) on it
        torch_dtypes.safetensors  one set of values stored as F32, F64, F16, BF16 and I64, plus torch's
                                  own decoding of the F16/BF16 values (as F32) and an F32 scalar
        torch_bn.safetensors      state_dict of BatchNorm1d(4) named bn1 after three training steps
                                  (weight, bias, running_mean, running_var, num_batches_tracked I64 scalar)

    tools/make_safetensors_fixture.py --read FILE [--io IO_FILE]
        The reverse direction (not run by the tests): reads a safetensors file written by our C#
        code (Checkpoint.Save / SafeTensors.Save) with json + numpy.frombuffer, prints every tensor,
        loads it into the torch MLP above when the names match (load_state_dict, strict) and, with
        --io, checks torch's output on IO_FILE's "input" against IO_FILE's "output" (1e-5).
"""

import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch

SEED = 20261122
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "test", "Trainers.Tests", "Fixtures", "checkpoints")

# dtype name -> (numpy little-endian dtype used for the raw bytes, bytes per element)
DTYPES = {
    "F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2),
    "I64": ("<i8", 8), "I32": ("<i4", 4), "I16": ("<i2", 2), "I8": ("i1", 1), "U8": ("u1", 1), "BOOL": ("u1", 1),
}


def tensor_bytes(t):
    """Returns (dtype name, shape, little-endian row-major bytes) of a torch tensor."""
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        # numpy has no bfloat16: reinterpret the 16 bits.
        return "BF16", list(t.shape), t.view(torch.int16).numpy().astype("<i2").tobytes()
    name = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.int64: "I64",
            torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}[t.dtype]
    return name, list(t.shape), t.numpy().astype(DTYPES[name][0]).tobytes()


def write_safetensors(path, tensors, metadata=None):
    """Writes an ordered mapping name -> torch tensor in the safetensors layout."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name, t in tensors.items():
        dtype, shape, data = tensor_bytes(t)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)  # pad so the buffer starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Reads a safetensors file with json + numpy.frombuffer; returns (OrderedDict name -> ndarray, metadata)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f"{path}: header length {n} exceeds the file")
    header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    metadata = header.pop("__metadata__", {})
    buffer = raw[8 + n:]
    covered = 0
    out = OrderedDict()
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = info["data_offsets"]
        if begin != covered:
            raise ValueError(f"{path}: tensor {name} starts at {begin}, expected {covered} (hole or overlap)")
        np_dtype, size = DTYPES[info["dtype"]]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if end - begin != count * size:
            raise ValueError(f"{path}: tensor {name} spans {end - begin} bytes, shape x dtype needs {count * size}")
        out[name] = np.frombuffer(buffer[begin:end], dtype=np_dtype).reshape(info["shape"])
        covered = end
    if covered != len(buffer):
        raise ValueError(f"{path}: {len(buffer) - covered} trailing bytes")
    return OrderedDict((k, out[k]) for k in header), metadata


def make_mlp():
    torch.manual_seed(SEED)
    return torch.nn.Sequential(OrderedDict([
        ("fc1", torch.nn.Linear(3, 4)),
        ("act", torch.nn.Tanh()),
        ("fc2", torch.nn.Linear(4, 2)),
    ]))


def fixed_input():
    return torch.tensor([[0.5, -0.25, 1.0], [-1.0, 0.75, 1.0], [0.1, 0.2, 1.0], [2.0, -1.5, 1.0], [0.0, 0.0, 1.0]])


def make_fixtures(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    model = make_mlp().eval()
    state = model.state_dict()
    # The reference writer sorts names; do the same so the data order differs from our parameter order.
    write_safetensors(os.path.join(out_dir, "torch_mlp.safetensors"),
                      OrderedDict(sorted(state.items())), {"format": "pt", "source": "torch " + torch.__version__})
    x = fixed_input()
    with torch.no_grad():
        y = model(x)
    write_safetensors(os.path.join(out_dir, "torch_mlp_io.safetensors"), OrderedDict([("input", x), ("output", y)]))

    g = torch.Generator().manual_seed(SEED)
    values = (torch.randn(3, 5, generator=g) * 3).float()
    dtypes = OrderedDict([
        ("f32", values),
        ("f64", values.double()),
        ("f16", values.half()),
        ("bf16", values.bfloat16()),
        ("f16_as_f32", values.half().float()),
        ("bf16_as_f32", values.bfloat16().float()),
        ("i64", torch.tensor([[-3, 0, 7], [123456, -98765, 1]], dtype=torch.int64)),
        ("scalar_f32", torch.tensor(2.5)),
    ])
    write_safetensors(os.path.join(out_dir, "torch_dtypes.safetensors"), dtypes)

    torch.manual_seed(SEED)
    bn = torch.nn.Sequential(OrderedDict([("bn1", torch.nn.BatchNorm1d(4))]))
    with torch.no_grad():
        bn[0].weight.copy_(torch.tensor([1.0, 0.5, 2.0, -1.0]))
        bn[0].bias.copy_(torch.tensor([0.0, 0.1, -0.2, 0.3]))
    bn.train()
    for _ in range(3):
        bn(torch.randn(8, 4, generator=g) * 2 + 1)
    write_safetensors(os.path.join(out_dir, "torch_bn.safetensors"), OrderedDict(sorted(bn.state_dict().items())))
    for name in sorted(os.listdir(out_dir)):
        print(name, os.path.getsize(os.path.join(out_dir, name)), "bytes")


def read_ours(path, io_path=None):
    tensors, metadata = read_safetensors(path)
    print("metadata:", dict(metadata))
    for name, a in tensors.items():
        print(f"{name}: {a.dtype} {list(a.shape)} {a.ravel()[:6]}")
    model = make_mlp().eval()
    if set(tensors) != set(model.state_dict()):
        print("names differ from the MLP (fc1/fc2); not loading into torch")
        return 0
    model.load_state_dict(OrderedDict((k, torch.from_numpy(v.astype(np.float32))) for k, v in tensors.items()), strict=True)
    print("loaded into torch.nn.Sequential(fc1, act, fc2) with strict=True")
    if io_path:
        io, _ = read_safetensors(io_path)
        with torch.no_grad():
            y = model(torch.from_numpy(io["input"].astype(np.float32))).numpy()
        diff = float(np.abs(y - io["output"]).max())
        print("torch output:\n", y, "\nmax |torch - ours| =", diff)
        if diff > 1e-5:
            print("MISMATCH")
            return 1
        print("outputs match to 1e-5")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--read":
        io_file = args[args.index("--io") + 1] if "--io" in args else None
        sys.exit(read_ours(args[1], io_file))
    make_fixtures(args[0] if args else DEFAULT_OUT)
