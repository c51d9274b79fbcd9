#!/usr/bin/python3
"""CURVE on the PUB and replay sockets (issue 7.3), with real processes:
`newswire-ctl keygen` writes the key pairs (secret 0600); the daemon binds its
tcp endpoints as a CURVE server and checks client keys against
curve_clients_dir through its ZAP handler. An authorised client
(newswire-sub, newswire-ctl replay, a pyzmq socket) receives live events and
replays; an unauthorised key and a plaintext client receive nothing, not even
a heartbeat, and are counted in /metrics; a key added to the directory is let
in after SIGHUP. The ipc endpoint stays plaintext (curve_ipc off)."""
import os
import shutil
import signal
import stat
import subprocess
import time

import msgpack
import zmq

from nwd import BIN, Daemon, articles, check, fail, free_port


def keygen(path):
    r = subprocess.run([os.path.join(BIN, "newswire-ctl"), "keygen", path], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, "keygen %s: %d %r" % (path, r.returncode, r.stderr))
    pub = r.stdout.strip()
    check(len(pub) == 40, "keygen printed %r" % r.stdout)
    return pub


def read_key(path):
    with open(path) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    check(len(lines) == 1 and len(lines[0]) == 40, "key file %s: %r" % (path, lines))
    return lines[0].encode()


def curve_socket(ctx, kind, server_pub, client):
    """A pyzmq socket with client's key pair (NAME), or plaintext when None."""
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    if client is not None:
        sec = read_key(client + ".key")
        s.curve_serverkey = server_pub
        s.curve_secretkey = sec
        s.curve_publickey = zmq.curve_public(sec)
    return s


def heard(s, seconds):
    """Whether anything arrives on s within seconds."""
    return s.poll(int(seconds * 1000)) != 0


