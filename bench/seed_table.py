#!/usr/bin/env python3
"""The seed's benchmark table, measured on the real model family: cloud-only, edge-only and
hybrid through real `tandem commander` + `tandem dispatcher` processes on loopback, with the
link emulated by scripts/delay_proxy.py (RTT/2 each way).

Edge: stories260K (the Dispatcher's model). Cloud: stories-code1M (the Commander's). Prompts:
the held-out half (odd indices) of ../shared/eval/tinystories/pairs_dev.jsonl, which the
router's calibration (even indices) did not see.

Rows (one Dispatcher per mode, all in front of the same Commander):
  cloud-only    policy: everything to the Commander (ppl_threshold = 1.0, no intents)
  edge-only     policy: nothing to the Commander (no ppl rule, no intents)
  hybrid        policy: --policy (data/router/pair.toml: the calibrated perplexity router)
  cloud-spec    cloud-only with --speculative (the edge drafts, the Commander verifies)
Columns:
  TTFT          chat time to first token, median over the prompts, per RTT
  quality       mean teacher-forced log-likelihood of the true continuation under the model
                that answered (per-pair figures from `tandem eval-router --csv`), and PGR
  tok/s         streamed completion tokens / (time from sending to [DONE]), median
  cloud tokens  positions the Commander evaluated (prompt + completion; for speculative
                passes the prompt, every drafted token and one per pass), and the cut
                relative to cloud-only
  edge CPU s    the Dispatcher's CPU seconds (utime + stime from /proc) per answer: the
                phone's energy proxy

    build/tandem eval-router -m ../shared/models/stories260K/stories260K-f32.gguf \\
        --cloud ../shared/models/stories-code1M/stories-code1M-f32.gguf \\
        --pairs ../shared/eval/tinystories/pairs_dev.jsonl --raw --csv /tmp/eval.csv
    bench/seed_table.py --tandem build/tandem --policy data/router/pair.toml \\
        --quality /tmp/eval.csv --rtt 0,50,100
"""
import argparse
import csv
import http.client
import json
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from bench_speculative import Procs, free_port, spec_counters, wait_http, wait_port  # noqa: E402

SHARED = os.path.join(os.path.dirname(ROOT), "shared")
EDGE = os.path.join(SHARED, "models/stories260K/stories260K-f32.gguf")
CLOUD = os.path.join(SHARED, "models/stories-code1M/stories-code1M-f32.gguf")
PAIRS = os.path.join(SHARED, "eval/tinystories/pairs_dev.jsonl")
INTENT = os.path.join(ROOT, "data/intent/intent_model.bin")
ALWAYS_CLOUD = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n"
ALWAYS_EDGE = "[routing]\ncloud_intents = []\n"
# The privacy rules stay on in every mode; these prompts carry no PII, names aside (a story's
# "Lily" is masked before it leaves, as it would be in production).


def post_stream(port, path, body):
    """Streams one request; returns dict(route, ttft, t_done, usage)."""
    body = dict(body, stream=True, stream_options={"include_usage": True})
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    r = c.getresponse()
    if r.status != 200:
        raise RuntimeError(f"HTTP {r.status}: {r.read()[:300]!r}")
    out = {"route": r.getheader("x-tandem-route", "?"), "ttft": None, "usage": None}
    buf = b""
    while True:
        chunk = r.read1(65536)
        if not chunk:
            raise RuntimeError("stream ended without [DONE]")
        buf += chunk
        while b"\n\n" in buf:
            ev, buf = buf.split(b"\n\n", 1)
            data = ev.decode().removeprefix("data: ").strip()
            if data == "[DONE]":
                out["t_done"] = time.perf_counter() - t0
                return out
            j = json.loads(data)
            if j.get("usage"):
                out["usage"] = j["usage"]
            ch = j.get("choices") or []
            piece = ch and (ch[0].get("delta", {}).get("content") or ch[0].get("text"))
            if piece and out["ttft"] is None:
                out["ttft"] = time.perf_counter() - t0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_pairs(path, split):
    pairs = [dict(json.loads(l), index=i)
             for i, l in enumerate(l for l in open(path, encoding="utf-8") if l.strip())]
    keep = {"odd": 1, "even": 0}.get(split)
    return [p for p in pairs if keep is None or p["index"] % 2 == keep]


def load_quality(path):
    """{pair index: (q_edge, q_cloud)} from `tandem eval-router --csv`'s per-pair table."""
    if not path:
        return {}
    with open(path, newline="") as f:
        return {int(r["index"]): (float(r["q_edge"]), float(r["q_cloud"]))
                for r in csv.DictReader(f)}


