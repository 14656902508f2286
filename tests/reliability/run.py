#!/usr/bin/env python3
"""Tandem reliability suite: real `tandem commander` / `tandem dispatcher` processes on
loopback with the real stories260K model, driven under hostile and failing conditions.

  python3 tests/reliability/run.py                 # the full run (docs/RELIABILITY.md)
  python3 tests/reliability/run.py --short         # the CI run (CTest: test_reliability_short)
  python3 tests/reliability/run.py --soak 1800     # mixed traffic for 30 min, RSS/fd drift
  python3 tests/reliability/run.py --only load,failover

Scenarios: load, storm, slow, oversize, failover (and soak with --soak N). Each prints its
figures and PASS/FAIL lines; the exit code is 0 only when every check passed. Standard library
only (python3 >= 3.9).
"""

import argparse
import asyncio
import json
import os
import platform
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import nodes  # noqa: E402
import scenarios  # noqa: E402
import soak  # noqa: E402

SCENARIOS = {**scenarios.SCENARIOS, "soak": soak.scenario_soak}

SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_MODEL = os.path.join(SOURCE_DIR, "..", "shared", "models", "stories260K",
                             "stories260K-f32.gguf")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tandem", default=os.environ.get("TANDEM_BINARY",
                                                      os.path.join(SOURCE_DIR, "build", "tandem")),
                   help="the tandem binary (default: $TANDEM_BINARY, else build/tandem)")
    p.add_argument("--model", default=os.environ.get("TANDEM_MODEL", DEFAULT_MODEL),
                   help="the model both nodes load (default: $TANDEM_MODEL, else "
                        "../shared/models/stories260K/stories260K-f32.gguf)")
    p.add_argument("--short", action="store_true",
                   help="CI mode: fewer clients, same checks (well under 2 minutes)")
    p.add_argument("--only", default=None,
                   help="comma-separated scenarios: " + ",".join(SCENARIOS))
    p.add_argument("--soak", type=float, default=0.0, metavar="SECONDS",
                   help="soak mode: mixed traffic for SECONDS against a Commander and two "
                        "Dispatchers, RSS and open-fd drift reported (runs the soak alone "
                        "unless --only names more)")
    p.add_argument("--soak-json", default=None, help="write the soak's samples to this file")
    p.add_argument("--threads", type=int, default=1, help="-t of every server (default 1)")
    p.add_argument("--parallel", type=int, default=4, help="--parallel of the Commander and the edge (default 4)")
    p.add_argument("--dispatcher-flag", action="append", default=[], dest="dispatcher_flags",
                   metavar="FLAG", help="extra flag for the failover Dispatcher (repeatable, "
                   "e.g. --dispatcher-flag=--commander-stall-timeout=2); default: none, "
                   "the acceptance is for the default flags")
    p.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (temp dir)")
    p.add_argument("--json", default=None, help="write every figure and check to this file")
    p.add_argument("--load-clients", type=int, default=None)
    p.add_argument("--storm-clients", type=int, default=None)
    p.add_argument("--idle-clients", type=int, default=None)
    p.add_argument("--half-closed", type=int, default=None)
    p.add_argument("--big-bodies", type=int, default=None)
    p.add_argument("--big-under", type=int, default=None,
                   help="how many of --big-bodies are under the limit")
    o = p.parse_args(argv)
    full = {"load_clients": 200, "storm_clients": 50, "idle_clients": 200, "half_closed": 30,
            "big_bodies": 20, "big_under": 10}
    short = {"load_clients": 50, "storm_clients": 20, "idle_clients": 50, "half_closed": 10,
             "big_bodies": 4, "big_under": 1}
    for k, v in (short if o.short else full).items():
        if getattr(o, k) is None:
            setattr(o, k, v)
    if o.short:
        scenarios.SLACK = 3.0
    if o.only:
        o.scenarios = [s.strip() for s in o.only.split(",") if s.strip()]
        bad = [s for s in o.scenarios if s not in SCENARIOS]
        if bad:
            p.error(f"unknown scenario(s) {bad}; known: {list(SCENARIOS)}")
        if "soak" in o.scenarios and o.soak <= 0:
            p.error("the soak scenario needs --soak SECONDS")
    elif o.soak > 0:
        o.scenarios = ["soak"]
    else:
        o.scenarios = ["load", "storm", "slow", "oversize", "failover"]
    o.tandem = os.path.abspath(o.tandem)
    o.model = os.path.abspath(o.model)
    return o


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 8192) if hard != resource.RLIM_INFINITY else 8192
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def main(argv):
    opts = parse_args(argv)
    if not os.path.isfile(opts.model):
        print(f"model not found: {opts.model}", file=sys.stderr)
        return 2
    raise_fd_limit()
    nodes.wait_for_binary(opts.tandem)
    print(f"tandem reliability: {opts.tandem}\n  model {opts.model}\n  "
          f"{'short' if opts.short else ('soak' if opts.scenarios == ['soak'] else 'full')} run, scenarios {','.join(opts.scenarios)}\n  "
          f"{platform.machine()}, {os.cpu_count()} CPUs, python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}", flush=True)
    report = scenarios.Report()
    t0 = time.monotonic()
    for name in opts.scenarios:
        t = time.monotonic()
        try:
            asyncio.run(SCENARIOS[name](opts, report))
        except Exception as e:  # noqa: BLE001 — a crashed scenario is a failed one
            report.scenario = report.scenario or name
            report.check(f"{name}: scenario ran to the end", False, f"{type(e).__name__}: {e}")
            import traceback
            traceback.print_exc()
        finally:
            nodes._kill_all()
        print(f"  ({name}: {time.monotonic() - t:.1f} s)", flush=True)
    total = time.monotonic() - t0
    failed = report.failed()
    print(f"\n=== summary: {len(report.checks) - len(failed)}/{len(report.checks)} checks passed "
          f"in {total:.1f} s ===")
    for scen, name, _, detail in failed:
        print(f"  FAIL [{scen}] {name}" + (f" ({detail})" if detail else ""))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"figures": report.figures,
                       "checks": [dict(scenario=a, check=b, ok=c, detail=d)
                                  for a, b, c, d in report.checks],
                       "seconds": total}, f, indent=1, default=str)
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
