#!/usr/bin/env python3
"""Draws PGR curves (cloud share vs performance gap recovered) from `tandem eval-router --json`
as one SVG: a panel per domain, a line per router, intent-only as a single point, random as
the dashed diagonal. Python 3 standard library only (no gnuplot/matplotlib needed).

  python3 scripts/plot_pgr.py eval.json docs/router/pgr.svg [--quality teacher-forced]
      [--routers perplexity,length,intent,oracle] [--title TEXT]
"""
import argparse
import json
from xml.sax.saxutils import escape

COLORS = {
    "perplexity": "#d62728", "length": "#2ca02c", "intent": "#9467bd", "oracle": "#1f77b4",
    "random": "#7f7f7f", "entropy-prompt": "#ff7f0e", "margin-prompt": "#8c564b",
    "entropy-gen": "#e377c2", "margin-gen": "#bcbd22", "learned": "#17becf",
}
W, H, PAD_L, PAD_B, PAD_T, PAD_R = 330, 300, 48, 40, 34, 12


def panel(res, routers, x0):
    """One domain's axes and curves, at horizontal offset x0."""
    pw, ph = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    lo = min([0.0] + [p[1] for r in res["routers"] if r["name"] in routers for p in r["points"]])
    lo = max(lo, -1.0)
    hi = 1.05

    def X(s):
        return x0 + PAD_L + s * pw

    def Y(v):
        v = max(lo, min(hi, v))
        return PAD_T + (hi - v) / (hi - lo) * ph

    out = []
    title = f'{res["domain"]} ({res["n"]} pairs, gap {res["q_cloud"] - res["q_edge"]:+.3f})'
    out.append(f'<text x="{X(0.5):.1f}" y="{PAD_T - 12}" text-anchor="middle" '
               f'font-size="12">{escape(title)}</text>')
    out.append(f'<rect x="{X(0):.1f}" y="{Y(hi):.1f}" width="{pw}" height="{ph}" fill="none" '
               'stroke="#333"/>')
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        out.append(f'<line x1="{X(t):.1f}" y1="{Y(hi):.1f}" x2="{X(t):.1f}" y2="{Y(lo):.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{X(t):.1f}" y="{Y(lo) + 14:.1f}" text-anchor="middle" '
                   f'font-size="10">{int(t * 100)}%</text>')
    v = 0.0 if lo > -0.5 else -1.0
    while v <= 1.0001:
        out.append(f'<line x1="{X(0):.1f}" y1="{Y(v):.1f}" x2="{X(1):.1f}" y2="{Y(v):.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{X(0) - 4:.1f}" y="{Y(v) + 3:.1f}" text-anchor="end" '
                   f'font-size="10">{v:.2f}</text>')
        v += 0.25
    out.append(f'<text x="{X(0.5):.1f}" y="{H - 6}" text-anchor="middle" font-size="11">'
               'share sent to the cloud</text>')
    out.append(f'<text x="{x0 + 12}" y="{Y((hi + lo) / 2):.1f}" font-size="11" '
               f'transform="rotate(-90 {x0 + 12} {Y((hi + lo) / 2):.1f})" '
               'text-anchor="middle">PGR</text>')
    if not res["defined"]:
        out.append(f'<text x="{X(0.5):.1f}" y="{Y(0.5):.1f}" text-anchor="middle" '
                   'font-size="11" fill="#a00">cloud not better on the mean: PGR undefined</text>')
        return out
    for r in res["routers"]:
        if r["name"] not in routers:
            continue
        c = COLORS.get(r["name"], "#000")
        if "point" in r:
            s, p = r["point"]
            out.append(f'<circle cx="{X(s):.1f}" cy="{Y(p):.1f}" r="4.5" fill="{c}"/>')
            continue
        pts = " ".join(f"{X(s):.1f},{Y(p):.1f}" for s, p in r["points"])
        dash = ' stroke-dasharray="5,4"' if r["name"] == "random" else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="1.8"{dash}/>')
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json")
    ap.add_argument("svg")
    ap.add_argument("--quality", default="teacher-forced")
    ap.add_argument("--routers", default="perplexity,random,length,intent,oracle")
    ap.add_argument("--domains", default="", help="comma list; default: every domain")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    data = json.load(open(a.json))
    routers = a.routers.split(",")
    results = [r for r in data["results"] if r["quality"] == a.quality]
    if a.domains:
        results = [r for r in results if r["domain"] in a.domains.split(",")]
    if not results:
        raise SystemExit(f"{a.json}: no results for quality {a.quality}")
    width, legend_h = W * len(results), 22
    body = []
    for i, res in enumerate(results):
        body += panel(res, routers, i * W)
    x = 10
    for name in routers:
        apgrs = [f'{r["apgr"]:.2f}' for res in results for r in res["routers"] if r["name"] == name]
        body.append(f'<rect x="{x}" y="{H + 6}" width="12" height="4" '
                    f'fill="{COLORS.get(name, "#000")}"/>')
        label = f'{name} (APGR {" / ".join(apgrs)})'
        body.append(f'<text x="{x + 16}" y="{H + 12}" font-size="11">{escape(label)}</text>')
        x += 16 + 6.2 * len(label) + 14
    title = a.title or f'{data["edge"]} -> {data["cloud"]}, {a.quality} quality, {data["split"]} pairs'
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(width, x)}" '
           f'height="{H + legend_h + 18}" font-family="sans-serif">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="8" y="14" font-size="12" font-weight="bold">{escape(title)}</text>',
           '<g transform="translate(0,8)">'] + body + ['</g></svg>']
    with open(a.svg, "w") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
