"""A fault-injecting HTTP proxy on 127.0.0.1, between a crawler and a real S3 server (moto).

The test switches it between modes while a crawl runs:

- ``pass``: requests go to the server and its answers back, unchanged;
- ``refuse``: the listening socket is closed (new connections are refused) and open ones are reset;
- ``hang``: requests are read and never answered (the client's read timeout has to fire);
- ``reset``: the connection is reset (RST, SO_LINGER 0) in the middle of the request body;
- ``slowdown``: the proxy answers ``503 SlowDown`` with S3's XML error body itself;
- ``record_delay`` (seconds, any mode but the failing ones): each record write is held that long,
  storage slower than the crawl;
- ``lose_reply``: the request reaches the server, which acts on it, and the answer is lost (RST):
  the client cannot know its write was stored.

It speaks just enough HTTP/1.1 (Content-Length and chunked bodies, Expect: 100-continue, keep-alive)
to count requests per mode, and S3 writes of records that the server answered with 200, so a test
can switch on the crawl's progress instead of on time. ``switch_on`` makes the proxy switch itself
when a given request arrives, before that request is handled: a switch no crawl can outrun.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

PASS, REFUSE, HANG, RESET, SLOWDOWN, LOSE_REPLY = "pass", "refuse", "hang", "reset", "slowdown", "lose_reply"
MODES = (PASS, REFUSE, HANG, RESET, SLOWDOWN, LOSE_REPLY)
_SLOWDOWN_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message><RequestId>faultproxy</RequestId></Error>"
)


class _Closed(Exception):
    pass


class _Stream:
    """A socket read as a buffered byte stream."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed
        self.buffer += chunk

    def head(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n\r\n") + 4
        head, self.buffer = self.buffer[:end], self.buffer[end:]
        return head

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n") + 2
        data, self.buffer = self.buffer[:end], self.buffer[end:]
        return data

    def body(self, headers: dict[str, str]) -> bytes:
        """The message body, as it was sent (chunked framing kept)."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            data = b""
            while True:
                size_line = self.line()
                data += size_line
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while True:  # trailers, up to the empty line
                        trailer = self.line()
                        data += trailer
                        if trailer == b"\r\n":
                            return data
                data += self.exactly(size + 2)
        return self.exactly(int(headers.get("content-length", "0")))

    def rest(self) -> bytes:
        try:
            while True:
                self._fill()
        except (_Closed, OSError):
            data, self.buffer = self.buffer, b""
            return data


def _parse(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


_AREAS = ("records", "state/articles", "state/url-index", "warc", "runs", "compacted", "locks")


def _area(target: str) -> str:
    """The part of the archive a request is for, from its path (with or without a key prefix)."""
    path = target.split("?", 1)[0]
    query = target.split("?", 1)[1] if "?" in target else ""
    for area in _AREAS:
        if f"/{area}/" in path or f"prefix={area}" in query or f"%2F{area.replace('/', '%2F')}%2F" in query:
            return area
    return "other"


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.mode = PASS
        self.counts: Counter[str] = Counter()  # requests per mode; "stored_records"; "written"
        self.methods: Counter[str] = Counter()  # requests per method, listings ("LIST") apart from GETs
        # requests per (method, area of the archive): ("PUT", "records"), ("GET", "state/url-index"), ...
        self.areas: Counter[tuple[str, str]] = Counter()
        # Seconds each record write (PUT .../records/...) is held before it goes on: slow storage.
        self.record_delay = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._clients: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._trigger: tuple[str, str, str] | None = None  # (mode, method, part of the path)
        self.port = 0
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), name="faultproxy", daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed: refusing, or stopped
            with self._lock:
                self._clients.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def set_mode(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            previous = self._switch(mode)
        if previous == REFUSE and mode != REFUSE:
            self._listen()

    def switch_on(self, mode: str, method: str, path_part: str) -> None:
        """Switch to ``mode`` when the first ``method`` request whose path contains ``path_part``
        arrives; that request is the first one handled in ``mode``. Not back from ``refuse``."""
        assert mode in MODES and self.mode != REFUSE, (mode, self.mode)
        with self._lock:
            self._trigger = (mode, method, path_part)

    def _switch(self, mode: str, keep: socket.socket | None = None) -> str:
        """Under the lock: the new mode; refusing closes the listener and resets open connections
        (but ``keep``, whose request is handled in the new mode). Returns the previous mode."""
        previous, self.mode = self.mode, mode
        if mode == REFUSE and self._listener is not None:
            self._listener.close()
            self._listener = None
            for client in list(self._clients):
                if client is not keep:
                    _reset(client)
        return previous

    def count(self, name: str) -> int:
        with self._lock:
            return self.counts[name]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 120.0, what: str = "") -> None:
        """Poll ``condition`` until it holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}; counts {dict(self.counts)}")
            time.sleep(0.02)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            if self._listener is not None:
                self._listener.close()
            for client in list(self._clients):
                _reset(client)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self, client: socket.socket) -> None:
        stream = _Stream(client)
        upstream: socket.socket | None = None
        try:
            while not self._stopping.is_set():
                head = stream.head()
                request_line, headers = _parse(head)
                method, target = request_line.split(" ")[:2]
                with self._lock:
                    trigger = self._trigger
                    if trigger is not None and method == trigger[1] and trigger[2] in target:
                        self._trigger = None
                        self._switch(trigger[0], keep=client)
                    mode = self.mode
                    self.counts[mode] += 1
                    kind = "LIST" if method == "GET" and "list-type=" in target else method
                    self.methods[kind] += 1
                    self.areas[kind, _area(target)] += 1
                if mode in (RESET, REFUSE):
                    if "100-continue" in headers.get("expect", "").lower():
                        client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    size = int(headers.get("content-length", "0") or 0)
                    if size > 1:
                        stream.exactly(size // 2)  # the upload is under way
                    _reset(client)
                    return
                if mode == SLOWDOWN:
                    expects = "100-continue" in headers.get("expect", "").lower()
                    if not expects:
                        stream.body(headers)
                    client.sendall(
                        b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
                        + f"Content-Length: {len(_SLOWDOWN_BODY)}\r\n".encode()
                        + (b"Connection: close\r\n" if expects else b"")
                        + b"\r\n"
                        + _SLOWDOWN_BODY
                    )
                    if expects:  # the client sends no body after a final answer: start afresh
                        return
                    continue
                if "100-continue" in headers.get("expect", "").lower():
                    client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                    head = head.replace(b"Expect: 100-continue\r\n", b"").replace(
                        b"expect: 100-continue\r\n", b""
                    )
                body = stream.body(headers)
                if mode == HANG:
                    stream.rest()  # until the client gives up and closes
                    return
                if self.record_delay and method == "PUT" and "/records/" in target:
                    time.sleep(self.record_delay)  # the fault itself, not a synchronisation
                if upstream is None:
                    upstream = socket.create_connection(self.upstream)
                    upstream_stream = _Stream(upstream)
                upstream.sendall(head + body)
                status_line, reply_headers, reply = self._reply(upstream_stream, method)
                if mode == LOSE_REPLY:
                    _reset(client)
                    return
                client.sendall(reply)
                status = int(status_line.split(" ")[1])
                with self._lock:
                    if method in ("PUT", "POST", "DELETE") and status < 300:
                        self.counts["written"] += 1
                        if method == "PUT" and "/records/" in target:
                            self.counts["stored_records"] += 1
                if reply_headers.get("connection", "").lower() == "close":
                    return
        except (_Closed, OSError, ValueError, IndexError):
            pass
        finally:
            with self._lock:
                self._clients.discard(client)
            client.close()
            if upstream is not None:
                upstream.close()

    @staticmethod
    def _reply(stream: _Stream, method: str) -> tuple[str, dict[str, str], bytes]:
        while True:
            head = stream.head()
            status_line, headers = _parse(head)
            status = int(status_line.split(" ")[1])
            if status != 100:
                break
        if method == "HEAD" or status in (204, 304):
            return status_line, headers, head
        if "content-length" in headers or "chunked" in headers.get("transfer-encoding", "").lower():
            return status_line, headers, head + stream.body(headers)
        headers["connection"] = "close"
        return status_line, headers, head + stream.rest()
