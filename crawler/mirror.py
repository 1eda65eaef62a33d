"""A local mirror of the site: a threaded HTTP server on 127.0.0.1 serving a folder.

``hbdt demo`` serves the bundled sample (``crawler/sample_site``) with it, and the test suite uses
it as a fixture. It keeps a log of requested paths and takes fault-injection rules, so that tests
can make a path answer 503 once, 429 with ``Retry-After``, a truncated body or a slow response.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)


def sample_site_root() -> Path:
    """The folder of the bundled sample site (package data)."""
    return Path(str(resources.files("crawler") / "sample_site"))


@dataclass
class Fault:
    """What to do to a request instead of (or before) serving it normally.

    ``status``: answer with this status (e.g. 503, 429) and a short body;
    ``retry_after``: the ``Retry-After`` header value for that answer;
    ``truncate``: serve only the first ``truncate`` bytes while announcing the full length;
    ``delay``: seconds to sleep before answering; ``times``: how many requests it applies to
    (``None`` = every request).
    """

    status: int | None = None
    retry_after: str | None = None
    truncate: int | None = None
    delay: float = 0.0
    times: int | None = 1


@dataclass
class MirrorState:
    """Shared, thread-safe state of a running mirror."""

    root: Path
    requests: list[str] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    handler: Callable[[str], tuple[int, dict[str, str], bytes] | None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: list[float] = field(default_factory=list)
    """``time.monotonic()`` of each logged request, parallel to ``requests``."""

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            queue = self.faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    queue.pop(0)
            return fault

    def log(self, path: str) -> None:
        with self.lock:
            self.requests.append(path)
            self.times.append(time.monotonic())


class _Handler(BaseHTTPRequestHandler):
    server: _MirrorHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        logger.debug("mirror: " + format, *args)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              *, declared_length: int | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(declared_length if declared_length is not None else len(body)))
        if declared_length is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        state = self.server.state
        path = unquote(urlsplit(self.path).path)
        state.log(self.path)
        fault = state.take_fault(path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                headers = {"Content-Type": "text/plain; charset=utf-8"}
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
                self._send(fault.status, f"fault {fault.status}\n".encode(), headers)
                return
        if state.handler is not None:
            answer = state.handler(self.path)
            if answer is not None:
                status, headers, body = answer
                self._send(status, body, headers)
                return
        target = _resolve(state.root, path)
        if target is None:
            self._send(404, "Không tìm thấy trang\n".encode(), {"Content-Type": "text/plain; charset=utf-8"})
            return
        body = target.read_bytes()
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix in {".htm", ".html"}:
            ctype = "text/html"
        elif target.suffix == ".txt":
            ctype = "text/plain; charset=utf-8"
        if fault is not None and fault.truncate is not None:
            self._send(200, body[: fault.truncate], {"Content-Type": ctype}, declared_length=len(body))
            return
        self._send(200, body, {"Content-Type": ctype})


def _resolve(root: Path, path: str) -> Path | None:
    """Map a URL path to a file under ``root``; refuse anything outside it."""
    rel = path.lstrip("/")
    candidate = (root / rel).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class _MirrorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: MirrorState, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.state = state


@dataclass
class Mirror:
    """A running mirror: ``url`` is its base (``http://127.0.0.1:PORT``)."""

    server: _MirrorHTTPServer
    thread: threading.Thread

    @property
    def state(self) -> MirrorState:
        return self.server.state

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    @property
    def requests(self) -> list[str]:
        """Paths requested so far, in order (query strings included)."""
        with self.state.lock:
            return list(self.state.requests)

    @property
    def timed_requests(self) -> list[tuple[float, str]]:
        """``(time.monotonic(), path)`` of each request so far, in order."""
        with self.state.lock:
            return list(zip(self.state.times, self.state.requests, strict=True))

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        with self.state.lock:
            self.state.faults.clear()

    def add_fault(self, path: str, fault: Fault) -> None:
        """Queue ``fault`` for requests of ``path``."""
        with self.state.lock:
            self.state.faults.setdefault(path, []).append(fault)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_mirror(root: Path | str | None = None, host: str = "127.0.0.1", port: int = 0) -> Mirror:
    """Start serving ``root`` (default: the bundled sample site) on ``host``:``port`` (0 = free port)."""
    state = MirrorState(root=Path(root) if root is not None else sample_site_root())
    server = _MirrorHTTPServer(state, host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="hbdt-mirror", daemon=True)
    thread.start()
    mirror = Mirror(server=server, thread=thread)
    logger.info("mirror of %s serving at %s", state.root, mirror.url)
    return mirror


@contextmanager
def serving(root: Path | str | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[Mirror]:
    """Context manager around :func:`start_mirror` that always stops the server."""
    mirror = start_mirror(root, host, port)
    try:
        yield mirror
    finally:
        mirror.stop()
