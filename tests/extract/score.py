#!/usr/bin/env python3
# tests/extract/score.py — the project's shared scorer (/work/shared/eval/score),
# copied unchanged below this header so that the repository is self-contained:
# tests/extract/regress.py runs it over tests/extract/corpus. Run it with
# /usr/bin/python3; usage and matching rules in the docstring.
"""Score extracted news events against gold events.

  score [--json] [--verbose] --corpus DIR -- EXTRACT_CMD [ARGS...]
      runs `EXTRACT_CMD ARGS... ARTICLE.txt` for every ARTICLE.txt in DIR that has an
      ARTICLE.gold.jsonl beside it, reads JSON-lines events from its stdout, scores them.
  score [--json] [--verbose] GOLD.jsonl PRED.jsonl
      scores one prediction file.

Matching (see ../event-model.md): same type (a gold "type" or role may list
alternatives with |), and at least half of the gold role fillers
present with the right role. Each gold event matches at most once; a prediction that
matches nothing (a duplicate included) is a false positive. Optional gold events are
neither counted when found nor missed when absent.
Exit status: 0 when scored (whatever the figures), 2 on usage or extractor failure.
"""
import json
import os
import re
import subprocess
import sys

SEP = re.compile(r"[\s\-_·•.]+")


def norm(s):
    return SEP.sub("", str(s)).lower() if s is not None else ""


def load_jsonl(text, where):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            raise SystemExit(f"score: {where}:{n}: not JSON: {e}")
    return out


def split_gold(rows):
    gold, forbid = [], []
    for r in rows:
        if "forbid" in r:
            forbid += r["forbid"]
        else:
            gold.append(r)
    return gold, forbid


def fillers(g):
    """[(role, set-of-normalized-alternatives)] for one gold event."""
    out = []
    args = g.get("args") or {}
    if not isinstance(args, dict):
        raise SystemExit("score: a gold event's args must be an object of role: [fillers]")
    for role, items in args.items():
        for item in items:
            out.append((frozenset(role.split("|")), {norm(a) for a in item.split("|")}))
    return out


def arg_hits(pred, role, alts):
    for a in pred.get("args") or []:
        if a.get("role") in role and (norm(a.get("id")) in alts or norm(a.get("text")) in alts):
            return True
    return False


def coverage(g, p):
    fs = fillers(g)
    if not fs:
        return 1.0
    return sum(arg_hits(p, r, alts) for r, alts in fs) / len(fs)


def affinity(g, p, cov):
    """Rank candidate pairs: coverage first, then how well the rest agrees; required gold first."""
    fs = fillers(g)
    pargs = p.get("args") or []
    prec = (sum(any(a.get("role") in r and (norm(a.get("id")) in alts or norm(a.get("text")) in alts)
                    for r, alts in fs) for a in pargs) / len(pargs)) if pargs else 0.0
    extra = 0.0
    if "time" in g:
        extra += 0.1 * (str((p.get("time") or {}).get("value")) == str(g["time"]))
    for k, v in (g.get("attrs") or {}).items():
        extra += 0.1 * (str((p.get("attrs") or {}).get(k)).lower() == str(v).lower())
    for gq in g.get("quantities") or []:
        extra += 0.1 * quantity_ok(gq, p.get("quantities") or [])
    return cov + 0.25 * prec + extra - (0.5 if g.get("optional") else 0.0)


def quantity_ok(gq, preds):
    unit = str(gq.get("unit", "")).lower()
    for q in preds:
        try:
            v = float(q.get("value"))
        except (TypeError, ValueError):
            continue
        gv = float(gq["value"])
        if abs(v - gv) > max(abs(gv) * 0.005, 1e-9):
            continue
        kind = str(q.get("kind", "")).lower()
        punit = str(q.get("unit", "")).lower()
        if unit == "rank" and (kind == "rank" or punit == "rank"):
            return True
        if unit == "x" and (kind == "multiple" or punit == "x"):
            return True
        if unit in ("%", "percent") and (kind == "percent" or punit in ("%", "percent")):
            return True
        if unit == punit:
            return True
        if unit not in ("rank", "x") and len(unit) != 3 and kind == "count":
            return True  # counted things: the value decides, the unit's wording may differ
    return False


