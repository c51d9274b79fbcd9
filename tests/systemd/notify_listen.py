#!/usr/bin/python3
"""Stand in for systemd's notify socket: bind a datagram socket at PATH and
append every sd_notify() line received to OUT, for at most SECONDS.
    notify_listen.py PATH OUT SECONDS"""
import os
import socket
import sys
import time

path, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)  # the daemon may run as another user, as under systemd
sock.settimeout(0.2)
end = time.monotonic() + seconds
with open(out, "a", encoding="utf-8") as f:
    f.write("LISTENING\n")
    f.flush()
    while time.monotonic() < end:
        try:
            msg = sock.recv(4096)
        except socket.timeout:
            continue
        for line in msg.decode("utf-8", "replace").splitlines():
            f.write(line + "\n")
        f.flush()
