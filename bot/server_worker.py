"""gunicorn's threaded worker with a deadline for reading each request.

Each of the worker's threads reads one request at a time, blocking; gunicorn waits for a first
byte before giving a connection a thread, but not for the rest. A client that sends its headers
or body a byte at a time held a thread for as long as it liked: eight of them (one per thread)
stopped the webhook. Here the whole request (headers and body) must arrive within
server.request_timeout_seconds of its first byte, or the connection is closed; answers are
written with the same bound per send.
"""
from __future__ import annotations

import socket
import time

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker


class DeadlineSocket:
    """Delegates to the socket; recv stops at the request's deadline."""

    def __init__(self, sock: socket.socket, timeout: float):
        self._sock, self._timeout = sock, timeout
        self._deadline = time.monotonic() + timeout

    def restart(self) -> None:
        self._deadline = time.monotonic() + self._timeout

    def recv(self, size: int, *args) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise NoMoreData(b"")  # gunicorn closes the connection quietly, as for a client gone
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv(size, *args)
        except socket.timeout:
            raise NoMoreData(b"") from None

    def sendall(self, data, *args):
        self._sock.settimeout(self._timeout)
        return self._sock.sendall(data, *args)

    def send(self, data, *args):
        self._sock.settimeout(self._timeout)
        return self._sock.send(data, *args)

    def setblocking(self, flag: bool) -> None:
        self._sock.setblocking(flag)

    def fileno(self) -> int:
        return self._sock.fileno()

    def __getattr__(self, name):
        return getattr(self._sock, name)


class DeadlineThreadWorker(ThreadWorker):
    request_timeout = 10.0  # set by bot.server from the config

    def handle(self, conn):
        if not isinstance(conn.sock, DeadlineSocket):
            if conn.initialized or self.cfg.is_ssl:  # the parser holds the raw socket already
                return super().handle(conn)
            conn.sock = DeadlineSocket(conn.sock, self.request_timeout)
        else:
            conn.sock.restart()  # a new request on a kept-alive connection
        return super().handle(conn)