def run_mode(tandem, mode, policy_text, extra, commander_url, prompts, chat_prompts, args, log):
    procs = Procs()
    port = free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as pf:
        pf.write(policy_text)
    try:
        p = procs.start([tandem, "dispatcher", "-m", EDGE, "-t", "1", "--port", str(port),
                         "--commander", commander_url, "--intent-model", INTENT,
                         "--policy", pf.name] + extra, log)
        wait_http(port)
        cpu0 = cpu_seconds(p.pid)
        spec0 = spec_counters(port)
        answers = []
        # Routing and quality: every held-out pair's prompt as a raw completion (the pairs
        # are raw text), greedy, a few tokens (the route is decided before the answer).
        for pair in prompts:
            a = post_stream(port, "/v1/completions",
                            {"prompt": pair["prompt"], "max_tokens": args.max_tokens,
                             "temperature": 0})
            a["index"] = pair["index"]
            a["domain"] = pair["domain"]
            answers.append(a)
        chats = [post_stream(port, "/v1/chat/completions",
                             {"messages": [{"role": "user", "content": t}],
                              "max_tokens": args.max_tokens, "temperature": 0})
                 for t in chat_prompts]
        cpu = cpu_seconds(p.pid) - cpu0
        spec = {k: v - spec0.get(k, 0) for k, v in spec_counters(port).items()}
        return answers, chats, cpu, spec
    finally:
        procs.stop_all()
        os.unlink(pf.name)


def cloud_positions(answers, spec):
    """Positions the Commander evaluated for these answers."""
    n = 0
    for a in answers:
        if a["route"] == "cloud":
            n += a["usage"]["prompt_tokens"] + a["usage"]["completion_tokens"]
        elif a["route"] == "cloud-speculative":
            n += a["usage"]["prompt_tokens"]
    return n + spec.get("drafted_tokens", 0) + spec.get("verify_passes", 0)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tandem", default=os.path.join(ROOT, "build/tandem"))
    ap.add_argument("--policy", default=os.path.join(ROOT, "data/router/pair.toml"))
    ap.add_argument("--quality", help="`tandem eval-router --csv` output (per-pair q)")
    ap.add_argument("--pairs", default=PAIRS)
    ap.add_argument("--split", default="odd", choices=["odd", "even", "all"])
    ap.add_argument("--rtt", default="0,50,100", help="emulated RTTs in ms")
    ap.add_argument("--max-tokens", type=int, default=48)
    ap.add_argument("--draft-max", type=int, default=8)
    ap.add_argument("--out", help="also write the markdown table here")
    ap.add_argument("--svg", help="also draw TTFT and tok/s against the RTT (SVG) here")
    args = ap.parse_args()

    pairs = load_pairs(args.pairs, args.split)
    quality = load_quality(args.quality)
    chat_prompts = [p["prompt"] for p in pairs if p["domain"] == "story"][:8]
    hybrid_policy = open(args.policy).read()
    modes = [("cloud-only", ALWAYS_CLOUD, []), ("edge-only", ALWAYS_EDGE, []),
             ("hybrid", hybrid_policy, []),
             ("cloud-spec", ALWAYS_CLOUD, ["--speculative", "--draft-max", str(args.draft_max)])]
    rtts = [int(x) for x in args.rtt.split(",")]
    procs = Procs()
    log = open(os.path.join(tempfile.gettempdir(), "seed_table.log"), "w")
    results = {}
    try:
        cport = free_port()
        procs.start([args.tandem, "commander", "-m", CLOUD, "-t", "1", "--port", str(cport)], log)
        wait_http(cport)
        for rtt in rtts:
            url = f"http://127.0.0.1:{cport}"
            proxy = None
            if rtt > 0:
                pport = free_port()
                proxy = procs.start([sys.executable, os.path.join(ROOT, "scripts/delay_proxy.py"),
                                     "--listen", f"127.0.0.1:{pport}", "--to",
                                     f"127.0.0.1:{cport}", "--delay-ms", str(rtt / 2)], log)
                wait_port(pport)
                url = f"http://127.0.0.1:{pport}"
            for name, policy, extra in modes:
                print(f"rtt {rtt} ms: {name} ...", file=sys.stderr, flush=True)
                results[(rtt, name)] = run_mode(args.tandem, name, policy, extra, url, pairs,
                                                chat_prompts, args, log)
            if proxy:
                procs.stop(proxy)
    finally:
        procs.stop_all()

    lines = render(results, rtts, modes, quality, len(pairs), args)
    text = "\n".join(lines)
    print(text)
    if args.out:
        open(args.out, "w").write(text + "\n")
    if args.svg:
        open(args.svg, "w").write(speed_svg(results, rtts, modes))