def score_article(gold, forbid, preds):
    s = {k: 0 for k in ("tp", "fp", "fn", "arg_gold", "arg_found", "arg_pred", "arg_correct",
                        "time_n", "time_ok", "qty_n", "qty_ok", "mod_n", "mod_ok",
                        "attr_n", "attr_ok", "forbidden")}
    misses, falses, wrong = [], [], []
    preds = [p for p in preds if isinstance(p, dict) and "type" in p]
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if p.get("type") in str(g.get("type")).split("|"):
                c = coverage(g, p)
                if c >= 0.5:
                    pairs.append((affinity(g, p, c), -pi, gi, pi))
    pairs.sort(reverse=True)
    g_used, p_used, match = set(), set(), {}
    for _, _, gi, pi in pairs:
        if gi in g_used or pi in p_used:
            continue
        g_used.add(gi)
        p_used.add(pi)
        match[gi] = pi
    for gi, g in enumerate(gold):
        opt = bool(g.get("optional"))
        if gi not in match:
            if not opt:
                s["fn"] += 1
                s["arg_gold"] += len(fillers(g))
                misses.append(g)
            continue
        if opt:
            continue
        p = preds[match[gi]]
        s["tp"] += 1
        fs = fillers(g)
        s["arg_gold"] += len(fs)
        s["arg_found"] += sum(arg_hits(p, r, alts) for r, alts in fs)
        for a in p.get("args") or []:
            s["arg_pred"] += 1
            if any(a.get("role") in r and (norm(a.get("id")) in alts or norm(a.get("text")) in alts)
                   for r, alts in fs):
                s["arg_correct"] += 1
        if "time" in g:
            s["time_n"] += 1
            got = (p.get("time") or {}).get("value")
            if str(got) == str(g["time"]):
                s["time_ok"] += 1
            else:
                wrong.append(("time", g["type"], g["time"], got))
        for gq in g.get("quantities") or []:
            s["qty_n"] += 1
            if quantity_ok(gq, p.get("quantities") or []):
                s["qty_ok"] += 1
            else:
                wrong.append(("quantity", g["type"], gq, p.get("quantities")))
        if "modality" in g:
            s["mod_n"] += 1
            if p.get("modality") == g["modality"]:
                s["mod_ok"] += 1
            else:
                wrong.append(("modality", g["type"], g["modality"], p.get("modality")))
        for k, v in (g.get("attrs") or {}).items():
            s["attr_n"] += 1
            got = (p.get("attrs") or {}).get(k)
            if str(got).lower() == str(v).lower():
                s["attr_ok"] += 1
            else:
                wrong.append(("attr " + k, g["type"], v, got))
    opt_matched = {match[gi] for gi, g in enumerate(gold) if gi in match and g.get("optional")}
    for pi, p in enumerate(preds):
        if pi in p_used:
            continue
        s["fp"] += 1
        s["arg_pred"] += len(p.get("args") or [])
        falses.append(p)
    for pi, p in enumerate(preds):
        if pi in opt_matched:
            continue
        for a in p.get("args") or []:
            blob = f"{a.get('id', '')} {a.get('text', '')}"
            if any(f in blob for f in forbid):
                s["forbidden"] += 1
    return s, misses, falses, wrong


def ratio(a, b):
    return a / b if b else None


def summarize(t):
    p = ratio(t["tp"], t["tp"] + t["fp"])
    r = ratio(t["tp"], t["tp"] + t["fn"])
    f1 = 2 * p * r / (p + r) if p and r else 0.0
    ap = ratio(t["arg_correct"], t["arg_pred"])
    ar = ratio(t["arg_found"], t["arg_gold"])
    af1 = 2 * ap * ar / (ap + ar) if ap and ar else 0.0
    return {
        "events": {"precision": p, "recall": r, "f1": f1, "tp": t["tp"], "fp": t["fp"], "fn": t["fn"]},
        "args": {"precision": ap, "recall": ar, "f1": af1},
        "time_acc": ratio(t["time_ok"], t["time_n"]),
        "quantity_acc": ratio(t["qty_ok"], t["qty_n"]),
        "modality_acc": ratio(t["mod_ok"], t["mod_n"]),
        "attr_acc": ratio(t["attr_ok"], t["attr_n"]),
        "forbidden_args": t["forbidden"],
    }


