#!/usr/bin/python3
"""SIGHUP reloads lexicons and rules: with a broken lexicon the daemon keeps
the old one, says why, and keeps serving and extracting; a good change is
taken (the new entity count is logged). SIGTERM with articles in flight
finishes them and exits 0."""
import json
import os
import re
import shutil
import signal
import subprocess
import time

from nwd import SRC, Daemon, articles, check


def wait_log(d, pattern, count, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = re.findall(pattern, d.logtext())
        if len(found) >= count:
            return found
        time.sleep(0.05)
    d.dump()
    check(False, "log never showed %r %d times" % (pattern, count))


def events_of(d, body):
    st, js, _ = d.post(body)
    check(st == 202, "post %d %r" % (st, js))
    d.wait_idle()
    st, data = d.get("/v1/articles/" + js["article"])
    info = json.loads(data)
    check(info["status"] == "done", "article %r" % info)
    return info["events"]


def main():
    arts = articles()
    d = Daemon()
    data = os.path.join(d.tmp, "data")
    shutil.copytree(os.path.join(SRC, "data"), data)
    d.env["NEWSWIRE_DATA"] = data
    d.start()
    try:
        n0 = int(wait_log(d, r"extractor: (\d+) entities", 1)[0])
        check(events_of(d, arts[0][1]) > 0, "no events before the reload")

        # A broken lexicon: a line with an unknown kind and a duplicate id.
        lex = os.path.join(data, "lexicon", "99-test.tsv")
        with open(lex, "w") as f:
            f.write("meta\tnot-a-kind\t-\tMeta Again\n")
        # -n checks the configuration and the data files.
        chk = subprocess.run(d.argv() + ["-n"], env=d.env, capture_output=True, text=True, timeout=30)
        check(chk.returncode == 1 and "99-test.tsv" in chk.stderr, "-n with a broken lexicon: %d %r"
              % (chk.returncode, chk.stderr))
        chk = subprocess.run(d.argv() + ["-n", "--workers", "0"], env=d.env, capture_output=True,
                             text=True, timeout=30)
        check(chk.returncode == 1 and "workers: 0 is out of range" in chk.stderr, "-n --workers 0")
        d.signal(signal.SIGHUP)
        why = wait_log(d, r"reload: keeping the old lexicons and rules: (.*)", 1)[0]
        check("99-test.tsv" in why, "the reason does not name the file: %r" % why)
        m = d.metrics()
        check(m["newswire_reload_failures_total"] == 1 and m["newswire_reloads_total"] == 0, "reload counters")
        # Still serving and extracting with the old lexicon.
        n1 = events_of(d, arts[1][1])
        check(n1 > 0, "no events after a failed reload")

        # A good change: one more entity.
        with open(lex, "w") as f:
            f.write("zz-test-entity\torg\t-\tZzTestEntity|测试实体\n")
        d.signal(signal.SIGHUP)
        n2 = int(wait_log(d, r"reload: (\d+) entities", 1)[0])
        check(n2 == n0 + 1, "entities %d after reload, %d before" % (n2, n0))
        chk = subprocess.run(d.argv() + ["-n"], env=d.env, capture_output=True, text=True, timeout=30)
        check(chk.returncode == 0 and "configuration OK" in chk.stderr, "-n: %r" % chk.stderr)
        check(d.metrics()["newswire_reloads_total"] == 1, "reloads_total")
        check(events_of(d, arts[2][1]) > 0, "no events after the reload")

        # SIGTERM with articles in flight: they are finished, exit 0.
        ids = []
        for name, body in arts[3:]:
            st, js, _ = d.post(body)
            check(st == 202, "post %d" % st)
            ids.append(js["article"])
        t0 = time.time()
        d.stop(timeout=15)
        print("SIGTERM with %d articles just posted: exit 0 in %.2f s" % (len(ids), time.time() - t0))
        d2 = Daemon(tmp=d.tmp)
        d2.env["NEWSWIRE_DATA"] = data
        d2.start()
        d2.wait_idle()
        for i in ids:
            st, body = d2.get("/v1/articles/" + i)
            check(st == 200 and json.loads(body)["status"] == "done", "article %s after restart" % i)
        d2.stop()
        print("ok: broken lexicon kept the old one (%s); good reload %d -> %d entities" % (why[:60], n0, n2))
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
