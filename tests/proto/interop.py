#!/usr/bin/python3
"""Interop between libnewswire (C) and python3-msgpack, run by test_interop.c.

  interop.py verify DIR   decode DIR/c-*.msgpack (written by C), compare each
                          with the expected message field by field, and check
                          that Python packs the same dict to the same bytes
  interop.py write DIR    write DIR/py-*.msgpack for the C side to decode

Exit status 0 when every check passed; every mismatch is printed.
Must run under Debian's /usr/bin/python3 (python3-msgpack).
"""
import math
import os
import sys

import msgpack

ORIGIN = bytes(range(0x00, 0x100, 0x11))  # 00 11 22 ... ff

# What C's helpers_sample_event() encodes, key order as the C encoder writes.
SAMPLE = {
    "v": 1,
    "id": "ev-0001",
    "seq": 42,
    "type": "product.plan",
    "modality": "planned",
    "confidence": 0.82,
    "args": [
        {"role": "agent", "id": "meta", "text": "Meta"},
        {"role": "product", "id": "avocado", "text": "牛油果"},
    ],
    "attrs": {"codename": "true", "stage": "beta"},
    "time": {"value": "2026-21", "text": "明年春天"},
    "quantities": [
        {"kind": "money", "value": 380000000000.0, "unit": "CNY", "text": "3800亿元"},
        {"kind": "count", "value": 30000000.0, "unit": "users", "text": "3000万"},
    ],
    "reported_by": [
        {"id": "bloomberg", "text": "彭博社"},
        {"id": None, "text": "知情人士"},
    ],
    "summary": "Meta plans to release Avocado (spring 2026)",
    "evidence": {"text": "the sentence it came from", "start": 0, "end": 180},
    "article": {
        "id": "0123456789abcdef",
        "url": "https://example.com/a",
        "title": "Meta 明年春天",
        "published": "2025-12-11",
        "source": "Example",
        "lang": "zh",
    },
}

# C writes these (see test_interop.c), Python checks them.
FROM_C = {
    "c-event": SAMPLE,
    "c-event-edge": {
        "v": 1, "id": "", "seq": 2**64 - 1, "type": "t", "modality": "asserted",
        "confidence": 0.0, "args": [], "attrs": {},
        "quantities": [{"kind": "percent", "value": -12.5, "unit": "%", "text": None}],
        "reported_by": [], "summary": "\U0001F600 \U00020000 \"\\\n\x01",
        "evidence": {"text": None, "start": 0, "end": 2**64 - 1},
        "article": {"id": None, "url": None, "title": None, "published": None,
                    "source": None, "lang": None},
    },
    "c-trailer": {"v": 1, "origin": ORIGIN, "epoch": 1764370000, "seq": 2**64 - 1},
    "c-heartbeat": {"v": 1, "origin": ORIGIN, "epoch": 3, "last_seq": 99,
                    "time_ms": 1764370000123},
    "c-request": {"v": 1, "op": "replay", "req": 17, "since": 41, "limit": 1000,
                  "prefix": "product."},
    "c-end": {"v": 1, "req": 17, "count": 2, "last_seq": 43, "head_seq": 50, "more": True,
              "origin": ORIGIN, "epoch": 3},
    "c-error": {"v": 1, "req": 18, "code": -6, "message": "request: version 2"},
    "c-stats": {"v": 1, "req": 19, "published": 50, "subscribers": 2, "dropped": 0},
}

# Python writes these, C checks them (see test_interop.c for the expectations).
# Key order and number encodings differ on purpose from what C writes.
FROM_PY = {
    "py-event": {
        "article": dict(SAMPLE["article"]),
        "evidence": {"end": 180, "start": 0, "text": "the sentence it came from"},
        "summary": SAMPLE["summary"],
        "reported_by": SAMPLE["reported_by"],
        # an int value: the decoder accepts any int or float
        "quantities": [dict(SAMPLE["quantities"][0]),
                       {"kind": "count", "value": 30000000, "unit": "users",
                        "text": "3000万"}],
        "time": {"text": "明年春天", "value": "2026-21"},
        "attrs": {"stage": "beta", "codename": "true"},
        "args": SAMPLE["args"],
        "confidence": 0.82,
        "modality": "planned",
        "type": "product.plan",
        "seq": 42,
        "id": "ev-0001",
        "v": 1,
        "x-future": {"nested": [1, b"\x00", None, 2.5]},  # skipped by C
    },
    "py-trailer": {"seq": 7, "epoch": 2**64 - 1, "origin": ORIGIN, "v": 1},
    "py-heartbeat": {"time_ms": 1, "last_seq": 0, "epoch": 5, "origin": ORIGIN, "v": 1},
    "py-request": {"v": 1, "op": "stats", "req": 2**64 - 1},
    "py-end": {"more": False, "epoch": 5, "origin": ORIGIN, "head_seq": 10, "last_seq": 9,
               "count": 0, "req": 1, "v": 1},
    "py-error": {"message": "unknown operation \"dump\" — 不明", "code": -7, "req": 0, "v": 1},
    "py-stats": {"v": 1, "req": 4, "a": 1, "b": 2**64 - 1},
}


def same(a, b, path, errors):
    """Compare a decoded value with the expected one, recursively and exactly."""
    if isinstance(b, float) or isinstance(a, float):
        if not isinstance(a, float):
            errors.append(f"{path}: got {a!r} ({type(a).__name__}), want float {b!r}")
        elif not (a == b and math.copysign(1, a) == math.copysign(1, b)):
            errors.append(f"{path}: got {a!r}, want {b!r}")
        return
    if type(a) is not type(b):
        errors.append(f"{path}: got {type(a).__name__} {a!r}, want {type(b).__name__} {b!r}")
        return
    if isinstance(b, dict):
        for k in b:
            if k not in a:
                errors.append(f"{path}.{k}: missing")
            else:
                same(a[k], b[k], f"{path}.{k}", errors)
        for k in a:
            if k not in b:
                errors.append(f"{path}.{k}: unexpected key")
    elif isinstance(b, list):
        if len(a) != len(b):
            errors.append(f"{path}: {len(a)} items, want {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]", errors)
    elif a != b:
        errors.append(f"{path}: got {a!r}, want {b!r}")


def verify(d):
    errors = []
    for name, want in FROM_C.items():
        with open(os.path.join(d, name + ".msgpack"), "rb") as f:
            data = f.read()
        got = msgpack.unpackb(data, raw=False, strict_map_key=True)
        same(got, want, name, errors)
        mine = msgpack.packb(want, use_bin_type=True)
        if mine != data:
            errors.append(f"{name}: C bytes {data.hex()} != Python bytes {mine.hex()}")
    for e in errors:
        print(e)
    return 1 if errors else 0


def write(d):
    for name, msg in FROM_PY.items():
        with open(os.path.join(d, name + ".msgpack"), "wb") as f:
            f.write(msgpack.packb(msg, use_bin_type=True))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("verify", "write"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(verify(sys.argv[2]) if sys.argv[1] == "verify" else write(sys.argv[2]))
