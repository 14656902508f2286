#!/usr/bin/env python3
"""Cloud-only vs cloud-speculative generation speed under emulated round-trip times.

For each RTT it puts scripts/delay_proxy.py (RTT/2 each way) between the edge and the
Commander and streams the same greedy chat requests through
  cloud      : a Dispatcher forced to the cloud (the Commander generates every token),
  spec-<D>   : a Dispatcher forced to the cloud with --speculative and draft model D,
  direct     : the client straight to the Commander through the proxy (no Dispatcher),
reporting wall-clock generated tokens/s (first byte sent to [DONE]), time to first token,
and for the speculative runs the acceptance from the Dispatcher's /metrics.
Everything runs on loopback, is bounded by --deadline-s, and is torn down at the end.

  scripts/bench_speculative.py --tandem build-spec/tandem \\
      --target ../shared/models/stories260K/stories260K-f32.gguf --rtt 0,20,50,100
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROMPTS = [
    "Once upon a time, there was a little girl named Lily. She liked to play",
    "Tom and his dog went to the park",
    "The cat sat on the mat and looked at the big red ball",
    "One day, a little boy found a shiny stone",
]
ALWAYS_CLOUD = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Procs:
    def __init__(self):
        self.procs = []

    def start(self, args, log):
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def stop_all(self):
        for p in list(self.procs):
            self.stop(p)


def wait_http(port, path="/health", timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"port {port} not healthy")


def wait_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} not listening")


def stream_chat(port, prompt, max_tokens):
    """Returns (completion tokens, seconds to [DONE], seconds to first content, route)."""
    body = json.dumps({"messages": [{"role": "user", "content": prompt}],
                       "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    route = r.getheader("x-tandem-route", "direct")
    ttft, tokens, buf = None, 0, b""
    while True:
        chunk = r.read1(65536) if hasattr(r, "read1") else r.read(1)
        if not chunk:
            break
        buf += chunk
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            data = ev.decode().removeprefix("data: ").strip()
            if data == "[DONE]":
                return tokens, time.perf_counter() - t0, ttft or 0.0, route
            j = json.loads(data)
            if j.get("usage"):
                tokens = j["usage"]["completion_tokens"]
            ch = j.get("choices") or []
            if ch and ch[0].get("delta", {}).get("content") and ttft is None:
                ttft = time.perf_counter() - t0
    raise RuntimeError("stream ended without [DONE]")


def spec_counters(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    out = {}
    for key in ("drafted_tokens", "accepted_tokens", "verify_passes"):
        m = re.search(rf"^tandem_spec_{key}_total (\d+)$", text, re.M)
        out[key] = int(m.group(1)) if m else 0
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tandem", default="build/tandem")
    ap.add_argument("--target", required=True, help="the Commander's model")
    ap.add_argument("--drafts", default="q4_0,q8_0",
                    help="quantization types of the target to draft with (tandem quantize), "
                         "or paths to draft GGUFs")
    ap.add_argument("--rtt", default="0,20,50,100", help="emulated RTTs in ms")
    ap.add_argument("--draft-max", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the prompts")
    ap.add_argument("--n-prompts", type=int, default=len(PROMPTS), help="prompts used (1-4)")
    ap.add_argument("--threads", type=int, default=1, help="per node (-t)")
    ap.add_argument("--no-direct", action="store_true")
    ap.add_argument("--deadline-s", type=float, default=1500)
    args = ap.parse_args()
    prompts = PROMPTS[:max(1, args.n_prompts)]
    deadline = time.time() + args.deadline_s
    procs = Procs()
    tmp = tempfile.mkdtemp(prefix="tandem-bench-spec-")
    log = open(os.path.join(tmp, "servers.log"), "w")

    def on_signal(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    try:
        drafts = {}
        for d in args.drafts.split(","):
            if os.path.exists(d):
                drafts[os.path.basename(d)] = d
                continue
            out = os.path.join(tmp, f"draft-{d}.gguf")
            subprocess.run([args.tandem, "quantize", args.target, out, "--type", d,
                            "--method", "rtn"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            drafts[d] = out
        policy = os.path.join(tmp, "cloud.toml")
        open(policy, "w").write(ALWAYS_CLOUD)
        cport, pport = free_port(), free_port()
        procs.start([args.tandem, "commander", "-m", args.target, "-t", str(args.threads),
                     "--port", str(cport)], log)
        wait_http(cport)
        via_proxy = f"http://127.0.0.1:{pport}"
        edge_model = next(iter(drafts.values()))  # the cloud-only Dispatcher's edge model
        setups = [("cloud", edge_model, [])]
        for name, path in drafts.items():
            setups.append((f"spec-{name}", path,
                           ["--speculative", "--draft-max", str(args.draft_max)]))
        disp = {}
        for name, model, extra in setups:
            port = free_port()
            procs.start([args.tandem, "dispatcher", "-m", model, "-t", str(args.threads),
                         "--commander", via_proxy, "--intent-model", "none", "--policy", policy,
                         "--port", str(port), "--commander-timeout-ms", "5000"] + extra, log)
            wait_http(port)
            disp[name] = port
        if not args.no_direct:
            disp["direct"] = pport
        print(f"# target {args.target}, drafts {', '.join(drafts)}, draft-max "
              f"{args.draft_max}, {len(prompts)} prompts x {args.repeat}, max_tokens "
              f"{args.max_tokens}, greedy, -t {args.threads} per node")
        print("| RTT ms | setup | route | tokens | wall s | tok/s | mean TTFT ms | "
              "acceptance | tokens/verify |")
        print("|---|---|---|---|---|---|---|---|---|")
        for rtt in [float(x) for x in args.rtt.split(",")]:
            proxy = procs.start([sys.executable, os.path.join(HERE, "delay_proxy.py"),
                                 "--listen", f"127.0.0.1:{pport}", "--to",
                                 f"127.0.0.1:{cport}", "--delay-ms", str(rtt / 2)], log)
            wait_port(pport)
            for name, port in disp.items():
                if time.time() > deadline:
                    raise TimeoutError("deadline reached")
                stream_chat(port, prompts[0], 8)  # warm-up (lazy verify state, caches)
                before = spec_counters(port) if name.startswith("spec") else None
                tokens = wall = ttft = 0.0
                route = ""
                for _ in range(args.repeat):
                    for p in prompts:
                        n, s, t, route = stream_chat(port, p, args.max_tokens)
                        tokens += n
                        wall += s
                        ttft += t
                acc = per = ""
                if before is not None:
                    after = spec_counters(port)
                    d = {k: after[k] - before[k] for k in after}
                    if d["drafted_tokens"]:
                        acc = f"{d['accepted_tokens'] / d['drafted_tokens']:.3f}"
                    if d["verify_passes"]:
                        per = f"{tokens / d['verify_passes']:.2f}"
                runs = len(prompts) * args.repeat
                print(f"| {rtt:g} | {name} | {route} | {int(tokens)} | {wall:.2f} | "
                      f"{tokens / wall:.1f} | {1e3 * ttft / runs:.1f} | {acc} | {per} |",
                      flush=True)
            procs.stop(proxy)
    finally:
        procs.stop_all()
        log.close()
        print(f"# server logs: {os.path.join(tmp, 'servers.log')}", file=sys.stderr)


if __name__ == "__main__":
    main()
