#!/usr/bin/python3
"""kill -9 during a burst of 2,000 posted articles, restart, post the rest
and 1,500 more:
every article that got a 202 has its events exactly once in the store,
sequences are strictly increasing and gap-free across the restart, and replay
returns all of them, byte for byte as stored."""
import collections
import http.client
import os
import sqlite3
import threading
import time

import msgpack
import zmq

from nwd import Daemon, articles, check, collect

TOTAL = 2000
THREADS = 4
KILL_AT = 700
# Posted after the restart on top of what the kill left: enough events that a
# stalled subscriber overflows its queues and the kernel's socket buffers
# (about 4,000 events here) however fast the daemon got before the kill.
EXTRA = 1500


def make(templates, i):
    t = i % len(templates)
    return t, templates[t] + ("\n\nReference number %d.\n" % i).encode()


def big_article(templates, k):
    """~900 KB of article: seconds of extraction, so it is still queued when
    the kill comes and the restart must process it from the store."""
    base = templates[0]
    body = base.split(b"\n\n", 1)[1]
    out = base
    i = 0
    while len(out) < 900000:
        out += b"\n\nBig %d part %d.\n" % (k, i) + body
        i += 1
    return out


def burst(d, templates, todo, acked, lock, stop_at=None, before_kill=None):
    """Post articles todo (a shared list of indexes) from THREADS threads.
    Returns when all are posted or the daemon is gone."""
    errors = []

    def run():
        c = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
        while True:
            with lock:
                if not todo:
                    break
                i = todo.pop(0)
            t, body = make(templates, i)
            try:
                st, js, _ = d.post(body, conn=c)
            except (OSError, http.client.HTTPException) as e:
                errors.append(i)
                with lock:
                    todo.insert(0, i)
                return
            if st == 202:
                with lock:
                    acked[i] = (t, js["article"])
            elif st == 200:
                with lock:
                    acked.setdefault(i, (t, js["article"]))
            elif st == 503:
                time.sleep(0.05)
                with lock:
                    todo.insert(0, i)
            else:
                errors.append((i, st, js))
                return
    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for th in threads:
        th.start()
    if stop_at is not None:
        deadline = time.time() + 60
        while len(acked) < stop_at and time.time() < deadline:
            time.sleep(0.005)
        if before_kill is not None:
            before_kill()
        d.kill9()
    for th in threads:
        th.join(30)
        check(not th.is_alive(), "a posting thread hangs")
    return errors


