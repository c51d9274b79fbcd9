#!/usr/bin/python3
"""A newswire subscriber in Python, written from proto/PROTOCOL.md alone.

Prints events as JSON lines, in sequence order and each once: it subscribes
to the PUB socket, and whenever the sequence jumps (or --since is given) it
asks the replay socket for what it missed.

Needs Debian's python3-zmq and python3-msgpack:
    /usr/bin/python3 examples/subscriber.py --type product. --count 5
"""
import argparse
import json
import sys
import time

import msgpack
import zmq

HEARTBEAT = b"$hb"


def decode(frame):
    """One msgpack frame -> a dict; refuses a protocol major we do not speak."""
    m = msgpack.unpackb(frame, raw=False)
    if not isinstance(m, dict) or m.get("v") != 1:
        raise ValueError("not a version 1 message")
    return m


class Subscriber:
    """Follows one newswired: live events from PUB, gaps from replay."""

    def __init__(self, pub, replay, prefixes, since=None, hb_timeout=3.5):
        self.ctx = zmq.Context.instance()
        self.pub_ep, self.replay_ep = pub, replay
        self.prefixes = prefixes or [""]
        self.hb_timeout = hb_timeout
        self.last = since          # last sequence delivered or known not ours
        self.need_replay = since is not None
        self.req = 0
        self.deadline = None       # monotonic time at which events() returns
        self.origin = self.epoch = None
        self._connect()

    def _connect(self):
        self.sub = self.ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        for p in self.prefixes:
            self.sub.setsockopt(zmq.SUBSCRIBE, p.encode())
        if self.prefixes != [""]:
            self.sub.setsockopt(zmq.SUBSCRIBE, HEARTBEAT)
        self.sub.connect(self.pub_ep)
        self.dealer = self.ctx.socket(zmq.DEALER)
        self.dealer.setsockopt(zmq.LINGER, 0)
        self.dealer.connect(self.replay_ep)
        self.heard = time.monotonic()

    def _replay(self):
        """Fetch every event of ours after self.last; return them sorted."""
        got = {}
        head = None
        for prefix in self.prefixes:
            since = self.last
            while True:
                self.req += 1
                self.dealer.send(msgpack.packb({"v": 1, "op": "replay", "req": self.req,
                                                "since": since, "limit": 1000,
                                                "prefix": prefix}))
                while True:
                    if not self.dealer.poll(5000):
                        raise RuntimeError("no answer from " + self.replay_ep)
                    frames = self.dealer.recv_multipart()
                    if frames[0] == b"$error":
                        raise RuntimeError("replay refused: %s" % decode(frames[1]))
                    if frames[0] == b"$end":
                        end = decode(frames[1])
                        if end["req"] == self.req:
                            break
                        continue
                    event, trailer = decode(frames[1]), decode(frames[2])
                    got[trailer["seq"]] = event
                head = end["head_seq"] if head is None else min(head, end["head_seq"])
                if not end["more"]:
                    break
                since = end["last_seq"]
        events = [got[s] for s in sorted(got) if s > self.last]
        if events:
            self.last = max(self.last, max(e["seq"] for e in events))
        if head is not None and head > self.last:
            self.last = head
        self.need_replay = False
        return events

    def _check_run(self, m):
        """Track the publisher's origin and epoch (PROTOCOL.md section 6)."""
        if self.origin is not None and m["origin"] != self.origin:
            print("a different publisher (new store): following it from its head",
                  file=sys.stderr)
            self.last = None
        elif self.epoch is not None and m["epoch"] != self.epoch and self.last is not None:
            self.need_replay = True                 # it restarted: catch up
        self.origin, self.epoch = m["origin"], m["epoch"]

    def events(self):
        """Yield events forever (or until the caller stops)."""
        while self.deadline is None or time.monotonic() < self.deadline:
            if self.need_replay:
                yield from self._replay()
            if not self.sub.poll(250):
                if time.monotonic() - self.heard > self.hb_timeout:
                    print("no heartbeat for %.1f s; reconnecting" % self.hb_timeout,
                          file=sys.stderr)
                    self.sub.close()
                    self.dealer.close()
                    self._connect()
                    self.need_replay = self.last is not None
                continue
            frames = self.sub.recv_multipart()
            self.heard = time.monotonic()
            try:
                if frames[0] == HEARTBEAT:
                    hb = decode(frames[1])
                elif not frames[0].startswith(b"$") and len(frames) == 3:
                    event, trailer = decode(frames[1]), decode(frames[2])
                else:
                    continue                        # a control topic we do not know
            except (ValueError, msgpack.exceptions.ExtraData,
                    msgpack.exceptions.UnpackException) as e:
                print("dropping a bad message: %s" % e, file=sys.stderr)
                continue
            if frames[0] == HEARTBEAT:
                self._check_run(hb)
                if self.last is None:
                    self.last = hb["last_seq"]      # live from here
                elif hb["last_seq"] > self.last:
                    self.need_replay = True         # we lost some at the tail
                continue
            self._check_run(trailer)
            seq = trailer["seq"]
            if self.last is None:
                self.last = seq - 1
            if seq <= self.last:
                continue                            # already had it
            if seq != self.last + 1 or self.need_replay:
                self.need_replay = True             # a gap: replay fills it in order
                continue
            self.last = seq
            yield event


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pub", default="tcp://127.0.0.1:7701")
    ap.add_argument("--replay", default="tcp://127.0.0.1:7702")
    ap.add_argument("--type", action="append", default=[], help="type prefix (repeatable)")
    ap.add_argument("--since", type=int, help="replay after this sequence, then live")
    ap.add_argument("--count", type=int, help="exit after this many events")
    ap.add_argument("--timeout", type=float, help="exit after this many seconds")
    args = ap.parse_args()

    sub = Subscriber(args.pub, args.replay, args.type, args.since)
    if args.timeout:
        sub.deadline = time.monotonic() + args.timeout
    n = 0
    try:
        for event in sub.events():
            print(json.dumps(event, ensure_ascii=False), flush=True)
            n += 1
            if args.count and n >= args.count:
                break
    except KeyboardInterrupt:
        pass
    except RuntimeError as e:
        print("subscriber.py: %s" % e, file=sys.stderr)
        return 3
    return 0 if not args.count or n >= args.count else 1


if __name__ == "__main__":
    sys.exit(main())
