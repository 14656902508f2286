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
)
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
# The API tests' JavaScript dependencies (the official openai client), from the lock file.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$root/tests/clients/node_modules" ]; then
  npm ci --prefix "$root/tests/clients" --no-audit --no-fund
fi
echo "setup: all packages present"
