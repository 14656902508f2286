"""A small HTTP/1.1 client on raw asyncio streams, for the reliability suite.

Standard library only. It speaks exactly what the scenarios need and nothing more: one request
per connection (`Connection: close`), Content-Length or chunked bodies, chunked or
length-delimited or read-to-EOF responses, an incremental SSE parser that timestamps the first
token, and the hostile variants (abort mid-stream with FIN or RST, half-close, trickled
headers, endless chunked bodies) built from the same pieces.
"""

import asyncio
import json
import socket
import struct
import time


class HttpError(Exception):
    pass


class Response:
    def __init__(self):
        self.status = None
        self.headers = {}
        self.body = b""
        self.t_start = None       # request written (first byte sent)
        self.t_headers = None     # status line received
        self.t_first_token = None # first SSE event with a non-empty content delta (or first event)
        self.t_end = None         # body complete
        self.events = []          # SSE data payloads (strings)
        self.content_chunks = 0   # SSE events carrying non-empty content
        self.done = False         # saw `data: [DONE]`
        self.error_event = None   # an SSE event with an "error" member
        self.text = ""            # concatenated content deltas
        self.aborted = False      # the client closed the connection on purpose

    @property
    def ttft(self):
        if self.t_first_token is None or self.t_start is None:
            return None
        return self.t_first_token - self.t_start

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body.decode("utf-8", "replace"))


class SseParser:
    """Feeds bytes, calls back per `data:` payload."""

    def __init__(self, resp):
        self.resp = resp
        self.buf = b""

    def feed(self, data):
        self.buf += data
        while True:
            # Events end with a blank line; accept \n\n and \r\n\r\n.
            i = self.buf.find(b"\n\n")
            j = self.buf.find(b"\r\n\r\n")
            if i < 0 and j < 0:
                return
            if j >= 0 and (i < 0 or j < i):
                raw, self.buf = self.buf[:j], self.buf[j + 4:]
            else:
                raw, self.buf = self.buf[:i], self.buf[i + 2:]
            data_lines = []
            for line in raw.split(b"\n"):
                line = line.rstrip(b"\r")
                if line.startswith(b"data:"):
                    data_lines.append(line[5:].lstrip(b" "))
            if data_lines:
                self._event(b"\n".join(data_lines).decode("utf-8", "replace"))

    def _event(self, payload):
        r = self.resp
        now = time.monotonic()
        r.events.append(payload)
        if payload == "[DONE]":
            r.done = True
            if r.t_first_token is None:
                r.t_first_token = now
            return
        try:
            obj = json.loads(payload)
        except ValueError:
            return
        if isinstance(obj, dict) and "error" in obj:
            r.error_event = obj["error"]
            return
        content = ""
        finished = False
        for ch in obj.get("choices") or []:
            delta = ch.get("delta") or {}
            c = delta.get("content")
            if isinstance(c, str):
                content += c
            if ch.get("text"):
                content += ch["text"]
            if ch.get("finish_reason"):
                finished = True
        if content:
            r.content_chunks += 1
            r.text += content
        if r.t_first_token is None and (content or finished):
            r.t_first_token = now


def build_request(method, path, host, port, body=None, headers=None, chunked=False, close=True):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    hdrs = {"Accept": "*/*"}
    if body is not None or chunked:
        hdrs["Content-Type"] = "application/json"
    if chunked:
        hdrs["Transfer-Encoding"] = "chunked"
    elif body is not None:
        hdrs["Content-Length"] = str(len(body))
    if close:
        hdrs["Connection"] = "close"
    if headers:
        hdrs.update(headers)
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_head(reader, resp):
    line = await reader.readline()
    if not line:
        raise HttpError("connection closed before the status line")
    resp.t_headers = time.monotonic()
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise HttpError(f"bad status line {line[:80]!r}")
    resp.status = int(parts[1])
    while True:
        line = await reader.readline()
        if not line:
            raise HttpError("connection closed inside the headers")
        if line in (b"\r\n", b"\n"):
            break
        k, _, v = line.decode("latin-1").partition(":")
        resp.headers[k.strip().lower()] = v.strip()


async def read_body(reader, resp, on_data=None, abort_check=None):
    """Reads the body per the headers. on_data(bytes) per piece; abort_check() -> True stops."""
    ctype = resp.header("content-type") or ""
    sse = SseParser(resp) if ctype.startswith("text/event-stream") else None
    pieces = []

    def take(data):
        pieces.append(data)
        if sse:
            sse.feed(data)
        if on_data:
            on_data(data)

    te = (resp.header("transfer-encoding") or "").lower()
    if "chunked" in te:
        while True:
            line = await reader.readline()
            if not line:
                raise HttpError("connection closed inside a chunked body")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers
                    t = await reader.readline()
                    if t in (b"\r\n", b"\n", b""):
                        break
                break
            data = await reader.readexactly(size)
            await reader.readexactly(2)
            take(data)
            if abort_check and abort_check():
                return False
    elif resp.header("content-length") is not None:
        n = int(resp.header("content-length"))
        while n > 0:
            data = await reader.read(min(n, 65536))
            if not data:
                raise HttpError("connection closed inside the body")
            n -= len(data)
            take(data)
            if abort_check and abort_check():
                return False
    else:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            take(data)
            if abort_check and abort_check():
                return False
    resp.body = b"".join(pieces)
    resp.t_end = time.monotonic()
    return True


