"""The reliability scenarios. Each is an async function (opts, report) that starts its own
servers (nodes.Cluster), drives them, prints its figures and records pass/fail checks."""

import asyncio
import json
import random
import signal
import time

# Time limits are multiplied by this: 1 in the full run (the acceptance figures), more in
# the CI short run, which shares a loaded 2-core machine with the rest of the suite
# (behaviour checks there, the figures come from the full run).
SLACK = 1.0

import http_client as hc
import nodes

HOST = "127.0.0.1"
MB = 1 << 20
PROMPTS = ["Once upon a time", "The little dog", "Lily went to the park", "Tom had a red ball",
           "One day, a cat", "The sun was shining", "Sam and his mom", "A big tree"]


# --- reporting -------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.checks = []   # (scenario, name, ok, detail)
        self.figures = {}  # scenario -> {key: value}
        self.scenario = None

    def begin(self, name):
        self.scenario = name
        self.figures.setdefault(name, {})
        print(f"\n=== {name} ===", flush=True)

    def fig(self, key, value):
        self.figures[self.scenario][key] = value
        print(f"  {key}: {fmt(value)}", flush=True)

    def check(self, name, ok, detail=""):
        self.checks.append((self.scenario, name, bool(ok), detail))
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}" + (f" ({detail})" if detail else ""),
              flush=True)
        return ok

    def failed(self):
        return [c for c in self.checks if not c[2]]


def fmt(v):
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {fmt(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return str(v)


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))  # nearest rank
    return v[k]


def mb(kb):
    return None if kb is None else round(kb / 1024.0, 1)


