"""Real `tandem` server processes for the reliability suite.

Every process is started in its own process group (start_new_session) and registered; all are
killed when the suite exits, however it exits short of SIGKILL (atexit, SIGINT, SIGTERM), and a
stopped process is always sent SIGCONT before it is killed, so no SIGSTOPped server is left
behind.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ALWAYS_CLOUD = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n"
ALWAYS_EDGE = "[routing]\ncloud_intents = []\n"

_live = set()
_live_lock = threading.Lock()


def _kill_all():
    with _live_lock:
        procs = list(_live)
    for p in procs:
        p.kill_hard()


atexit.register(_kill_all)


def _on_signal(signum, _frame):
    _kill_all()
    sys.exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_binary(path, wait_s=180.0):
    """The build is shared and rebuilt by others: wait while it is missing or mid-link."""
    deadline = time.monotonic() + wait_s
    last = None
    while time.monotonic() < deadline:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            try:
                r = subprocess.run([path, "commander", "--help"], capture_output=True,
                                   timeout=20)
                if r.returncode == 0:
                    return
                last = f"exit {r.returncode}: {r.stderr[:200]!r}"
            except (OSError, subprocess.TimeoutExpired) as e:
                last = str(e)
        else:
            last = "missing"
        time.sleep(2)
    raise RuntimeError(f"{path} not usable after {wait_s:.0f} s ({last})")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


class RssSampler:
    """Samples VmRSS of some pids every `interval` s in a thread; keeps the peak per pid."""

    def __init__(self, pids, interval=0.01):
        self.pids = list(pids)
        self.interval = interval
        self.peak = {p: rss_kb(p) or 0 for p in self.pids}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for p in self.pids:
                v = rss_kb(p)
                if v is not None and v > self.peak[p]:
                    self.peak[p] = v
            self._stop.wait(self.interval)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


class Server:
    def __init__(self, binary, role, args, workdir, name=None):
        self.binary = binary
        self.role = role
        self.args = list(args)
        self.workdir = workdir
        self.name = name or role
        self.proc = None
        self.host = "127.0.0.1"
        self.port = None
        self.log_path = None
        self.stopped = False

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def log_tail(self, n=2000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def start(self, port=0, timeout=90.0):
        """Starts on `port` (0: the server picks one and prints it). Retries a taken port."""
        for attempt in range(5):
            self.log_path = os.path.join(self.workdir, f"{self.name}.{int(time.time()*1000)}.log")
            log = open(self.log_path, "wb")
            cmd = [self.binary, self.role, *self.args, "--host", self.host, "--port", str(port)]
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
            log.close()
            with _live_lock:
                _live.add(self)
            self.stopped = False
            try:
                self._wait_ready(timeout)
                return self
            except RuntimeError as e:
                self.kill_hard()
                text = str(e)
                if re.search(r"address|bind|in use", text, re.I) and attempt < 4:
                    time.sleep(0.5 if port else 0)
                    continue
                raise
        raise RuntimeError(f"{self.name}: could not start")

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): "
                                   f"{self.log_tail()}")
            if self.port is None or not self._port_from_log_matches():
                m = re.search(r"listening on http://([0-9.]+):(\d+)", self.log_tail(100000))
                if m:
                    self.port = int(m.group(2))
            if self.port is not None and self._port_from_log_matches():
                try:
                    with urllib.request.urlopen(self.url + "/health", timeout=2) as r:
                        if r.status == 200:
                            return
                except Exception:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not healthy after {timeout} s: {self.log_tail()}")

    def _port_from_log_matches(self):
        m = re.search(r"listening on http://([0-9.]+):(\d+)", self.log_tail(100000))
        return bool(m) and int(m.group(2)) == self.port

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            if sig == signal.SIGSTOP:
                self.stopped = True
            elif sig == signal.SIGCONT:
                self.stopped = False

    def kill_hard(self):
        """SIGCONT (never leave a stopped process) then SIGKILL the group, and reap."""
        if not self.proc:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGCONT)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.stopped = False
        with _live_lock:
            _live.discard(self)

    def stop(self):
        """SIGCONT, SIGTERM, 5 s grace, then SIGKILL."""
        if not self.proc:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGCONT)
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.kill_hard()

    def rss_kb(self):
        return rss_kb(self.pid)

    def fds(self):
        return fd_count(self.pid)


class Cluster:
    """The servers of one scenario; all stopped on exit."""

    def __init__(self, opts):
        self.opts = opts
        self.dir = tempfile.mkdtemp(prefix="tandem-reliability-")
        self.servers = []

    def _common(self, model=None):
        return ["-m", model or self.opts.model, "-t", str(self.opts.threads), "-c", "2048"]

    def commander(self, name="commander", port=0, extra=()):
        s = Server(self.opts.tandem, "commander",
                   [*self._common(), "--parallel", str(self.opts.parallel), *extra],
                   self.dir, name)
        self.servers.append(s)
        return s.start(port)

    def synth(self, name, *shape):
        """A random-weight model of `shape` (tandem synth --like custom flags) with the test
        model's tokenizer, in this cluster's directory."""
        path = os.path.join(self.dir, name)
        subprocess.run([self.opts.tandem, "synth", "--like", "custom", *shape, "--vocab-from",
                        self.opts.model, "-o", path], check=True, capture_output=True)
        return path

    def dispatcher(self, commander_url, route="cloud", name=None, extra=(), model=None):
        policy = os.path.join(self.dir, f"policy-{route}.toml")
        with open(policy, "w") as f:
            f.write(ALWAYS_CLOUD if route == "cloud" else ALWAYS_EDGE)
        s = Server(self.opts.tandem, "dispatcher",
                   [*self._common(model), "--parallel", str(self.opts.parallel), "--commander",
                    commander_url, "--intent-model", "none", "--policy", policy, *extra],
                   self.dir, name or f"dispatcher-{route}")
        self.servers.append(s)
        return s.start(0)

    def close(self):
        for s in self.servers:
            s.stop()
        if not self.opts.keep_logs:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
