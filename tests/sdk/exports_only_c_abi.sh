#!/usr/bin/env bash
# The shared library exports the C ABI and nothing else: only tandem_* symbols, every
# function tandem.h declares, SONAME libtandem.so.MAJOR (docs/SDK.md, "ABI"). Used on the
# installed library (installed_sdk.sh nm) and on the aarch64 build (its own nm).
# usage: exports_only_c_abi.sh NM LIBTANDEM.so TANDEM.h
set -euo pipefail
nm=$1 so=$(realpath "$2") header=$3
exported=$("$nm" -D --defined-only "$so")
bad=$(awk '{print $NF}' <<<"$exported" | grep -v '^tandem_' || true)
count=$(awk '{print $NF}' <<<"$exported" | grep -c '^tandem_')
if [ -n "$bad" ]; then
  echo "FAIL: $so exports symbols outside the C ABI:" >&2
  echo "$bad" | head -20 >&2
  exit 1
fi
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libtandem.so.0" ] || { echo "FAIL: SONAME '$soname'" >&2; exit 1; }
declared=$(grep -o 'tandem_[a-z_]*(' "$header" | tr -d '(' | sort -u)
for f in $declared; do
  grep -qw "$f" <<<"$exported" || { echo "FAIL: $f not exported" >&2; exit 1; }
done
echo "ok: $count tandem_* symbols, nothing else; SONAME $soname ($(readelf -h "$so" | sed -n 's/ *Machine: *//p'))"
