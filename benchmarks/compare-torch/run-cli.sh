#!/usr/bin/env bash
# Whole-process side by side, as a user runs them: `mlgi train --model lenet5 --dataset fashion-mnist --epochs 1`
# (the published mlgi, as README's install step makes it) against the equivalent PyTorch script
# (cli_epoch_torch.py), alternately, N times each; prints every wall time, the medians, the ratio and the load.
# Needs: python3-torch (Debian), libopenblas0-pthread, dataset-fashion-mnist.
# Usage: benchmarks/compare-torch/run-cli.sh [REPEATS]   (default 3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats="${1:-3}"
out="$(mktemp -d)"
dotnet publish "$root/src/Cli" -c Release -o "$out/mlgi" -v q -nologo >/dev/null
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wall() { local s e; s=$(date +%s.%N); "$@" >"$out/last.txt" 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
ours=(); torch=()
for i in $(seq "$repeats"); do
  o=$(wall "$out/mlgi/mlgi" train --model lenet5 --dataset fashion-mnist --epochs 1)
  echo "mlgi  run $i: ${o} s  ($(grep -o 'test accuracy [0-9.]*' "$out/last.txt"))"
  t=$(wall env OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/cli_epoch_torch.py")
  echo "torch run $i: ${t} s  ($(grep -o 'test accuracy [0-9.]*' "$out/last.txt"))"
  ours+=("$o"); torch+=("$t")
done
/usr/bin/python3 - "${ours[*]}" "${torch[*]}" <<'PY'
import statistics, sys
o = [float(x) for x in sys.argv[1].split()]; t = [float(x) for x in sys.argv[2].split()]
mo, mt = statistics.median(o), statistics.median(t)
print(f"median: mlgi {mo:.2f} s, torch {mt:.2f} s, torch/mlgi {mt / mo:.2f}x (per pair: {', '.join(f'{b / a:.2f}x' for a, b in zip(o, t))})")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
