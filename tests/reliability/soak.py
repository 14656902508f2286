"""The soak scenario: mixed traffic against all three nodes for N seconds, with the RSS and
open-fd drift of each server (run.py --soak N). Shares the helpers of scenarios.py."""

import asyncio
import json
import random
import time

import http_client as hc
import nodes
from scenarios import HOST, MB, PROMPTS, chunked, mb, plain_chat, post_head


async def scenario_soak(opts, report):
    report.begin(f"6. soak ({opts.soak:.0f} s)")
    with nodes.Cluster(opts) as c:
        cmd = c.commander()
        dc = c.dispatcher(cmd.url, "cloud")
        de = c.dispatcher(cmd.url, "edge")
        servers = {"commander": cmd, "dispatcher-cloud": dc, "dispatcher-edge": de}
        counts = {}
        errors = []
        stop = asyncio.Event()
        rnd = random.Random(1)

        def count(kind, err):
            counts[kind] = counts.get(kind, 0) + 1
            if err:
                errors.append(f"{kind}: {err}")

        async def streams():
            while not stop.is_set():
                s = rnd.choice(list(servers.values()))
                r, err = await hc.stream_chat(HOST, s.port, rnd.choice(PROMPTS),
                                              rnd.randint(8, 64), timeout=60.0)
                count("stream", err)

        async def non_stream():
            while not stop.is_set():
                s = rnd.choice(list(servers.values()))
                path = rnd.choice(["/v1/chat/completions", "/v1/completions"])
                body = (hc.chat_body(rnd.choice(PROMPTS), rnd.randint(8, 48), False)
                        if path.endswith("chat/completions")
                        else {"prompt": rnd.choice(PROMPTS), "max_tokens": rnd.randint(8, 48)})
                try:
                    r = await hc.post_json(HOST, s.port, path, body, timeout=60.0)
                    count("non-stream", None if r.status == 200 else f"HTTP {r.status} {path}")
                except Exception as e:  # noqa: BLE001
                    count("non-stream", f"{type(e).__name__}: {e}")

        async def disconnects():
            while not stop.is_set():
                s = rnd.choice(list(servers.values()))
                r, err = await hc.stream_chat(HOST, s.port, rnd.choice(PROMPTS), 200, timeout=60.0,
                                              abort_after_chunks=rnd.randint(1, 3),
                                              rst=rnd.random() < 0.5, extra={"ignore_eos": True})
                count("disconnect", err)
                await asyncio.sleep(0.2)

        async def misc():
            while not stop.is_set():
                s = rnd.choice(list(servers.values()))
                k = rnd.random()
                try:
                    if k < 0.3:
                        r = await hc.get(HOST, s.port, rnd.choice(["/health", "/metrics", "/v1/models"]))
                        count("get", None if r.status == 200 else f"HTTP {r.status}")
                    elif k < 0.5:
                        r = await hc.request(HOST, s.port, "POST", "/v1/chat/completions",
                                             hc.chat_body(rnd.choice(PROMPTS), 16, rnd.random() < 0.5),
                                             timeout=60.0, half_close=True)
                        count("half-closed", None if r.status == 200 else f"HTTP {r.status}")
                    elif k < 0.6:
                        r, _, err = await hc.raw_exchange(
                            HOST, s.port, post_head(s.port, chunked_te=True), chunked(12 * MB),
                            timeout=30.0)
                        count("oversized", err or (None if r.status == 413 else f"HTTP {r.status}"))
                    elif k < 0.7 and s is not cmd:
                        r = await hc.post_json(HOST, s.port, "/v1/route",
                                               hc.chat_body(rnd.choice(PROMPTS), 16, False))
                        count("route", None if r.status == 200 else f"HTTP {r.status}")
                    elif k < 0.85:
                        # An idle connection left open: the server must close it itself.
                        reader, writer = await asyncio.open_connection(HOST, s.port)
                        idle.append(writer)
                        count("idle-opened", None)
                    else:
                        r = await hc.post_json(HOST, s.port, "/v1/chat/completions",
                                               {"messages": "not a list"})
                        count("bad-request", None if r.status == 400 else f"HTTP {r.status}")
                except Exception as e:  # noqa: BLE001
                    count("misc", f"{type(e).__name__}: {e}")
                await asyncio.sleep(0.1)

        idle = []
        samples = {n: [] for n in servers}

        async def sampler():
            t0 = time.monotonic()
            while not stop.is_set():
                for n, s in servers.items():
                    samples[n].append((round(time.monotonic() - t0, 1), s.rss_kb(), s.fds()))
                try:
                    await asyncio.wait_for(stop.wait(), 5.0)
                except asyncio.TimeoutError:
                    pass

        # Warm-up (allocator and caches settle), then the start figures.
        for s in servers.values():
            await plain_chat(s, stream=True)
            await plain_chat(s)
        await asyncio.sleep(1.0)
        start = {n: (s.rss_kb(), s.fds()) for n, s in servers.items()}
        workers = ([streams() for _ in range(3)] + [non_stream() for _ in range(2)]
                   + [disconnects(), misc()])
        t0 = time.monotonic()
        tasks = [asyncio.ensure_future(w) for w in workers] + [asyncio.ensure_future(sampler())]
        await asyncio.sleep(opts.soak)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        wall = time.monotonic() - t0
        for w in idle:
            w.transport.abort()
        # Let keep-alive and header deadlines close what is left, then the end figures.
        await asyncio.sleep(12.0)
        end = {n: (s.rss_kb(), s.fds()) for n, s in servers.items()}
        report.fig("traffic s", wall)
        report.fig("requests", counts)
        report.fig("errors", len(errors))
        if errors:
            report.fig("first errors", errors[:5])
        report.check("soak: 0 errors", not errors, f"{len(errors)} of {sum(counts.values())}")
        for n in servers:
            rss = [x[1] for x in samples[n] if x[1]] + [start[n][0], end[n][0]]
            fds = [x[2] for x in samples[n] if x[2]] + [start[n][1], end[n][1]]
            drift_mb = mb(end[n][0] - start[n][0])
            drift_fd = end[n][1] - start[n][1]
            report.fig(f"{n}: RSS MB start/peak/end (drift)",
                       [mb(start[n][0]), mb(max(rss)), mb(end[n][0]), drift_mb])
            report.fig(f"{n}: open fds start/peak/end (drift)",
                       [start[n][1], max(fds), end[n][1], drift_fd])
            # Growth after warm-up: least-squares slope over the second half of the samples
            # (MB per minute), and the drift from the first sample after 10 s under traffic.
            # The cold start (before any request) is not the baseline of a leak check: the
            # first seconds of traffic fill allocator arenas of up to 128 HTTP threads and
            # the Dispatcher's conversation store (4096 maskers at most), 25-30 MB that stay.
            pts = [(t, kb / 1024.0) for t, kb, _ in samples[n] if kb]
            half = pts[len(pts) // 2:]
            slope = 0.0
            warm = pts[0][1] if pts else mb(start[n][0])
            if len(half) >= 2:
                mt = sum(t for t, _ in half) / len(half)
                mr = sum(r for _, r in half) / len(half)
                den = sum((t - mt) ** 2 for t, _ in half) or 1.0
                slope = sum((t - mt) * (r - mr) for t, r in half) / den * 60.0
                warm = next((r for t, r in pts if t >= 10.0), pts[0][1])
            warm_drift = mb(end[n][0]) - warm
            report.fig(f"{n}: RSS MB at 10 s under traffic, drift from it, second-half slope MB/min",
                       [round(warm, 1), round(warm_drift, 1), round(slope, 2)])
            report.check(f"soak {n}: RSS drift after warm-up < 50 MB", warm_drift < 50,
                         f"{warm_drift:.1f} MB (from the cold start: {drift_mb} MB)")
            if wall >= 600:  # a slope needs minutes to mean anything
                report.check(f"soak {n}: RSS flat in the second half (< 1 MB/min)", slope < 1.0,
                             f"{slope:.2f} MB/min")
            report.check(f"soak {n}: open-fd drift <= 4", drift_fd <= 4, f"{drift_fd}")
        if opts.soak_json:
            with open(opts.soak_json, "w") as f:
                json.dump({"samples": samples, "start": start, "end": end, "counts": counts,
                           "errors": errors[:50]}, f, indent=1)
