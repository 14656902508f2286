#!/usr/bin/env bash
# The hybrid system on loopback: a Commander (cloud) and a Dispatcher (edge), both on
# stories260K. Sends a story prompt, a coding prompt and a prompt with a phone number, and
# prints for each where it was answered, why, and what the Commander saw. Then stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
if [[ ! -x $BUILD/tandem ]]; then
  ./scripts/setup.sh >/dev/null
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j "$(nproc)" --target tandem
fi
MODEL=../shared/models/stories260K/stories260K-f32.gguf
WORK=$(mktemp -d)
LOG=$WORK/commander-saw.log
: >"$LOG"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
CPORT=$(free_port)
DPORT=$(free_port)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BUILD/tandem" commander -m "$MODEL" --port "$CPORT" -t 1 --log-requests "$LOG" \
  2>"$WORK/commander.err" &
PIDS+=($!)
"$BUILD/tandem" dispatcher -m "$MODEL" --port "$DPORT" -t 1 \
  --commander "http://127.0.0.1:$CPORT" 2>"$WORK/dispatcher.err" &
PIDS+=($!)
for url in "http://127.0.0.1:$CPORT" "http://127.0.0.1:$DPORT"; do
  for _ in $(seq 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
done
echo "commander: http://127.0.0.1:$CPORT   dispatcher: http://127.0.0.1:$DPORT"

ask() {
  local prompt=$1 before after headers answer
  before=$(wc -l <"$LOG" 2>/dev/null || echo 0)
  headers=$WORK/headers
  answer=$(curl -s -D "$headers" "http://127.0.0.1:$DPORT/v1/chat/completions" \
    -H 'Content-Type: application/json' \
    -d "$(python3 -c 'import json,sys; print(json.dumps({"messages":[{"role":"user","content":sys.argv[1]}],"max_tokens":40,"temperature":0}))' "$prompt")" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["choices"][0]["message"]["content"])')
  after=$(wc -l <"$LOG" 2>/dev/null || echo 0)
  echo "──────────────────────────────────────────────────────────────"
  echo "prompt:    $prompt"
  echo "answered:  $(grep -i '^x-tandem-route:' "$headers" | cut -d' ' -f2- | tr -d '\r')"
  echo "why:       $(grep -i '^x-tandem-reason:' "$headers" | cut -d' ' -f2- | tr -d '\r')"
  if ((after > before)); then
    echo "commander saw: $(tail -n +"$((before + 1))" "$LOG" | cut -d' ' -f2- |
      python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["messages"][-1]["content"])')"
  else
    echo "commander saw: nothing (answered on the edge)"
  fi
  echo "answer:    $answer"
}

ask "Once upon a time, there was a little girl named Lily. She liked to play in the park."
ask "Write a Python function that reverses a linked list."
ask "我叫张三,电话 13800000000。Write a Python function that checks my phone number."
echo "──────────────────────────────────────────────────────────────"
echo "routing metrics:"
curl -s "http://127.0.0.1:$DPORT/metrics" | grep '^tandem_routing_decisions_total' || true
echo
