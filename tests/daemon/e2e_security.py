#!/usr/bin/python3
"""Issue 7.4 with the real daemon: tcp endpoints off loopback (http, pub,
replay) are refused with a clear error unless allow_remote = yes; the token
is taken from a file only (no flag carries it); the state directory is 0700
and every file the daemon creates in it (store, WAL, ipc sockets) is 0600 or
narrower, whatever the umask it was started with."""
import os
import stat
import subprocess

from nwd import Daemon, check


def run_check(d, extra):
    return subprocess.run(d.argv() + extra + ["-n"], env=d.env, capture_output=True, text=True,
                          timeout=30)


def main():
    d = Daemon()
    try:
        # Remote endpoints: refused, named, and the way out is said.
        for opt, val, what in (("--http", "0.0.0.0:7700", "http"),
                               ("--http", "192.0.2.1:7700", "http"),
                               ("--pub", "tcp://*:7701", "pub"),
                               ("--pub", "tcp://0.0.0.0:7701", "pub"),
                               ("--replay", "tcp://[::]:7702", "replay"),
                               ("--replay", "tcp://eth0:7702", "replay")):
            r = run_check(d, [opt, val])
            check(r.returncode == 1 and ("%s: \"%s\" is not a loopback address" % (what, val))
                  in r.stderr and "allow_remote = yes" in r.stderr,
                  "%s %s: %d %r" % (opt, val, r.returncode, r.stderr))
            r = run_check(d, [opt, val, "--allow-remote"])
            check(r.returncode == 0, "%s %s with --allow-remote: %d %r"
                  % (opt, val, r.returncode, r.stderr))
        # Loopback spellings pass.
        for opt, val in (("--http", "127.0.0.1:7700"), ("--http", "localhost:7700"),
                         ("--http", "[::1]:7700"), ("--pub", "tcp://127.0.0.2:7701"),
                         ("--replay", "tcp://localhost:7702"), ("--pub", "tcp://[::1]:7701")):
            r = run_check(d, [opt, val])
            check(r.returncode == 0, "%s %s: %d %r" % (opt, val, r.returncode, r.stderr))
        # The same in a configuration file.
        conf = os.path.join(d.tmp, "remote.conf")
        with open(conf, "w") as f:
            f.write("[newswired]\nstate_dir = %s\nhttp = 0.0.0.0:7700\n" % d.state)
        argv = [d.argv()[0], "--config", conf, "-n"]
        r = subprocess.run(argv, env=d.env, capture_output=True, text=True, timeout=30)
        check(r.returncode == 1 and "not a loopback address" in r.stderr, "config file: %r" % r.stderr)
        with open(conf, "a") as f:
            f.write("allow_remote = yes\n")
        r = subprocess.run(argv, env=d.env, capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, "config file with allow_remote: %r" % r.stderr)

        # The token comes from a file only: no flag or option takes it (getopt
        # reads --token as --token-file, a path).
        r = run_check(d, ["--ingest-token", "s3cr3t"])
        check(r.returncode == 1 and "unknown option" in r.stderr, "--ingest-token: %r" % r.stderr)
        r = run_check(d, ["--token", "s3cr3t"])
        check(r.returncode == 1 and "token_file: open s3cr3t" in r.stderr, "--token: %r" % r.stderr)

        # Modes: started with a permissive umask, the daemon still creates
        # its state dir 0700 and its files without group or other bits.
        d.extra = ["--replay", "ipc://%s/replay2.sock" % d.state]
        old = os.umask(0o002)
        try:
            d.start()
        finally:
            os.umask(old)
        st, js, _ = d.post(b"Acme Corp acquired Beta Inc for $5 million on Monday.\n")
        check(st == 202, "post %d" % st)
        d.wait_idle()
        check(stat.S_IMODE(os.stat(d.state).st_mode) == 0o700, "state dir %o"
              % stat.S_IMODE(os.stat(d.state).st_mode))
        names = sorted(os.listdir(d.state))
        check("newswire.db" in names and "replay2.sock" in names, "state files %r" % names)
        for name in names:
            mode = stat.S_IMODE(os.lstat(os.path.join(d.state, name)).st_mode)
            check(mode & 0o077 == 0, "%s is mode %o" % (name, mode))
        d.stop()
        print("ok: remote endpoints refused without allow_remote; state %r all 0600/0700" % names)
    finally:
        d.cleanup()


if __name__ == "__main__":
    main()
