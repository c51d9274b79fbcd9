#!/usr/bin/python3
"""e2e_clients.py SCENARIO — the client tools as real processes against a
real newswired (bin/newswired) on free 127.0.0.1 ports in a temp dir.

Scenarios: badinput (every tool, bad inputs, no daemon needed), filters,
gap, alert_restart, webhook, python_example, ctl, token.
"""
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nwtest import (PY, SRC, Daemon, article_set, check, closed_port, fail,  # noqa: E402
                    lexicon_parents, run, tool, wait_for)


def one_line_error(rc, err, want_rc, want_text, what):
    lines = [ln for ln in err.splitlines() if ln.strip()]
    check(rc == want_rc, "%s: exit %d, wanted %d (stderr: %r)" % (what, rc, want_rc, err))
    check(len(lines) == 1, "%s: wanted one line on stderr, got %r" % (what, err))
    check(want_text in lines[0], "%s: %r does not say %r" % (what, lines[0], want_text))


# ---- badinput ------------------------------------------------------------

def scenario_badinput(tmp):
    dead = "127.0.0.1:%d" % closed_port()
    env = dict(os.environ, NEWSWIRE_URL="http://" + dead,
               NEWSWIRE_PUB="tcp://" + dead, NEWSWIRE_REPLAY="tcp://" + dead)
    art = os.path.join(tmp, "a.txt")
    with open(art, "w") as f:
        f.write("Title: x\n\nAlibaba released Qwen3-Max.\n")
    empty = os.path.join(tmp, "empty.txt")
    open(empty, "w").close()
    rules = os.path.join(tmp, "bad.rules")
    with open(rules, "w") as f:
        f.write("[r]\nfile = out.jsonl\nmodality = sometimes\n")
    good_rules = os.path.join(tmp, "good.rules")
    with open(good_rules, "w") as f:
        f.write("[r]\nfile = %s/out.jsonl\n" % tmp)
    bad_state = os.path.join(tmp, "bad.cursor")
    with open(bad_state, "w") as f:
        f.write("garbage\n")

    cases = [
        # newswire-post
        ([tool("newswire-post")], 2, "no article given"),
        ([tool("newswire-post"), "--bogus", art], 2, "unknown option --bogus"),
        ([tool("newswire-post"), "--url", "ftp://x", art], 2, "is not an http"),
        ([tool("newswire-post"), "--token-file", tmp + "/nonexistent", art], 2,
         "nonexistent: No such file or directory"),
        ([tool("newswire-post"), art], 3, "cannot reach http://" + dead),
        ([tool("newswire-post"), tmp + "/missing.txt"], 1,
         "missing.txt: No such file or directory"),
        ([tool("newswire-post"), empty], 1, "empty file, nothing to post"),
        # newswire-sub
        ([tool("newswire-sub"), "--heartbeat-timeout", "0.5"], 3,
         "no heartbeat from tcp://" + dead),
        ([tool("newswire-sub"), "--modality", "sometimes"], 2, "unknown modality 'sometimes'"),
        ([tool("newswire-sub"), "--min-confidence", "2"], 2, "is not between 0 and 1"),
        ([tool("newswire-sub"), "--since", "-3"], 2, "'-3' is not a number"),
        ([tool("newswire-sub"), "--count"], 2, "needs a value"),
        ([tool("newswire-sub"), "extra"], 2, "unexpected argument 'extra'"),
        ([tool("newswire-sub"), "--pub", "tcp://" + dead, "--pub", "tcp://" + dead], 2,
         "give one --replay per --pub"),
        ([tool("newswire-sub"), "--pub", "nonsense"], 3, "nonsense"),
        # newswire-alert
        ([tool("newswire-alert")], 2, "no rules file"),
        ([tool("newswire-alert"), "--rules", tmp + "/none.rules"], 2,
         "none.rules: No such file or directory"),
        ([tool("newswire-alert"), "--rules", rules], 2,
         "bad.rules:3: modality: unknown modality 'sometimes'"),
        ([tool("newswire-alert"), "--rules", rules, "--check"], 2, "bad.rules:3:"),
        ([tool("newswire-alert"), "--rules", good_rules, "--state", bad_state], 2,
         "bad.cursor:1: not a newswire-alert cursor file"),
        ([tool("newswire-alert"), "--rules", good_rules, "--state", tmp + "/c1",
          "--heartbeat-timeout", "0.5"], 3, "no heartbeat from tcp://" + dead),
        ([tool("newswire-alert"), "--rules", good_rules, "--type", "x."], 2,
         "unknown option --type"),
        # newswire-ctl
        ([tool("newswire-ctl"), "frobnicate"], 2, "unknown command 'frobnicate'"),
        ([tool("newswire-ctl"), "-T", "1", "stats"], 3, "no answer from tcp://" + dead),
        ([tool("newswire-ctl"), "health"], 3, "cannot reach http://" + dead),
        ([tool("newswire-ctl"), "metrics"], 3, "cannot reach http://" + dead),
        ([tool("newswire-ctl"), "article", "not-hex!"], 2, "is not an article id"),
        ([tool("newswire-ctl"), "article"], 2, "usage: newswire-ctl article ID"),
        ([tool("newswire-ctl"), "-T", "1", "replay", "--since", "0"], 3, "no answer from"),
        ([tool("newswire-ctl"), "replay", "--since", "x"], 2, "'x' is not a number"),
    ]
    for args, want_rc, text in cases:
        rc, out, err = run(args, env=env, timeout=60)
        one_line_error(rc, err, want_rc, text, " ".join(os.path.basename(a) for a in args))
    # --check on a good file passes and says so
    rc, out, err = run([tool("newswire-alert"), "--rules", good_rules, "--check"], env=env)
    check(rc == 0 and "1 rule, ok" in out, "alert --check: %d %r %r" % (rc, out, err))
    # the sample rules file of examples/ is valid
    rc, out, err = run([tool("newswire-alert"), "--check", "--rules",
                        os.path.join(SRC, "examples", "alert.rules")], env=env)
    check(rc == 0, "examples/alert.rules does not check: " + err)
    # --help of every tool exits 0 and lists options
    for t in ("newswire-post", "newswire-sub", "newswire-alert", "newswire-ctl"):
        rc, out, err = run([tool(t), "--help"], env=env)
        check(rc == 0 and "usage: " + t in out, "%s --help: %d %r" % (t, rc, out))
    print("badinput: %d cases ok" % len(cases))


