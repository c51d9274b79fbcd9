#!/usr/bin/python3
"""newswired refuses bad input with the right status and a JSON message, and
loses nothing: 415, 400 (empty, invalid UTF-8, garbage JSON, JSON without
text), 413 (over max_body; a 100 MB body), 401 (ingest token), 404/405,
503 + Retry-After (queue full), a request stalled half-sent closed by the
timeout, and the connection cap. The daemon keeps serving throughout."""
import json
import os
import socket
import subprocess
import time

from nwd import Daemon, articles, check


def expect(d, st, js, code, what):
    check(st == code, "%s: status %d, expected %d (%r)" % (what, st, code, js))
    if code >= 400:
        check(js is not None and js.get("message"), "%s: no JSON message: %r" % (what, js))


def raw_request(port, data, read_timeout=10):
    """Send bytes on a fresh connection, return the status code or None."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return int(buf.split(b" ")[1]) if buf.startswith(b"HTTP/1.1") else None
    finally:
        s.close()


def raw_response(port, data, read_timeout=10):
    """Send bytes on a fresh connection, return everything read until the
    daemon closes it (or read_timeout passes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    buf = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    finally:
        s.close()
    return buf


def main():
    tmp_token = None
    arts = articles()
    d = Daemon(extra=["--max-body", "65536", "--http-timeout", "2", "--http-max-conns", "8"])
    d.start()
    try:
        good = arts[0][1]
        st, js, _ = d.post(b"x", ctype="image/png")
        expect(d, st, js, 415, "image/png")
        st, js, _ = d.post(b"a=b", ctype="application/x-www-form-urlencoded")
        expect(d, st, js, 415, "form")
        st, js, _ = d.post(b"")
        expect(d, st, js, 400, "empty body")
        st, js, _ = d.post(b"Title: x\n\n\xff\xfe broken \xc3\x28 utf-8 body text")
        expect(d, st, js, 400, "invalid UTF-8")
        check("UTF-8" in js["message"], "UTF-8 message: %r" % js)
        st, js, _ = d.post(b"Title: only headers\nURL: http://x\n\n")
        expect(d, st, js, 400, "headers without body")
        st, js, _ = d.post(b"{\"title\": ", ctype="application/json")
        expect(d, st, js, 400, "garbage JSON")
        st, js, _ = d.post(b"\x00\x01garbage{]", ctype="application/json")
        expect(d, st, js, 400, "binary JSON")
        st, js, _ = d.post(json.dumps({"title": "no text"}).encode(), ctype="application/json")
        expect(d, st, js, 400, "JSON without text")
        st, js, _ = d.post(json.dumps([1, 2]).encode(), ctype="application/json")
        expect(d, st, js, 400, "JSON array")
        st, js, _ = d.post(b"Body " + b"x" * 70000)
        check(st == 413 and js is not None and js["error"] == "Payload Too Large" and
              "70005 bytes" in js["message"] and "65536" in js["message"],
              "over max_body: %d %r" % (st, js))
        # Announced with Expect: 100-continue: refused at the headers, no body sent.
        resp = raw_response(d.port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: text/plain\r\nExpect: 100-continue\r\n"
                            b"Content-Length: 5000000\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 413") and b"application/json" in resp and
              b"is 5000000 bytes" in resp, "expect: %r" % resp[:400])
        # Chunked: cut at the chunk that crosses max_body, our JSON 413,
        # whether the body is a little over or far over libevent's own limit.
        body = b"x" * 70000
        resp = raw_response(d.port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                            b"Connection: close\r\n\r\n" +
                            b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 413") and b"application/json" in resp and
              b"at least 70000 bytes" in resp and b"over the limit of 65536" in resp,
              "chunked: %r" % resp[:400])
        chunks = b"".join(b"2710\r\n" + b"c" * 10000 + b"\r\n" for _ in range(15))
        resp = raw_response(d.port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
                            chunks + b"0\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 413") and b"application/json" in resp and
              b"at least 70000 bytes" in resp and b"Connection: close" in resp,
              "chunked 150 KB: %r" % resp[:400])
        # A chunked article within the limit is accepted.
        art = b"Title: Chunked\nPublished: 2025-01-02\n\nAcme Robotics released Widget 2.\n"
        resp = raw_response(d.port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
                            b"Connection: close\r\n\r\n" +
                            b"%x\r\n" % 10 + art[:10] + b"\r\n" +
                            b"%x\r\n" % (len(art) - 10) + art[10:] + b"\r\n0\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 202"), "chunked within limit: %r" % resp[:400])
        # Keep-alive framing: a POST with a body, then a GET, on one connection.
        resp = raw_response(d.port, b"POST /v1/articles HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Type: image/png\r\nContent-Length: 3\r\n\r\nabc"
                            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 415") and b"HTTP/1.1 200" in resp and
              b'"status":"ok"' in resp, "pipelined: %r" % resp[:600])
        st, data = d.get("/nope")
        check(st == 404 and json.loads(data)["message"], "404")
        st, data, r = d.request("DELETE", "/v1/articles")
        check(st == 405 and r.getheader("Allow") == "POST", "405 %d" % st)
        st, data, r = d.request("POST", "/healthz", b"x")
        check(st == 405, "POST /healthz %d" % st)

        # A 100 MB body: refused (413) without the daemon reading it all.
        s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        s.sendall(b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: %d\r\n\r\n" % (100 * 1024 * 1024))
        sent, chunk, status = 0, b"y" * 65536, None
        try:
            while sent < 100 * 1024 * 1024:
                s.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        resp = b""
        try:
            while True:
                more = s.recv(4096)
                if not more:
                    break
                resp += more
        except OSError:
            pass
        if resp.startswith(b"HTTP/1.1"):
            status = int(resp.split(b" ")[1])
        s.close()
        check(status in (413, None) and sent < 100 * 1024 * 1024,
              "100 MB body: status %r after %d bytes" % (status, sent))
        # When the reply got through before the reset, it is our JSON.
        check(status is None or (b"application/json" in resp and
                                 b'"error":"Payload Too Large"' in resp), "100 MB reply %r" % resp)
        print("100 MB body: connection refused after %d KiB, status %r" % (sent // 1024, status))

        # A request that stalls half-sent is closed by the timeout (2 s);
        # meanwhile the daemon serves others.
        s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        s.sendall(b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: 1000\r\n\r\nhalf a body")
        t0 = time.time()
        check(d.health()["status"] == "ok", "healthz during a stalled request")
        try:
            rest = s.recv(4096)
        except ConnectionResetError:
            rest = b""
        waited = time.time() - t0
        s.close()
        check(waited < 8 and not rest.startswith(b"HTTP/1.1 202"), "stalled: %r after %.1f s" % (rest[:40], waited))
        print("stalled request closed after %.1f s" % waited)
        s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        s.sendall(b"POST /v1/arti")
        t0 = time.time()
        try:
            rest = s.recv(4096)
        except ConnectionResetError:
            rest = b""
        check(time.time() - t0 < 8, "half request line not closed")
        s.close()

        # The connection cap (8): 20 idle connections; a request still gets
        # through once the idle ones time out, and the gauge never passes 8.
        idle = [socket.create_connection(("127.0.0.1", d.port), timeout=10) for _ in range(20)]
        time.sleep(0.3)
        m = d.metrics()  # this waits in the listen queue until a slot frees
        check(m["newswire_http_connections"] <= 8, "connections %r" % m["newswire_http_connections"])
        check(m["newswire_http_connections_refused_total"] >= 1, "cap never reached")
        for c in idle:
            c.close()

        # Nothing bad was stored (only the chunked article within the limit);
        # a good article still goes through.
        st, js, _ = d.post(good)
        expect(d, st, js, 202, "good article")
        d.wait_idle()
        m = d.metrics()
        check(m["newswire_articles_received_total"] == 2, "received %r" % m["newswire_articles_received_total"])
        check(m["newswire_articles_rejected_total"] >= 12, "rejected %r" % m["newswire_articles_rejected_total"])
        d.stop()

        # 401 with an ingest token from a file; 503 when the queue is full.
        tmp_token = os.path.join(d.tmp, "token")
        with open(tmp_token, "w") as f:
            f.write("s3cr3t-token\n")
        os.chmod(tmp_token, 0o600)
        d2 = Daemon(tmp=d.tmp, extra=["--token-file", tmp_token, "--queue-max", "1", "--workers", "1"])
        d2.start()
        st, js, r = d2.post(arts[1][1])
        expect(d2, st, js, 401, "no token")
        check(r.getheader("WWW-Authenticate") == "Bearer", "WWW-Authenticate")
        st, js, _ = d2.post(arts[1][1], headers={"Authorization": "Bearer wrong"})
        expect(d2, st, js, 401, "wrong token")
        st, js, _ = d2.post(arts[1][1], headers={"Authorization": "Bearer s3cr3t-token-and-more"})
        expect(d2, st, js, 401, "longer token")
        # Queue full: several complete requests reach the loop together.
        auth = b"Authorization: Bearer s3cr3t-token\r\n"
        seen503 = False
        for attempt in range(5):
            conns = []
            for name, body in arts[2 + attempt * 0:]:
                req = (b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n" + auth +
                       b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
                c = socket.create_connection(("127.0.0.1", d2.port), timeout=10)
                c.sendall(req[:-1])
                conns.append((c, req[-1:]))
            time.sleep(0.2)
            for c, last in conns:
                c.sendall(last)
            codes = []
            for c, _ in conns:
                buf = b""
                while True:
                    chunk = c.recv(65536)
                    if not chunk:
                        break
                    buf += chunk
                c.close()
                codes.append(int(buf.split(b" ")[1]))
                if codes[-1] == 503:
                    check(b"Retry-After: 1" in buf and b"queue is full" in buf, "503 reply %r" % buf[:300])
            check(all(c in (200, 202, 503) for c in codes), "codes %r" % codes)
            if 503 in codes:
                seen503 = True
                break
            d2.wait_idle()
        check(seen503, "queue_max 1 never answered 503")
        d2.wait_idle()
        st, js, _ = d2.post(arts[1][1], headers={"Authorization": "Bearer s3cr3t-token"})
        expect(d2, st, js, 202, "right token")
        d2.stop()
        # The token never appears on the command line.
        check("s3cr3t" not in " ".join(d2.argv()), "token on the command line")
        # Root is refused unless allowed (the tests run as root in containers).
        if os.geteuid() == 0:
            argv = [a for a in d2.argv() if a != "--allow-root"]
            r = subprocess.run(argv, env=d2.env, capture_output=True, text=True, timeout=30)
            check(r.returncode == 1 and "refusing to run as root" in r.stderr, "root: %d %r" % (r.returncode, r.stderr))
        print("ok: every bad input refused with its status and a message")
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
