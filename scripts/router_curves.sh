#!/usr/bin/env bash
# Regenerates the router quality/cost curves of docs/ROUTING.md: eval-router on the shared
# family's development pairs (edge stories260K, and weak281K within the stories; cloud
# stories-code1M), then the SVGs under docs/router/ (python3 stdlib, scripts/plot_pgr.py).
#   scripts/router_curves.sh [build/tandem] [../shared]
set -euo pipefail
cd "$(dirname "$0")/.."
TANDEM=${1:-build/tandem}
SHARED=${2:-../shared}
M=$SHARED/models
PAIRS=$SHARED/eval/tinystories/pairs_dev.jsonl
OUT=docs/router
mkdir -p "$OUT" build/router-eval
for edge in stories260K weak281K; do
  for split in all odd; do
    "$TANDEM" eval-router -m "$M/$edge/$edge-f32.gguf" --cloud "$M/stories-code1M/stories-code1M-f32.gguf" \
      --pairs "$PAIRS" --raw --split "$split" --signals -t 1 \
      --json "build/router-eval/$edge-$split.json" --csv "build/router-eval/$edge-$split.csv" \
      > "build/router-eval/$edge-$split.txt"
  done
done
python3 scripts/plot_pgr.py build/router-eval/stories260K-all.json "$OUT/pgr_stories260K.svg" \
  --title "edge stories260K -> cloud stories-code1M: PGR vs cloud share (102 dev pairs, teacher-forced)"
python3 scripts/plot_pgr.py build/router-eval/stories260K-all.json "$OUT/pgr_stories260K_answer.svg" \
  --quality answer \
  --title "edge stories260K -> cloud stories-code1M: answer-based quality (cloud judges greedy answers)"
python3 scripts/plot_pgr.py build/router-eval/weak281K-all.json "$OUT/pgr_weak281K_story.svg" \
  --domains story --title "edge weak281K -> cloud stories-code1M, stories only (54 pairs)"
python3 scripts/plot_pgr.py build/router-eval/weak281K-odd.json "$OUT/pgr_weak281K_story_signals.svg" \
  --domains story --routers perplexity,random,oracle,entropy-prompt,entropy-gen,margin-gen,learned \
  --title "weak281K edge, stories, held-out (odd) pairs: edge signals beyond perplexity"
echo "wrote $OUT/*.svg; tables in build/router-eval/*.txt"
