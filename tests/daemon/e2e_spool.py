#!/usr/bin/python3
"""Spool ingest: files there at start are scanned, files renamed in later are
seen by inotify; good ones end in done/ (duplicates too), bad ones in failed/
with NAME.error saying why; dot-files are left alone."""
import json
import os
import time

from nwd import Daemon, articles, check


def wait_for(pred, what, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.05)
    check(False, "timed out waiting for " + what)


def main():
    arts = articles()
    d = Daemon()
    spool = os.path.join(d.tmp, "spool")
    d.extra += ["--spool", spool]
    os.makedirs(spool)
    # Before start: two good files and a bad one.
    for name, body in arts[:2]:
        with open(os.path.join(spool, name), "wb") as f:
            f.write(body)
    with open(os.path.join(spool, "bad-utf8.txt"), "wb") as f:
        f.write(b"Title: x\n\nbody \xff\xfe not utf-8")
    d.start()
    try:
        done, failed = os.path.join(spool, "done"), os.path.join(spool, "failed")
        wait_for(lambda: sorted(os.listdir(done)) == sorted(n for n, _ in arts[:2]), "scan at start")
        wait_for(lambda: os.path.exists(os.path.join(failed, "bad-utf8.txt.error")), "bad file")
        with open(os.path.join(failed, "bad-utf8.txt.error")) as f:
            check("UTF-8" in f.read(), "error file does not say why")

        # After start: written elsewhere, renamed in (the producer's way).
        tmpdir = os.path.join(d.tmp, "incoming")
        os.makedirs(tmpdir)
        names = []
        for i, (name, body) in enumerate(arts[2:5]):
            p = os.path.join(tmpdir, name)
            with open(p, "wb") as f:
                f.write(body)
            os.rename(p, os.path.join(spool, name))
            names.append(name)
        js = json.dumps({"title": "JSON spool", "language": "en",
                         "text": "Alibaba released Qwen3-Max. Meta will release Avocado next spring."})
        with open(os.path.join(tmpdir, "a.json"), "w") as f:
            f.write(js)
        os.rename(os.path.join(tmpdir, "a.json"), os.path.join(spool, "a.json"))
        with open(os.path.join(tmpdir, "broken.json"), "w") as f:
            f.write("{not json")
        os.rename(os.path.join(tmpdir, "broken.json"), os.path.join(spool, "broken.json"))
        with open(os.path.join(tmpdir, "dup.txt"), "wb") as f:
            f.write(arts[0][1])
        os.rename(os.path.join(tmpdir, "dup.txt"), os.path.join(spool, "dup.txt"))
        with open(os.path.join(spool, ".partial"), "wb") as f:
            f.write(b"in progress")
        want = sorted([n for n, _ in arts[:5]] + ["a.json", "dup.txt"])
        wait_for(lambda: sorted(os.listdir(done)) == want, "inotify files in done/")
        wait_for(lambda: os.path.exists(os.path.join(failed, "broken.json.error")), "broken.json")
        with open(os.path.join(failed, "broken.json.error")) as f:
            check("not an article" in f.read(), "broken.json.error")
        check(os.path.exists(os.path.join(spool, ".partial")), "a dot-file was touched")
        d.wait_idle()
        m = d.metrics()
        check(m["newswire_spool_done_total"] == 7 and m["newswire_spool_failed_total"] == 2,
              "spool counters %r %r" % (m["newswire_spool_done_total"], m["newswire_spool_failed_total"]))
        check(m["newswire_articles_received_total"] == 6 and m["newswire_articles_duplicate_total"] == 1,
              "received %r" % m["newswire_articles_received_total"])
        check(m["newswire_events_published_total"] > 0, "no events from the spool")
        d.stop()
        print("ok: spool: 7 done (1 duplicate), 2 failed with reasons, dot-file left alone")
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
