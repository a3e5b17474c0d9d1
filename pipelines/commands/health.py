"""``newsarchive health``: each site's extraction figures over a job's runs, newest first, with the
runs in which it degraded marked; one figure drawn over the runs (in the terminal, or as SVG); the
latest figures in Prometheus's text format, for node_exporter's textfile collector.

It reads the run manifests (crawler.manifest) that hold per-domain figures (crawler.health.figures):
the crawl's own on a shared frontier, never its processes'.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from html import escape
from pathlib import Path
from typing import IO, Any

from crawler import exit_status
from crawler.health.figures import FIGURES, LENGTHS
from crawler.record import parse_utc
from pipelines.commands.common import now, open_archive, point
from pipelines.read.runs import RunManifests
from pipelines.storage import ArchiveStore
from pipelines.storage.files import write_atomically

_BARS = "▁▂▃▄▅▆▇█"
COLUMNS = ("started_at", "job", *FIGURES, "state")


def add_parser(commands: Any, common: argparse.ArgumentParser, filters: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "health", parents=[common], help="each site's extraction figures over the runs, the degraded marked"
    )
    parser.add_argument("--since", metavar="DATE", default="30d", help="runs started since (default 30d)")
    parser.add_argument("--domain", action="append", default=[], help="a host; repeatable")
    parser.add_argument("--job", action="append", default=[], help="a job's name; repeatable")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    parser.add_argument(
        "--figure", choices=FIGURES, default="body_median", help="the figure plotted (default body_median)"
    )
    parser.add_argument("--plot", metavar="FILE", help="the figure over the runs as an SVG chart")
    parser.add_argument(
        "--prometheus",
        metavar="FILE",
        help="the latest figures in Prometheus's text format (textfile collector)",
    )
    parser.set_defaults(run=run)


def run(options: argparse.Namespace, out: IO[str]) -> int:
    since = point(options.since, "--since", now())
    store = open_archive(options.archive)
    runs = domain_runs(
        store, since, tuple(options.job), tuple(d.lower() for d in options.domain), options.workers
    )
    if options.json:
        out.write(json.dumps(runs, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(table(runs))
        out.write(sparklines(runs, options.figure))
    if options.plot:
        write(options.plot, svg(runs, options.figure))
    if options.prometheus:
        write(options.prometheus, prometheus(runs))
    return exit_status.OK


def domain_runs(
    store: ArchiveStore,
    since: datetime | None,
    jobs: tuple[str, ...],
    domains: tuple[str, ...],
    workers: int = 8,
) -> dict[str, list[dict[str, Any]]]:
    """Each domain's runs (figures, the run's start and job, and what the run made of it), newest
    first."""
    found: dict[str, list[dict[str, Any]]] = {}
    for manifest in RunManifests(store, workers).newest_first(since=since):
        if (manifest.get("frontier") or {}).get("worker") or not manifest.get("domains"):
            continue
        if jobs and manifest.get("job") not in jobs:
            continue
        health = manifest.get("health") or {}
        for domain, figures in manifest["domains"].items():
            if domains and domain not in domains:
                continue
            row = {name: figures.get(name) for name in FIGURES}
            row.update(
                started_at=manifest.get("started_at"), job=manifest.get("job"), state=_state(domain, health)
            )
            if domain in health.get("degraded", {}):
                row["degraded"] = health["degraded"][domain]
            if (figures.get("revisits") or {}).get("revisited"):
                row["revisits"] = figures["revisits"]  # what the run's revisits found (--json)
            found.setdefault(domain, []).append(row)
    return {
        domain: sorted(rows, key=lambda r: str(r["started_at"]), reverse=True)
        for domain, rows in sorted(found.items())
    }


def _state(domain: str, health: dict[str, Any]) -> str:
    if domain in health.get("degraded", {}):
        return "DEGRADED " + ",".join(health["degraded"][domain])
    if domain in health.get("new", []):
        return "new"
    if domain in health.get("little_history", []):
        return "little history"
    return "ok" if domain in health.get("healthy", []) else "-"


def table(runs: dict[str, list[dict[str, Any]]]) -> str:
    """One block per domain: a header line, then a line per run, newest first (tab-separated)."""
    lines = []
    for domain, rows in runs.items():
        lines.append(f"{domain}")
        lines.append("\t".join(COLUMNS))
        lines.extend("\t".join(_cell(row.get(name)) for name in COLUMNS) for row in rows)
        lines.append("")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def sparklines(runs: dict[str, list[dict[str, Any]]], figure: str) -> str:
    """``figure`` over each domain's runs, oldest to newest, as a line of bars, with its range."""
    lines = [f"{figure}, oldest to newest run:"]
    width = max((len(domain) for domain in runs), default=0)
    for domain, rows in runs.items():
        values = [row.get(figure) for row in reversed(rows)]
        known = [v for v in values if v is not None]
        if not known:
            lines.append(f"{domain:<{width}}  (no values)")
            continue
        low, high = min(known), max(known)
        bars = "".join(
            " " if v is None else _BARS[0 if high == low else round((v - low) / (high - low) * 7)]
            for v in values
        )
        lines.append(f"{domain:<{width}}  {bars}  {_cell(low)} .. {_cell(high)}")
    return "\n".join(lines) + "\n"


