#!/usr/bin/env python3
# A socket-activated echo server for the unit tests, used only when the
# build has no wick-echo: echoes on every stream and datagram socket it
# is given in LISTEN_FDS, after checking LISTEN_PID is its own.
import os
import selectors
import socket
import sys

if os.environ.get("LISTEN_PID") != str(os.getpid()):
    sys.exit("echo.py: LISTEN_PID is not this process")
sel = selectors.DefaultSelector()
for fd in range(3, 3 + int(os.environ["LISTEN_FDS"])):
    sel.register(socket.socket(fileno=fd), selectors.EVENT_READ)
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
