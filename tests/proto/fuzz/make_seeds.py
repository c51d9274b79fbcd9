#!/usr/bin/python3
"""Write the seed corpora of the proto fuzz targets (committed; rerun to refresh).

  /usr/bin/python3 tests/proto/fuzz/make_seeds.py
"""
import json
import os

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = bytes(range(0x00, 0x100, 0x11))

EVENT = {
    "v": 1, "id": "ev-0001", "seq": 42, "type": "product.plan", "modality": "planned",
    "confidence": 0.82,
    "args": [{"role": "agent", "id": "meta", "text": "Meta"},
             {"role": "product", "id": "avocado", "text": "牛油果"}],
    "attrs": {"codename": "true"},
    "time": {"value": "2026-21", "text": "明年春天"},
    "quantities": [{"kind": "money", "value": 380000000000.0, "unit": "CNY", "text": "3800亿元"},
                   {"kind": "count", "value": 30000000, "unit": "users", "text": None}],
    "reported_by": [{"id": "bloomberg", "text": "彭博社"}],
    "summary": "Meta plans to release Avocado (spring 2026)",
    "evidence": {"text": "the sentence it came from", "start": 0, "end": 180},
    "article": {"id": "0123456789abcdef", "url": "https://example.com/a", "title": "t",
                "published": "2025-12-11", "source": "Example", "lang": "zh"},
}
MINIMAL = {"v": 1, "id": "x", "type": "t", "modality": "asserted", "confidence": 0.5}
EDGE = dict(MINIMAL, seq=2**64 - 1, summary="\U0001F600\x00"[:1] + "\"\\\n\x01",
            evidence={"text": None, "start": 0, "end": 2**64 - 1},
            future={"a": [1, [2, [3]], b"\x00", 1.5, None, True]})

WIRE = [  # (selector byte, message): 0 trailer 1 heartbeat 2 request 3 end 4 error 5 stats
    (0, {"v": 1, "origin": ORIGIN, "epoch": 3, "seq": 42}),
    (1, {"v": 1, "origin": ORIGIN, "epoch": 3, "last_seq": 42, "time_ms": 1764370000123}),
    (2, {"v": 1, "op": "replay", "req": 1, "since": 40, "limit": 1000, "prefix": "product."}),
    (2, {"v": 1, "op": "stats", "req": 2}),
    (3, {"v": 1, "req": 1, "count": 2, "last_seq": 42, "head_seq": 50, "more": True,
         "origin": ORIGIN, "epoch": 3}),
    (4, {"v": 1, "req": 1, "code": -6, "message": "version 2 not spoken"}),
    (5, {"v": 1, "req": 2, "published": 50, "subscribers": 2, "dropped": 0}),
]


def put(sub, name, data):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    for name, ev in (("sample", EVENT), ("minimal", MINIMAL), ("edge", EDGE)):
        put("event", name + ".msgpack", msgpack.packb(ev, use_bin_type=True))
        put("json", name + ".json", json.dumps(ev if name != "edge" else MINIMAL,
                                               ensure_ascii=False).encode())
    put("event", "version2.msgpack", msgpack.packb(dict(MINIMAL, v=2), use_bin_type=True))
    put("json", "escapes.json", json.dumps(dict(MINIMAL, summary="\"\\/\b\f\n\r\t\x01\u2028"),
                                           ensure_ascii=True).encode())
    put("json", "pretty.json", json.dumps(EVENT, indent=2, ensure_ascii=False).encode())
    for i, (sel, msg) in enumerate(WIRE):
        put("wire", "%d-%d.bin" % (i, sel), bytes([sel]) + msgpack.packb(msg, use_bin_type=True))


if __name__ == "__main__":
    main()
