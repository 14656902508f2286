#!/usr/bin/env bash
# The aarch64 build under qemu-user: cross-compiles the kernel, model-file, tokenizer and
# engine layers and their tests (cmake/aarch64-linux-gnu.cmake; packages from scripts/setup.sh)
# into build-arm64 and runs them through CTest, which calls qemu-aarch64. The default CPU
# model is qemu's `max` (SDOT + SMMLA), and the ArmInt8.* / ArmGolden.* entries rerun the
# int8 kernels and the stories260K story on CPU models with SDOT only and with neither.
# The SDK (C ABI) is not built here: its layers are most of Tandem (docs/SDK.md, "ARM").
# The slowest engine tests (KV budget, perplexity sweeps) are left to the native run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${TANDEM_ARM_JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DTANDEM_BUILD_BENCH=OFF "${launcher[@]}"
ninja -C build-arm64 -j "$jobs" test_kernels test_model test_tokenizer test_engine
export QEMU_CPU=max
slow='KvBudgetModel\.(BudgetNeverReachedChangesNothing|KeptEntriesAreTheRightPositions)'
slow+='|Perplexity\.(OwnStoryIsLowAndCodeIsFarHigher|StoryValueIsStableToFourDigits)'
ctest --test-dir build-arm64 -L "kernels|model|tokenizer|engine" -E "$slow" \
  --output-on-failure -j "$jobs"
