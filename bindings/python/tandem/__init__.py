"""Tandem's edge SDK from Python (ctypes over libtandem's C ABI, docs/SDK.md).

    from tandem import Model
    llm = Model("stories260K-f32.gguf")
    print(llm("Once upon a time", max_tokens=32, temperature=0)["choices"][0]["text"])
    for piece in llm.complete("Once upon a time", max_tokens=32, stream=True):
        print(piece, end="")
    chat = llm.chat(temperature=0)
    print(chat.send("Tell me a story"))

Model mirrors what llama-cpp-python users expect: calling it returns an OpenAI-style
completion dict (stream=True: an iterator of chunks), create_chat_completion takes messages.
finish_reason is None: the C ABI does not report why a reply ended (yet).
Client is the hybrid edge + Commander client; Masker, scan and route are the privacy and
routing pieces. Errors raise TandemError with the library's message.
"""
import ctypes
import queue
import threading

from . import _lib

__all__ = ["Model", "Chat", "Client", "Masker", "TandemError", "scan", "version",
           "ROUTE_EDGE", "ROUTE_CLOUD", "REASONS"]

_c = _lib.load()
ROUTE_EDGE, ROUTE_CLOUD = 0, 1
REASONS = ["privacy_local", "intent", "offload:context", "offload:modality",
           "offload:max_tokens", "offload:memory", "ppl", "default", "offline"]
STOPPED = 1