def main():
    templates = [body for _, body in articles()]
    d = Daemon()
    d.start()
    try:
        todo = list(range(TOTAL))
        acked, lock = {}, threading.Lock()
        t0 = time.time()
        bigs = {}

        def post_bigs():
            for k in range(2):
                st, js, _ = d.post(big_article(templates, k))
                check(st == 202, "big article %d: %d %r" % (k, st, js))
                bigs[k] = js["article"]
        burst(d, templates, todo, acked, lock, stop_at=KILL_AT, before_kill=post_bigs)
        acked_before = dict(acked)
        print("killed -9 after %d acks (%.1f s)" % (len(acked_before), time.time() - t0))
        check(len(acked_before) >= KILL_AT and len(acked_before) < TOTAL, "kill came too late")

        # Restart on the same state; post what was not acknowledged.
        # With a small SNDHWM, and a subscriber that reads nothing: PUB drops
        # for it instead of growing the daemon's memory.
        d2 = Daemon(tmp=d.tmp, extra=["--sndhwm", "500"])
        d2.start()
        # (its queue and its kernel buffer kept small, else its I/O thread
        # takes in everything and the PUB never has to drop)
        stalled = d2.sub(d2.pub_tcp, opts=[(zmq.RCVHWM, 100), (zmq.RCVBUF, 65536)])
        d2.wait_sub_ready(stalled)
        todo = sorted(set(range(TOTAL + EXTRA)) - set(acked))
        errors = burst(d2, templates, todo, acked, lock)
        check(not errors and len(acked) == TOTAL + EXTRA,
              "after restart: %d acked, errors %r" % (len(acked), errors[:3]))
        d2.wait_idle(120)
        with open("/proc/%d/status" % d2.proc.pid) as f:
            rss_mb = int([l for l in f if l.startswith("VmHWM")][0].split()[1]) / 1024
        with open("/proc/%d/maps" % d2.proc.pid) as f:
            asan = "libasan" in f.read()  # its quarantine alone holds 256 MiB
        slow = collect(stalled, lambda ev: False, timeout=1)
        stalled.close()
        import re
        m = re.search(r"(\d+) stored articles wait for extraction", d2.logtext())
        backlog = int(m.group(1)) if m else 0

        db = sqlite3.connect("file:%s/newswire.db?mode=ro" % d2.state, uri=True)
        arts = {row[0]: row[1:] for row in db.execute("SELECT id, status, events FROM articles")}
        per_article = collections.Counter(row[0] for row in db.execute("SELECT article FROM events"))
        seqs = [row[0] for row in db.execute("SELECT seq FROM events ORDER BY seq")]
        # Every acked article is stored and done, with the same events as every
        # other article made from the same template (exactly once: not 0, not 2x).
        by_template = collections.defaultdict(set)
        for i, (t, aid) in acked.items():
            check(aid in arts, "acked article %s (#%d) not in the store" % (aid, i))
            status, n = arts[aid]
            check(status == "done", "article %s is %s" % (aid, status))
            check(per_article[aid] == n, "article %s: %d events stored, %d counted" % (aid, per_article[aid], n))
            by_template[t].add(n)
        for t, counts in by_template.items():
            check(len(counts) == 1, "template %d: event counts differ between copies: %r" % (t, counts))
        check(sum(next(iter(c)) for c in by_template.values()) > 0, "no events at all")
        expected = sum(next(iter(by_template[t])) for t, _ in acked.values())
        gaps = sum(b - a - 1 for a, b in zip(seqs, seqs[1:]) if b > a + 1)
        dups = len(seqs) - len(set(seqs))
        for k, aid in bigs.items():
            check(arts[aid][0] == "done" and arts[aid][1] > 0, "big article %s: %r" % (aid, arts[aid]))
            expected += arts[aid][1]
        check(backlog >= 1, "no article was left for the restart (backlog %d)" % backlog)
        check(len(seqs) == expected, "store has %d events, expected %d" % (len(seqs), expected))
        check(seqs == list(range(1, len(seqs) + 1)), "seqs not 1..%d: %d gaps" % (len(seqs), gaps))
        ids = [row[0] for row in db.execute("SELECT id FROM events")]
        check(len(ids) == len(set(ids)), "an event id repeats")

        after = [msgpack.unpackb(fr[2], raw=False)["seq"] for fr in slow]
        check(0 < len(after) < len(seqs) - seqs.index(after[0]) if after else False,
              "the stalled subscriber got %d events, nothing dropped" % len(after))
        check(after == sorted(after), "stalled subscriber: out of order")
        check(asan or rss_mb < 200, "daemon peak RSS %.0f MiB with a stalled subscriber" % rss_mb)

        # Replay returns every event, byte for byte the stored payload.
        events, ends = d2.replay_all(0)
        check(len(events) == len(seqs), "replay %d events, store %d" % (len(events), len(seqs)))
        stored = {row[0]: row[1] for row in db.execute("SELECT seq, payload FROM events")}
        for fr in events:
            tr = msgpack.unpackb(fr[2], raw=False)
            check(fr[1] == stored[tr["seq"]], "replay payload differs at seq %d" % tr["seq"])
        check([msgpack.unpackb(fr[2], raw=False)["seq"] for fr in events] == seqs, "replay order")
        db.close()
        d2.stop()
        print("ok: %d articles acknowledged (%d before the kill), %d events stored, seq 1..%d, "
              "%d gaps, %d duplicates, %d processed from the backlog at restart, replay %d events in %d requests (%.1f s); "
              "a stalled subscriber got %d of %d events after the restart, daemon peak RSS %.0f MiB"
              % (len(acked), len(acked_before), len(seqs), seqs[-1], gaps, dups, backlog, len(events), len(ends),
                 time.time() - t0, len(after), len(seqs) - seqs.index(after[0]), rss_mb))
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
