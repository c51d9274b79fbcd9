#!/bin/sh
# End-to-end test of newswire-extract: JSON lines, --text, stdin, --published,
# and a bad file reported on stderr while the others are still processed.
set -eu
bin="$NW_BIN/newswire-extract"
src="$NW_SOURCE_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The seed: JSON lines that parse, with the expected plan.
"$bin" "$src/tests/extract/corpus/seed-avocado.txt" > "$tmp/seed.jsonl"
/usr/bin/python3 - "$tmp/seed.jsonl" <<'PY' || fail "seed output"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(evs) >= 15, len(evs)
plans = [e for e in evs if e["type"] == "product.plan"]
assert plans and plans[0]["time"]["value"] == "2026-21", plans
assert all("seq" not in e and e["id"] and e["summary"] for e in evs)
assert all(e["article"]["lang"] == "zh" for e in evs)
PY

# Same input, same output (ids included).
"$bin" "$src/tests/extract/corpus/seed-avocado.txt" | cmp -s - "$tmp/seed.jsonl" || fail "not deterministic"

# A missing file and an empty article: named on stderr, the good file still done, exit 1.
printf 'Title: only a title\n\n' > "$tmp/empty.txt"
set +e
"$bin" "$tmp/missing.txt" "$tmp/empty.txt" "$src/tests/extract/corpus/seed-avocado.txt" \
	> "$tmp/out.jsonl" 2> "$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "exit status $rc, want 1"
grep -q "missing.txt" "$tmp/err.txt" || fail "missing file not named"
grep -q "empty.txt" "$tmp/err.txt" || fail "empty article not named"
cmp -s "$tmp/out.jsonl" "$tmp/seed.jsonl" || fail "good file not processed"

# Standard input, the JSON form, --text and --published.
printf '{"text":"Anthropic raised $13 billion in a Series F round led by Iconiq.","language":"en"}' |
	"$bin" --text --published 2025-09-06 - > "$tmp/text.txt"
grep -q "^finance.funding" "$tmp/text.txt" || fail "--text / stdin / JSON form"
printf 'Meta正筹划于明年春天推出代号为“牛油果”的新模型。' | "$bin" --published 2025-12-11 - |
	grep -q '"value":"2026-21"' || fail "--published"

# Usage errors exit 2.
set +e
"$bin" > /dev/null 2>&1
[ $? -eq 2 ] || fail "no arguments should exit 2"
"$bin" --bogus x > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option should exit 2"
set -e
echo ok
