#!/usr/bin/python3
"""Benchmark of newswired (prints figures; not a test).

  /usr/bin/python3 bench/daemon_bench.py [BUILD-DIR] [ARTICLES] [CLIENTS]

Starts the real daemon on a temp state dir (sync = full, the default), a SUB
on its tcp PUB endpoint, then posts ARTICLES distinct articles (the bundled
ones, each made unique by a reference line) from CLIENTS keep-alive HTTP
connections. Reports articles/s and events/s sustained from the first POST to
the last event at the subscriber, the POST -> first event latency (p50, p99),
the daemon's peak RSS; then runs bench_daemon_zmq (raw libzmq PUB -> SUB over
tcp loopback) on the very messages received, and the ratio."""
import os
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "daemon"))
top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
build = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(top, "build")
os.environ["NW_BIN"] = os.path.join(build, "bin")
os.environ["NW_SOURCE_DIR"] = top

import http.client  # noqa: E402

import msgpack  # noqa: E402

from nwd import Daemon, articles, check  # noqa: E402

N = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 4


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))]


def main():
    templates = [b for _, b in articles()]
    d = Daemon(extra=["--queue-max", str(max(4096, N))]).start()
    try:
        s = d.sub(d.pub_tcp)
        d.wait_sub_ready(s)
        posted = {}       # article id -> time the POST was sent
        first_event = {}  # article id -> time its first event arrived
        frames = []
        done = threading.Event()
        nevents = [0]
        t_last = [0.0]

        def receive():
            while not done.is_set():
                if not s.poll(100):
                    continue
                while True:
                    try:
                        fr = s.recv_multipart(flags=1)  # NOBLOCK
                    except Exception:
                        break
                    if fr[0].startswith(b"$"):
                        continue
                    now = time.time()
                    ev = msgpack.unpackb(fr[1], raw=False)
                    first_event.setdefault(ev["article"]["id"], now)
                    frames.append(fr)
                    nevents[0] += 1
                    t_last[0] = now

        rx = threading.Thread(target=receive)
        rx.start()
        todo = list(range(N))
        lock = threading.Lock()
        sent_at = {}

        def post():
            c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
            while True:
                with lock:
                    if not todo:
                        return
                    i = todo.pop()
                body = templates[i % len(templates)] + b"\n\nReference number %d.\n" % i
                t = time.time()
                st, js, _ = d.post(body, conn=c)
                check(st == 202, "POST %d %r" % (st, js))
                with lock:
                    sent_at[js["article"]] = t

        t0 = time.time()
        threads = [threading.Thread(target=post) for _ in range(CLIENTS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        t_posted = time.time()
        d.wait_idle(300)
        stored = d.health()["last_seq"]
        deadline = time.time() + 30
        while nevents[0] < stored and time.time() < deadline:
            time.sleep(0.05)
        done.set()
        rx.join()
        elapsed = t_last[0] - t0
        lat = [first_event[a] - t for a, t in sent_at.items() if a in first_event]
        with open("/proc/%d/status" % d.proc.pid) as f:
            hwm = [l for l in f if l.startswith("VmHWM")][0].split()[1]
        m = d.metrics()
        d.stop()

        aps = N / elapsed
        eps = nevents[0] / elapsed
        print("newswired: %d articles from %d HTTP clients, %d events (%d stored) in %.2f s "
              "(POSTs done after %.2f s)" % (N, CLIENTS, nevents[0], stored, elapsed, t_posted - t0))
        print("  sustained: %.0f articles/s, %.0f events/s (HTTP ingest -> subscriber)" % (aps, eps))
        print("  POST -> first event at the subscriber: p50 %.1f ms, p99 %.1f ms (%d articles with events)"
              % (pct(lat, 50) * 1e3, pct(lat, 99) * 1e3, len(lat)))
        print("  daemon peak RSS: %.1f MiB; store commits: %d (%.1f articles per commit)"
              % (int(hwm) / 1024, m["newswire_store_commits_total"],
                 2 * N / max(1, m["newswire_store_commits_total"])))
        print("  extraction: %.2f ms per article on average"
              % (1e3 * m["newswire_extraction_seconds_sum"] / max(1, m["newswire_extraction_seconds_count"])))

        path = os.path.join(d.tmp, "frames.bin")
        with open(path, "wb") as f:
            for fr in frames:
                for part in fr:
                    f.write(struct.pack(">I", len(part)))
                    f.write(part)
        out = subprocess.run([os.path.join(build, "bin", "bench_daemon_zmq"), path, "200000"],
                             capture_output=True, text=True, timeout=300)
        raw = None
        for line in out.stdout.splitlines():
            if line.startswith("RAW_MSGS_PER_SEC"):
                raw = float(line.split()[1])
            else:
                print(line)
        check(raw, "bench_daemon_zmq failed: %s" % out.stderr)
        print("  ratio: newswired delivers %.2f%% of raw libzmq's message rate (%.0f / %.0f msg/s)"
              % (100 * eps / raw, eps, raw))
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
