#!/usr/bin/env bash
# Builds Tandem and tells a story with the real stories260K model (greedy, 200 tokens).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target tandem
./build/tandem run -m ../shared/models/stories260K/stories260K.bin \
  -z ../shared/models/stories260K/tok512.bin -n 200 --temp 0 "$@"
