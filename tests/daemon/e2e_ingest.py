#!/usr/bin/python3
"""newswired end to end: POST -> events at a SUB with the right frames and
increasing seq; the same article again -> 200, no new events; GET of the
article; the JSON form; replay (all, prefix, limit/more, malformed, stats)
byte for byte equal to PUB; /metrics; SIGTERM -> exit 0."""
import json
import time

import msgpack
import zmq

from nwd import Daemon, articles, check, collect, decode_event, fail


def main():
    d = Daemon().start()
    try:
        arts = articles()
        s = d.sub()
        s2 = d.sub(d.pub_tcp, (b"product.", b"$hb"))
        hb = d.wait_sub_ready(s)
        d.wait_sub_ready(s2)
        check(len(hb["origin"]) == 16 and hb["last_seq"] == 0, "first heartbeat %r" % hb)

        # 1. Post every bundled article; all 202 with an id.
        ids = []
        for name, body in arts:
            st, js, _ = d.post(body)
            check(st == 202, "%s: POST answered %d %r" % (name, st, js))
            check(js["status"] == "queued" and len(js["article"]) == 16, "202 body %r" % js)
            ids.append(js["article"])
        check(len(set(ids)) == len(ids), "article ids repeat")
        d.wait_idle()
        total = 0
        for i in ids:
            st, data = d.get("/v1/articles/" + i)
            check(st == 200, "GET article %d" % st)
            info = json.loads(data)
            check(info["status"] == "done" and info["error"] is None, "article %r" % info)
            total += info["events"]
        check(total > 0, "the bundled articles yielded no event")

        # 2. The SUB gets them all, in seq order, frames consistent.
        got = collect(s, lambda ev: len(ev) >= total)
        check(len(got) == total, "SUB got %d events, store says %d" % (len(got), total))
        last = 0
        for fr in got:
            topic, ev, tr = decode_event(fr)
            check(topic == ev["type"], "topic %s != type %s" % (topic, ev["type"]))
            check(ev["seq"] == tr["seq"] == last + 1, "seq %r/%r after %d" % (ev["seq"], tr["seq"], last))
            check(tr["origin"] == hb["origin"] and tr["epoch"] == hb["epoch"], "trailer %r" % tr)
            check(ev["v"] == 1 and ev["article"]["id"] in ids, "event %r" % ev)
            last = tr["seq"]
        prod = collect(s2, lambda ev: False, timeout=1)
        check(len(prod) == sum(1 for fr in got if fr[0].startswith(b"product.")),
              "tcp SUB to product. got %d" % len(prod))
        check(all(fr[0].startswith(b"product.") for fr in prod), "prefix SUB got other types")

        # 3. The same article again: 200 with the same id, no new events.
        st, js, _ = d.post(arts[0][1])
        check(st == 200 and js["article"] == ids[0] and js["status"] == "duplicate", "dup %d %r" % (st, js))
        # JSON form of a new article.
        body = json.dumps({"title": "Test", "language": "en", "published": "2025-06-01",
                           "text": "Alibaba released Qwen3-Max on Tuesday. Meta said it will "
                                   "release Avocado next spring."}).encode()
        st, js, _ = d.post(body, "application/json; charset=utf-8")
        check(st == 202, "JSON post %d %r" % (st, js))
        st2, js2, _ = d.post(body, "application/json")
        check(st2 == 200 and js2["article"] == js["article"], "JSON dup %d %r" % (st2, js2))
        d.wait_idle()
        st, data = d.get("/v1/articles/" + js["article"])
        njson = json.loads(data)["events"]
        more = collect(s, lambda ev: len(ev) >= njson, timeout=5)
        time.sleep(1.2)  # a heartbeat later: nothing else arrived
        more += collect(s, lambda ev: False, timeout=0.3)
        check(len(more) == njson, "after dup + JSON post: %d events, expected %d" % (len(more), njson))
        for fr in more:
            _, ev, tr = decode_event(fr)
            check(tr["seq"] == last + 1 and ev["article"]["id"] == js["article"], "seq %d" % tr["seq"])
            last = tr["seq"]
        got += more
        check(d.health()["last_seq"] == last, "healthz last_seq")

        # 4. Replay: all, byte for byte; prefix; limit with more.
        events, ends = d.replay_all(0)
        check(len(events) == len(got), "replay %d events, PUB %d" % (len(events), len(got)))
        for a, b in zip(events, got):
            check(a == b, "replay frames differ from PUB at seq %d" % decode_event(b)[2]["seq"])
        check(ends[-1]["head_seq"] == last and ends[-1]["count"] == len(got), "end %r" % ends[-1])
        pe, _ = d.replay_all(0, prefix="product.")
        check(pe == [fr for fr in got if fr[0].startswith(b"product.")], "prefix replay")
        le, lends = d.replay_all(0, limit=3)
        check(le == got and len(lends) == (len(got) + 2) // 3,
              "limit 3: %d events, %d ends" % (len(le), len(lends)))
        check(lends[0]["more"] and lends[0]["count"] == 3 and not lends[-1]["more"], "ends %r" % lends[:2])
        mid, _ = d.replay_all(last - 2)
        check(mid == got[-2:], "since last-2")

        # Malformed requests: an $error, counted; the daemon lives on.
        for frames, code in (([b"not msgpack \xc1"], -2), ([msgpack.packb({"v": 1, "op": "dance"})], -7),
                             ([msgpack.packb({"v": 9, "op": "replay"})], -6), ([b"a", b"b"], -2)):
            fr = d.request_raw(frames)
            check(fr[0] == b"$error", "bad request got %r" % fr[0])
            err = msgpack.unpackb(fr[1], raw=False)
            check(err["code"] == code and err["message"], "error %r for %r" % (err, frames))
        fr = d.request_raw([msgpack.packb({"v": 1, "op": "stats", "req": 7})])
        check(fr[0] == b"$stats", "stats got %r" % fr[0])
        stats = msgpack.unpackb(fr[1], raw=False)
        check(stats["req"] == 7 and stats["last_seq"] == last, "stats %r" % stats)
        check(stats["subscribers"] == 2, "subscribers %r" % stats["subscribers"])
        s2.close()
        deadline = time.time() + 10
        while d.metrics()["newswire_subscribers"] != 1 and time.time() < deadline:
            time.sleep(0.05)
        check(d.metrics()["newswire_subscribers"] == 1, "a closed SUB still counted")

        # 5. /metrics.
        m = d.metrics()
        check(m["newswire_articles_received_total"] == len(arts) + 1, "received %r" % m)
        check(m["newswire_articles_duplicate_total"] == 2, "duplicate")
        check(m["newswire_events_published_total"] == len(got), "events published")
        check(m["newswire_replay_errors_total"] == 4, "replay errors %r" % m["newswire_replay_errors_total"])
        check(m['newswire_extraction_seconds_bucket{le="+Inf"}'] == len(arts) + 1, "histogram count")
        check(m["newswire_queue_depth"] == 0 and m["newswire_uptime_seconds"] >= 0, "gauges")
        st, data = d.get("/v1/articles/0000000000000000")
        check(st == 404 and json.loads(data)["message"], "unknown article %d" % st)
        st, data = d.get("/v1/articles/xyz")
        check(st == 400, "bad article id %d" % st)

        d.stop()
        print("ok: %d articles, %d events, seq 1..%d, replay equal to PUB" % (len(arts) + 1, len(got), last))
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
