#!/usr/bin/python3
"""Validate the entity lexicon in data/lexicon/*.tsv (format: data/README.md).

Usage:
  check_lexicon.py LEXICON_DIR GOLD_IDS_FILE [GOLD_ROOT]
      Check every *.tsv under LEXICON_DIR; exit 1 and print each problem found.
      GOLD_IDS_FILE lists gold fillers (one a line, `id|surface|...`) that the
      lexicon must cover; every *.gold.jsonl under GOLD_ROOT (searched
      recursively, if given) adds its fillers to that list.
  check_lexicon.py --selftest
      Feed the checker one broken lexicon per rule and fail unless each is
      rejected with the expected message (so the check itself can fail).

Rules: 4 tab-separated fields; known kind; id slug [a-z0-9-]+; unique id;
parent `-` or an existing id; no parent cycle; no alias claimed twice (Latin
aliases compare case-insensitively unless both are exact-case `=` aliases);
an ASCII alias (the display name); no empty alias, no one-character alias,
no Latin alias of 2 characters or fewer unless exact-case; at least
MIN_ENTITIES entities; gold coverage: a
gold filler whose first alternative is an id slug names a lexicon id, and
when the filler also gives surface texts at least one of them is an alias of
one of the filler's ids.
"""

import json
import os
import re
import sys
import tempfile

