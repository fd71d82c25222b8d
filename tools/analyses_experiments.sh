#!/usr/bin/env bash
# Reproduces the seed 001 / 002 experiments of docs/analyses.md with the mlgi CLI and draws the SVGs.
# CPU-only and small (1 thread, Fashion-MNIST subset): a few minutes on 2 cores.
# Needs: the .NET 10 SDK, Debian's dataset-fashion-mnist, /usr/bin/python3 (standard library only).
# Usage: tools/analyses_experiments.sh [OUTPUT_DIR]   (default docs/analyses)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/analyses}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
dotnet build src/Cli -c Release -v q -nologo >/dev/null
mlgi() { nice src/Cli/bin/Release/net10.0/mlgi "$@"; }
store="$work/runs.db"

echo "== 001: 3x15 tanh network on the curve task, batch 1, slowly decaying SGD (lr 0.05 x 0.9 per epoch)"
mlgi train --dataset curve --model kraidiky --batch 1 --lr 0.05 --schedule exp:0.9 --epochs 10 --seed 1 --threads 1 \
    --checkpoint-every 100 --checkpoint-dir "$work/kraidiky" --store "$store"
mlgi trajectory "$work/kraidiky" --weighted --pca --seed 1 --window 20 --csv "$out/kraidiky-trajectory.csv" --store "$store"

echo "== 001, first 1,000 examples with a point after every example: plain SGD vs 001's slow learning (K = 10)"
for k in 1 10; do
    mlgi train --dataset curve --model kraidiky --batch 1 --lr 0.05 --limit 1250 --epochs 1 --slow-learning $k --seed 1 --threads 1 \
        --checkpoint-every 1 --checkpoint-dir "$work/kraidiky-early-$k" --store "$store"
    mlgi trajectory "$work/kraidiky-early-$k" --seed 1 --window 20 --csv "$out/kraidiky-early-slow$k.csv" --store "$store"
done

echo "== 002 / Goodfellow & Vinyals / Zhang et al.: MLP 784-256-256-256-10 on 10,000 Fashion-MNIST images"
mlgi train --dataset fashion-mnist --model mlp:784,256,256,256,10 --limit 10000 --epochs 5 --batch 64 --lr 0.01 --momentum 0.9 \
    --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-dir "$work/mlp" --store "$store"
mlp0="$work/mlp/step-00000000.safetensors"; mlp1="$(ls "$work"/mlp/step-*.safetensors | tail -1)"
mlgi interpolate "$mlp0" "$mlp1" --alpha -0.5:1.5:41 --samples 2000 --threads 1 --csv "$out/mlp-path.csv" --store "$store"
mlgi interpolate "$mlp0" "$mlp1" --per-layer --samples 2000 --threads 1 --csv "$out/mlp-layers.csv" --store "$store"
mlgi robustness "$mlp0" "$mlp1" --samples 2000 --threads 1 --csv "$out/mlp-robustness.csv" --store "$store"

echo "== 002 Table 1: LeNet-5 on 10,000 Fashion-MNIST images"
mlgi train --dataset fashion-mnist --model lenet5 --limit 10000 --epochs 5 --batch 64 --lr 0.01 --momentum 0.9 \
    --seed 1 --threads 1 --checkpoint-every 100 --checkpoint-dir "$work/lenet5" --store "$store"
le0="$work/lenet5/step-00000000.safetensors"; le1="$(ls "$work"/lenet5/step-*.safetensors | tail -1)"
mlgi interpolate "$le0" "$le1" --per-layer --samples 2000 --threads 1 --csv "$out/lenet5-layers.csv" --store "$store"
mlgi interpolate "$le0" "$le1" --per-parameter 10 --alpha 0:1:6 --samples 1000 --threads 1 --csv "$out/lenet5-parameters.csv" --store "$store"
mlgi robustness "$le0" "$le1" --samples 2000 --threads 1 --csv "$out/lenet5-robustness.csv" --store "$store"
mlgi trajectory "$work/lenet5" --pca --seed 1 --csv "$out/lenet5-trajectory.csv" --store "$store"

/usr/bin/python3 tools/plot_analyses.py trajectory "$out/kraidiky-trajectory.csv" "$out/kraidiky-trajectory.svg"
/usr/bin/python3 tools/plot_analyses.py trajectory "$out/kraidiky-early-slow1.csv" "$out/kraidiky-early-slow1.svg"
/usr/bin/python3 tools/plot_analyses.py trajectory "$out/kraidiky-early-slow10.csv" "$out/kraidiky-early-slow10.svg"
/usr/bin/python3 tools/plot_analyses.py trajectory "$out/lenet5-trajectory.csv" "$out/lenet5-trajectory.svg"
/usr/bin/python3 tools/plot_analyses.py path "$out/mlp-path.csv" "$out/mlp-path.svg"
/usr/bin/python3 tools/plot_analyses.py path "$out/mlp-layers.csv" "$out/mlp-layers.svg"
/usr/bin/python3 tools/plot_analyses.py path "$out/lenet5-layers.csv" "$out/lenet5-layers.svg"
echo "done: $out"