def svg(runs: dict[str, list[dict[str, Any]]], figure: str) -> str:
    """``figure`` over the runs, one small chart per domain, degraded runs in red."""
    panel_width, panel_height, margin = 480, 120, 40
    height = margin + len(runs) * (panel_height + margin)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{panel_width + 2 * margin}" height="{height}"'
        ' font-family="sans-serif" font-size="12">',
        f'<text x="{margin}" y="24">{escape(figure)}, oldest to newest run</text>',
    ]
    for index, (domain, rows) in enumerate(runs.items()):
        top = margin + index * (panel_height + margin)
        points = [(row.get(figure), "degraded" in row) for row in reversed(rows)]
        known = [v for v, _ in points if v is not None]
        parts.append(f'<text x="{margin}" y="{top + 14}">{escape(domain)}</text>')
        parts.append(
            f'<rect x="{margin}" y="{top + 20}" width="{panel_width}" height="{panel_height - 20}"'
            ' fill="none" stroke="#999"/>'
        )
        if not known:
            continue
        low, high = min(known), max(known)
        step = panel_width / max(1, len(points) - 1)
        coordinates = []
        for position, (value, degraded) in enumerate(points):
            if value is None:
                continue
            x = margin + position * step
            y = (
                top
                + panel_height
                - 5
                - (0 if high == low else (value - low) / (high - low) * (panel_height - 30))
            )
            coordinates.append(f"{x:.1f},{y:.1f}")
            colour = "#c00" if degraded else "#036"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        parts.append(f'<polyline points="{" ".join(coordinates)}" fill="none" stroke="#036"/>')
        parts.append(f'<text x="{margin + panel_width + 4}" y="{top + 34}">{_cell(high)}</text>')
        parts.append(f'<text x="{margin + panel_width + 4}" y="{top + panel_height}">{_cell(low)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def prometheus(runs: dict[str, list[dict[str, Any]]]) -> str:
    """Each domain's latest figures as gauges, for node_exporter's textfile collector."""
    lines = []
    for name in (*FIGURES, "degraded", "last_run_timestamp_seconds"):
        metric = f"newsarchive_domain_{name}"
        unit = "characters" if name in LENGTHS else "per run"
        lines.append(f"# HELP {metric} {name} of the site in the job's latest run ({unit})")
        lines.append(f"# TYPE {metric} gauge")
        for domain, rows in runs.items():
            latest = rows[0]
            if name == "degraded":
                value: Any = 1 if "degraded" in latest else 0
            elif name == "last_run_timestamp_seconds":
                value = int(parse_utc(str(latest["started_at"])).timestamp())
            else:
                value = latest.get(name)
            if value is None:
                continue
            labels = f'domain="{_label(domain)}",job="{_label(str(latest["job"]))}"'
            lines.append(f"{metric}{{{labels}}} {value}")
    return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def write(path: str, text: str) -> None:
    """Whole or not at all: node_exporter must never read half a file."""
    write_atomically(Path(path), text.encode("utf-8"))
