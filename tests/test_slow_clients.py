"""Slow clients cannot stop the real server: with every thread held by a connection that sends
its headers (or body) a byte at a time, the server cuts them at server.request_timeout_seconds
and keeps answering others."""
from __future__ import annotations

import socket
import threading
import time

import requests

from line_wire import SECRET, TOKEN, free_port
from procs import ServerProcess, write_config

THREADS = 2


def _trickle(port: int, head: bytes, stop: threading.Event, closed: list) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(head)
    started = time.monotonic()
    try:
        while not stop.is_set():
            sock.sendall(b"x")
            time.sleep(0.3)
    except OSError:
        closed.append(time.monotonic() - started)  # the server hung up on us
    finally:
        sock.close()


def test_slow_headers_and_bodies_are_cut_and_others_are_answered(engine, db_url, line, tmp_path):
    port = free_port()
    server = ServerProcess(write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url,
                                        db_url=db_url, port=port,
                                        server={"threads": THREADS, "request_timeout_seconds": 2}),
                           log=tmp_path / "server.log").start()
    stop, closed = threading.Event(), []
    heads = [b"POST /callback HTTP/1.1\r\nHost: x\r\nX-Slow: ",  # headers never finished
             b"POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nX-Line-Signature: x\r\n\r\n"]  # body
    clients = [threading.Thread(target=_trickle, args=(port, heads[n % 2], stop, closed), daemon=True)
               for n in range(THREADS * 3)]
    try:
        for client in clients:
            client.start()
        time.sleep(1.0)  # every thread is taken by now
        started = time.monotonic()
        response = requests.get(f"{server.base}/healthz", timeout=10)
        assert response.status_code == 200
        assert time.monotonic() - started < 8
        deadline = time.monotonic() + 15
        while len(closed) < len(clients) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(closed) == len(clients)  # every slow client was hung up on
        assert max(closed) < 12
    finally:
        stop.set()
        server.stop()
