#!/usr/bin/env python3
# A socket-activated echo server for the unit tests, used only when the
# build has no wick-echo: echoes on every stream and datagram socket it
# is given in LISTEN_FDS, after checking LISTEN_PID is its own, and says
# READY=1 to NOTIFY_SOCKET when there is one.
import os
import selectors
import socket
import sys

if os.environ.get("LISTEN_PID") != str(os.getpid()):
    sys.exit("echo.py: LISTEN_PID is not this process")
sel = selectors.DefaultSelector()
for fd in range(3, 3 + int(os.environ["LISTEN_FDS"])):
    sel.register(socket.socket(fileno=fd), selectors.EVENT_READ)
notify = os.environ.get("NOTIFY_SOCKET")
if notify:
    n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    n.sendto(b"READY=1", "\0" + notify[1:] if notify[0] == "@" else notify)
    n.close()
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s.type == socket.SOCK_STREAM:
            conn, _ = s.accept()
            with conn:
                data = conn.recv(65536)
                while data:
                    conn.sendall(data)
                    data = conn.recv(65536)
        else:
            data, peer = s.recvfrom(65536)
            s.sendto(data, peer)