def parse_metrics(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        try:
            out[name] = float(value)
        except ValueError:
            pass
    return out


async def metrics(server):
    r = await hc.get(HOST, server.port, "/metrics", timeout=5)
    return parse_metrics(r.body.decode())


async def health(server):
    r = await hc.get(HOST, server.port, "/health", timeout=5)
    try:
        return r.status, r.json()
    except ValueError:
        return r.status, {}


async def plain_chat(server, stream=False, max_tokens=16, timeout=30.0, prompt=None):
    """A normal request; returns (ok, seconds, route, detail)."""
    t0 = time.monotonic()
    prompt = prompt or random.choice(PROMPTS)
    try:
        if stream:
            r, err = await hc.stream_chat(HOST, server.port, prompt, max_tokens, timeout=timeout)
        else:
            r = await hc.post_json(HOST, server.port, "/v1/chat/completions",
                                   hc.chat_body(prompt, max_tokens, False), timeout=timeout)
            err = None if r.status == 200 else f"HTTP {r.status}: {r.body[:200]!r}"
            if err is None:
                r.json()["choices"][0]["message"]
    except Exception as e:  # noqa: BLE001 — any failure is a figure here
        return False, time.monotonic() - t0, None, f"{type(e).__name__}: {e}"
    dt = time.monotonic() - t0
    route = r.header("x-tandem-route") if r is not None else None
    return err is None, dt, route, err or ""


def chunked(total, piece=MB):
    sent = 0
    block = b"a" * piece
    while sent < total:
        n = min(piece, total - sent)
        yield b"%x\r\n" % n + block[:n] + b"\r\n"
        sent += n
    yield b"0\r\n\r\n"


def json_body(size):
    """A valid chat request of exactly `size` bytes (a long user message)."""
    head = b'{"max_tokens":1,"messages":[{"role":"user","content":"'
    tail = b'"}]}'
    words = b"once upon a time there was a little dog named Tom who liked to play "
    n = size - len(head) - len(tail)
    filler = (words * (n // len(words) + 1))[:n]
    return head + filler + tail


def post_head(port, path="/v1/chat/completions", length=None, chunked_te=False):
    h = [f"POST {path} HTTP/1.1", f"Host: {HOST}:{port}", "Content-Type: application/json",
         "Connection: close"]
    if chunked_te:
        h.append("Transfer-Encoding: chunked")
    if length is not None:
        h.append(f"Content-Length: {length}")
    return ("\r\n".join(h) + "\r\n\r\n").encode()


# --- 1. load ---------------------------------------------------------------------------------

async def load_one(report, label, server, n, max_tokens):
    t0 = time.monotonic()
    results = await asyncio.gather(*[
        hc.stream_chat(HOST, server.port, f"{PROMPTS[i % len(PROMPTS)]}", max_tokens,
                       timeout=180.0)
        for i in range(n)])
    wall = time.monotonic() - t0
    errors = [e for _, e in results if e]
    ttft = [r.ttft for r, e in results if not e and r.ttft is not None]
    routes = {}
    for r, e in results:
        if r is not None:
            routes[r.header("x-tandem-route") or "-"] = routes.get(r.header("x-tandem-route") or "-", 0) + 1
    report.fig(f"{label}: clients", n)
    report.fig(f"{label}: errors", len(errors))
    if errors:
        report.fig(f"{label}: first errors", errors[:3])
    report.fig(f"{label}: TTFT p50 s", pct(ttft, 50))
    report.fig(f"{label}: TTFT p99 s", pct(ttft, 99))
    report.fig(f"{label}: TTFT max s", max(ttft) if ttft else None)
    report.fig(f"{label}: wall s", wall)
    if routes and set(routes) != {"-"}:
        report.fig(f"{label}: routes", routes)
    report.fig(f"{label}: server RSS MB after", mb(server.rss_kb()))
    report.check(f"{label}: {n} concurrent streams, 0 errors", not errors,
                 f"{len(errors)} errors, p50 {fmt(pct(ttft, 50))} s, p99 {fmt(pct(ttft, 99))} s")


async def edge_batching(report, server, n, max_tokens, bound):
    """n streams one after another, then the same n at once: the edge decodes concurrent
    requests together (continuous batching), so the second takes well under the first."""
    async def one(i):
        return await hc.stream_chat(HOST, server.port, PROMPTS[i % len(PROMPTS)], max_tokens,
                                    timeout=180.0, extra={"ignore_eos": True})

    errors = []
    t0 = time.monotonic()
    for i in range(n):
        _, e = await one(i)
        if e:
            errors.append(e)
    sequential = time.monotonic() - t0
    t0 = time.monotonic()
    results = await asyncio.gather(*[one(i) for i in range(n)])
    concurrent = time.monotonic() - t0
    errors += [e for _, e in results if e]
    label = "dispatcher (edge route)"
    report.fig(f"{label}: {n} sequential streams of {max_tokens} tokens, wall s", sequential)
    report.fig(f"{label}: the same {n} concurrent, wall s", concurrent)
    ratio = concurrent / sequential if sequential > 0 else None
    report.fig(f"{label}: concurrent / sequential", ratio)
    report.check(f"{label}: {n} concurrent streams in under {bound:g} x the time of {n} sequential",
                 not errors and ratio is not None and ratio < bound,
                 f"{fmt(concurrent)} s vs {fmt(sequential)} s; {len(errors)} errors")


async def scenario_load(opts, report):
    report.begin("1. load")
    n = opts.load_clients
    with nodes.Cluster(opts) as c:
        cmd = c.commander()
        await load_one(report, "commander", cmd, n, 16)
        d_cloud = c.dispatcher(cmd.url, "cloud")
        await load_one(report, "dispatcher (cloud route)", d_cloud, n, 16)
        d_edge = c.dispatcher(cmd.url, "edge")
        await load_one(report, "dispatcher (edge route)", d_edge, n, 16)
        # stories260K decodes a token in ~0.1 ms: HTTP, not the model, would be timed. An
        # 89M-parameter Q4_0 model (random weights, TinyLlama's 8-query GQA groups; 2.6 ms a
        # token on one core) is.
        big = c.synth("edge-89M.gguf", "--dim", "1024", "--layers", "8", "--heads", "16",
                      "--kv-heads", "2", "--ff", "2816", "--type", "Q4_0")
        d_big = c.dispatcher(cmd.url, "edge", name="dispatcher-edge-89M", model=big)
        # The short run shares the machine with other tests (CTest -j): a looser bound there.
        await edge_batching(report, d_big, 32, 32 if opts.short else 64,
                            0.75 if opts.short else 0.5)


# --- 2. disconnect storm ---------------------------------------------------------------------

async def wait_idle_slots(server, timeout):
    """Polls tandem_active_slots + tandem_queue_length until both are 0; seconds or None."""
    t0 = time.monotonic()
    last = None
    while time.monotonic() - t0 < timeout:
        try:
            m = await metrics(server)
            last = (m.get("tandem_active_slots"), m.get("tandem_queue_length"))
            if last == (0.0, 0.0):
                return time.monotonic() - t0, last
        except Exception as e:  # noqa: BLE001
            last = str(e)
        await asyncio.sleep(0.1)
    return None, last


async def storm_one(report, label, front, commander, n):
    async def client(i):
        # Each leaves after 1..4 content events, half with a RST, half with a FIN.
        return await hc.stream_chat(HOST, front.port, PROMPTS[i % len(PROMPTS)], 400,
                                    timeout=120.0, abort_after_chunks=1 + i % 4,
                                    rst=(i % 2 == 0), extra={"ignore_eos": True})

    peak = {"slots": 0.0}
    storming = asyncio.Event()

    async def gauge():  # shows the gauge does move while the storm runs
        while not storming.is_set():
            try:
                m = await metrics(commander)
                peak["slots"] = max(peak["slots"], m.get("tandem_active_slots", 0.0))
            except Exception:  # noqa: BLE001
                pass
            await asyncio.sleep(0.02)

    g = asyncio.ensure_future(gauge())
    t0 = time.monotonic()
    results = await asyncio.gather(*[client(i) for i in range(n)])
    t_last = time.monotonic()
    storming.set()
    await g
    aborted = sum(1 for r, e in results if r is not None and r.aborted)
    errors = [e for _, e in results if e]
    report.fig(f"{label}: clients", n)
    report.fig(f"{label}: disconnected mid-stream", aborted)
    report.fig(f"{label}: storm wall s", t_last - t0)
    report.fig(f"{label}: Commander tandem_active_slots peak during the storm", peak["slots"])
    if errors:
        report.fig(f"{label}: client errors", errors[:3])
    took, last = await wait_idle_slots(commander, 30.0)
    report.fig(f"{label}: Commander slots+queue idle after s", took)
    report.check(f"{label}: Commander tandem_active_slots back to 0 within 5 s",
                 took is not None and took <= 5.0 * SLACK,
                 f"{fmt(took)} s" if took is not None else f"still {last} after 30 s")
    if front is not commander:
        try:
            m = await metrics(front)
            report.fig(f"{label}: front tandem_active_slots", m.get("tandem_active_slots"))
        except Exception as e:  # noqa: BLE001
            report.fig(f"{label}: front /metrics", str(e))
    oks = []
    for stream in (False, True):
        ok, dt, _, detail = await plain_chat(front, stream=stream, timeout=30.0)
        oks.append((ok, dt, detail))
    report.fig(f"{label}: normal requests after the storm s", [round(o[1], 3) for o in oks])
    report.check(f"{label}: a normal request answered after the storm (within 5 s)",
                 all(o[0] and o[1] < 5.0 * SLACK for o in oks),
                 "; ".join(f"{'ok' if o[0] else o[2]} in {o[1]:.2f} s" for o in oks))
    report.check(f"{label}: every client got its stream before leaving",
                 aborted == n and not errors, f"{aborted}/{n} left mid-stream, {len(errors)} errors")


async def scenario_storm(opts, report):
    report.begin("2. disconnect storm")
    n = opts.storm_clients
    with nodes.Cluster(opts) as c:
        cmd = c.commander()
        await storm_one(report, "commander", cmd, cmd, n)
        d_cloud = c.dispatcher(cmd.url, "cloud")
        await storm_one(report, "dispatcher (cloud route)", d_cloud, cmd, n)
        d_edge = c.dispatcher(cmd.url, "edge")
        await storm_one(report, "dispatcher (edge route)", d_edge, cmd, n)


# --- 3. slow and idle clients ----------------------------------------------------------------

async def hold_connection(port, kind, stop, closed_at):
    """Idle: connect and send nothing. Slow: a request line, then one header byte every 0.5 s.
    Records in closed_at[0] when the server closed the connection (or None)."""
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError as e:
        return f"connect: {e}"
    t0 = time.monotonic()
    answer = None

    async def watch():
        nonlocal answer
        try:
            data = await reader.read(4096)
            answer = data[:12].decode("latin-1") if data else "EOF"
        except OSError as e:
            answer = f"{type(e).__name__}"
        closed_at.append(time.monotonic() - t0)

    w = asyncio.ensure_future(watch())
    try:
        if kind == "slow":
            writer.write(f"POST /v1/chat/completions HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: ".encode())
            await writer.drain()
            while not stop.is_set() and not w.done():
                writer.write(b"a")
                await writer.drain()
                try:
                    await asyncio.wait_for(stop.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass
        else:
            while not stop.is_set() and not w.done():
                try:
                    await asyncio.wait_for(stop.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass
    except OSError:
        pass
    finally:
        if not w.done():
            w.cancel()
        writer.transport.abort()
    return answer


async def slow_one(report, label, server, n, n_half, check_deadline, header_timeout):
    stop = asyncio.Event()
    closed = []
    holders = [asyncio.ensure_future(hold_connection(server.port, "idle" if i % 2 else "slow",
                                                     stop, closed)) for i in range(n)]
    await asyncio.sleep(1.0)
    try:
        m = await metrics(server)
        report.fig(f"{label}: tandem_open_connections while held", m.get("tandem_open_connections"))
    except Exception as e:  # noqa: BLE001
        report.fig(f"{label}: /metrics while held", str(e))
    times, fails = [], []
    for i in range(5):
        ok, dt, _, detail = await plain_chat(server, stream=(i % 2 == 1), timeout=30.0)
        times.append(round(dt, 3))
        if not ok:
            fails.append(detail)
    report.fig(f"{label}: held connections", n)
    report.fig(f"{label}: normal requests s", times)
    report.check(f"{label}: normal requests answered within 1 s with {n} idle/slow connections",
                 not fails and max(times) < 1.0 * SLACK,
                 f"max {max(times):.3f} s" + (f", errors {fails[:2]}" if fails else ""))
    early = len(closed)
    if early:
        report.fig(f"{label}: held connections closed by the server early", early)
    if check_deadline:
        # The server should close idle and trickling connections at --header-timeout.
        t_wait = time.monotonic()
        while len(closed) < n and time.monotonic() - t_wait < header_timeout + 5:
            await asyncio.sleep(0.25)
        report.fig(f"{label}: closed by the server within --header-timeout+5 s",
                   f"{len(closed)}/{n}")
        if closed:
            report.fig(f"{label}: close time p50/max s",
                       [round(pct(closed, 50), 2), round(max(closed), 2)])
        report.check(f"{label}: idle and trickling connections closed at the header deadline",
                     len(closed) == n and max(closed) <= header_timeout + 2.0,
                     f"{len(closed)}/{n} closed, latest {max(closed) if closed else 0:.2f} s, "
                     f"deadline {header_timeout} s")
    stop.set()
    answers = await asyncio.gather(*holders)
    kinds = {}
    for a in answers:
        kinds[a] = kinds.get(a, 0) + 1
    report.fig(f"{label}: what the held connections got", kinds)

    # Half-closed requests: request, shutdown(SHUT_WR), read.
    async def half(i):
        stream = i % 2 == 1
        try:
            r = await hc.request(HOST, server.port, "POST", "/v1/chat/completions",
                                 hc.chat_body(PROMPTS[i % len(PROMPTS)], 16, stream),
                                 timeout=60.0, half_close=True)
        except Exception as e:  # noqa: BLE001
            return f"{type(e).__name__}: {e}"
        if r.status != 200:
            return f"HTTP {r.status}"
        if stream and not r.done:
            return "stream without [DONE]"
        return None

    t0 = time.monotonic()
    res = await asyncio.gather(*[half(i) for i in range(n_half)])
    ok = sum(1 for x in res if x is None)
    report.fig(f"{label}: half-closed answered", f"{ok}/{n_half} in {time.monotonic() - t0:.2f} s")
    report.check(f"{label}: {n_half} half-closed requests answered", ok == n_half,
                 f"{ok}/{n_half}" + (f", e.g. {[x for x in res if x][:2]}" if ok < n_half else ""))


async def scenario_slow(opts, report):
    report.begin("3. slow and idle clients")
    with nodes.Cluster(opts) as c:
        cmd = c.commander()
        await slow_one(report, "commander", cmd, opts.idle_clients, opts.half_closed,
                       not opts.short, 10.0)
        d = c.dispatcher(cmd.url, "cloud")
        await slow_one(report, "dispatcher (cloud route)", d, opts.idle_clients, opts.half_closed,
                       not opts.short, 10.0)


# --- 4. oversized bodies ---------------------------------------------------------------------

LIMIT = 8 * MB  # --max-body default (8388608)


async def oversize_one(report, label, server, n_bodies, n_under):
    base = server.rss_kb()
    report.fig(f"{label}: RSS MB before", mb(base))
    # 100 MB, chunked (no length announced: the limit must be enforced while reading).
    with nodes.RssSampler([server.pid]) as s:
        r, sent, err = await hc.raw_exchange(HOST, server.port, post_head(server.port, chunked_te=True),
                                             chunked(100 * 1000 * 1000), timeout=30.0)
    t413 = (r.t_headers - r.t_start) if r.t_headers else None
    growth = mb(s.peak[server.pid] - base)
    report.fig(f"{label}: 100 MB chunked -> status", r.status if not err else err)
    report.fig(f"{label}: 100 MB chunked -> answer after s", t413)
    report.fig(f"{label}: 100 MB chunked -> bytes sent before the answer MB", round(sent / MB, 1))
    report.fig(f"{label}: 100 MB chunked -> peak RSS growth MB", growth)
    report.check(f"{label}: 100 MB chunked body -> 413 within 1 s",
                 r.status == 413 and t413 is not None and t413 < 1.0 * SLACK,
                 f"status {r.status if not err else err}, {fmt(t413)} s")
    report.check(f"{label}: 100 MB chunked body -> RSS growth < 50 MB", growth < 50,
                 f"{growth} MB")
    # 100 MB announced with Content-Length: answered from the headers.
    r2, sent2, err2 = await hc.raw_exchange(
        HOST, server.port, post_head(server.port, length=100 * 1000 * 1000),
        (b"a" * MB for _ in range(100)), timeout=30.0)
    t2 = (r2.t_headers - r2.t_start) if r2.t_headers else None
    report.fig(f"{label}: 100 MB Content-Length -> status, s, MB sent",
               [r2.status if not err2 else err2, t2, round(sent2 / MB, 1)])
    report.check(f"{label}: 100 MB Content-Length body -> 413 within 1 s",
                 r2.status == 413 and t2 is not None and t2 < 1.0 * SLACK,
                 f"status {r2.status if not err2 else err2}, {fmt(t2)} s")

    # n bodies of ~8 MB at once: n_under under the limit (valid JSON, 8,000,000 bytes: a story
    # text that names "Tom", so the Dispatcher's masking has work to do), the rest over it,
    # alternately with a Content-Length (8,800,000) and chunked (8,800,000).
    await asyncio.sleep(0.5)
    base = server.rss_kb()
    under = json_body(8 * 1000 * 1000)

    def one(i):
        if i < n_under:
            return "under", hc.raw_exchange(HOST, server.port, post_head(server.port, length=len(under)),
                                            [under[k:k + MB] for k in range(0, len(under), MB)],
                                            timeout=900.0)
        if i % 2 == 0:
            size = 8800 * 1000
            return "over", hc.raw_exchange(HOST, server.port, post_head(server.port, length=size),
                                           (b"a" * min(MB, size - k) for k in range(0, size, MB)),
                                           timeout=900.0)
        return "over-chunked", hc.raw_exchange(HOST, server.port,
                                               post_head(server.port, chunked_te=True),
                                               chunked(8800 * 1000), timeout=900.0)

    kinds, coros = zip(*[one(i) for i in range(n_bodies)])
    t0 = time.monotonic()
    with nodes.RssSampler([server.pid]) as s:
        res = await asyncio.gather(*coros)
    wall = time.monotonic() - t0
    statuses = {}
    bad = []
    took = {}
    for kind, (r, _, err) in zip(kinds, res):
        if r.t_headers:
            took.setdefault(kind, []).append(r.t_headers - r.t_start)
        key = f"{kind}:{r.status if not err else 'error'}"
        statuses[key] = statuses.get(key, 0) + 1
        if err:
            bad.append(f"{kind}: {err}")
        elif kind.startswith("over") and r.status != 413:
            bad.append(f"{kind}: HTTP {r.status}")
        elif kind == "under" and r.status not in (200, 400):
            bad.append(f"{kind}: HTTP {r.status}")
    peak = s.peak[server.pid]
    after, t_settle = None, time.monotonic()
    while time.monotonic() - t_settle < 5.0:
        after = server.rss_kb()
        if after - base < 100 * 1024:
            break
        await asyncio.sleep(0.25)
    report.fig(f"{label}: {n_bodies} x 8 MB statuses", statuses)
    report.fig(f"{label}: {n_bodies} x 8 MB wall s", wall)
    report.fig(f"{label}: {n_bodies} x 8 MB slowest answer s by kind",
               {k: round(max(v), 3) for k, v in took.items()})
    report.fig(f"{label}: {n_bodies} x 8 MB RSS MB before/peak/after",
               [mb(base), mb(peak), mb(after)])
    report.check(f"{label}: {n_bodies} x 8 MB bodies ({n_under} under the limit) all answered "
                 "(413 over, 200/400 under)", not bad, "; ".join(bad[:3]))
    report.check(f"{label}: {n_bodies} x 8 MB bodies -> RSS back within 100 MB of the start",
                 after is not None and after - base < 100 * 1024,
                 f"{mb(after - base)} MB above the start (peak +{mb(peak - base)} MB)")


async def scenario_oversize(opts, report):
    report.begin("4. oversized bodies")
    with nodes.Cluster(opts) as c:
        cmd = c.commander()
        await oversize_one(report, "commander", cmd, opts.big_bodies, opts.big_under)
        d = c.dispatcher(cmd.url, "cloud")
        await oversize_one(report, "dispatcher (cloud route)", d, opts.big_bodies, opts.big_under)


# --- 5. Commander killed / stopped mid-stream ------------------------------------------------

async def poll_until(pred, timeout, interval=0.1):
    t0 = time.monotonic()
    last = None
    while time.monotonic() - t0 < timeout:
        try:
            ok, last = await pred()
            if ok:
                return time.monotonic() - t0, last
        except Exception as e:  # noqa: BLE001
            last = str(e)
        await asyncio.sleep(interval)
    return None, last


async def failover_one(report, label, c, cmd, disp, how):
    """how: 'SIGKILL' (then relaunch) or 'SIGSTOP' (then SIGCONT)."""
    sig = signal.SIGKILL if how == "SIGKILL" else signal.SIGSTOP
    ok, dt, route, detail = await plain_chat(disp, timeout=30.0)
    report.check(f"{label}: before the failure a request goes to the cloud",
                 ok and route == "cloud", f"route {route}, {detail}")
    hit = {}
    seen = {}  # what /health and /v1/route said, and when (monotonic), polled from the failure on

    async def health_degraded():
        st, h = await health(disp)
        return h.get("status") not in (None, "ok"), h

    async def route_offline():
        rr = await hc.post_json(HOST, disp.port, "/v1/route",
                                hc.chat_body("Once upon a time", 16, False), timeout=5)
        j = rr.json()
        return (j.get("route") == "edge" and j.get("reason") == "offline"
                and j.get("signals", {}).get("commander_reachable") is False), j

    async def watch_link():
        t0 = time.monotonic()
        while time.monotonic() - t0 < 15.0 and not ("health" in seen and "route" in seen):
            for key, probe in (("health", health_degraded), ("route", route_offline)):
                if key in seen:
                    continue
                try:
                    ok, last = await probe()
                except Exception as e:  # noqa: BLE001
                    ok, last = False, str(e)
                seen[f"{key}_last"] = last
                if ok:
                    seen[key] = time.monotonic()
            await asyncio.sleep(0.1)

    def on_progress(resp):
        if "t" not in hit and resp.content_chunks >= 2:
            hit["t"] = time.monotonic()
            hit["chunks"] = resp.content_chunks
            hit["route"] = resp.header("x-tandem-route")
            cmd.signal(sig)
            hit["watch"] = asyncio.ensure_future(watch_link())

    try:
        r, err = await hc.stream_chat(HOST, disp.port, "Once upon a time", 800, timeout=60.0,
                                      on_progress=on_progress, extra={"ignore_eos": True})
        t_end = time.monotonic()
        if "t" not in hit:
            report.check(f"{label}: the Commander was {how}ed mid-stream", False,
                         f"the stream ended before two content events ({err})")
            return
        finish_s = t_end - hit["t"]
        report.fig(f"{label}: stream route before the {how}", hit["route"])
        report.fig(f"{label}: stream finished after the {how} s", finish_s)
        if r is not None:
            report.fig(f"{label}: content events before/after the {how}",
                       [hit["chunks"], r.content_chunks - hit["chunks"]])
        report.check(f"{label}: the client's stream finishes (on the edge) within 10 s",
                     err is None and finish_s < 10.0 * SLACK,
                     f"{fmt(finish_s)} s" + (f", {err}" if err else ""))
        await hit["watch"]
        since_h = seen["health"] - hit["t"] if "health" in seen else None
        since_r = seen["route"] - hit["t"] if "route" in seen else None
        report.fig(f"{label}: /health degraded after s", since_h)
        report.fig(f"{label}: /v1/route offline after s", since_r)
        report.check(f"{label}: /health reports the Commander within 5 s",
                     since_h is not None and since_h <= 5.0 * SLACK,
                     f"{fmt(since_h)} s" if since_h is not None
                     else f"not after 15 s, last {seen.get('health_last')}")
        report.check(f"{label}: /v1/route reports it (edge, offline) within 5 s",
                     since_r is not None and since_r <= 5.0 * SLACK,
                     f"{fmt(since_r)} s" if since_r is not None
                     else f"not after 15 s, last {str(seen.get('route_last'))[:300]}")

        times, routes, fails = [], [], []
        for stream in (False, True, False, True, False):
            ok, dt, route, detail = await plain_chat(disp, stream=stream, timeout=60.0)
            times.append(round(dt, 3))
            routes.append(route)
            if not ok:
                fails.append(detail)
        report.fig(f"{label}: new requests while down s", times)
        report.fig(f"{label}: their routes", routes)
        report.check(f"{label}: new requests answered in under 1 s each while down",
                     not fails and max(times) < 1.0 * SLACK,
                     f"max {max(times):.3f} s" + (f", {fails[:2]}" if fails else ""))
        try:
            m = await metrics(disp)
            report.fig(f"{label}: tandem_commander_circuit", m.get("tandem_commander_circuit"))
        except Exception:  # noqa: BLE001
            pass
    finally:
        # Bring it back: SIGCONT, or a relaunch on the same port.
        if how == "SIGSTOP":
            cmd.signal(signal.SIGCONT)
        else:
            cmd.kill_hard()
            await asyncio.to_thread(cmd.start, cmd.port)
    t_back = time.monotonic()

    async def cloud_again():
        ok, dt, route, _ = await plain_chat(disp, timeout=30.0)
        return ok and route == "cloud", route

    t_c, last = await poll_until(cloud_again, 30.0, interval=0.25)
    report.fig(f"{label}: back on the cloud after the {'SIGCONT' if how == 'SIGSTOP' else 'relaunch'} s", t_c)
    st, h = await health(disp)
    report.check(f"{label}: traffic goes back to the cloud (within 10 s)",
                 t_c is not None and t_c <= 10.0 * SLACK,
                 f"{fmt(t_c)} s, /health {h.get('status')}" if t_c is not None
                 else f"still {last} after 30 s")


async def scenario_failover(opts, report):
    report.begin("5. Commander killed and stopped mid-stream")
    with nodes.Cluster(opts) as c:
        port = nodes.free_port()
        cmd = c.commander(port=port)
        disp = c.dispatcher(cmd.url, "cloud", extra=opts.dispatcher_flags)
        report.fig("dispatcher link flags", " ".join(opts.dispatcher_flags) or "defaults")
        await failover_one(report, "SIGKILL", c, cmd, disp, "SIGKILL")
        await failover_one(report, "SIGSTOP", c, cmd, disp, "SIGSTOP")


# --- 6. soak ---------------------------------------------------------------------------------


SCENARIOS = {
    "load": scenario_load,
    "storm": scenario_storm,
    "slow": scenario_slow,
    "oversize": scenario_oversize,
    "failover": scenario_failover,
}
