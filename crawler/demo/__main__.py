"""``make demo``: serve the sample news site on 127.0.0.1, crawl it from its home page, archive to
./archive.

The crawl runs as ``python -m scrapy crawl site``, exactly as a user would run it: it follows links two
deep, archives the articles and counts the fronts, sections and other pages it only followed; the
command's own summary says what was fetched, written and skipped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from crawler.demo.server import SITE_DIR, LocalSite

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PORT = 8765  # fixed, so that re-running the demo gives the same record ids


def site_pages(root: Path = SITE_DIR) -> list[str]:
    """Every HTML page of the sample site, as a path."""
    return sorted("/" + p.relative_to(root).as_posix() for p in root.rglob("*.html"))


def _serve(port: int) -> LocalSite:
    try:
        return LocalSite(port=port).start()
    except OSError:
        return LocalSite(port=0).start()  # the port is taken: any free one will do


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__)
    parser.add_argument("--archive", default=os.environ.get("ARCHIVE_URI", "./archive"), help="ARCHIVE_URI")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port of the sample site")
    args = parser.parse_args(argv)
    site = _serve(args.port)
    try:
        print(f"Serving the sample news site at {site.url}/", flush=True)
        command = [
            sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={site.url}/", "-a", "depth=2",
            "-s", f"ARCHIVE_URI={args.archive}", "-s", "LOG_LEVEL=WARNING",
            "-s", "AUTOTHROTTLE_ENABLED=False",
        ]  # fmt: skip
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "settings"}
        return subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode
    finally:
        site.stop()


if __name__ == "__main__":
    sys.exit(main())