def wait_metric(d, name, at_least, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = d.metrics().get(name, 0)
        if v >= at_least:
            return v
        time.sleep(0.05)
    d.dump()
    fail("%s never reached %d (is %r)" % (name, at_least, d.metrics().get(name)))


def main():
    check(zmq.has("curve"), "libzmq without CURVE")
    arts = articles()
    d = Daemon()
    keys = os.path.join(d.tmp, "keys")
    clients = os.path.join(keys, "clients")
    try:
        # keygen: the missing directory is created 0700, NAME.key 0600, NAME.pub 0644.
        server_pub = keygen(os.path.join(keys, "server")).encode()
        check(stat.S_IMODE(os.stat(keys).st_mode) == 0o700, "keys dir mode")
        check(stat.S_IMODE(os.stat(os.path.join(keys, "server.key")).st_mode) == 0o600,
              "server.key mode")
        check(stat.S_IMODE(os.stat(os.path.join(keys, "server.pub")).st_mode) == 0o644,
              "server.pub mode")
        check(read_key(os.path.join(keys, "server.pub")) == server_pub, "printed key is server.pub")
        check(zmq.curve_public(read_key(os.path.join(keys, "server.key"))) == server_pub,
              "server.key is the secret of server.pub")
        r = subprocess.run([os.path.join(BIN, "newswire-ctl"), "keygen", os.path.join(keys, "server")],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 1 and "exists" in r.stderr, "keygen overwrote: %r" % r.stderr)
        alice, mallory, bob = (os.path.join(keys, n) for n in ("alice", "mallory", "bob"))
        for k in (alice, mallory, bob):
            keygen(k)
        os.mkdir(clients, 0o700)
        shutil.copy(alice + ".pub", clients)

        # Configuration checks.
        bad = subprocess.run(d.argv() + ["-n", "--curve-secret-key-file", keys + "/server.key"],
                             env=d.env, capture_output=True, text=True, timeout=30)
        check(bad.returncode == 1 and "curve_clients_dir" in bad.stderr,
              "secret key without a clients dir: %r" % bad.stderr)

        # -n (systemd's ExecStartPre) reads the keys: a missing one fails it.
        curve_opts = ["--curve-secret-key-file", keys + "/server.key", "--curve-public-key-file",
                      keys + "/server.pub", "--curve-clients-dir", clients]
        bad = subprocess.run(d.argv() + ["-n"] + curve_opts[:4] + ["--curve-clients-dir",
                                                                  keys + "/nope"],
                             env=d.env, capture_output=True, text=True, timeout=30)
        check(bad.returncode == 1 and "curve_clients_dir " + keys + "/nope" in bad.stderr,
              "-n with a missing clients dir: %r" % bad.stderr)
        bad = subprocess.run(d.argv() + ["-n", "--curve-secret-key-file", alice + ".key",
                                         "--curve-public-key-file", keys + "/server.pub",
                                         "--curve-clients-dir", clients],
                             env=d.env, capture_output=True, text=True, timeout=30)
        check(bad.returncode == 1 and "is not the public key of" in bad.stderr,
              "-n with a mismatched pair: %r" % bad.stderr)
        ok = subprocess.run(d.argv() + ["-n"] + curve_opts, env=d.env, capture_output=True,
                            text=True, timeout=30)
        check(ok.returncode == 0 and "CURVE: 1 authorised client keys" in ok.stderr,
              "-n with CURVE: %r" % ok.stderr)

        pub_tcp = d.pub_tcp
        replay_tcp = "tcp://127.0.0.1:%d" % free_port()
        d.extra = ["--replay", replay_tcp, "--curve-secret-key-file", keys + "/server.key",
                   "--curve-public-key-file", keys + "/server.pub", "--curve-clients-dir", clients]
        d.start()
        log = d.logtext()
        check("publishing on %s (CURVE)" % pub_tcp in log and
              "replay on %s (CURVE)" % replay_tcp in log, "CURVE endpoints not logged")
        check("1 authorised client keys" in log, "key count not logged")

        ctx = zmq.Context.instance()
        # Authorised: newswire-sub over tcp with CURVE gets live events.
        sub_argv = [os.path.join(BIN, "newswire-sub"), "--pub", pub_tcp, "--replay", replay_tcp,
                    "--server-key", keys + "/server.pub", "--client-key", alice + ".key",
                    "--count", "1", "--timeout", "20", "--json"]
        live = subprocess.Popen(sub_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Unauthorised key and plaintext, live and replay, all over tcp.
        evil_sub = curve_socket(ctx, zmq.SUB, server_pub, mallory)
        plain_sub = curve_socket(ctx, zmq.SUB, server_pub, None)
        ipc_sub = d.sub()  # plaintext ipc: allowed, curve_ipc is off
        good_sub = curve_socket(ctx, zmq.SUB, server_pub, alice)
        for s in (evil_sub, plain_sub, good_sub):
            s.setsockopt(zmq.SUBSCRIBE, b"")
            s.connect(pub_tcp)
        d.wait_sub_ready(good_sub)
        d.wait_sub_ready(ipc_sub)
        # newswire-sub is ready when the PUB counts its connection.
        deadline = time.time() + 10
        while d.metrics()["newswire_subscribers"] < 5 and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        st, js, _ = d.post(arts[0][1])
        check(st == 202, "post %d %r" % (st, js))
        d.wait_idle()
        out, err = live.communicate(timeout=30)
        check(live.returncode == 0 and '"type"' in out,
              "authorised newswire-sub: %d %r %r" % (live.returncode, out[:300], err[-500:]))
        got = []
        while good_sub.poll(2000):
            fr = good_sub.recv_multipart()
            if fr[0] != b"$hb":
                got.append(fr)
                break
        check(got, "authorised pyzmq SUB received no event")
        check(not heard(evil_sub, 1.5), "unauthorised key received something on PUB")
        check(not heard(plain_sub, 0.1), "plaintext client received something on PUB")

        # An alert bot whose rules file names the keys replays and matches.
        rules = os.path.join(d.tmp, "curve.rules")
        hits = os.path.join(d.tmp, "hits.jsonl")
        with open(rules, "w") as f:
            f.write("[newswire]\npub = %s\nreplay = %s\nserver_key = %s\nclient_key = %s\n"
                    "state = %s\n\n[all]\nfile = %s\n"
                    % (pub_tcp, replay_tcp, keys + "/server.pub", alice + ".key",
                       os.path.join(d.tmp, "alert.cursor"), hits))
        r = subprocess.run([os.path.join(BIN, "newswire-alert"), "--rules", rules, "--since", "0",
                            "--count", "1"], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0 and os.path.exists(hits) and '"type"' in open(hits).read(),
              "alert bot with CURVE keys: %d %r" % (r.returncode, r.stderr[-500:]))

        # Replay: authorised through newswire-ctl; refused ones get no answer.
        ctl = [os.path.join(BIN, "newswire-ctl"), "--replay", replay_tcp, "--timeout", "5",
               "--server-key", keys + "/server.pub", "--client-key", alice + ".key"]
        r = subprocess.run(ctl + ["replay", "--since", "0"], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode == 0 and r.stdout.count("\n") >= 1,
              "authorised replay: %d %r %r" % (r.returncode, r.stdout[:200], r.stderr))
        r = subprocess.run(ctl[:-1] + [mallory + ".key", "replay", "--since", "0"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 3 and r.stdout == "", "unauthorised replay: %d %r %r"
              % (r.returncode, r.stdout[:200], r.stderr))
        req = msgpack.packb({"v": 1, "op": "replay", "req": 1, "since": 0, "limit": 0, "prefix": ""})
        plain_dealer = curve_socket(ctx, zmq.DEALER, server_pub, None)
        plain_dealer.connect(replay_tcp)
        plain_dealer.send(req)
        check(not heard(plain_dealer, 1.0), "plaintext replay answered")

        m = d.metrics()
        check(m["newswire_zap_denied_total"] >= 2, "zap denied %r" % m["newswire_zap_denied_total"])
        check(m["newswire_zap_allowed_total"] >= 3, "zap allowed %r" % m["newswire_zap_allowed_total"])
        check(m["newswire_handshake_failed_total"] >= 4,
              "handshake failures %r" % m["newswire_handshake_failed_total"])
        log = d.logtext()
        check("curve: refused client key %s" % read_key(mallory + ".pub").decode() in log,
              "refused key not logged")
        # Denials are logged at most once a second: no flood from retrying clients.
        check(log.count("curve:") < 40, "denials flood the log: %d lines" % log.count("curve:"))

        # An unauthorised newswire-sub says it hears nothing and exits 3.
        r = subprocess.run(sub_argv[:7] + ["--client-key", mallory + ".key", "--heartbeat-timeout",
                                           "1", "--count", "1", "--timeout", "20"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 3 and r.stdout == "", "unauthorised newswire-sub: %d %r %r"
              % (r.returncode, r.stdout[:200], r.stderr))
        check("refused our CURVE key" in r.stderr, "unauthorised newswire-sub says %r" % r.stderr)
        # A plaintext newswire-sub on the CURVE endpoint is told CURVE is required.
        r = subprocess.run(sub_argv[:5] + ["--heartbeat-timeout", "1", "--count", "1", "--timeout",
                                           "20"], capture_output=True, text=True, timeout=30)
        check(r.returncode == 3 and r.stdout == "" and "requires CURVE" in r.stderr,
              "plaintext newswire-sub: %d %r %r" % (r.returncode, r.stdout[:200], r.stderr))

        # The wrong server key (a client's public key given as the daemon's).
        r = subprocess.run([sub_argv[0], "--pub", pub_tcp, "--replay", replay_tcp, "--server-key",
                            bob + ".pub", "--client-key", alice + ".key", "--heartbeat-timeout",
                            "1", "--count", "1", "--timeout", "20"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 3 and r.stdout == "" and
              "closed the connection during the handshake" in r.stderr,
              "wrong server key: %d %r %r" % (r.returncode, r.stdout[:200], r.stderr))

        # SIGHUP: bob's key is added to the directory and let in. His
        # newswire-sub waits (--wait), reconnecting after each silent second.
        bob_argv = sub_argv[:7] + ["--client-key", bob + ".key", "--since", "0", "--count", "1",
                                   "--wait", "--heartbeat-timeout", "1", "--timeout", "30"]
        bob_sub = subprocess.Popen(bob_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(2.5)
        check(bob_sub.poll() is None, "bob's newswire-sub ended before his key was authorised")
        shutil.copy(bob + ".pub", clients)
        d.signal(signal.SIGHUP)
        out, err = bob_sub.communicate(timeout=30)
        check("2 authorised client keys" in d.logtext(), "reload did not read bob's key")
        check(bob_sub.returncode == 0 and '"type"' in out, "bob after SIGHUP: %d %r %r"
              % (bob_sub.returncode, out[:200], err[-500:]))
        # A broken key file: the reload keeps the old set, says which file.
        with open(os.path.join(clients, "broken.pub"), "w") as f:
            f.write("not a key\n")
        d.signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "keeping the old authorised keys" not in d.logtext() and time.time() < deadline:
            time.sleep(0.05)
        check("broken.pub: not a CURVE key file" in d.logtext(), "broken key file not reported")
        check(heard(good_sub, 3), "authorised client lost after a failed reload")

        for s in (evil_sub, plain_sub, ipc_sub, good_sub, plain_dealer):
            s.close()
        d.stop()
        print("ok: CURVE lets in authorised keys only (denied %d, handshake failures %d)"
              % (m["newswire_zap_denied_total"], m["newswire_handshake_failed_total"]))
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
