#!/usr/bin/env bash
# The aarch64 build under qemu-user: cross-compiles the kernel, model-file, tokenizer and
# engine layers and their tests (cmake/aarch64-linux-gnu.cmake; packages from scripts/setup.sh)
# into build-arm64 and runs them through CTest, which calls qemu-aarch64. The default CPU
# model is qemu's `max` (SDOT + SMMLA), and the ArmInt8.* / ArmGolden.* entries rerun the
# int8 kernels and the stories260K story on CPU models with SDOT only and with neither.
# The SDK is built for aarch64 too (libtandem.so and the C-ABI tests: a C program linked
# against it, its exports, test_sdk); the Commander that the hybrid-client test starts is the
# build machine's own `tandem` (TANDEM_HOST_BINARY, from the Release build before this step):
# qemu-user runs an exec'd host binary natively, so the emulated app talks to a real x86 node.
# The slowest engine tests (KV budget, perplexity sweeps) are left to the native run.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${TANDEM_ARM_JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
host_tandem=${TANDEM_HOST_BINARY:-$PWD/build/tandem}
if [ ! -x "$host_tandem" ]; then
  echo "arm-test.sh: no host tandem at $host_tandem (build the Release tree first)" >&2
  exit 1
fi
cmake -S . -B build-arm64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DTANDEM_BUILD_BENCH=OFF \
  -DTANDEM_HOST_BINARY="$host_tandem" "${launcher[@]}"
ninja -C build-arm64 -j "$jobs" test_kernels test_model test_tokenizer test_engine test_sdk
export QEMU_CPU=max
slow='KvBudgetModel\.(BudgetNeverReachedChangesNothing|KeptEntriesAreTheRightPositions)'
slow+='|Perplexity\.(OwnStoryIsLowAndCodeIsFarHigher|StoryValueIsStableToFourDigits)'
ctest --test-dir build-arm64 -L "kernels|model|tokenizer|engine|sdk" -E "$slow" \
  --output-on-failure -j "$jobs"
