#!/usr/bin/env bash
# Builds Tandem and runs the whole test suite: the Release build under CTest; then the
# model-file, kernel, engine, chat-template and grammar tests again under AddressSanitizer +
# UBSan (corrupt inputs must never crash; kernels and the forward pass must stay inside their
# buffers); then the aarch64 cross-build's kernel, model, tokenizer, engine and SDK tests under
# qemu-user (scripts/arm-test.sh); then a short libFuzzer smoke run of every parser that reads
# outside input.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTANDEM_SANITIZE=ON -DTANDEM_BUILD_BENCH=OFF
cmake --build build-asan -j "$jobs" --target test_model test_kernels test_engine test_template test_grammar
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan -L "model|kernels|engine|template|grammar" --output-on-failure -j "$jobs"
./scripts/arm-test.sh
./scripts/fuzz.sh "${TANDEM_FUZZ_SECONDS:-10}"
