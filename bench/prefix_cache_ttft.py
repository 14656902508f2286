#!/usr/bin/env python3
"""Time to first token with the slot-level prefix KV cache (issue 15's benchmark).

A ~1,500-token shared system prompt plus a short question, asked twice with different
questions, against a Commander and against a Dispatcher answering on its edge (both serving
a TinyLlama-shaped Q4_0 random-weight model, 2 threads, context 2048). The second request
reuses the system prompt's KV (usage.prompt_tokens_details.cached_tokens says how much) and
prefills only the question. A third request with another system prompt takes the only slot
(--parallel 1), whose KV is saved to the RAM prompt cache first (--cache-ram; the eviction's
cost shows in that request's time); the first system prompt again loads it back. Then the
named feature cache: a fresh server stores the prompt under extra_body.cache.id, and another
fresh server over the same --cache-dir reads it back from disk.

    bench/prefix_cache_ttft.py --tandem build/tandem [--model /tmp/tl-q4_0.gguf]
"""
import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench_speculative import Procs, free_port, wait_http  # noqa: E402

SHARED = os.path.join(os.path.dirname(ROOT), "shared")
VOCAB = os.path.join(SHARED, "tokenizers/ggml-vocab-llama-spm.gguf")
STORIES = os.path.join(SHARED, "eval/tinystories/stories_dev.txt")
EDGE_ONLY = "[routing]\ncloud_intents = []\n"


def system_prompt(start_story, n_chars):
    stories = open(STORIES, encoding="utf-8").read().split("\n\n")[start_story:]
    text = ""
    for s in stories:
        if len(text) >= n_chars:
            break
        text += s.strip() + "\n\n"
    return "You answer questions about these stories.\n\n" + text[:n_chars]


def ask(port, system, question, cache=None):
    body = {"messages": [{"role": "system", "content": system},
                         {"role": "user", "content": question}],
            "max_tokens": 4, "temperature": 0, "stream": True,
            "stream_options": {"include_usage": True}}
    if cache:
        body["cache"] = cache
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    t0 = time.perf_counter()
    c.request("POST", "/v1/chat/completions", json.dumps(body),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    if r.status != 200:
        raise RuntimeError(f"HTTP {r.status}: {r.read()[:300]!r}")
    ttft, usage, buf = None, None, b""
    while True:
        chunk = r.read1(65536)
        if not chunk:
            raise RuntimeError("stream ended without [DONE]")
        buf += chunk
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            data = ev.decode().removeprefix("data: ").strip()
            if data.startswith(":"):
                continue
            if data == "[DONE]":
                return ttft, usage, r.getheader("x-tandem-route", "commander")
            j = json.loads(data)
            if j.get("usage"):
                usage = j["usage"]
            ch = j.get("choices") or []
            if ch and ttft is None and ch[0].get("delta", {}).get("content") is not None:
                ttft = time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "build/tandem"))
    ap.add_argument("--model", default=os.path.join(tempfile.gettempdir(), "tandem-tl-q4_0.gguf"),
                    help="made with `tandem synth --like tinyllama-1.1b --type Q4_0` if absent")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--system-chars", type=int, default=6000, help="about 1,500 tokens")
    args = ap.parse_args()
    if not os.path.exists(args.model):
        print(f"synthesising {args.model} ...", file=sys.stderr)
        subprocess.run([args.tandem, "synth", "--like", "tinyllama-1.1b", "--type", "Q4_0",
                        "--vocab-from", VOCAB, "-o", args.model], check=True,
                       stdout=subprocess.DEVNULL)
    sys_a = system_prompt(0, args.system_chars)
    sys_b = system_prompt(20, args.system_chars)
    procs = Procs()
    log = open(os.path.join(tempfile.gettempdir(), "prefix_cache_ttft.log"), "w")
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as pf:
        pf.write(EDGE_ONLY)
    rows = []
    cache_dir = tempfile.mkdtemp(prefix="tandem-kv-")
    try:
        for node in ("commander", "dispatcher"):
            cmd = [args.tandem, node, "-m", args.model, "-t", str(args.threads), "-c", "2048",
                   "-np", "1", "--cache-dir", os.path.join(cache_dir, node)]
            if node == "dispatcher":
                cmd += ["--commander", "http://127.0.0.1:9", "--policy", pf.name,
                        "--intent-model", os.path.join(ROOT, "data/intent/intent_model.bin")]
            named = {"id": "stories-a", "tags": ["bench"]}
            # Each phase is a fresh process: its slots and RAM prompt cache start empty.
            phases = [
                [("first (cold)", sys_a, "Who is the first story about?", None),
                 ("second question, same system prompt (slot)", sys_a,
                  "Where does it happen?", None),
                 ("another system prompt (the slot is saved to RAM first)", sys_b,
                  "Who is in it?", None),
                 ("first system prompt again (RAM prompt cache)", sys_a,
                  "What happens at the end?", None)],
                [("cold, stored as a named entry", sys_a, "Who is the first story about?",
                  named)],
                [("after a restart: named entry from --cache-dir", sys_a,
                  "Where does it happen?", {"id": "stories-a"})],
            ]
            results = []
            for steps in phases:
                port = free_port()
                p = procs.start(cmd + ["--port", str(port)], log)
                wait_http(port, timeout=300)
                for name, system, q, cache in steps:
                    ttft, usage, route = ask(port, system, q, cache)
                    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)
                    results.append((name, ttft, usage["prompt_tokens"], cached, route))
                    print(f"{node}: {name}: {ttft:.2f} s", file=sys.stderr, flush=True)
                procs.stop(p)
            first = results[0][1]
            for name, ttft, n_prompt, cached, route in results:
                rows.append(f"| {node} ({route}) | {name} | {n_prompt} | {cached} | "
                            f"{ttft:.3f} | {ttft / first:.1%} |")
    finally:
        procs.stop_all()
        os.unlink(pf.name)
        shutil.rmtree(cache_dir, ignore_errors=True)
    print("| node | request | prompt tokens | cached tokens | TTFT s | vs first |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
