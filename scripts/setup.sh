#!/usr/bin/env bash
# Installs everything Tandem needs to build and test on Debian 12. Idempotent; run as root.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libhwy-dev libcpp-httplib-dev nlohmann-json3-dev libre2-dev libpcre2-dev
  libcli11-dev libfmt-dev libspdlog-dev libtomlplusplus-dev libssl-dev zlib1g-dev
  iproute2
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang-format
  python3 python3-jinja2
  clang libclang-rt-14-dev
  # Multimodal input: image decoding, the audio front end (FFT, file decoding, resampling).
  libstb-dev libkissfft-dev libsndfile1-dev libsamplerate0-dev
  # Reference forwards for the encoders' parity tests (tests only; Debian's own python3).
  python3-numpy python3-scipy python3-torch libopenblas0-pthread
  # The SDK's Java binding (JNI; bindings/java) is built and tested with Debian's JDK.
  default-jdk
  # The web console's browser test (tests/console): Debian's chromium, driven headless.
  chromium
)
# The aarch64 cross-build tested under qemu-user (scripts/arm-test.sh): the cross compiler,
# qemu, and the arm64 multiarch builds of the libraries the kernel, model, tokenizer and
# engine layers and their tests link (header-only ones come from the native packages above;
# CMake's configure step also looks for the rest of Tandem's libraries).
arm64_packages=(
  crossbuild-essential-arm64 qemu-user
  libhwy-dev:arm64 libpcre2-dev:arm64 libfmt-dev:arm64 libspdlog-dev:arm64
  libgtest-dev:arm64 libgmock-dev:arm64
  libre2-dev:arm64 libtomlplusplus-dev:arm64 libcpp-httplib-dev:arm64 libssl-dev:arm64
  libsndfile1-dev:arm64 libsamplerate0-dev:arm64 libkissfft-dev:arm64
)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO dpkg --add-architecture arm64
fi
packages+=("${arm64_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -y
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
# Node.js + npm run the API tests with the official `openai` client. Use the machine's
# node when it has one (Debian's npm conflicts with newer node builds).
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm
fi
# The JavaScript test dependencies, exactly as locked: tests/clients (the openai, LangChain and
# AI SDK clients, ajv), tests/console (puppeteer-core) and tests/llamacpp (node-llama-cpp with llama.cpp's prebuilt
# linux-x64 CPU binaries only: --omit=optional skips the CUDA/Vulkan/other-platform builds, and
# --ignore-scripts its postinstall, which would look for a GPU build). A stamp in node_modules
# holds the lock file's hash and the flags; `npm ci` runs only when they changed (or
# node_modules is missing), so an up-to-date checkout never touches the network, and
# --prefer-offline lets a clean clone install from npm's cache when it holds the packages.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
npm_locked() {
  local dir="$1"
  shift
  local stamp="$dir/node_modules/.tandem-lock-stamp"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) $*"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if ! npm ci --prefix "$dir" --no-audit --no-fund --prefer-offline "$@"; then
    echo "setup: npm ci failed in $dir (the npm registry or its cache is needed once per lock file change)" >&2
    return 1
  fi
  echo "$want" >"$stamp"
}
npm_locked "$root/tests/clients"
npm_locked "$root/tests/llamacpp" --omit=optional --ignore-scripts
# puppeteer-core drives the system chromium; it downloads no browser of its own.
npm_locked "$root/tests/console"
echo "setup: all packages present"