KINDS = {"org", "product", "person", "place", "media", "gov", "program"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_ENTITIES = 400


def is_cjk(ch):
    """True for a Han / CJK ideograph or a CJK punctuation/kana character."""
    o = ord(ch)
    return (0x3000 <= o <= 0x9FFF) or (0xF900 <= o <= 0xFAFF) or \
        (0x20000 <= o <= 0x2FFFF) or (0xFF00 <= o <= 0xFFEF)


def alias_key(alias):
    """The key two aliases collide on: exact aliases keep case, others fold."""
    if alias.startswith("="):
        return alias[1:].lower()
    return alias.lower()


def load(lexdir):
    """Parse every *.tsv under lexdir in name order.

    Returns (entities, errors); entities maps id -> dict(kind, parent,
    aliases, where)."""
    entities = {}
    errors = []
    try:
        names = sorted(n for n in os.listdir(lexdir) if n.endswith(".tsv"))
    except OSError as e:
        return entities, ["cannot list %s: %s" % (lexdir, e)]
    if not names:
        errors.append("no *.tsv files in %s" % lexdir)
    for name in names:
        path = os.path.join(lexdir, name)
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
        except (OSError, UnicodeDecodeError) as e:
            errors.append("%s: cannot read: %s" % (name, e))
            continue
        for n, line in enumerate(lines, 1):
            where = "%s:%d" % (name, n)
            if line.endswith("\r"):
                errors.append("%s: CR line ending" % where)
                line = line[:-1]
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4:
                errors.append("%s: malformed line: %d tab-separated fields, want 4"
                              % (where, len(fields)))
                continue
            eid, kind, parent, aliases = fields
            if any(x != x.strip() for x in fields):
                errors.append("%s: malformed line: stray whitespace around a field"
                              % where)
            if not SLUG.match(eid):
                errors.append("%s: bad id slug '%s'" % (where, eid))
            if kind not in KINDS:
                errors.append("%s: unknown kind '%s'" % (where, kind))
            if parent != "-" and not SLUG.match(parent):
                errors.append("%s: bad parent '%s'" % (where, parent))
            if eid in entities:
                errors.append("%s: duplicate id '%s' (first at %s)"
                              % (where, eid, entities[eid]["where"]))
                continue
            entities[eid] = {"kind": kind, "parent": parent, "where": where,
                             "aliases": aliases.split("|") if aliases else []}
    return entities, errors


def check_aliases(entities):
    """Alias rules: non-empty, not one CJK char, short Latin needs '=', unique."""
    errors = []
    owner = {}
    for eid, e in entities.items():
        if not e["aliases"]:
            errors.append("%s: id '%s' has no alias" % (e["where"], eid))
        elif not any(a.lstrip("=").isascii() for a in e["aliases"]):
            errors.append("%s: id '%s' has no English (ASCII) alias to display"
                          % (e["where"], eid))
        for a in e["aliases"]:
            bare = a[1:] if a.startswith("=") else a
            if not bare or bare != bare.strip():
                errors.append("%s: empty or space-padded alias '%s' of '%s'"
                              % (e["where"], a, eid))
                continue
            cjk = sum(1 for ch in bare if is_cjk(ch))
            if len(bare) == 1:
                errors.append("%s: single-character alias '%s' of '%s'"
                              % (e["where"], a, eid))
            if cjk == 0 and len(bare) <= 2 and not a.startswith("="):
                errors.append("%s: short Latin alias '%s' of '%s' must be exact-case (=)"
                              % (e["where"], a, eid))
            key = alias_key(a)
            for prev_id, prev in owner.get(key, []):
                both_exact = a.startswith("=") and prev.startswith("=")
                if both_exact and a != prev:
                    continue
                if prev_id == eid:
                    errors.append("%s: alias '%s' repeated for '%s'"
                                  % (e["where"], a, eid))
                else:
                    errors.append("%s: alias '%s' of '%s' already claimed by '%s' (%s)"
                                  % (e["where"], a, eid, prev_id,
                                     entities[prev_id]["where"]))
            owner.setdefault(key, []).append((eid, a))
    return errors


def check_parents(entities):
    """Every parent exists and no chain of parents loops."""
    errors = []
    for eid, e in entities.items():
        p = e["parent"]
        if p != "-" and p not in entities:
            errors.append("%s: parent '%s' of '%s' does not exist"
                          % (e["where"], p, eid))
    for eid, e in entities.items():
        seen = [eid]
        p = e["parent"]
        while p != "-" and p in entities:
            if p in seen:
                if p == eid:
                    errors.append("%s: parent cycle %s"
                                  % (e["where"], " -> ".join(seen + [p])))
                break
            seen.append(p)
            p = entities[p]["parent"]
    return errors


def gold_fillers(ids_file, gold_root):
    """Fillers (strings `a|b|c`) from the ids file and from gold JSON lines."""
    fillers = []
    with open(ids_file, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                fillers.append(("%s:%d" % (os.path.basename(ids_file), n), line))
    if gold_root and os.path.isdir(gold_root):
        for root, _dirs, files in sorted(os.walk(gold_root)):
            for name in sorted(files):
                if not name.endswith(".gold.jsonl"):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        if not line.strip():
                            continue
                        try:
                            ev = json.loads(line)
                        except ValueError:
                            fillers.append(("%s:%d" % (name, n), None))
                            continue
                        for fills in ev.get("args", {}).values():
                            for x in fills:
                                fillers.append(("%s:%d" % (name, n), x))
    return fillers


def check_gold(entities, fillers):
    """Every gold filler led by an id slug is covered by the lexicon."""
    errors = []
    aliases = {}
    for eid, e in entities.items():
        for a in e["aliases"]:
            aliases.setdefault(alias_key(a), set()).add(eid)
    for where, filler in fillers:
        if filler is None:
            errors.append("%s: gold line is not valid JSON" % where)
            continue
        alts = filler.split("|")
        if not SLUG.match(alts[0]):
            continue
        if alts[0] not in entities:
            errors.append("%s: gold id '%s' is not in the lexicon" % (where, alts[0]))
            continue
        ids = {a for a in alts if SLUG.match(a) and a in entities}
        surfaces = [a for a in alts if not SLUG.match(a)]
        if surfaces and not any(aliases.get(alias_key(s), set()) & ids
                                for s in surfaces):
            errors.append("%s: none of the gold surfaces %s is an alias of %s"
                          % (where, surfaces, sorted(ids)))
    return errors


def check(lexdir, ids_file, gold_root=None, min_entities=MIN_ENTITIES):
    """All checks; returns (entities, errors)."""
    entities, errors = load(lexdir)
    errors += check_aliases(entities)
    errors += check_parents(entities)
    if len(entities) < min_entities:
        errors.append("only %d entities, want at least %d"
                      % (len(entities), min_entities))
    if ids_file:
        errors += check_gold(entities, gold_fillers(ids_file, gold_root))
    return entities, errors


GOOD = ("# comment\n\n"
        "alibaba\torg\t-\tAlibaba|阿里巴巴\n"
        "qwen\tproduct\talibaba\tQwen|通义千问\n"
        "qwen3-max\tproduct\tqwen\tQwen3-Max\n"
        "apple\torg\t-\t=Apple|苹果公司\n")

BAD = [
    ("three fields", "x\torg\t-\n", "malformed line"),
    ("unknown kind", "x\tcompany\t-\tX Corp\n", "unknown kind 'company'"),
    ("bad slug", "Qwen_3\tproduct\t-\tQwen 3\n", "bad id slug 'Qwen_3'"),
    ("duplicate id", "alibaba\torg\t-\tAli Group\n", "duplicate id 'alibaba'"),
    ("missing parent", "x\tproduct\tnobody\tX Model\n", "parent 'nobody' of 'x' does not exist"),
    ("cycle", "a\torg\tb\tAaa Co\nb\torg\ta\tBbb Co\n", "parent cycle"),
    ("alias twice", "x\torg\t-\tQWEN\n", "alias 'QWEN' of 'x' already claimed by 'qwen'"),
    ("exact vs folded", "fruit\tproduct\t-\tapple\n", "already claimed by 'apple'"),
    ("one CJK char", "x\torg\t-\t阿\n", "single-character alias '阿'"),
    ("no English alias", "x\torg\t-\t某公司\n", "id 'x' has no English (ASCII) alias"),
    ("short Latin", "x\torg\t-\tXY\n", "short Latin alias 'XY'"),
    ("one Latin char", "x\torg\t-\t=X\n", "single-character alias '=X'"),
    ("empty alias", "x\torg\t-\tXco||Y Co\n", "empty or space-padded alias"),
    ("gold id missing", "", "gold id 'llama' is not in the lexicon"),
    ("gold surface missing", "", "none of the gold surfaces ['千问模型'] is an alias"),
    ("too few", "", "only 4 entities, want at least 5"),
    ("gold jsonl id missing", "", "a.gold.jsonl:2: gold id 'gemma' is not in the lexicon"),
    ("gold jsonl bad JSON", "", "a.gold.jsonl:1: gold line is not valid JSON"),
]


def selftest():
    """Each BAD case must be rejected with its message; GOOD must pass."""
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        ids = os.path.join(tmp, "ids.txt")

        def run(extra, gold, minimum, jsonl=None):
            root = None
            if jsonl is not None:
                root = tempfile.mkdtemp(dir=tmp)
                os.makedirs(os.path.join(root, "sub"))
                with open(os.path.join(root, "sub", "a.gold.jsonl"), "w",
                          encoding="utf-8") as f:
                    f.write(jsonl)
            lexdir = tempfile.mkdtemp(dir=tmp)
            with open(os.path.join(lexdir, "10-a.tsv"), "w", encoding="utf-8") as f:
                f.write(GOOD)
            with open(os.path.join(lexdir, "20-b.tsv"), "w", encoding="utf-8") as f:
                f.write(extra)
            with open(ids, "w", encoding="utf-8") as f:
                f.write(gold)
            return check(lexdir, ids, root, minimum)[1]

        errs = run("arm\torg\t-\t=Arm|=ARM\n",
                   "# ids\nqwen|通义千问\nqwen3-max\napple|Apple\n", 4)
        if errs:
            print("selftest: good lexicon rejected: %s" % errs)
            failures += 1
        for name, extra, want in BAD:
            gold, minimum = "qwen|通义千问\n", 1
            if name == "gold id missing":
                gold = "llama|Llama\n"
            elif name == "gold surface missing":
                gold = "qwen|千问模型\n"
            elif name == "too few":
                minimum = 5
            jsonl = None
            if name == "gold jsonl id missing":
                jsonl = ('{"type": "x", "args": {"a": ["qwen|通义千问"]}}\n'
                         '{"type": "x", "args": {"a": ["gemma|Gemma"]}}\n')
            elif name == "gold jsonl bad JSON":
                jsonl = '{"type": "x", "args": \n'
            errs = run(extra, gold, minimum, jsonl)
            if not any(want in e for e in errs):
                print("selftest: case '%s' not rejected with '%s'; got %s"
                      % (name, want, errs))
                failures += 1
    print("selftest: %d cases, %d failures" % (len(BAD) + 1, failures))
    return 1 if failures else 0


def main(argv):
    """Command line entry; see the module docstring."""
    if len(argv) == 2 and argv[1] == "--selftest":
        return selftest()
    if len(argv) not in (3, 4):
        print(__doc__)
        return 2
    entities, errors = check(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
    for e in errors:
        print("lexicon: " + e)
    kinds = {}
    for e in entities.values():
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    print("lexicon: %d entities (%s), %d aliases, %d problems" % (
        len(entities), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
        sum(len(e["aliases"]) for e in entities.values()), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
