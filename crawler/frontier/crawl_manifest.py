"""The manifest of a whole crawl on the shared frontier: the seed's own, with every process's counts
summed, each process listed with its exit status, and those lost (crawler.frontier.roster)."""

from __future__ import annotations

from typing import Any

from crawler import exit_status
from crawler.frontier.roster import ProcessResult
from crawler.health.figures import summed
from crawler.record import now_utc, utc_iso


def crawl_manifest(
    seed: dict[str, Any], processes: list[ProcessResult], lost: list[str], min_records: int
) -> dict[str, Any]:
    """The manifest of a whole crawl on the shared frontier: the seed's, with every process's counts
    summed and each process listed."""
    reasons = {process.finish_reason for process in processes}
    if lost:
        finish_reason = "processes lost"
    elif reasons <= {"finished"}:
        finish_reason = "finished"
    else:
        finish_reason = ", ".join(sorted(reasons - {"finished"}))
    statuses = [process.exit_status for process in processes]
    found = sum(process.articles_found for process in processes)
    return {
        **seed,
        "finished_at": utc_iso(now_utc()),
        "finish_reason": finish_reason,
        "exit_status": exit_status.of_crawl(statuses, len(lost), found, min_records),
        "counts": _summed([process.counts for process in processes]),
        "domains": summed(process.domains for process in processes),
        "frontier": {
            "name": seed["frontier"]["name"],
            "worker": None,
            "processes": [
                {
                    "worker": p.worker,
                    "host": p.host,
                    "manifest": p.manifest,
                    "exit_status": p.exit_status,
                    "finish_reason": p.finish_reason,
                }
                for p in processes
            ],
            "lost": lost,
        },
    }


def _summed(counts: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts added up, figure by figure; the tables (skipped by reason, walls by domain and kind)
    entry by entry, sorted."""
    total: dict[str, Any] = {}
    for figures in counts:
        for name, value in figures.items():
            if isinstance(value, dict):
                total[name] = _summed([total.get(name, {}), value])
            else:
                total[name] = total.get(name, 0) + value
    return dict(sorted(total.items()))
