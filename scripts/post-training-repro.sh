#!/usr/bin/env bash
# The small-scale post-training reproduction of issue 14: SFT on the arithmetic word problems of datasets/arith, then
# DPO on Pivotal Token Search pairs mined from the SFT model, against SFT alone, on held-out exact match
# (datasets/arith/test.jsonl, greedy, strict #### extraction). Each seed runs the whole chain: its own SFT run (data
# order), Pivotal Token Search on that model's solutions (sampling), and DPO from it with it as the reference.
#
#   scripts/post-training-repro.sh              # seeds 11 22 33
#   scripts/post-training-repro.sh 7 8          # other seeds
#
# Needs runs/tiny-midtrain: bin/phi4j reproduce configs/tiny.yaml && bin/phi4j train configs/tiny-midtrain.yaml.
# Writes runs/arith/ (sets, pairs, per-seed evaluations), runs/tiny-arith-sft-s<SEED>, runs/tiny-arith-dpo-s<SEED>.
# A seed whose runs exist is not trained again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
phi4j="${PHI4J:-bin/phi4j}"
seeds=("$@")
(( ${#seeds[@]} )) || seeds=(11 22 33)

if [[ ! -d runs/tiny-midtrain/checkpoints ]]; then
  echo "post-training-repro: runs/tiny-midtrain is missing; run bin/phi4j reproduce configs/tiny.yaml and" \
       "bin/phi4j train configs/tiny-midtrain.yaml first" >&2
  exit 2
fi
[[ -f runs/arith/mixtures/sft/shards/manifest.json ]] \
  || $phi4j mixture build configs/mixture/arith-sft.yaml --tokenizer-from configs/tiny.yaml

for seed in "${seeds[@]}"; do
  dir="runs/arith/seed-$seed"
  sft="runs/tiny-arith-sft-s$seed"
  mkdir -p "$dir"
  [[ -d "$sft/checkpoints" ]] || $phi4j train configs/tiny-arith-sft.yaml --set "run.name=tiny-arith-sft-s$seed" \
    --set "run.seed=$seed"
  $phi4j pts configs/pts/tiny-arith.yaml --set "seed=$seed" --set "checkpoint=$sft" --set "output=$dir/pts"
  sed -e "s#runs/arith/pts/pairs.jsonl#$dir/pts/pairs.jsonl#" -e "s#^output_dir: .*#output_dir: $dir/mixtures#" \
    configs/mixture/arith-dpo.yaml > "$dir/mixture-dpo.yaml"
  $phi4j mixture build "$dir/mixture-dpo.yaml" --tokenizer-from configs/tiny.yaml
  [[ -d "runs/tiny-arith-dpo-s$seed/checkpoints" ]] || $phi4j train configs/tiny-arith-dpo.yaml \
    --set "run.name=tiny-arith-dpo-s$seed" --set "run.seed=$seed" --set "trainer.init_from=$sft" \
    --set "trainer.data.shards=$dir/mixtures/dpo/shards"
  $phi4j eval --checkpoint "runs/tiny-arith-dpo-s$seed" --baseline "$sft" --tasks math \
    --output "$dir/eval"
done

echo
echo "seed | PTS pairs | SFT exact match | SFT → DPO exact match"
for seed in "${seeds[@]}"; do
  dir="runs/arith/seed-$seed"
  pairs=$(wc -l < "$dir/pts/pairs.jsonl")
  # The baseline (SFT) is evaluated first: eval/tiny-arith-sft-s$seed/math.json, then the DPO run's.
  for run in "tiny-arith-sft-s$seed" "tiny-arith-dpo-s$seed"; do
    sed -n '/"metrics"/,/}/s/.*"strict" : \([0-9.]*\).*/\1/p' "$dir/eval/$run/math.json"
  done | paste -sd' ' \
    | awk -v seed="$seed" -v pairs="$pairs" '{ printf "%s | %s | %.3f | %.3f\n", seed, pairs, $1, $2 }'
done
