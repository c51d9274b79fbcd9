"""nwtest.py — helpers for the clients' end-to-end tests: a real newswired on
free 127.0.0.1 ports in a temp dir, the tools run as real processes, test
articles, and the ground truth read back from the replay socket.
Every wait is bounded in time.
"""
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("NW_BIN", "")
SRC = os.environ.get("NW_SOURCE_DIR", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
PY = "/usr/bin/python3"


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


def tool(name):
    return os.path.join(BIN, name)


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def closed_port():
    """A 127.0.0.1 port nothing listens on."""
    return free_ports(1)[0]


def run(args, timeout=60, env=None, stdin=None):
    """Run a tool; returns (rc, stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env,
                       input=stdin)
    return p.returncode, p.stdout, p.stderr


# Articles whose events the tests follow: English news the extractor's
# lexicon knows (companies, models), several event types and modalities.
ARTICLES = [
    "Title: Alibaba releases Qwen3-Max\nPublished: 2025-09-24\nSource: Test Wire\n\n"
    "Alibaba released Qwen3-Max on Wednesday, its largest model so far. "
    "Alibaba said Qwen3-Max is available to developers through its cloud.\n",
    "Title: Meta plans Avocado\nPublished: 2025-12-10\nSource: Test Wire\n\n"
    "Meta plans to release a new model called Avocado next spring. "
    "Meta is expected to launch Avocado as a closed model.\n",
    "Title: Anthropic raises funding\nPublished: 2025-09-02\nSource: Test Wire\n\n"
    "Anthropic raised $13 billion in a Series F funding round led by ICONIQ. "
    "The funding values Anthropic at $183 billion.\n",
    "Title: OpenAI and Microsoft sign a partnership\nPublished: 2025-10-28\n\n"
    "OpenAI and Microsoft signed a new partnership agreement on Tuesday. "
    "Microsoft will invest $10 billion in new data centers.\n",
    "Title: Google launches Gemini 3\nPublished: 2025-11-18\n\n"
    "Google launched Gemini 3 on Tuesday. Google DeepMind released Gemini 3 Pro "
    "in public beta for developers.\n",
    "Title: Nvidia acquires a startup\nPublished: 2025-06-01\n\n"
    "Nvidia acquired Lepton AI for several hundred million dollars. "
    "Nvidia also announced a partnership with Mistral AI.\n",
    "Title: DeepSeek open-sources a model\nPublished: 2025-01-20\n\n"
    "DeepSeek open-sourced DeepSeek-R1 under the MIT license. "
    "DeepSeek-R1 surpassed ChatGPT in App Store downloads.\n",
    "Title: 阿里巴巴发布通义千问\nPublished: 2025-04-29\n\n"
    "阿里巴巴发布了通义千问Qwen3系列模型，并宣布开源。阿里巴巴计划在未来三年投入3800亿元建设云和AI基础设施。\n",
]


def article_set(tag, n=None):
    """Distinct articles (the tag makes their bodies, hence ids, new)."""
    out = []
    for i, a in enumerate(ARTICLES if n is None else (ARTICLES * 100)[:n]):
        out.append(a + "\n(%s %d)\n" % (tag, i))
    return out


class Daemon:
    """A real newswired in a temp dir on free ports."""

    def __init__(self, tmp, extra=()):
        self.tmp = tmp
        self.http_port, self.pub_port, self.replay_port = free_ports(3)
        self.url = "http://127.0.0.1:%d" % self.http_port
        self.pub = "tcp://127.0.0.1:%d" % self.pub_port
        self.replay = "tcp://127.0.0.1:%d" % self.replay_port
        self.state = os.path.join(tmp, "state")
        self.log = open(os.path.join(tmp, "newswired.log"), "w")
        args = [tool("newswired"), "--foreground", "--state-dir", self.state,
                "--http", "127.0.0.1:%d" % self.http_port, "--pub", self.pub,
                "--replay", self.replay, "--heartbeat-ms", "200"]
        if os.geteuid() == 0:
            args.append("--allow-root")
        args += list(extra)
        env = dict(os.environ, NEWSWIRE_DATA=os.path.join(SRC, "data"))
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        _STARTED.append(self.proc)
        self.env = dict(os.environ, NEWSWIRE_URL=self.url, NEWSWIRE_PUB=self.pub,
                        NEWSWIRE_REPLAY=self.replay, NEWSWIRE_DATA=os.path.join(SRC, "data"))
        deadline = time.time() + 20
        while time.time() < deadline:
            check(self.proc.poll() is None, "newswired exited: " + self.logtext())
            rc, out, _ = run([tool("newswire-ctl"), "-T", "1", "health"], env=self.env)
            if rc == 0:
                return
            time.sleep(0.2)
        fail("newswired not healthy within 20 s: " + self.logtext())

    def logtext(self):
        self.log.flush()
        with open(os.path.join(self.tmp, "newswired.log")) as f:
            return f.read()[-2000:]

    def stats(self):
        rc, out, err = run([tool("newswire-ctl"), "--json", "stats"], env=self.env)
        check(rc == 0, "newswire-ctl stats: " + err)
        return json.loads(out)

    def post(self, texts, name="batch"):
        """Write texts as files, post them; returns the ids printed."""
        d = tempfile.mkdtemp(prefix=name + ".", dir=self.tmp)
        for i, t in enumerate(texts):
            with open(os.path.join(d, "a%04d.txt" % i), "w") as f:
                f.write(t)
        rc, out, err = run([tool("newswire-post"), d], env=self.env, timeout=120)
        check(rc == 0, "newswire-post %s: rc %d: %s" % (d, rc, err))
        return [line.split(": ")[1].split()[0] for line in out.splitlines()]

    def settle(self, timeout=60):
        """Wait until every article received has been processed."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.stats()
            if s.get("queue_depth", 0) == 0 and \
                    s.get("articles_processed", 0) + s.get("articles_failed", 0) >= \
                    s.get("articles_received", 0) - s.get("articles_duplicate", 0):
                return s
            time.sleep(0.2)
        fail("articles not processed within %d s: %s" % (timeout, self.stats()))

    def truth(self):
        """Every stored event, from the replay socket."""
        rc, out, err = run([tool("newswire-ctl"), "replay", "--since", "0"], env=self.env)
        check(rc == 0, "newswire-ctl replay: " + err)
        return [json.loads(line) for line in out.splitlines()]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def lexicon_parents():
    """id -> parent from data/lexicon/*.tsv (for the --related reference)."""
    parents = {}
    d = os.path.join(SRC, "data", "lexicon")
    for name in sorted(os.listdir(d)):
        if not name.endswith(".tsv"):
            continue
        with open(os.path.join(d, name), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 3 and cols[2] != "-":
                    parents[cols[0]] = cols[2]
    return parents


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.1)
    fail("timed out after %d s waiting for %s" % (timeout, what))
