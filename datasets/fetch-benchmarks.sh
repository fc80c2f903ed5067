#!/usr/bin/env bash
# Downloads the public benchmarks phi4j evaluates and decontaminates against, in the layout configs expect of
# ../shared/datasets: gsm8k/{train,test}.jsonl, humaneval/HumanEval.jsonl.gz, mmlu/{dev,val,test}/*.csv.
# Needs a network; never run by the tests or CI. Re-running skips files already present.
#   datasets/fetch-benchmarks.sh [DIR]       (default: ../shared/datasets)
set -euo pipefail
dir=${1:-../shared/datasets}

source "$(dirname "$0")/download.sh"

gsm8k=https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data
fetch "$gsm8k/train.jsonl" "$dir/gsm8k/train.jsonl"                       # MIT
fetch "$gsm8k/test.jsonl" "$dir/gsm8k/test.jsonl"
fetch https://raw.githubusercontent.com/openai/grade-school-math/master/LICENSE "$dir/gsm8k/LICENSE"

fetch https://github.com/openai/human-eval/raw/master/data/HumanEval.jsonl.gz "$dir/humaneval/HumanEval.jsonl.gz"
fetch https://raw.githubusercontent.com/openai/human-eval/master/LICENSE "$dir/humaneval/LICENSE"   # MIT

# MMLU (Hendrycks et al., MIT): 57 subjects as CSV rows question, A, B, C, D, answer letter. The files have no
# header row; one is added, since phi4j's CSV reader names fields by the header:
#   phi4j eval --tasks mc --mc-file DIR/mmlu/test/astronomy_test.csv --mc-fields question,A+B+C+D,answer
if [[ ! -d "$dir/mmlu/test" ]]; then
  fetch https://people.eecs.berkeley.edu/~hendrycks/data.tar "$dir/mmlu/data.tar"
  tar -xf "$dir/mmlu/data.tar" -C "$dir/mmlu" --strip-components=1
  rm "$dir/mmlu/data.tar"
  find "$dir/mmlu" -name '*.csv' -exec sed -i '1i question,A,B,C,D,answer' {} +
fi
echo "benchmarks in $dir"