class TandemError(RuntimeError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _b(s):
    return None if s is None else s.encode("utf-8")


def _check(rc):
    if rc < 0:
        raise TandemError(rc, _c.tandem_last_error().decode("utf-8", "replace"))
    return rc


def _take_string(ptr):
    if not ptr:
        raise TandemError(-6, _c.tandem_last_error().decode("utf-8", "replace"))
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        _c.tandem_string_free(ptr)


def version():
    return _c.tandem_version().decode()


class _Stream:
    """Runs a generating call on a thread and yields its pieces; closing the iterator early
    makes the token callback return non-zero, which stops generation."""

    def __init__(self, start):
        self._q = queue.Queue()
        self._stop = threading.Event()

        def on_piece(piece, _user):
            self._q.put(piece.decode("utf-8"))
            return 1 if self._stop.is_set() else 0

        self._fn = _lib.TOKEN_FN(on_piece)  # kept alive while the thread runs

        def run():
            try:
                self._q.put(("rc", start(self._fn)))
            except BaseException as e:  # noqa: BLE001 - handed to the consumer
                self._q.put(("exc", e))

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def __iter__(self):
        try:
            while True:
                item = self._q.get()
                if isinstance(item, tuple):
                    kind, value = item
                    if kind == "exc":
                        raise value
                    _check(value)
                    return
                yield item
        finally:
            self._stop.set()
            self._thread.join()


def _collect(start):
    pieces = []

    def on_piece(piece, _user):
        pieces.append(piece.decode("utf-8"))
        return 0

    rc = start(_lib.TOKEN_FN(on_piece))
    _check(rc)
    return "".join(pieces)


class Model:
    """A GGUF model on the device. Thread-safe: several chats may generate at once."""

    def __init__(self, model_path, n_ctx=0, n_threads=0, n_seq=1, chat_template=None,
                 tokenizer_path=None):
        p = _c.tandem_model_default_params()
        p.n_ctx, p.n_threads, p.n_seq = n_ctx, n_threads, n_seq
        self._keep = (_b(chat_template), _b(tokenizer_path))
        p.chat_template, p.tokenizer_path = self._keep
        self._m = _c.tandem_model_load(_b(model_path), ctypes.byref(p))
        if not self._m:
            raise TandemError(-2, _c.tandem_last_error().decode("utf-8", "replace"))
        self.model_path = model_path

    @property
    def n_ctx(self):
        return _c.tandem_model_n_ctx(self._m)

    def close(self):
        if getattr(self, "_m", None):
            _c.tandem_model_free(self._m)
            self._m = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def trim_memory(self, level):
        _check(_c.tandem_model_trim_memory(self._m, level))

    def complete(self, prompt, max_tokens=16, temperature=0.8, stream=False):
        """The completion text (stream=True: an iterator of its pieces)."""
        start = lambda fn: _c.tandem_complete(self._m, _b(prompt), max_tokens,  # noqa: E731
                                              temperature, fn, None)
        return _Stream(start) if stream else _collect(start)

    def __call__(self, prompt, max_tokens=16, temperature=0.8, stream=False, **_ignored):
        """llama-cpp-python's create_completion shape: a text_completion dict, or chunks."""
        if stream:
            return ({"object": "text_completion", "choices": [{"index": 0, "text": piece,
                                                               "finish_reason": None}]}
                    for piece in self.complete(prompt, max_tokens, temperature, True))
        text = self.complete(prompt, max_tokens, temperature)
        return {"object": "text_completion", "model": self.model_path,
                "choices": [{"index": 0, "text": text, "finish_reason": None}]}

    create_completion = __call__

    def chat(self, temperature=0.8, max_tokens=-1, top_p=0.95, top_k=40, seed=0xFFFFFFFF,
             system=None):
        return Chat(self, temperature, max_tokens, top_p, top_k, seed, system)

    def create_chat_completion(self, messages, max_tokens=-1, temperature=0.8, stream=False):
        """llama-cpp-python's shape: the last message is answered after the others."""
        chat = self.chat(temperature=temperature, max_tokens=max_tokens)
        for m in messages[:-1]:
            chat.add(m["content"], role=m["role"])
        last = messages[-1]
        if stream:
            return ({"object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": {"content": piece}}]}
                    for piece in chat.send(last["content"], role=last["role"], stream=True))
        text = chat.send(last["content"], role=last["role"])
        return {"object": "chat.completion", "model": self.model_path,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": None}]}


class Chat:
    """A conversation on the edge model (not for concurrent use)."""

    def __init__(self, model, temperature, max_tokens, top_p, top_k, seed, system):
        p = _c.tandem_chat_default_params()
        p.temperature, p.max_tokens, p.top_p, p.top_k, p.seed = (temperature, max_tokens, top_p,
                                                                 top_k, seed)
        p.system = _b(system)
        self._model = model  # outlives the chat
        self._h = _c.tandem_chat_new(model._m, ctypes.byref(p))
        if not self._h:
            raise TandemError(-1, _c.tandem_last_error().decode("utf-8", "replace"))

    def add(self, content, role="user"):
        """Appends a message without a reply (earlier turns of a conversation)."""
        _check(_c.tandem_chat_add(self._h, _b(role), _b(content)))

    def send(self, content, role="user", stream=False):
        """The reply (stream=True: an iterator of its pieces)."""
        start = lambda fn: _c.tandem_chat_send(self._h, _b(role), _b(content), fn,  # noqa: E731
                                               None)
        return _Stream(start) if stream else _collect(start)

    @property
    def last_reply(self):
        return _c.tandem_chat_last_reply(self._h).decode("utf-8")

    def reset(self):
        _check(_c.tandem_chat_reset(self._h))

    def close(self):
        if getattr(self, "_h", None):
            _c.tandem_chat_free(self._h)
            self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def scan(text):
    """Personal data in text: [(type, begin, end)] with byte offsets into its UTF-8."""
    found = []

    def on_match(t, b, e, _u):
        found.append((t.decode(), b, e))
        return 0

    _check(_c.tandem_privacy_scan(_b(text), _lib.PII_FN(on_match), None))
    return found


class Masker:
    """A conversation's placeholders: mask() before text leaves, unmask() on the way back."""

    def __init__(self):
        self._h = _c.tandem_masker_new()

    def mask(self, text):
        return _take_string(_c.tandem_masker_mask(self._h, _b(text)))

    def unmask(self, text):
        return _take_string(_c.tandem_masker_unmask(self._h, _b(text)))

    def close(self):
        if getattr(self, "_h", None):
            _c.tandem_masker_free(self._h)
            self._h = None

    __del__ = close


class Route:
    def __init__(self, info):
        self.route = "cloud" if info.route == ROUTE_CLOUD else "edge"
        self.reason = REASONS[info.reason] if 0 <= info.reason < len(REASONS) else str(info.reason)
        self.ppl = None if info.ppl < 0 else info.ppl
        self.explain = info.explain.decode("utf-8", "replace")

    def __repr__(self):
        return f"Route({self.route}, {self.explain!r})"


class Client:
    """The hybrid client: routed per reply, the Commander's answers masked out and unmasked
    back, the edge answering whenever the Commander cannot."""

    def __init__(self, model, commander_url=None, api_key=None, policy_path=None,
                 intent_model_path=None, offline=False, temperature=0.8, max_tokens=-1,
                 **timeouts_ms):
        p = _c.tandem_client_default_params()
        self._keep = [_b(commander_url), _b(api_key), _b(policy_path), _b(intent_model_path)]
        p.commander_url, p.api_key, p.policy_path, p.intent_model_path = self._keep
        p.offline, p.temperature, p.max_tokens = int(offline), temperature, max_tokens
        for k, v in timeouts_ms.items():
            setattr(p, k, v)
        self._model = model
        self._h = _c.tandem_client_new(model._m, ctypes.byref(p))
        if not self._h:
            raise TandemError(-1, _c.tandem_last_error().decode("utf-8", "replace"))

    def send(self, content, role="user", stream=False):
        start = lambda fn: _c.tandem_client_send(self._h, _b(role), _b(content), fn,  # noqa
                                                 None)
        return _Stream(start) if stream else _collect(start)

    @property
    def last_route(self):
        info = _lib.RouteInfo()
        _check(_c.tandem_client_last_route(self._h, ctypes.byref(info)))
        return Route(info)

    def route(self, prompt):
        info = _lib.RouteInfo()
        _check(_c.tandem_route(self._h, _b(prompt), ctypes.byref(info)))
        return Route(info)

    def set_offline(self, offline):
        _check(_c.tandem_client_set_offline(self._h, int(offline)))

    def trim_memory(self, level):
        _check(_c.tandem_client_trim_memory(self._h, level))

    def reset(self):
        _check(_c.tandem_client_reset(self._h))

    def close(self):
        if getattr(self, "_h", None):
            _c.tandem_client_free(self._h)
            self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
