#!/usr/bin/env bash
# Perplexity with a KV budget of 1/8 of the context, per policy, next to the full cache and the
# truncation baseline, on the shared real models and the development text (issue 24).
#   bench/kv_budget_ppl.sh [TANDEM] [THREADS]
# Prints one markdown row per (model, text, policy); docs/LONG_CONTEXT.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
tandem=${1:-build/tandem}
threads=${2:-2}
shared=../shared
m260=$shared/models/stories260K
m1m=$shared/models/stories-code1M
eval=$shared/eval/tinystories
ppl() {  # model args..., prints the final estimate
  "$tandem" ppl "$@" -t "$threads" --kv-type f32 2>/dev/null | sed -n 's/.*PPL = \([0-9.]*\) +\/- \([0-9.]*\).*/\1 ± \2/p'
}
row() {  # label ctx budget text model-args...
  local label=$1 ctx=$2 budget=$3 text=$4
  shift 4
  local full
  full=$(ppl "$@" -f "$text" -c "$ctx")
  echo "| $label | $(basename "$text") | full ($ctx) | $full |"
  for p in window sinks h2o snapkv truncate; do
    echo "| $label | $(basename "$text") | $p ($budget) | $(ppl "$@" -f "$text" -c "$ctx" --kv-budget "$budget" --kv-policy "$p") |"
  done
}
echo "| model | text | cache | PPL |"
echo "|---|---|---|---|"
row stories260K 512 64 "$eval/stories_dev.txt" -m "$m260/stories260K.bin" -z "$m260/tok512.bin"
row stories-code1M 256 32 "$eval/stories_dev.txt" -m "$m1m/stories-code1M-f32.gguf"
row stories-code1M 256 32 "$eval/code_dev.txt" -m "$m1m/stories-code1M-f32.gguf"
