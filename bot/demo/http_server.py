"""A threaded WSGI server for the local stand-ins that keeps connections open between requests
(HTTP/1.1), as LINE's and Google's servers do.

werkzeug's development server closes every connection after one answer (it reads what follows a
request to drain it, so it cannot keep one). A client then connects anew for every call, and in a
benchmark that connecting cost our processes more CPU than the call itself: figures no real
deployment would see. Here each request's body is read whole, by its Content-Length, before the
app runs, so the next request on the connection is never touched. Answers carry a Content-Length.
"""
from __future__ import annotations

import io
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import unquote, urlsplit


class KeepAliveServer(ThreadingHTTPServer):
    """Serve `app` on 127.0.0.1:`port` (0: a free one). `stop` ends the server and every open
    connection, so a stopped stand-in answers nobody, not even on a connection kept from before."""

    daemon_threads = True  # handler threads must never keep the interpreter alive

    def __init__(self, app: Callable, port: int = 0, *, name: str = "stand-in"):
        super().__init__(("127.0.0.1", port), _Handler)
        self.app = app
        self.stopping = threading.Event()
        self.open_connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.02},
                                        name=f"{name}:{self.server_port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def start(self) -> "KeepAliveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        with self._connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:  # closed by its client meanwhile
                pass
        self._thread.join(timeout=5)

    def track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._connections_lock:
            (self.open_connections.add if open_ else self.open_connections.discard)(connection)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: KeepAliveServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, open_=True)

    def finish(self) -> None:
        self.server.track(self.connection, open_=False)
        try:
            super().finish()
        except OSError:  # the stand-in was stopped under this connection
            pass

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError, OSError):  # the client went, or the stand-in stopped
            self.close_connection = True

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # every method goes to the app, which answers 404/405 itself
            return self._run_app
        raise AttributeError(name)

    def _run_app(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status_and_headers: list = []

        def start_response(status: str, headers: list, exc_info=None):
            status_and_headers[:] = [status, headers]
            return lambda data: None  # the app returns its body; nothing writes through this

        answer = self.server.app(self._environ(body), start_response)
        try:
            data = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        status, headers = status_and_headers
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for key, value in headers:
            if key.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        if self.server.stopping.is_set():
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _environ(self, body: bytes) -> dict:
        target = urlsplit(self.path)
        environ = {
            "REQUEST_METHOD": self.command, "SCRIPT_NAME": "", "PATH_INFO": unquote(target.path, "latin-1"),
            "QUERY_STRING": target.query, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(self.server.server_port),
            "SERVER_PROTOCOL": self.request_version, "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    def log_request(self, code="-", size="-") -> None:
        pass  # quiet: the simulator's terminal stays clean

    def log_error(self, format: str, *args) -> None:
        pass  # a dropped connection is the client's business
