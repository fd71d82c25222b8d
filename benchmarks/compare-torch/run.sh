#!/usr/bin/env bash
# Side-by-side: the same workloads in Debian's PyTorch and in our engine, in one go, with ratios.
# Needs: python3-torch (Debian), libopenblas0-pthread; for --epoch also dataset-fashion-mnist.
# Usage: benchmarks/compare-torch/run.sh [--steps N] [--epoch]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
dotnet build "$root/benchmarks/MLGradientInsight.Benchmarks" -c Release -v q -nologo >/dev/null
dotnet build "$root/benchmarks/MLGradientInsight.Benchmarks.TorchSharp" -c Release -v q -nologo >/dev/null
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') with OPENBLAS_NUM_THREADS=1 and $(nproc) intra-op threads"
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/torch_bench.py" "$@" | tee "$out/torch.jsonl"
echo "MLGradientInsight ($(nproc) threads)"
dotnet "$root/benchmarks/MLGradientInsight.Benchmarks/bin/Release/net10.0/MLGradientInsight.Benchmarks.dll" compare "$@" | tee "$out/ours.jsonl"
echo "TorchSharp"
dotnet "$root/benchmarks/MLGradientInsight.Benchmarks.TorchSharp/bin/Release/net10.0/MLGradientInsight.Benchmarks.TorchSharp.dll" compare --threads "$(nproc)" "$@" | tee "$out/torchsharp.jsonl"
/usr/bin/python3 - "$out/torch.jsonl" "$out/ours.jsonl" "$out/torchsharp.jsonl" <<'PY'
import json, sys
t = {r["workload"]: r for r in map(json.loads, open(sys.argv[1]))}
o = {r["workload"]: r for r in map(json.loads, open(sys.argv[2]))}
s = {r["workload"]: r for r in map(json.loads, open(sys.argv[3]))}
print()
print(f"{'workload':24} {'torch':>12} {'ours':>12} {'torchsharp':>12} {'speed-up':>9} {'vs torchsharp':>14}")
for w in t:
    if w not in o:
        continue
    if "median_us" in t[w]:
        a, b = t[w]["median_us"], o[w]["median_us"]
        c = s[w]["median_us"] if w in s else float("nan")
        print(f"{w:24} {a:10.1f}us {b:10.1f}us {c:10.1f}us {a / b:8.2f}x {c / b:13.2f}x")
    else:
        a, b = t[w]["seconds"], o[w]["seconds"]
        print(f"{w:24} {a:11.2f}s {b:11.2f}s {a / b:8.2f}x   test accuracy torch {t[w]['test_accuracy']:.4f} ours {o[w]['test_accuracy']:.4f}")
PY