def brief(e):
    args = e.get("args")
    if isinstance(args, dict):
        a = " ".join(f"{k}={'+'.join(v)}" for k, v in args.items())
    else:
        a = " ".join(f"{x.get('role')}={x.get('id') or x.get('text')}" for x in args or [])
    return f"{e.get('type')} {a}"


def fmt(x):
    return "  -  " if x is None else f"{x:5.3f}"


def main(argv):
    as_json = "--json" in argv
    verbose = "--verbose" in argv
    argv = [a for a in argv if a not in ("--json", "--verbose")]
    jobs = []  # (name, gold_rows, pred_text)
    if argv[:1] == ["--corpus"] and len(argv) >= 4 and argv[2] == "--":
        corpus, cmd = argv[1], argv[3:]
        names = sorted(f[:-4] for f in os.listdir(corpus)
                       if f.endswith(".txt") and os.path.exists(os.path.join(corpus, f[:-4] + ".gold.jsonl")))
        if not names:
            print(f"score: no ARTICLE.txt with ARTICLE.gold.jsonl in {corpus}", file=sys.stderr)
            return 2
        for name in names:
            art = os.path.join(corpus, name + ".txt")
            try:
                run = subprocess.run(cmd + [art], capture_output=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as e:
                print(f"score: {' '.join(cmd)} {art}: {e}", file=sys.stderr)
                return 2
            if run.returncode != 0:
                print(f"score: extractor exited {run.returncode} on {art}: "
                      f"{run.stderr.decode(errors='replace')[-400:]}", file=sys.stderr)
                return 2
            gold = load_jsonl(open(os.path.join(corpus, name + ".gold.jsonl"), encoding="utf-8").read(), name)
            jobs.append((name, gold, run.stdout.decode("utf-8", errors="replace")))
    elif len(argv) == 2:
        gold = load_jsonl(open(argv[0], encoding="utf-8").read(), argv[0])
        jobs.append((os.path.basename(argv[0]), gold, open(argv[1], encoding="utf-8").read()))
    else:
        print(__doc__, file=sys.stderr)
        return 2

    total, per = None, {}
    for name, rows, pred_text in jobs:
        gold, forbid = split_gold(rows)
        preds = load_jsonl(pred_text, name + " (extractor output)")
        s, misses, falses, wrong = score_article(gold, forbid, preds)
        total = dict(s) if total is None else {k: total[k] + s[k] for k in total}
        per[name] = {"summary": summarize(s), "missed": [brief(g) for g in misses],
                     "false_positives": [brief(p) for p in falses], "wrong": [list(map(str, w)) for w in wrong]}
    result = {"total": summarize(total), "articles": per}
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{'article':32} {'evP':>5} {'evR':>5} {'evF1':>5} {'argF1':>5} {'time':>5} {'qty':>5} {'mod':>5} {'attr':>5}")
    for name, a in list(per.items()) + [("TOTAL", {"summary": result["total"]})]:
        m = a["summary"]
        print(f"{name[:32]:32} {fmt(m['events']['precision'])} {fmt(m['events']['recall'])} {fmt(m['events']['f1'])} "
              f"{fmt(m['args']['f1'])} {fmt(m['time_acc'])} {fmt(m['quantity_acc'])} {fmt(m['modality_acc'])} "
              f"{fmt(m['attr_acc'])}")
        if verbose and name != "TOTAL":
            for g in a["missed"]:
                print(f"    missed: {g}")
            for p in a["false_positives"]:
                print(f"    false:  {p}")
            for w in a["wrong"]:
                print(f"    wrong {w[0]}: {w[1]} gold={w[2]} got={w[3]}")
    t = result["total"]
    print(f"events: tp={t['events']['tp']} fp={t['events']['fp']} fn={t['events']['fn']}  "
          f"forbidden args: {t['forbidden_args']}")
    print(f"F1 {t['events']['f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
