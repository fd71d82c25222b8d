#!/usr/bin/env bash
# Whole-process side by side, as a user runs them: `mlgi train --model lenet5 --dataset fashion-mnist --epochs 1`
# (the published mlgi, as README's install step makes it) against the equivalent PyTorch script
# (cli_epoch_torch.py), alternately, N times each; prints every wall time with its user and system CPU seconds and the
# load average, mlgi's own phase timings (MLGI_TIMING=1: start-up, data, set-up, fit = epoch + test evaluation), the
# medians and the ratio.
# Needs: python3-torch (Debian), libopenblas0-pthread, dataset-fashion-mnist.
# Usage: benchmarks/compare-torch/run-cli.sh [REPEATS] [--threads N]   (default 3 repeats; --threads is passed to mlgi
#        and sets torch.set_num_threads, default: every core for both)
# On a shared machine compare the CPU seconds (user + sys), not the wall times: wall times move with the load.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats=3
threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    *) repeats="$1"; shift ;;
  esac
done
out="$(mktemp -d)"
dotnet publish "$root/src/Cli" -c Release -o "$out/mlgi" -v q -nologo >/dev/null
echo "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), $(nproc) cores, threads ${threads:-every core}, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Runs a command; prints "WALL USER SYS" (seconds) and leaves its output in $out/last.txt.
measure() { /usr/bin/time -f "%e %U %S" -o "$out/time.txt" "$@" >"$out/last.txt" 2>&1; cat "$out/time.txt"; }
ours=(); torch=()
for i in $(seq "$repeats"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r w u s < <(measure env MLGI_TIMING=1 "$out/mlgi/mlgi" train --model lenet5 --dataset fashion-mnist --epochs 1 ${threads:+--threads "$threads"})
  echo "mlgi  run $i: ${w} s  (user ${u} s, sys ${s} s, load ${load})  $(grep -o 'test accuracy [0-9.]*' "$out/last.txt")"
  echo "              $(grep '^timing:' "$out/last.txt" || true)"
  ours+=("$w")
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r w u s < <(measure env OPENBLAS_NUM_THREADS=1 ${threads:+TORCH_THREADS="$threads"} /usr/bin/python3 "$here/cli_epoch_torch.py")
  echo "torch run $i: ${w} s  (user ${u} s, sys ${s} s, load ${load})  $(grep -o 'test accuracy [0-9.]*' "$out/last.txt")"
  torch+=("$w")
done
/usr/bin/python3 - "${ours[*]}" "${torch[*]}" <<'PY'
import statistics, sys
o = [float(x) for x in sys.argv[1].split()]; t = [float(x) for x in sys.argv[2].split()]
mo, mt = statistics.median(o), statistics.median(t)
print(f"median: mlgi {mo:.2f} s, torch {mt:.2f} s, torch/mlgi {mt / mo:.2f}x (per pair: {', '.join(f'{b / a:.2f}x' for a, b in zip(o, t))})")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
