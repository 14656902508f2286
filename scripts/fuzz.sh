#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan, coverage) in build-fuzz/, replays every
# input that once crashed (fuzz/regressions/<name>/), then fuzzes each harness for SECONDS
# (default 10) from the committed seeds (fuzz/corpus/<name>/). New inputs go to
# build-fuzz/corpus/<name>/, crashes to build-fuzz/crashes/<name>/; any crash, leak, timeout
# (10 s per input) or out-of-memory (2 GB) fails the script. The mutations are seeded with
# TANDEM_FUZZ_SEED (default 1), so a short CI run explores the same inputs every time and a red
# run reproduces; TANDEM_FUZZ_SEED=0 picks a random seed for exploratory runs.
#   scripts/fuzz.sh [SECONDS] [NAME ...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
seed=${TANDEM_FUZZ_SEED:-1}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(gguf llama2c safetensors openai_request tokenizer privacy chat_template grammar image)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DTANDEM_FUZZ=ON -DTANDEM_BUILD_TESTS=OFF -DTANDEM_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target $(printf 'fuzz_%s ' "${names[@]}")
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for name in "${names[@]}"; do
  bin=build-fuzz/fuzz/fuzz_$name
  if [ -d "fuzz/regressions/$name" ] && [ -n "$(ls -A "fuzz/regressions/$name")" ]; then
    "$bin" -runs=0 "fuzz/regressions/$name"/* 2>&1 | tail -1
  fi
  mkdir -p "build-fuzz/corpus/$name" "build-fuzz/crashes/$name"
  echo "fuzz_$name: ${seconds} s"
  "$bin" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="build-fuzz/crashes/$name/" -print_final_stats=1 \
    "build-fuzz/corpus/$name" "fuzz/corpus/$name" >"build-fuzz/$name.log" 2>&1 || {
    tail -40 "build-fuzz/$name.log"
    echo "fuzz_$name FAILED (input in build-fuzz/crashes/$name/)"
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/$name.log" | tr '\n' ' '
  echo
done
echo "fuzz: ${#names[@]} harnesses, 0 crashes"
