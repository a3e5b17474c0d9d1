"""A real ``redis-server`` for the tests that need one: 127.0.0.1, a free port, nothing saved to disk.

Only the shared-frontier tests use it; the rest of the suite needs no Redis.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

STARTUP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """Run redis-server until the block ends; yields its URL (database 0)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (Debian: apt-get install -y redis-server)")
    for _ in range(5):  # another process may take the free port before redis-server binds it
        port = free_port()
        command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        process = subprocess.Popen(
            [*command, "--dir", str(directory)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            # Polling a readiness condition: PING answers once the server listens.
            while process.poll() is None and time.monotonic() < deadline:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.02)
            else:
                continue  # exited (port taken) or never answered: try another port
            yield f"redis://127.0.0.1:{port}/0"
            return
        finally:
            client.close()
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
    raise RuntimeError("redis-server did not start on any of 5 free ports")