def set_rst_on_close(writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


async def request(host, port, method, path, body=None, headers=None, timeout=60.0,
                  abort_after_chunks=None, rst=False, half_close=False, on_progress=None):
    """One request on a fresh connection. Raises on connection errors and timeouts.

    abort_after_chunks=k: close the connection once k content-bearing SSE events arrived
    (RST instead of FIN with rst=True); the Response then has aborted=True.
    half_close=True: shutdown(SHUT_WR) right after the request, then read the answer.
    on_progress(resp): called after every body piece (a scenario's hook, e.g. to kill a server
    once the stream is under way).
    """
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    resp = Response()

    async def run():
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        try:
            resp.t_start = time.monotonic()
            writer.write(build_request(method, path, host, port, body, headers))
            if body:
                writer.write(body)
            await writer.drain()
            if half_close:
                writer.write_eof()
            await read_head(reader, resp)
            def check():
                if on_progress is not None:
                    on_progress(resp)
                return abort_after_chunks is not None and \
                    resp.content_chunks >= abort_after_chunks
            complete = await read_body(reader, resp, abort_check=check)
            if not complete:
                resp.aborted = True
                if rst:
                    set_rst_on_close(writer)
                    writer.transport.abort()
                else:
                    writer.close()
                resp.t_end = time.monotonic()
        finally:
            if not writer.is_closing():
                writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 1.0)
            except Exception:
                pass
        return resp

    return await asyncio.wait_for(run(), timeout)


def chat_body(prompt="Once upon a time", max_tokens=16, stream=True, **extra):
    b = {"messages": [{"role": "user", "content": prompt}], "max_tokens": max_tokens,
         "stream": stream}
    b.update(extra)
    return b


async def stream_chat(host, port, prompt="Once upon a time", max_tokens=16, timeout=120.0,
                      **kw):
    """A streamed chat completion. Returns (Response, error string or None)."""
    try:
        r = await request(host, port, "POST", "/v1/chat/completions",
                          chat_body(prompt, max_tokens, True,
                                    **kw.pop("extra", {})), timeout=timeout, **kw)
    except asyncio.TimeoutError:
        return None, f"timeout after {timeout} s"
    except (OSError, HttpError, asyncio.IncompleteReadError, ValueError) as e:
        return None, f"{type(e).__name__}: {e}"
    if r.aborted:
        return r, None
    if r.status != 200:
        return r, f"HTTP {r.status}: {r.body[:200]!r}"
    if r.error_event is not None:
        return r, f"error event: {r.error_event}"
    if not r.done:
        return r, "stream ended without [DONE]"
    return r, None


async def get(host, port, path, timeout=10.0, headers=None):
    return await request(host, port, "GET", path, headers=headers, timeout=timeout)


async def post_json(host, port, path, body, timeout=30.0, headers=None):
    return await request(host, port, "POST", path, body=body, headers=headers, timeout=timeout)


async def raw_exchange(host, port, head, body_pieces, timeout=30.0, pace=None):
    """Writes `head` then the byte strings of the iterable `body_pieces` while reading the
    answer concurrently (a server may answer 413 and close before the body is sent; write
    errors are then expected and ignored). Returns (Response, bytes_sent, error or None);
    Response.t_headers is when the status line arrived.
    """
    resp = Response()
    sent = 0
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
    stop_sending = asyncio.Event()

    async def send():
        nonlocal sent
        try:
            writer.write(head)
            await writer.drain()
            for piece in body_pieces:
                if stop_sending.is_set():
                    return
                writer.write(piece)
                await writer.drain()
                sent += len(piece)
                if pace:
                    await asyncio.sleep(pace)
        except (OSError, RuntimeError):
            pass

    resp.t_start = time.monotonic()
    sender = asyncio.ensure_future(send())
    err = None
    try:
        await asyncio.wait_for(read_head(reader, resp), timeout)
        stop_sending.set()
        try:
            await asyncio.wait_for(read_body(reader, resp), 5)
        except Exception:
            pass  # the status is what counts
    except asyncio.TimeoutError:
        err = f"no answer within {timeout} s"
    except (OSError, HttpError, asyncio.IncompleteReadError) as e:
        err = f"{type(e).__name__}: {e}"
    finally:
        stop_sending.set()
        sender.cancel()
        try:
            await sender
        except BaseException:
            pass
        writer.transport.abort()
    return resp, sent, err
