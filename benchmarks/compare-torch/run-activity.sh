#!/usr/bin/env bash
# Side-by-side: the gradient-activity step (000 §3) with PyTorch element-wise ops and with our tracker,
# on LeNet-5, MLP 784-256-128-10 and a synthetic 10M-parameter layout; our side also measures a STREAM triad.
# Usage: benchmarks/compare-torch/run-activity.sh [--steps N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
dotnet build "$root/benchmarks/MLGradientInsight.Benchmarks" -c Release -v q -nologo >/dev/null
OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/activity_torch.py" "$@" | tee "$out/torch.jsonl"
dotnet "$root/benchmarks/MLGradientInsight.Benchmarks/bin/Release/net10.0/MLGradientInsight.Benchmarks.dll" compare-activity "$@" | tee "$out/ours.jsonl"
/usr/bin/python3 - "$out/torch.jsonl" "$out/ours.jsonl" <<'PY'
import json, sys
t = {r["workload"]: r for r in map(json.loads, open(sys.argv[1]))}
o = {r["workload"]: r for r in map(json.loads, open(sys.argv[2]))}
triad = o["stream-triad"]["gb_per_s"]
print(f"\nSTREAM triad (ours, same process): {triad:.1f} GB/s")
print(f"{'workload':30} {'torch':>10} {'ours':>10} {'speed-up':>9} {'ours GB/s':>10} {'% triad':>8}")
for w in t:
    a, b = t[w]["median_us"], o[w]["median_us"]
    print(f"{w:30} {a:8.1f}us {b:8.1f}us {a / b:8.2f}x {o[w]['gb_per_s']:10.1f} {100 * o[w]['gb_per_s'] / triad:7.0f}%")
PY
