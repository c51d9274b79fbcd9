"""Helpers for newswired's end-to-end tests: start the real daemon in a temp
dir on free 127.0.0.1 ports and ipc paths, talk HTTP, SUB and replay to it.
Every wait is bounded. Needs /usr/bin/python3 with python3-zmq and msgpack."""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq

BIN = os.environ.get("NW_BIN") or os.path.join(os.path.dirname(__file__), "../../build/bin")
SRC = os.environ.get("NW_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "../..")
CORPUS = os.path.join(SRC, "examples", "articles")


# Every daemon a test starts, killed at exit if still running: a failed
# check() exits at once, and must not leave a newswired behind.
_STARTED = []


def _reap():
    for p in _STARTED:
        if p.poll() is None:
            p.kill()
            p.wait(10)


atexit.register(_reap)


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def articles():
    """The bundled example articles: [(name, bytes)]."""
    out = []
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".txt"):
            with open(os.path.join(CORPUS, name), "rb") as f:
                out.append((name, f.read()))
    check(len(out) >= 2, "no bundled articles in " + CORPUS)
    return out


class Daemon:
    """One newswired process with its own state dir and endpoints."""

    def __init__(self, tmp=None, extra=(), env=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="nwd-")
        self.state = os.path.join(self.tmp, "state")
        self.port = free_port()
        self.pub = "ipc://%s/pub.sock" % self.tmp
        self.pub_tcp = "tcp://127.0.0.1:%d" % free_port()
        self.replay = "ipc://%s/replay.sock" % self.tmp
        self.extra = list(extra)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.env.setdefault("NEWSWIRE_DATA", os.path.join(SRC, "data"))
        self.proc = None
        self.log = os.path.join(self.tmp, "daemon.log")
        self.ctx = zmq.Context.instance()

    def argv(self):
        a = [os.path.join(BIN, "newswired"), "--foreground", "--state-dir", self.state,
             "--http", "127.0.0.1:%d" % self.port, "--pub", self.pub, "--pub", self.pub_tcp,
             "--replay", self.replay, "--log-level", "info"]
        if os.geteuid() == 0:
            a.append("--allow-root")
        return a + self.extra

    def start(self, wait=True):
        logf = open(self.log, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=logf, stderr=logf, env=self.env)
        _STARTED.append(self.proc)
        logf.close()
        if wait:
            deadline = time.time() + 20
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    self.dump()
                    fail("newswired exited %d at start" % self.proc.returncode)
                try:
                    if self.get("/healthz")[0] == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            self.dump()
            fail("newswired not ready after 20 s")
        return self

    def dump(self):
        try:
            with open(self.log, "rb") as f:
                sys.stderr.write(f.read()[-4000:].decode("utf-8", "replace"))
        except OSError:
            pass

    def logtext(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def conn(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        c = conn or self.conn()
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        if conn is None:
            c.close()
        return r.status, data, r

    def get(self, path):
        st, data, _ = self.request("GET", path)
        return st, data

    def post(self, body, ctype="text/plain", headers=None, conn=None):
        h = {"Content-Type": ctype} if ctype else {}
        h.update(headers or {})
        st, data, r = self.request("POST", "/v1/articles", body, h, conn)
        try:
            js = json.loads(data)
        except ValueError:
            js = None
        return st, js, r

    def health(self):
        st, data = self.get("/healthz")
        check(st == 200, "healthz %d" % st)
        return json.loads(data)

    def metrics(self):
        st, data = self.get("/metrics")
        check(st == 200, "metrics %d" % st)
        out = {}
        for line in data.decode().splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)
        return out

    def wait_idle(self, timeout=60):
        """Until every stored article is processed."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.health()["queue_depth"] == 0:
                return
            time.sleep(0.05)
        fail("queue not drained after %d s" % timeout)

    def sub(self, endpoint=None, prefixes=(b"",), opts=()):
        """A SUB connected to endpoint; opts are (option, value) pairs set
        before the connect (a high-water mark or buffer size set after it
        does not apply to the connection already made)."""
        s = self.ctx.socket(zmq.SUB)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RCVHWM, 0)
        for opt, value in opts:
            s.setsockopt(opt, value)
        s.connect(endpoint or self.pub)
        for p in prefixes:
            s.setsockopt(zmq.SUBSCRIBE, p)
        return s

    def wait_sub_ready(self, s, timeout=10):
        """Until the SUB sees a heartbeat (its subscription reached PUB)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if s.poll(100):
                fr = s.recv_multipart()
                if fr[0] == b"$hb":
                    return msgpack.unpackb(fr[1], raw=False)
        fail("no heartbeat on SUB in %d s" % timeout)

    def dealer(self):
        d = self.ctx.socket(zmq.DEALER)
        d.setsockopt(zmq.LINGER, 0)
        d.connect(self.replay)
        return d

    def replay_all(self, since=0, prefix="", limit=0, req=1, timeout=30):
        """Replay with a DEALER until $end without more: ([frames], [ends])."""
        d = self.dealer()
        events, ends = [], []
        deadline = time.time() + timeout
        while True:
            d.send(msgpack.packb({"v": 1, "op": "replay", "req": req, "since": since,
                                  "limit": limit, "prefix": prefix}))
            while True:
                check(time.time() < deadline, "replay did not finish in %d s" % timeout)
                if not d.poll(1000):
                    continue
                fr = d.recv_multipart()
                if fr[0] == b"$end":
                    end = msgpack.unpackb(fr[1], raw=False)
                    ends.append(end)
                    break
                check(fr[0] != b"$error", "replay error: %r" % msgpack.unpackb(fr[1], raw=False))
                events.append(fr)
            if not end["more"]:
                break
            since = end["last_seq"]
        d.close()
        return events, ends

    def request_raw(self, frames, timeout=5):
        d = self.dealer()
        d.send_multipart(frames)
        check(d.poll(timeout * 1000), "no reply to a replay request")
        fr = d.recv_multipart()
        d.close()
        return fr

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=30):
        """SIGTERM; must exit 0 within timeout."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.dump()
            fail("newswired did not exit %d s after SIGTERM" % timeout)
        if rc != 0:
            self.dump()
            fail("newswired exited %d after SIGTERM" % rc)
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def cleanup(self):
        """Kill what is left; show the log of a daemon that died badly."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        elif self.proc is not None and self.proc.returncode not in (0, -signal.SIGKILL):
            print("newswired exited %d; its log:" % self.proc.returncode, file=sys.stderr)
            self.dump()
        if os.environ.get("NWD_KEEP"):
            print("kept " + self.tmp, file=sys.stderr)
            return
        shutil.rmtree(self.tmp, ignore_errors=True)


def decode_event(frames):
    """[type, event, trailer] -> (type, event dict, trailer dict)."""
    check(len(frames) == 3, "event message has %d frames" % len(frames))
    ev = msgpack.unpackb(frames[1], raw=False)
    tr = msgpack.unpackb(frames[2], raw=False)
    return frames[0].decode(), ev, tr


def collect(s, until, timeout=20):
    """Receive event messages on s until until(events) or timeout."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline and not until(out):
        if s.poll(100):
            fr = s.recv_multipart()
            if fr[0].startswith(b"$"):
                continue
            out.append(fr)
    return out
