"""A small hostile web server on 127.0.0.1 for crawl tests: each path answers what a route says,
bodies may be streamed (a 200 MB page is never held in memory), and every request is logged."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Answer:
    """What the server sends: ``body`` is bytes or an iterable of chunks (streamed, no length
    announced unless ``length`` is given; the connection then closes at the end)."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    length: int | None = None


Route = Callable[[str], Answer | None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # a streamed body ends when the connection closes

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.requests.append(path)
        answer = self.server.route(path) or Answer(404, b"not found\n", {"Content-Type": "text/plain"})
        self.send_response(answer.status)
        for key, value in answer.headers.items():
            self.send_header(key, value)
        if isinstance(answer.body, bytes):
            self.send_header("Content-Length", str(len(answer.body)))
        elif answer.length is not None:
            self.send_header("Content-Length", str(answer.length))
        self.end_headers()
        chunks = [answer.body] if isinstance(answer.body, bytes) else answer.body
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up on a body it did not want: what the tests expect


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.requests: list[str] = []
        self.lock = threading.Lock()


@dataclass
class Hostile:
    """A running server: ``url`` is ``http://127.0.0.1:PORT``, ``requests`` the paths asked for."""

    server: _Server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> list[str]:
        with self.server.lock:
            return list(self.server.requests)


@contextmanager
def serving(route: Route) -> Iterator[Hostile]:
    """Serve ``route`` on a free loopback port for the duration of the block."""
    server = _Server(route)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Hostile(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def gzip_bomb(size: int, chunk: int = 1 << 20) -> bytes:
    """``size`` bytes of zeros, gzip-compressed (1 GB makes about 1 MB), built chunk by chunk."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(chunk)
    parts = []
    for _ in range(size // chunk):
        parts.append(packer.compress(zeros))
    parts.append(packer.compress(bytes(size % chunk)))
    parts.append(packer.flush())
    return b"".join(parts)


def endless(chunk: bytes, total: int) -> Iterator[bytes]:
    """``total`` bytes made of ``chunk`` repeated, streamed."""
    sent = 0
    while sent < total:
        piece = chunk[: total - sent]
        yield piece
        sent += len(piece)