def render(results, rtts, modes, quality, n_pairs, args):
    base_rtt = rtts[0]
    q_edge = q_cloud = None
    if quality:
        qs = [quality[a["index"]] for a in results[(base_rtt, "cloud-only")][0]]
        q_edge = statistics.fmean(q[0] for q in qs)
        q_cloud = statistics.fmean(q[1] for q in qs)
    cloud_only_positions = cloud_positions(*[results[(base_rtt, "cloud-only")][i]
                                             for i in (0, 3)])
    head = ["mode"] + [f"chat TTFT ms @RTT {r}" for r in rtts] + [
        "quality (mean log-lik)", "PGR", "cloud share", f"tok/s @RTT {rtts[-1]}",
        "cloud positions", "cloud cost cut", "edge CPU s / answer"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, _, _ in modes:
        answers, _, cpu, spec = results[(base_rtt, name)]
        row = [name]
        for r in rtts:
            row.append(f"{1000 * median([c['ttft'] for c in results[(r, name)][1]]):.1f}")
        if quality:
            qs = [quality[a["index"]][0 if a["route"] == "edge" else 1] for a in answers]
            q = statistics.fmean(qs)
            row += [f"{q:.3f}", f"{(q - q_edge) / (q_cloud - q_edge):.2f}"]
        else:
            row += ["n/a", "n/a"]
        share = sum(a["route"] != "edge" for a in answers) / len(answers)
        row.append(f"{share:.2f}")
        chats_last = results[(rtts[-1], name)][1]
        # Whole-request rate (first byte sent to [DONE]), as scripts/bench_speculative.py:
        # an edge answer arrives in a few chunks, so first-to-last-token rates would be noise.
        rates = [c["usage"]["completion_tokens"] / c["t_done"] for c in chats_last]
        row.append(f"{median(rates):.0f}")
        pos = cloud_positions(answers, spec)
        row += [str(pos), f"{1 - pos / cloud_only_positions:.0%}",
                f"{cpu / (len(answers) + len(results[(base_rtt, name)][1])):.4f}"]
        if spec.get("drafted_tokens"):
            per_pass = (spec["accepted_tokens"] + spec["verify_passes"]) / spec["verify_passes"]
            row[0] += (f" (acceptance {spec['accepted_tokens'] / spec['drafted_tokens']:.2f}, "
                       f"{per_pass:.2f} tokens/pass)")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append(f"{n_pairs} held-out pairs ({args.split} indices of pairs_dev.jsonl) as raw "
                 f"completions, {args.max_tokens} greedy tokens; chat TTFT and tok/s over "
                 f"{len(results[(base_rtt, 'cloud-only')][1])} story prompts as chat turns.")
    return lines


COLORS = {"cloud-only": "#1f77b4", "edge-only": "#2ca02c", "hybrid": "#d62728",
          "cloud-spec": "#ff7f0e"}


def speed_svg(results, rtts, modes):
    """Two panels: median chat TTFT (ms) and median tok/s (log scale) against the RTT."""
    import math
    w, h, pl, pb, pt, pr = 380, 290, 56, 40, 30, 12
    panels = [("chat time to first token, ms", lambda c: 1000 * c["ttft"], False),
              ("decode tok/s (log scale)", lambda c: c["usage"]["completion_tokens"] / c["t_done"],
               True)]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{h + 30}" '
           'font-family="sans-serif" font-size="11">',
           f'<rect width="{2 * w}" height="{h + 30}" fill="white"/>']
    for k, (title, f, log) in enumerate(panels):
        x0 = k * w
        series = {name: [median([f(c) for c in results[(r, name)][1]]) for r in rtts]
                  for name, _, _ in modes}
        vals = [v for vs in series.values() for v in vs]
        t = (lambda v: math.log10(max(v, 1e-3))) if log else (lambda v: v)
        lo, hi = (t(min(vals)), t(max(vals))) if log else (0.0, max(vals) * 1.05)
        hi = hi if hi > lo else lo + 1
        pw, ph = w - pl - pr, h - pt - pb
        X = lambda r: x0 + pl + (r - rtts[0]) / max(1, rtts[-1] - rtts[0]) * pw  # noqa: E731
        Y = lambda v: pt + (hi - t(v)) / (hi - lo) * ph  # noqa: E731
        out.append(f'<text x="{x0 + pl + pw / 2}" y="{pt - 10}" text-anchor="middle" '
                   f'font-size="12">{title}</text>')
        out.append(f'<rect x="{x0 + pl}" y="{pt}" width="{pw}" height="{ph}" fill="none" '
                   'stroke="#333"/>')
        for r in rtts:
            out.append(f'<text x="{X(r):.1f}" y="{pt + ph + 14}" text-anchor="middle">{r}</text>')
        out.append(f'<text x="{x0 + pl + pw / 2}" y="{pt + ph + 30}" text-anchor="middle">'
                   'emulated RTT, ms</text>')
        for v in sorted({min(vals), max(vals)} | ({median(vals)} if not log else set())):
            out.append(f'<text x="{x0 + pl - 4}" y="{Y(v) + 4:.1f}" text-anchor="end">'
                       f'{v:.0f}</text>')
        for j, (name, vs) in enumerate(series.items()):
            pts = " ".join(f"{X(r):.1f},{Y(v):.1f}" for r, v in zip(rtts, vs))
            out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[name]}" '
                       'stroke-width="2"/>')
            out.append(f'<text x="{x0 + pl + 6}" y="{pt + 14 + 13 * j}" '
                       f'fill="{COLORS[name]}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
