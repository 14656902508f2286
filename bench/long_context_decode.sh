#!/usr/bin/env bash
# Decode speed deep in a long context with and without a KV budget (issue 24): tg32 after 1k
# tokens with the full cache, after 8k with a 1024-entry budget (sinks, then h2o), and after
# 8k with the full cache, on a TinyLlama-1.1B-shape Q4_0 synth model, one process each, in one
# run (compare the ratios, not the figures across machines).
#   bench/long_context_decode.sh [TANDEM] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
tandem=${1:-build/tandem}
threads=${2:-2}
model=${TMPDIR:-/tmp}/tandem-tl-q4_0.gguf
if [ ! -f "$model" ]; then
  echo "synthesising $model ..." >&2
  "$tandem" synth --like tinyllama-1.1b --type Q4_0 --vocab-from ../shared/tokenizers/ggml-vocab-llama-spm.gguf \
    -o "$model" >&2
fi
run() { "$tandem" bench -m "$model" -t "$threads" -p 0 -n 32 -r 3 "$@" 2>/dev/null | grep -E ' tg[0-9]+'; }
run -d 1024
run -d 8192 --kv-budget 1024 --kv-policy sinks
run -d 8192 --kv-budget 1024 --kv-policy h2o
run -d 8192
