"""Score body-text extraction against the ScrapingHub article-extraction-benchmark.

The archiver's extraction layer exists to do better than trafilatura alone: it recovers leads that
trafilatura drops and strips captions, credits and share lines that it keeps. This script measures
whether it does, on the public benchmark's pages, with the benchmark's own shingle metric, scoring
the project's ``crawler.extraction.extract`` and plain ``trafilatura.extract`` side by side on the
same pages in one run, so that a change to the extraction code can be judged by numbers.

Usage::

    python tests/benchmarks/quality.py DATASET_DIR [--limit N] [--json OUT] [--worst K]

DATASET_DIR holds ``html/<id>.html.gz`` (gzip, UTF-8) and ``ground-truth.json`` mapping each id to
``{"articleBody": ..., "url": ...}``. The dataset is not bundled: pass its path.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

# Runs as a plain script from any directory: the project root (parent of tests/) must be importable.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import trafilatura  # noqa: E402

from crawler.extraction import ExtractOptions, Rejection, extract  # noqa: E402

NGRAM = 4
_TOKEN = re.compile(r"\w+")
_HEADERS = {"content-type": "text/html; charset=utf-8"}
# min_chars=0: short pages are still extracted and scored, not rejected as too short.
_OPTIONS = ExtractOptions(min_chars=0)


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    expected: str
    html: bytes


@dataclass(frozen=True)
class PageScore:
    """Per-page figures; precision or recall is None where the page is left out of that mean."""

    precision: float | None
    recall: float | None
    f1: float
    empty: bool


@dataclass
class SystemResult:
    name: str
    scores: dict[str, PageScore] = field(default_factory=dict)
    seconds: float = 0.0


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """Runs of n consecutive ``\\w+`` tokens, with multiplicity; a shorter text is one shorter shingle."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def score_page(expected: str, predicted: str) -> PageScore | None:
    """Benchmark scoring of one page; None when both texts are empty (left out of both means)."""
    true = shingles(expected)
    pred = shingles(predicted)
    if not true and not pred:
        return None
    tp = sum((true & pred).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    # Normalised so that a long page weighs no more than a short one (ratios below are unchanged).
    total = tp + fp + fn
    tp_n, fp_n, fn_n = tp / total, fp / total, fn / total
    if not pred:
        return PageScore(precision=None, recall=0.0, f1=0.0, empty=True)
    precision = tp_n / (tp_n + fp_n)
    recall = tp_n / (tp_n + fn_n) if tp_n + fn_n else None
    if recall is None:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PageScore(precision=precision, recall=recall, f1=f1, empty=False)


def load_pages(dataset: Path, limit: int | None) -> list[Page]:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    if limit is not None:
        ids = ids[:limit]
    pages = []
    for page_id in ids:
        html = gzip.decompress((dataset / "html" / f"{page_id}.html.gz").read_bytes())
        entry = truth[page_id]
        pages.append(Page(page_id, entry.get("url") or "", entry.get("articleBody") or "", html))
    return pages


def newsarchive(page: Page) -> str:
    result = extract(page.html, page.url, _HEADERS, datetime.now(timezone.utc), _OPTIONS)
    return "" if isinstance(result, Rejection) else result.text


def plain_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.html.decode("utf-8", errors="replace"), url=page.url) or ""


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "newsarchive": newsarchive,
    "trafilatura": plain_trafilatura,
}


def run_system(name: str, extractor: Callable[[Page], str], pages: Sequence[Page]) -> SystemResult:
    result = SystemResult(name)
    if pages:
        extractor(pages[0])  # untimed warm-up: lazy imports and caches are not per-page costs
    for page in pages:
        started = time.perf_counter()
        predicted = extractor(page)
        result.seconds += time.perf_counter() - started
        score = score_page(page.expected, predicted)
        if score is not None:
            result.scores[page.id] = score
    return result


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summary(result: SystemResult, n_pages: int) -> dict[str, float | int]:
    scores = list(result.scores.values())
    precision = _mean([s.precision for s in scores if s.precision is not None])
    recall = _mean([s.recall for s in scores if s.recall is not None])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pages": len(scores),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "f1_pages": _mean([s.f1 for s in scores]),
        "empty": sum(s.empty for s in scores),
        "seconds_per_page": result.seconds / n_pages if n_pages else 0.0,
    }


def print_table(summaries: dict[str, dict[str, float | int]]) -> None:
    columns = ("pages", "precision", "recall", "F1", "F1(pages)", "empty", "s/page")
    widths = (5, 9, 6, 6, 9, 5, 6)
    print(f"{'system':<12}" + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, s in summaries.items():
        print(
            f"{name:<12}  {s['pages']:>5}  {s['precision']:>9.3f}  {s['recall']:>6.3f}  {s['f1']:>6.3f}  "
            f"{s['f1_pages']:>9.3f}  {s['empty']:>5}  {s['seconds_per_page']:>6.4f}"
        )


def print_worst(results: dict[str, SystemResult], pages: Sequence[Page], k: int) -> None:
    ours = results["newsarchive"].scores
    theirs = results["trafilatura"].scores
    urls = {page.id: page.url for page in pages}
    worst = sorted(ours, key=lambda page_id: (ours[page_id].f1, page_id))[:k]
    print(f"\nworst {len(worst)} pages by newsarchive F1")
    print(f"{'newsarchive':>11}  {'trafilatura':>11}  id        url")
    for page_id in worst:
        other = theirs.get(page_id)
        other_f1 = f"{other.f1:.3f}" if other is not None else "-"
        print(f"{ours[page_id].f1:>11.3f}  {other_f1:>11}  {page_id[:8]}  {urls[page_id]}")


def write_json(
    out: Path,
    summaries: dict[str, dict[str, float | int]],
    results: dict[str, SystemResult],
    pages: list[Page],
) -> None:
    payload = {
        "pages": len(pages),
        "systems": {
            name: {
                "summary": summaries[name],
                "per_page": {
                    page_id: {
                        "precision": s.precision,
                        "recall": s.recall,
                        "f1": s.f1,
                        "empty": s.empty,
                    }
                    for page_id, s in result.scores.items()
                },
            }
            for name, result in results.items()
        },
        "urls": {page.id: page.url for page in pages},
    }
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dataset", type=Path, help="folder with html/<id>.html.gz and ground-truth.json")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (by id)")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="write figures to this file")
    parser.add_argument(
        "--worst", type=int, default=0, help="list the K pages where newsarchive F1 is lowest"
    )
    args = parser.parse_args(argv)

    pages = load_pages(args.dataset, args.limit)
    results = {name: run_system(name, extractor, pages) for name, extractor in SYSTEMS.items()}
    summaries = {name: summary(result, len(pages)) for name, result in results.items()}
    print_table(summaries)
    if args.worst > 0:
        print_worst(results, pages, args.worst)
    if args.json_out is not None:
        write_json(args.json_out, summaries, results, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
