#!/usr/bin/env python3
"""Aggregate generation throughput of a running `tandem commander` (or any OpenAI-compatible
server) with 1, 2, 4, 8 concurrent streams, plus time-to-first-token percentiles.

Each stream runs `--requests` streaming /v1/completions calls back to back with
`ignore_eos`, so every request generates exactly `--tokens` tokens (servers that ignore
`ignore_eos` may stop early; the token counts come from the streamed usage).

  tandem synth --like tinyllama-1.1b --type Q4_0 --vocab-from <gguf> -o /tmp/tl.gguf
  tandem commander -m /tmp/tl.gguf --parallel 8 --port 8081 &
  scripts/bench_commander.py --url http://127.0.0.1:8081 --concurrency 1,2,4,8
Only the Python standard library is used.
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse


def one_request(url, args, prompt):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    body = {"prompt": prompt, "max_tokens": args.tokens, "temperature": args.temperature,
            "ignore_eos": True, "stream": True, "stream_options": {"include_usage": True}}
    if args.model:
        body["model"] = args.model
    headers = {"Content-Type": "application/json"}
    if args.api_key:
        headers["Authorization"] = "Bearer " + args.api_key
    t0 = time.perf_counter()
    conn.request("POST", "/v1/completions", json.dumps(body), headers)
    resp = conn.getresponse()
    if resp.status != 200:
        raise RuntimeError(f"HTTP {resp.status}: {resp.read()[:300]!r}")
    ttft = None
    tokens = 0
    chunks = 0
    for raw in resp:
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data: "):
            continue
        data = line[6:]
        if data == "[DONE]":
            break
        ev = json.loads(data)
        if ev.get("usage"):
            tokens = ev["usage"]["completion_tokens"]
        elif ev.get("choices") and ev["choices"][0].get("text"):
            chunks += 1
            if ttft is None:
                ttft = time.perf_counter() - t0
    conn.close()
    return tokens or chunks, ttft if ttft is not None else time.perf_counter() - t0


def run_level(url, args, concurrency):
    results, errors = [], []
    lock = threading.Lock()

    def worker(i):
        for r in range(args.requests):
            try:
                out = one_request(url, args, f"{args.prompt} ({i}-{r})")
                with lock:
                    results.append(out)
            except Exception as e:  # reported, not fatal: the table shows the error count
                with lock:
                    errors.append(str(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    tokens = sum(r[0] for r in results)
    ttfts = sorted(r[1] for r in results)
    pct = lambda p: ttfts[min(len(ttfts) - 1, int(p * len(ttfts)))] if ttfts else float("nan")
    return {"concurrency": concurrency, "tokens": tokens, "seconds": wall,
            "tok_s": tokens / wall if wall > 0 else 0.0,
            "ttft_p50_ms": 1e3 * (statistics.median(ttfts) if ttfts else float("nan")),
            "ttft_p95_ms": 1e3 * pct(0.95), "errors": len(errors),
            "first_error": errors[0] if errors else ""}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="http://127.0.0.1:8081")
    ap.add_argument("--api-key", default="")
    ap.add_argument("--model", default="")
    ap.add_argument("--concurrency", default="1,2,4,8")
    ap.add_argument("--requests", type=int, default=4, help="requests per stream")
    ap.add_argument("--tokens", type=int, default=128, help="tokens per request")
    ap.add_argument("--temperature", type=float, default=0.0)
    ap.add_argument("--prompt", default="Once upon a time, in a small village by the sea,")
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = ap.parse_args()

    one_request(args.url, argparse.Namespace(**{**vars(args), "tokens": 4}), "warm up")
    rows = [run_level(args.url, args, int(c)) for c in args.concurrency.split(",")]
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return
    base = rows[0]["tok_s"] or 1.0
    print("| streams | generated tok | seconds | aggregate tok/s | vs 1 stream | TTFT p50 ms | TTFT p95 ms | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['concurrency']} | {r['tokens']} | {r['seconds']:.2f} | {r['tok_s']:.1f} | "
              f"{r['tok_s'] / base:.2f}x | {r['ttft_p50_ms']:.0f} | {r['ttft_p95_ms']:.0f} | {r['errors']} |")
    for r in rows:
        if r["errors"]:
            print(f"errors at {r['concurrency']} streams, first: {r['first_error']}")


if __name__ == "__main__":
    main()
