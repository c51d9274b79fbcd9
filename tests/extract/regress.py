#!/usr/bin/python3
"""Regression test of the extractor's quality on every corpus folder.

  regress.py [--print]

Scores newswire-extract ($NW_BIN/newswire-extract) with score.py (the shared
scorer, copied here) on each corpus under tests/extract/corpus — the seed
article, dev/ and fewfc/ — and fails when any figure falls below its floor in
floors.txt or when a forbidden argument appears. --print shows the figures
and the floors without failing (to raise the floors after an improvement).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def floors():
    """floors.txt: "FOLDER METRIC FLOOR" lines; # comments."""
    out = []
    with open(os.path.join(HERE, "floors.txt"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].split()
            if not line:
                continue
            if len(line) != 3:
                sys.exit(f"floors.txt:{n}: want FOLDER METRIC FLOOR")
            out.append((line[0], line[1], float(line[2])))
    return out


def figures(folder, extract):
    """The scorer's totals for one folder, flattened: event_f1, arg_f1, time..."""
    path = os.path.join(HERE, "corpus", folder) if folder != "seed" else os.path.join(HERE, "corpus")
    run = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "score.py"), "--json",
                          "--corpus", path, "--", extract],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        sys.exit(f"score.py failed on {folder}: {run.stderr.strip()}")
    t = json.loads(run.stdout)["total"]
    return {
        "event_p": t["events"]["precision"], "event_r": t["events"]["recall"],
        "event_f1": t["events"]["f1"], "arg_f1": t["args"]["f1"],
        "time": t["time_acc"], "quantity": t["quantity_acc"],
        "modality": t["modality_acc"], "attr": t["attr_acc"],
        "forbidden": t["forbidden_args"], "articles": len(json.loads(run.stdout)["articles"]),
    }


def main():
    show = "--print" in sys.argv[1:]
    extract = os.path.join(os.environ.get("NW_BIN", ""), "newswire-extract")
    os.environ.setdefault("NEWSWIRE_DATA", os.path.join(os.path.dirname(os.path.dirname(HERE)), "data"))
    fl = floors()
    bad = []
    for folder in sorted({f for f, _, _ in fl}):
        got = figures(folder, extract)
        print(f"{folder}: " + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                       for k, v in got.items()))
        if got["forbidden"] != 0:
            bad.append(f"{folder}: {got['forbidden']} forbidden arguments")
        for f, metric, floor in fl:
            if f != folder:
                continue
            if metric not in got:
                sys.exit(f"floors.txt: unknown metric {metric}")
            v = got[metric]
            if v is None or v < floor:
                bad.append(f"{folder} {metric} {v} below floor {floor}")
    for b in bad:
        print("FAIL:", b)
    if bad and not show:
        sys.exit(1)


if __name__ == "__main__":
    main()