# ---- filters -------------------------------------------------------------

def sub_json(d, args, count, timeout=20):
    """newswire-sub --json ARGS; with count 0, expects nothing in 1.5 s."""
    cmd = [tool("newswire-sub"), "--json", "--quiet"] + args
    cmd += ["--count", str(count), "--timeout", str(timeout)] if count else ["--timeout", "1.5"]
    rc, out, err = run(cmd, env=d.env, timeout=timeout + 20)
    check(rc == 0, "%s: exit %d: %s" % (" ".join(cmd[1:]), rc, err))
    return [json.loads(line) for line in out.splitlines()]


def matches(ev, types=(), entities=(), related=False, modalities=(), minconf=None,
            parents=None):
    if types and not any(ev["type"].startswith(t) for t in types):
        return False
    if modalities and ev["modality"] not in modalities:
        return False
    if minconf is not None and ev["confidence"] < minconf:
        return False
    if entities:
        ok = False
        for a in ev.get("args", []):
            cur, depth = a.get("id"), 0
            while cur and depth < 64 and not ok:
                ok = cur in entities
                cur = parents.get(cur) if related else None
                depth += 1
        if not ok:
            return False
    return True


def scenario_filters(tmp):
    d = Daemon(tmp)
    try:
        d.post(article_set("filters"))
        d.settle()
        truth = d.truth()
        check(len(truth) >= 5, "the test articles gave only %d events" % len(truth))
        seqs = [e["seq"] for e in truth]
        check(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "replay out of order")
        parents = lexicon_parents()

        families = sorted({e["type"].split(".")[0] + "." for e in truth})
        types = sorted({e["type"] for e in truth})
        ents = {}
        for e in truth:
            for a in e.get("args", []):
                if a.get("id"):
                    ents[a["id"]] = ents.get(a["id"], 0) + 1
        common = max(ents, key=lambda k: ents[k])
        # an ancestor that matches more with --related than without
        ancestor = None
        for e in truth:
            for a in e.get("args", []):
                p = parents.get(a.get("id"))
                if p and p not in ents:
                    ancestor = p
        modal = sorted({e["modality"] for e in truth})
        confs = sorted(e["confidence"] for e in truth)
        median = confs[len(confs) // 2]

        specs = [
            ([], {}),
            (["--type", families[0]], dict(types=[families[0]])),
            (["--type", types[-1]], dict(types=[types[-1]])),
            (["--type", families[0], "--type", families[-1]],
             dict(types=[families[0], families[-1]])),
            (["--type", "nosuch."], dict(types=["nosuch."])),
            (["--entity", common], dict(entities=[common])),
            (["--entity", common, "--related"], dict(entities=[common], related=True)),
            (["--modality", modal[0]], dict(modalities=[modal[0]])),
            (["--modality", ",".join(modal)], dict(modalities=modal)),
            (["--min-confidence", str(median)], dict(minconf=median)),
            (["--min-confidence", "1"], dict(minconf=1.0)),
            (["--type", families[0], "--entity", common, "--min-confidence", str(confs[0])],
             dict(types=[families[0]], entities=[common], minconf=confs[0])),
        ]
        if ancestor:
            specs.append((["--entity", ancestor], dict(entities=[ancestor])))
            specs.append((["--entity", ancestor, "--related"],
                          dict(entities=[ancestor], related=True)))
        for args, kw in specs:
            want = [e["seq"] for e in truth if matches(e, parents=parents, **kw)]
            got = [e["seq"] for e in sub_json(d, ["--since", "0"] + args, len(want))]
            check(got == want, "filter %s: got %s, wanted %s" % (args, got, want))
        if ancestor:
            n_rel = len([e for e in truth if matches(e, entities=[ancestor], related=True,
                                                      parents=parents)])
            check(n_rel > 0, "--related matched nothing under %s" % ancestor)

        # --since N starts after N
        mid = seqs[len(seqs) // 2]
        got = [e["seq"] for e in sub_json(d, ["--since", str(mid)], len(seqs) - seqs.index(mid) - 1)]
        check(got == [s for s in seqs if s > mid], "--since %d: %s" % (mid, got))

        # live: a subscriber started now gets the next batch's events, filtered
        live_type = families[0]
        p = subprocess.Popen([tool("newswire-sub"), "--json", "--type", live_type, "--timeout",
                              "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=d.env)
        time.sleep(1.0)
        d.post(article_set("filters-live"))
        d.settle()
        truth2 = d.truth()
        want = [e["seq"] for e in truth2 if e["seq"] > seqs[-1] and e["type"].startswith(live_type)]
        check(want, "the live batch gave no %s events" % live_type)
        got = []
        deadline = time.time() + 20
        while len(got) < len(want) and time.time() < deadline:
            line = p.stdout.readline()
            if not line:
                break
            got.append(json.loads(line)["seq"])
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
        check(p.returncode == 0, "live newswire-sub exit %d: %s" % (p.returncode, err))
        got += [json.loads(line)["seq"] for line in out.splitlines()]
        check(got == want, "live: got %s, wanted %s" % (got, want))

        # text form: time, #seq, type, summary
        rc, out, err = run([tool("newswire-sub"), "--text", "--since", "0", "--count", "1",
                            "--timeout", "10"], env=d.env)
        check(rc == 0, "--text: " + err)
        first = truth[0]
        check(("#%d %s" % (first["seq"], first["type"])) in out, "--text line: %r" % out)
        # --count with too few events before --timeout: exit 1
        rc, out, err = run([tool("newswire-sub"), "--since", "0", "--type", "nosuch.",
                            "--count", "1", "--timeout", "1"], env=d.env)
        one_line_error(rc, err, 1, "timeout: 0 of 1 events", "sub --count timeout")
        print("filters: %d filter specs on %d events ok" % (len(specs), len(truth)))
    finally:
        d.stop()


# ---- gap -----------------------------------------------------------------

def scenario_gap(tmp):
    # A PUB high-water mark of 1, a subscriber receive queue of 1, and a
    # subscriber stopped (SIGSTOP) while events flow: messages are dropped.
    d = Daemon(tmp, ["--sndhwm", "1"])
    try:
        out_path = os.path.join(tmp, "sub.out")
        err_path = os.path.join(tmp, "sub.err")
        with open(out_path, "w") as so, open(err_path, "w") as se:
            p = subprocess.Popen([tool("newswire-sub"), "--json", "--rcvhwm", "1",
                                  "--timeout", "120"], stdout=so, stderr=se, env=d.env)
        time.sleep(1.0)
        p.send_signal(signal.SIGSTOP)
        try:
            # long articles: big events fill the socket buffers fast
            pad = " ".join(["Alibaba released Qwen3-Max for developers in the cloud."] * 40)
            texts = [t + "\n" + pad + "\n" for t in article_set("gap", 120)]
            for i in range(0, len(texts), 40):
                d.post(texts[i:i + 40], name="gap%d" % i)
            d.settle(120)
        finally:
            p.send_signal(signal.SIGCONT)
        truth = [e["seq"] for e in d.truth()]
        check(len(truth) >= 100, "only %d events to push through" % len(truth))

        def done():
            with open(out_path) as f:
                return len(f.read().splitlines()) >= len(truth)
        wait_for(done, 60, "the subscriber to catch up")
        time.sleep(1.0)  # and nothing more (no duplicates) arrives
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        with open(out_path) as f:
            got = [json.loads(line)["seq"] for line in f.read().splitlines()]
        with open(err_path) as f:
            err = f.read()
        check(got == truth, "gap: %d events, wanted %d; first difference at %s" % (
            len(got), len(truth), next((i for i, (a, b) in enumerate(zip(got, truth)) if a != b),
                                       min(len(got), len(truth)))))
        check("replayed" in err, "no gap was forced (nothing replayed): %r" % err)
        print("gap: %d events once and in order; %s" % (len(got), err.strip().splitlines()[-1]))
    finally:
        d.stop()


# ---- alert_restart ---------------------------------------------------------

def scenario_alert_restart(tmp):
    d = Daemon(tmp)
    try:
        out = os.path.join(tmp, "alerts.jsonl")
        state = os.path.join(tmp, "alert.cursor")
        rules = os.path.join(tmp, "all.rules")
        with open(rules, "w") as f:
            f.write("[newswire]\npub = %s\nreplay = %s\nstate = %s\n\n"
                    "[everything]\nfile = %s\n"
                    "exec = sleep 0.05\n" % (d.pub, d.replay, state, out))

        def start():
            return subprocess.Popen([tool("newswire-alert"), "--rules", rules, "--since", "0"],
                                    stderr=open(os.path.join(tmp, "alert.err"), "a"),
                                    env=d.env)

        def lines():
            if not os.path.exists(out):
                return []
            with open(out) as f:
                return [json.loads(x)["seq"] for x in f.read().splitlines()]

        a = start()
        d.post(article_set("alert-a"))
        d.settle()
        n_a = len(d.truth())
        wait_for(lambda: len(lines()) >= 2, 30, "the first alerts")
        # mid-stream: SIGTERM while events are still being alerted
        d.post(article_set("alert-b"))
        wait_for(lambda: len(lines()) >= n_a // 2, 30, "more alerts")
        a.send_signal(signal.SIGTERM)
        check(a.wait(20) == 0, "newswire-alert did not exit 0 on SIGTERM")
        d.settle()
        seen_at_stop = len(lines())
        a = start()
        d.post(article_set("alert-c"))
        d.settle()
        total = len(d.truth())
        last = d.truth()[-1]["seq"]
        wait_for(lambda: len(lines()) >= total, 60, "alerts after a restart")

        def committed():
            with open(state) as f:
                return f.read().split("seq ")[1].strip()
        # killed hard once idle (its cursor says it finished the last event);
        # a kill between an action and its commit repeats that one event, as
        # newswire-alert(1) says
        wait_for(lambda: committed() == str(last), 30, "the cursor to reach %d" % last)
        a.send_signal(signal.SIGKILL)
        a.wait(10)
        a = start()
        d.post(article_set("alert-d"))
        d.settle()
        truth = [e["seq"] for e in d.truth()]
        wait_for(lambda: len(lines()) >= len(truth), 60, "alerts after SIGKILL")
        time.sleep(1.0)
        a.send_signal(signal.SIGTERM)
        a.wait(20)
        got = lines()
        check(got == truth, "alerts %s != events %s" % (got, truth))
        check(seen_at_stop < total, "the SIGTERM was not mid-stream")
        with open(os.path.join(tmp, "alert.err")) as f:
            err = f.read()
        check("resuming after seq" in err, "no resume message: " + err[-500:])
        print("alert_restart: %d events alerted once each across 3 runs (stopped at %d)"
              % (len(got), seen_at_stop))
    finally:
        d.stop()


# ---- webhook ---------------------------------------------------------------

class Hook(http.server.BaseHTTPRequestHandler):
    fail_first = 2
    calls = []          # (path, status, body)
    lock = threading.Lock()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8")
        with Hook.lock:
            k = len([c for c in Hook.calls if c[0] == self.path])
            status = 500 if self.path == "/slack" and k < Hook.fail_first else 200
            Hook.calls.append((self.path, status, body))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"try later")

    def log_message(self, *args):
        pass


def scenario_webhook(tmp):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    port = srv.server_address[1]
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    d = Daemon(tmp)
    try:
        rules = os.path.join(tmp, "hook.rules")
        with open(rules, "w") as f:
            f.write("[newswire]\nstate = %s/c\n\n"
                    "[first-to-slack]\nwebhook = http://127.0.0.1:%d/slack\nformat = slack\n"
                    "retries = 4\nbackoff = 0.2\nrate = 1/h\ncontinue = yes\n\n"
                    "[all-as-json]\nwebhook = http://127.0.0.1:%d/json\n"
                    % (tmp, port, port))
        err_path = os.path.join(tmp, "alert.err")
        a = subprocess.Popen([tool("newswire-alert"), "--rules", rules, "--since", "0"],
                             stderr=open(err_path, "w"), env=d.env)
        d.post(article_set("hook"))
        d.settle()
        truth = d.truth()
        wait_for(lambda: len([c for c in Hook.calls if c[0] == "/json"]) >= len(truth), 60,
                 "every event at the JSON hook")
        time.sleep(0.5)
        a.send_signal(signal.SIGTERM)
        a.wait(20)
        slack = [c for c in Hook.calls if c[0] == "/slack"]
        js = [c for c in Hook.calls if c[0] == "/json"]
        check([c[1] for c in slack] == [500, 500, 200],
              "slack hook calls: %s" % [c[1] for c in slack])
        body = json.loads(slack[-1][2])
        check(list(body) == ["text"] and truth[0]["type"] in body["text"],
              "slack body: %r" % body)
        check([json.loads(c[2])["seq"] for c in js] == [e["seq"] for e in truth],
              "json hook got %d calls for %d events" % (len(js), len(truth)))
        with open(err_path) as f:
            err = f.read()
        check("retry 1/4" in err and "retry 2/4" in err, "no retries logged: " + err[-800:])
        check("rate limit reached" in err or len(truth) == 1, "rate limit not applied")
        print("webhook: 2 failures then success, backoff logged; %d JSON posts; rate limit held"
              % len(js))
    finally:
        d.stop()
        srv.shutdown()


# ---- python_example --------------------------------------------------------

def scenario_python_example(tmp):
    d = Daemon(tmp)
    try:
        d.post(article_set("py-a"))
        d.settle()
        before = d.truth()
        ex = os.path.join(SRC, "examples", "subscriber.py")
        # replay, then live: --since 0 and enough --count for both batches
        p = subprocess.Popen([PY, ex, "--pub", d.pub, "--replay", d.replay, "--since", "0",
                              "--timeout", "60", "--count", "100000"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        live = subprocess.Popen([PY, ex, "--pub", d.pub, "--replay", d.replay,
                                 "--timeout", "40"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        d.post(article_set("py-b"))
        d.settle()
        truth = d.truth()
        time.sleep(2.0)
        for proc in (p, live):
            proc.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        lout, lerr = live.communicate(timeout=20)
        got = [json.loads(x) for x in out.splitlines()]
        check([e["seq"] for e in got] == [e["seq"] for e in truth],
              "python --since 0: %s vs %s (%s)" % ([e["seq"] for e in got],
                                                  [e["seq"] for e in truth], err))
        check(got == truth, "python decoded events differ from newswire-ctl replay's")
        lgot = [json.loads(x)["seq"] for x in lout.splitlines()]
        check(lgot == [e["seq"] for e in truth if e["seq"] > before[-1]["seq"]],
              "python live: %s (%s)" % (lgot, lerr))
        print("python_example: %d events replayed+live, %d live, equal to the C tools' view"
              % (len(got), len(lgot)))
    finally:
        d.stop()


# ---- ctl -------------------------------------------------------------------

def scenario_ctl(tmp):
    d = Daemon(tmp)
    try:
        ids = d.post(article_set("ctl")[:2])
        rc, out, err = run([tool("newswire-post"), "-"], env=d.env,
                           stdin=article_set("ctl")[0])
        check(rc == 0 and out.strip() == "-: %s duplicate" % ids[0], "duplicate: %r" % out)
        d.settle()
        rc, out, err = run([tool("newswire-ctl"), "article", ids[0]], env=d.env)
        check(rc == 0 and ids[0] in out, "article: %d %r %r" % (rc, out, err))
        rc, out, err = run([tool("newswire-ctl"), "article", "0123456789abcdef"], env=d.env)
        one_line_error(rc, err, 1, "article 0123456789abcdef: HTTP 404", "unknown article")
        rc, out, err = run([tool("newswire-ctl"), "stats"], env=d.env)
        check(rc == 0 and "last_seq" in out, "stats: %r" % out)
        rc, out, err = run([tool("newswire-ctl"), "metrics"], env=d.env)
        check(rc == 0 and len(out) > 0, "metrics: %r" % err)
        truth = d.truth()
        rc, out, err = run([tool("newswire-ctl"), "replay", "--since", "0", "--limit", "2"],
                           env=d.env)
        check([json.loads(x)["seq"] for x in out.splitlines()] ==
              [e["seq"] for e in truth[:2]], "replay --limit 2: %r" % out)
        # a closed pipe (| head -1) ends newswire-sub quietly with 0
        p = subprocess.run("'%s' --quiet --since 0 --timeout 10 | head -1; "
                           "echo rc=${PIPESTATUS[0]}" % tool("newswire-sub"), shell=True,
                           executable="/bin/bash", env=d.env, capture_output=True, text=True,
                           timeout=30)
        check(p.stdout.endswith("rc=0\n") and p.stderr == "" and
              json.loads(p.stdout.splitlines()[0])["seq"] == truth[0]["seq"],
              "sub | head -1: %r %r" % (p.stdout, p.stderr))
        # examples/sub-jq.sh: newswire-sub | jq, product events as TSV
        prod = [e for e in truth if e["type"].startswith("product.")]
        if prod:
            env = dict(d.env, PATH=os.path.dirname(tool("newswire-sub")) + ":" +
                       os.environ.get("PATH", ""))
            rc, out, err = run([os.path.join(SRC, "examples", "sub-jq.sh"), "--quiet",
                                "--since", "0", "--count", str(len(prod)), "--timeout", "10"],
                               env=env)
            check(rc == 0 and [int(x.split("\t")[0]) for x in out.splitlines()] ==
                  [e["seq"] for e in prod], "sub-jq.sh: %d %r %r" % (rc, out, err))
        print("ctl: article, duplicate, stats, metrics, replay, sub | head, sub-jq.sh ok")
    finally:
        d.stop()


# ---- token -----------------------------------------------------------------

def scenario_token(tmp):
    token = os.path.join(tmp, "token")
    with open(token, "w") as f:
        f.write("s3cret-token-for-tests\n")
    os.chmod(token, 0o600)
    wrong = os.path.join(tmp, "wrong")
    with open(wrong, "w") as f:
        f.write("not-it\n")
    d = Daemon(tmp, ["--token-file", token])
    try:
        art = os.path.join(tmp, "a.txt")
        with open(art, "w") as f:
            f.write(article_set("token")[0])
        rc, out, err = run([tool("newswire-post"), art], env=d.env)
        one_line_error(rc, err, 1, "a.txt: HTTP 401", "post without a token")
        rc, out, err = run([tool("newswire-post"), "--token-file", wrong, art], env=d.env)
        one_line_error(rc, err, 1, "a.txt: HTTP 401", "post with a wrong token")
        rc, out, err = run([tool("newswire-post"), "--token-file", token, art], env=d.env)
        check(rc == 0 and out.startswith(art + ": "), "post with the token: %r %r" % (out, err))
        env = dict(d.env, NEWSWIRE_TOKEN_FILE=token)
        rc, out, err = run([tool("newswire-post"), art], env=env)
        check(rc == 0 and out.strip().endswith("duplicate"), "$NEWSWIRE_TOKEN_FILE: %r" % out)
        print("token: refused without or with a wrong token, accepted with it")
    finally:
        d.stop()


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    fn = globals().get("scenario_" + name)
    if fn is None:
        fail("usage: e2e_clients.py badinput|filters|gap|alert_restart|webhook|"
             "python_example|ctl|token")
    with tempfile.TemporaryDirectory(prefix="nwclients.") as tmp:
        fn(tmp)


if __name__ == "__main__":
    main()
