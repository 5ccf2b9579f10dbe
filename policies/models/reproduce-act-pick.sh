#!/usr/bin/env bash
# Reproduces the shipped pick policies from nothing: 50 scripted demonstrations (seeds 0–49), ACT and the
# MLP baseline trained on them (seed 0, one torch thread: the weights are bit-identical for a seed and a
# thread count), each evaluated on 100 held-out episodes (seeds 100000–100099), the ACT policy copied to
# policies/models/act-pick/. Usage: policies/models/reproduce-act-pick.sh [WORK_DIR]   (default out/act-pick)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${1:-"$root/out/act-pick"}
robot="$root/robot"
mkdir -p "$work"
[ -f "$work/demos/meta/info.json" ] || "$robot" demos generate --episodes 50 --seed 0 --dataset "$work/demos"
"$robot" policy train --dataset "$work/demos" --policy act --out "$work/act" --steps 9000 --seed 0 --threads 1
"$robot" policy train --dataset "$work/demos" --policy mlp --out "$work/mlp" --steps 3000 --seed 0 --threads 1
"$robot" policy eval --policy "$work/act" --episodes 100 --seed 100000 --record --json > "$work/act-eval.json"
"$robot" policy eval --policy "$work/mlp" --episodes 100 --seed 100000 --record --json > "$work/mlp-eval.json"
dest="$root/policies/models/act-pick"
mkdir -p "$dest"
cp "$work/act"/{policy.json,model.safetensors,model_card.md,model_card.json,loss_curve.png,evaluation.json} "$dest/"
echo "ACT policy in $dest; evaluations in $work/act-eval.json and $work/mlp-eval.json"
