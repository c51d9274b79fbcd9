#!/usr/bin/python3
"""Run the Python subscriber sketch of proto/PROTOCOL.md (section 10) against a
fake publisher that speaks the protocol and drops events on PUB, and check
that the sketch prints every product.* event exactly once, in order.

The fake publisher binds ipc:// endpoints in a temp dir (substituted for the
sketch's tcp:// defaults). Bounded: gives up after 20 seconds.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq

SRC = os.environ.get("NW_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
ORIGIN = bytes(range(16))
EPOCH = 1


def sketch():
    with open(os.path.join(SRC, "proto", "PROTOCOL.md"), encoding="utf-8") as f:
        doc = f.read()
    m = re.search(r"## 10\..*?```python\n(.*?)```", doc, re.S)
    if not m:
        sys.exit("no Python sketch in section 10 of PROTOCOL.md")
    return m.group(1)


def event(seq, typ):
    ev = {"v": 1, "id": "e%d" % seq, "seq": seq, "type": typ, "modality": "asserted",
          "confidence": 0.5, "summary": "s%d" % seq}
    tr = {"v": 1, "origin": ORIGIN, "epoch": EPOCH, "seq": seq}
    return [typ.encode(), msgpack.packb(ev, use_bin_type=True),
            msgpack.packb(tr, use_bin_type=True)]


def main():
    tmp = tempfile.mkdtemp(prefix="nw-protodoc-")
    pub_ep, rep_ep = "ipc://%s/pub" % tmp, "ipc://%s/rep" % tmp
    code = sketch().replace("tcp://127.0.0.1:7701", pub_ep).replace("tcp://127.0.0.1:7702",
                                                                      rep_ep)
    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    pub.bind(pub_ep)
    rtr = ctx.socket(zmq.ROUTER)
    rtr.bind(rep_ep)
    store = []  # (seq, type, frames)

    def publish(seq, typ, live):
        frames = event(seq, typ)
        store.append((seq, typ, frames))
        if live:
            pub.send_multipart(frames)

    # Before the subscriber starts: 1 and 3 are ours, 2 is not.
    publish(1, "product.release", False)
    publish(2, "org.goal", False)
    publish(3, "product.plan", False)
    proc = subprocess.Popen(["/usr/bin/python3", "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    os.set_blocking(proc.stdout.fileno(), False)
    want = ["1 product.release s1", "3 product.plan s3", "5 product.x s5",
            "6 product.w s6", "7 product.y s7", "8 product.z s8"]
    out, stage, buf = [], 0, ""
    deadline = time.monotonic() + 20
    poller = zmq.Poller()
    poller.register(rtr, zmq.POLLIN)
    last_hb = 0.0
    try:
        while time.monotonic() < deadline and len(out) < len(want):
            for sock, _ in poller.poll(50):
                ident, req = rtr.recv_multipart()
                r = msgpack.unpackb(req)
                if r.get("v") != 1 or r.get("op") != "replay":
                    rtr.send_multipart([ident, b"$error", msgpack.packb(
                        {"v": 1, "req": r.get("req", 0), "code": -7, "message": "bad"})])
                    continue
                sent = [s for s in store if s[0] > r.get("since", 0)
                        and s[1].startswith(r.get("prefix", ""))]
                for s in sent:
                    rtr.send_multipart([ident] + s[2])
                head = store[-1][0]
                rtr.send_multipart([ident, b"$end", msgpack.packb(
                    {"v": 1, "req": r["req"], "count": len(sent),
                     "last_seq": sent[-1][0] if sent else r.get("since", 0),
                     "head_seq": head, "more": False, "origin": ORIGIN, "epoch": EPOCH},
                    use_bin_type=True)])
            try:
                chunk = proc.stdout.read()
            except (BlockingIOError, TypeError):
                chunk = None
            if chunk:
                buf += chunk
                *lines, buf = buf.split("\n")
                out += lines
            if stage == 0 and len(out) >= 2:
                # Live: 4 (not ours) is published, 5 is lost on PUB, 6 arrives:
                # the sketch sees a jump (or a heartbeat) and replays 5.
                publish(4, "org.goal", True)
                publish(5, "product.x", False)
                publish(6, "product.w", True)
                stage = 1
            if stage == 1 and len(out) >= 4:
                # 7 is lost at the tail: only a heartbeat reveals it.
                publish(7, "product.y", False)
                stage = 2
            if stage == 2 and len(out) >= 5:
                publish(8, "product.z", True)
                stage = 3
            if time.monotonic() - last_hb > 0.2:
                last_hb = time.monotonic()
                pub.send_multipart([b"$hb", msgpack.packb(
                    {"v": 1, "origin": ORIGIN, "epoch": EPOCH, "last_seq": store[-1][0],
                     "time_ms": int(time.time() * 1000)}, use_bin_type=True)])
            if proc.poll() is not None:
                break
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=5)
        pub.close(0)
        rtr.close(0)
        ctx.term()
        for name in ("pub", "rep"):
            try:
                os.unlink(os.path.join(tmp, name))
            except FileNotFoundError:
                pass
        os.rmdir(tmp)
    if out != want:
        print("sketch printed:", out, "\nwanted:", want, "\nstderr:", err)
        return 1
    print("the PROTOCOL.md sketch printed all %d product.* events in order" % len(want))
    return 0


if __name__ == "__main__":
    sys.exit(main())
