#!/usr/bin/env bash
# Downloads public text for pretraining-scale pipeline runs, in the layout of ../shared/datasets:
#   tinyshakespeare/input.txt                       (1.1 MB, public-domain text)
#   commoncrawl/CC-MAIN-…-NNNNN.warc.wet.gz         (N WET segments of one crawl, ≈ 150 MB each; Common Crawl's
#                                                    terms of use apply to the crawl, each page keeps its own rights)
# Needs a network; never run by the tests or CI. Re-running skips files already present.
#   datasets/fetch-corpora.sh [DIR] [WET_SEGMENTS] [CRAWL]    (defaults: ../shared/datasets 2 CC-MAIN-2024-22)
set -euo pipefail
dir=${1:-../shared/datasets}
segments=${2:-2}
crawl=${3:-CC-MAIN-2024-22}

source "$(dirname "$0")/download.sh"

fetch https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt \
  "$dir/tinyshakespeare/input.txt"

paths="$dir/commoncrawl/$crawl-wet.paths.gz"
fetch "https://data.commoncrawl.org/crawl-data/$crawl/wet.paths.gz" "$paths"
zcat "$paths" | head -n "$segments" | while read -r segment; do
  fetch "https://data.commoncrawl.org/$segment" "$dir/commoncrawl/$crawl-$(basename "$segment")"
done
echo "corpora in $dir; point a pipeline's wet source at $dir/commoncrawl (see configs/pipeline/shared.yaml)"
