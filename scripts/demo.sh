#!/usr/bin/env bash
# Builds Tandem, tells a story with the real stories260K model (greedy, 200 tokens), then
# runs the hybrid system on loopback: a Commander and a Dispatcher, three prompts, and for
# each where it was answered, why, and what the Commander saw.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target tandem
echo "== tandem run: stories260K, greedy, 200 tokens"
./build/tandem run -m ../shared/models/stories260K/stories260K.bin \
  -z ../shared/models/stories260K/tok512.bin -n 200 --temp 0 "$@"
echo
echo "== the hybrid system: Commander (cloud) + Dispatcher (edge) on loopback"
BUILD=build ./scripts/demo_hybrid.sh
