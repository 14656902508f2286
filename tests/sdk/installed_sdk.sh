#!/usr/bin/env bash
# Installs the build into a fresh temporary prefix (`cmake --install`) and uses the SDK from
# there, as an app outside the source tree would (docs/SDK.md):
#   c       cc $(pkg-config --cflags --libs tandem) c_consumer/main.c, run it
#   static  the same against libtandem.a (pkg-config tandem-static)
#   cmake   c_consumer/ built through find_package(Tandem) -> Tandem::tandem, run it
#   nm      the shared library exports nothing but tandem_* symbols; SONAME libtandem.so.MAJOR
#   binary  the installed `tandem` finds its data files under the prefix from any directory
#   python  bindings/python's test against the installed package
#   java    bindings/java compiled with javac, its test run with java
# usage: installed_sdk.sh MODE BUILD_DIR SOURCE_DIR MODEL.gguf
set -euo pipefail
mode=$1
build=$(realpath "$2") src=$(realpath "$3") model=$(realpath "$4")
prefix=$(mktemp -d /tmp/tandem-sdk-XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name 'libtandem.so.*' -type f | head -1)")
export PKG_CONFIG_PATH="$libdir/pkgconfig"
template="$src/tests/sdk/story_template.jinja"
work="$prefix/work"
mkdir -p "$work"
cd "$work"  # nothing is found relative to the source tree or the build

case "$mode" in
  c)
    # shellcheck disable=SC2046
    cc -std=c99 -Wall -Wextra -Werror -o consumer "$src/tests/sdk/c_consumer/main.c" \
      $(pkg-config --cflags --libs tandem)
    ./consumer "$model" "$template"
    ;;
  static)
    # shellcheck disable=SC2046
    cc -std=c99 -Wall -o consumer "$src/tests/sdk/c_consumer/main.c" \
      $(pkg-config --cflags --libs tandem-static)
    if grep -q libtandem <<<"$(ldd ./consumer)"; then
      echo "FAIL: the static consumer links libtandem dynamically" >&2
      exit 1
    fi
    ./consumer "$model" "$template"
    ;;
  cmake)
    cmake -S "$src/tests/sdk/c_consumer" -B cbuild -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build cbuild >/dev/null
    ./cbuild/tandem_c_consumer "$model" "$template"
    ;;
  nm)
    so=$(find "$libdir" -name 'libtandem.so.*.*' -type f | head -1)
    "$src/tests/sdk/exports_only_c_abi.sh" nm "$so" "$prefix/include/tandem.h"
    ;;
  binary)
    # The installed `tandem` finds its data files under the prefix: a Dispatcher started from
    # a directory without data/ has its default intent model (<prefix>/share/tandem/...).
    help=$("$prefix/bin/tandem" dispatcher --help)  # (grep -q in a pipe: SIGPIPE, pipefail)
    grep -q "$prefix/share/tandem/intent/intent_model.bin" <<<"$help" || {
      echo "FAIL: the installed tandem does not default to its installed intent model" >&2
      exit 1
    }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$prefix/bin/tandem" dispatcher -m "$model" -t 1 --commander http://127.0.0.1:9 \
      --port "$port" >dispatcher.log 2>&1 &
    pid=$!
    # python3's urllib rather than curl: scripts/setup.sh does not install curl.
    route=$(python3 - "$port" <<'PY'
import json, sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}"
for _ in range(150):
    try:
        urllib.request.urlopen(url + "/health", timeout=1)
        break
    except urllib.error.HTTPError:
        break  # degraded (no Commander) is still an answer
    except OSError:
        time.sleep(0.2)
body = {"messages": [{"role": "user",
                      "content": "Write a Python function that reverses a linked list"}]}
req = urllib.request.Request(url + "/v1/route", json.dumps(body).encode(),
                             {"content-type": "application/json"})
print(urllib.request.urlopen(req, timeout=30).read().decode())
PY
)
    kill "$pid"
    wait "$pid" || true
    pid=""
    echo "$route"
    grep -q '"coding"' <<<"$route" || { cat dispatcher.log >&2; echo "FAIL: no intent" >&2; exit 1; }
    echo "ok"
    ;;
  python)
    PYTHONPATH="$prefix/share/tandem/python" python3 "$src/bindings/python/tests/test_tandem.py" \
      "$model" "$template"
    ;;
  java)
    jar=$(find "$prefix" -name 'tandem.jar' | head -1)
    javac -d classes -cp "$jar" "$src/bindings/java/test/TandemTest.java"
    java -Djava.library.path="$libdir" -cp "$jar:classes" TandemTest "$model" "$template"
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
