#!/bin/sh
# A user extends the data without recompiling: a copy of data/ in a temp dir
# gets a new lexicon file (an organisation and its product) and a new English
# trigger word for product.release; newswire-extract --data DIR (and
# NEWSWIRE_DATA=DIR) picks both up, while the shipped data knows neither.
# A broken rule line is refused with the file and line named.
set -eu
bin="$NW_BIN/newswire-extract"
src="$NW_SOURCE_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$src/data" "$tmp/data"
printf 'Published: 2025-06-10\nLanguage: en\n\nZorblax Robotics trotted out Quibbly-7 on Tuesday.\n' \
	> "$tmp/art.txt"

# The shipped data: no release (the trigger is unknown).
"$bin" --data "$src/data" "$tmp/art.txt" > "$tmp/before.jsonl"
grep -q '"product.release"' "$tmp/before.jsonl" && fail "release found before the data was extended"

# The user's additions: an entity file and a trigger line.
printf '# my companies\nzbx\torg\t-\tZorblax Robotics|Zorblax\nquibbly-7\tproduct\tzbx\tQuibbly-7|Quibbly 7\n' \
	> "$tmp/data/lexicon/90-mine.tsv"
sed -i 's/^\[en\]$/[en]\ntrigger trotted_out/' "$tmp/data/rules/product.release.rules"

check() {
	/usr/bin/python3 - "$1" <<'PY' || fail "extended data not used ($1)"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
rel = [e for e in evs if e["type"] == "product.release"]
assert len(rel) == 1, evs
args = {(a["role"], a["id"]) for a in rel[0]["args"]}
assert ("agent", "zbx") in args and ("product", "quibbly-7") in args, args
assert rel[0]["time"]["value"] == "2025-06-10", rel[0]
assert rel[0]["summary"] == "Zorblax Robotics released Quibbly-7 (June 10, 2025)", rel[0]["summary"]
PY
}
"$bin" --data "$tmp/data" "$tmp/art.txt" > "$tmp/after.jsonl"
check "$tmp/after.jsonl"
NEWSWIRE_DATA="$tmp/data" "$bin" "$tmp/art.txt" > "$tmp/env.jsonl"
check "$tmp/env.jsonl"

# A broken line: refused, the file and line named, exit status non-zero.
echo 'role agent sideways org' >> "$tmp/data/rules/product.release.rules"
set +e
"$bin" --data "$tmp/data" "$tmp/art.txt" > /dev/null 2> "$tmp/err.txt"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a broken rule file was accepted"
grep -q 'product.release.rules:[0-9]' "$tmp/err.txt" || fail "error does not name the line: $(cat "$tmp/err.txt")"
echo "ok"
