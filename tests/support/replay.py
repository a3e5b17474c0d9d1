"""pywb replaying captured pages, as a reader of the archive's WARC segments would, and pages fetched
back over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.crawls import PROJECT_DIR


def served(url: str) -> bytes:
    """The body a URL answers with (a local site's page, or pywb's replay of it)."""
    with urllib.request.urlopen(url, timeout=60) as answer:
        return bytes(answer.read())


def pywb_binaries() -> Path:
    """pywb's own virtualenv's bin/ (pywb cannot share ours): PYWB_VENV, as ``make test`` sets it,
    else .venv-pywb in the project, which ``make test`` builds."""
    venv = Path(os.environ.get("PYWB_VENV") or PROJECT_DIR / ".venv-pywb")
    assert (venv / "bin" / "wb-manager").exists(), f"no pywb in {venv}: run the tests with `make test`"
    return venv / "bin"


# pywb's own application on a port of its choosing, announced once the socket listens.
_SERVE = """
from gevent.monkey import patch_all

patch_all()
from gevent.pywsgi import WSGIServer
from pywb.apps.frontendapp import FrontEndApp
from pywb.utils.geventserver import RequestURIWSGIHandler

server = WSGIServer(("127.0.0.1", 0), FrontEndApp(), handler_class=RequestURIWSGIHandler, log=None)
server.init_socket()
print(f"pywb listening on {server.address[1]}", flush=True)
server.serve_forever()
"""


@contextmanager
def pywb_replaying(home: Path, segments: list[Path]) -> Iterator[str]:
    """pywb serving a collection ``news`` of ``segments`` from ``home``; yields its base URL."""
    binaries = pywb_binaries()
    home.mkdir()
    for command in (["wb-manager", "init", "news"], ["wb-manager", "add", "news", *map(str, segments)]):
        subprocess.run([str(binaries / command[0]), *command[1:]], cwd=home, check=True, capture_output=True)
    server = subprocess.Popen(
        [str(binaries / "python"), "-c", _SERVE],
        cwd=home,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # FrontEndApp prints a line of its own before: no config.yaml
            if found := re.match(r"^pywb listening on (\d+)$", line.strip()):
                yield f"http://127.0.0.1:{found[1]}"
                break
        else:
            raise AssertionError(f"pywb exited with status {server.wait(30)} before listening")
    finally:
        server.terminate()
        server.wait(30)
        if server.stdout is not None:
            server.stdout.close()
