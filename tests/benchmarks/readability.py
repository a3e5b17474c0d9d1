"""Score extraction against mozilla/readability's public test pages: body text, title and byline.

quality.py scores body text on news pages only. Readability's test pages are a wider mix (blogs,
documentation, forums, wikis, news in many languages, a few pages that are not articles at all), each
with the readable HTML and the metadata that readability is expected to produce. This script scores
the project's ``crawler.extraction.extract`` with its default options (so the pages it throws away
show up as empty output, counted by rejection reason) and plain trafilatura side by side on them:
body text with quality.py's shingle metric (its functions, imported, not copied), title exact match
and token F1, byline token F1, and the time each system takes.

Usage::

    python tests/benchmarks/readability.py DATASET_DIR [--limit N] [--json OUT] [--worst K]

DATASET_DIR holds one folder per page (``001/``, ``aclu/``, ...), each with ``source.html``,
``expected.html`` and ``expected-metadata.json``: the ``test-pages`` folder of
https://github.com/mozilla/readability (Apache 2.0). The pages have no URL; every page is given
readability's own test base URI. Readability's expected title sometimes includes the site name; it is
scored as it is. The dataset is not bundled and is never read by the project itself: pass its path.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# Runs as a plain script from any directory. The project root goes first on sys.path, ahead of
# anything else: the virtualenv's editable install maps ``crawler`` to one checkout, and a copy of
# this script in another checkout (a baseline clone) must score that checkout's code, not it.
BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parents[1]
for _entry in (str(BENCH_DIR), str(PROJECT_ROOT)):
    while _entry in sys.path:
        sys.path.remove(_entry)
    sys.path.insert(0, _entry)

import lxml.html  # noqa: E402
import quality  # noqa: E402  (tests/benchmarks/quality.py: the shingle metric and its summary)
import trafilatura  # noqa: E402
from lxml import etree  # noqa: E402

from crawler.extraction import ExtractOptions, Rejection, extract  # noqa: E402

URL = "http://fakehost/test/page.html"  # readability's tests use this as every page's base URI
FETCHED = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
_HEADERS = {"content-type": "text/html; charset=utf-8"}
# Default options, unlike quality.py: pages the project would not archive are scored as empty.
_OPTIONS = ExtractOptions()
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
# Block elements of readable HTML: each starts a line of its own in the expected text.
_BLOCK_NAMES = """address article aside blockquote br caption dd details div dl dt figcaption figure
    footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead
    tr ul"""
_BLOCKS = frozenset(_BLOCK_NAMES.split())
OURS = "newsarchive"
THEIRS = "trafilatura"


@dataclass(frozen=True)
class Page:
    id: str
    html: bytes
    expected_text: str
    expected_title: str  # whitespace-collapsed; "" when readability expects none
    expected_byline: str | None
    readerable: bool


@dataclass(frozen=True)
class Output:
    """What one system made of one page; outcome is the project's kind or rejection reason."""

    text: str
    title: str | None
    authors: str
    outcome: str


@dataclass
class SystemRun:
    name: str
    outputs: dict[str, Output] = field(default_factory=dict)
    seconds: float = 0.0


def collapse(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def html_text(markup: str) -> str:
    """The text of readable HTML: whitespace collapsed, each block element on lines of its own."""
    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    etree.strip_elements(root, etree.Comment, "script", "style", with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    lines = (collapse(line) for line in "".join(root.itertext()).split("\n"))
    return "\n".join(line for line in lines if line)


def token_f1(expected: str, predicted: str) -> float:
    """F1 of the lowercased ``\\w+`` tokens, with multiplicity; 0 when either side has none."""
    want = Counter(t.lower() for t in _WORD.findall(expected))
    got = Counter(t.lower() for t in _WORD.findall(predicted))
    overlap = sum((want & got).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def load_pages(dataset: Path, limit: int | None) -> list[Page]:
    folders = sorted(p for p in dataset.iterdir() if (p / "source.html").is_file())
    if limit is not None:
        folders = folders[:limit]
    pages = []
    for folder in folders:
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        byline = meta.get("byline")
        pages.append(
            Page(
                folder.name,
                (folder / "source.html").read_bytes(),
                html_text((folder / "expected.html").read_text(encoding="utf-8")),
                collapse(meta.get("title")),
                byline if byline and byline.strip() else None,
                bool(meta.get("readerable", True)),
            )
        )
    return pages


def newsarchive(page: Page) -> Output:
    result = extract(page.html, URL, _HEADERS, FETCHED, _OPTIONS)
    if isinstance(result, Rejection):
        return Output("", None, "", f"rejected:{result.reason}")
    kind = getattr(result, "kind", None)  # the field does not exist on every commit
    kind = getattr(kind, "value", kind)  # an Enum's value, a string's self
    return Output(result.text, result.title, " ".join(result.authors), str(kind or "article"))


def plain_trafilatura(page: Page) -> Output:
    html = page.html.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, url=URL, include_comments=False, include_tables=True) or ""
    meta = trafilatura.extract_metadata(html, default_url=URL)
    title = meta.title if meta is not None else None
    # trafilatura joins several authors with "; ", which tokenising ignores
    authors = (meta.author or "") if meta is not None else ""
    return Output(text, title, authors, "text" if text else "none")


SYSTEMS: dict[str, Callable[[Page], Output]] = {OURS: newsarchive, THEIRS: plain_trafilatura}


def run_system(name: str, extractor: Callable[[Page], Output], pages: Sequence[Page]) -> SystemRun:
    run = SystemRun(name)
    if pages:
        extractor(pages[0])  # untimed warm-up: lazy imports and caches are not per-page costs
    for page in pages:
        started = time.perf_counter()
        run.outputs[page.id] = extractor(page)
        run.seconds += time.perf_counter() - started
    return run


def body_scores(run: SystemRun, pages: Sequence[Page]) -> quality.SystemResult:
    result = quality.SystemResult(run.name, seconds=run.seconds)
    for page in pages:
        score = quality.score_page(page.expected_text, run.outputs[page.id].text)
        if score is not None:
            result.scores[page.id] = score
    return result


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summary(run: SystemRun, pages: Sequence[Page]) -> dict[str, Any]:
    body = quality.summary(body_scores(run, pages), len(pages))
    titled = [p for p in pages if p.expected_title]
    bylined = [p for p in pages if p.expected_byline is not None]
    out = run.outputs
    return {
        "pages": len(pages),
        "body_pages": body["pages"],
        "precision": body["precision"],
        "recall": body["recall"],
        "f1": body["f1"],
        "f1_pages": body["f1_pages"],
        "empty": body["empty"],
        "outcomes": dict(Counter(o.outcome for o in out.values()).most_common()),
        "title_pages": len(titled),
        "title_exact": _mean([collapse(out[p.id].title) == p.expected_title for p in titled]),
        "title_f1": _mean([token_f1(p.expected_title, out[p.id].title or "") for p in titled]),
        "byline_pages": len(bylined),
        "byline_f1": _mean([token_f1(p.expected_byline or "", out[p.id].authors) for p in bylined]),
        "seconds": run.seconds,
    }


def per_page(run: SystemRun, pages: Sequence[Page]) -> dict[str, dict[str, Any]]:
    rows = {}
    for page in pages:
        output = run.outputs[page.id]
        score = quality.score_page(page.expected_text, output.text)
        rows[page.id] = {
            "precision": score.precision if score else None,
            "recall": score.recall if score else None,
            "f1": score.f1 if score else None,
            "empty": not quality.shingles(output.text),
            "outcome": output.outcome,
            "chars": len(output.text),
            "title": output.title,
            "title_exact": collapse(output.title) == page.expected_title if page.expected_title else None,
            "title_f1": token_f1(page.expected_title, output.title or "") if page.expected_title else None,
            "authors": output.authors,
            "byline_f1": (
                token_f1(page.expected_byline, output.authors) if page.expected_byline is not None else None
            ),
        }
    return rows


def print_table(summaries: dict[str, dict[str, Any]]) -> None:
    first = next(iter(summaries.values()))
    print(
        f"{first['pages']} pages; body scored on {first['body_pages']}, title on {first['title_pages']}, "
        f"byline on {first['byline_pages']}"
    )
    columns = ("precision", "recall", "F1", "F1(pages)", "empty", "title=", "titleF1", "bylineF1", "seconds")
    widths = (9, 6, 6, 9, 5, 6, 7, 8, 7)
    print(f"{'system':<12}" + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths, strict=True)))
    for name, s in summaries.items():
        print(
            f"{name:<12}  {s['precision']:>9.3f}  {s['recall']:>6.3f}  {s['f1']:>6.3f}  "
            f"{s['f1_pages']:>9.3f}  {s['empty']:>5}  {s['title_exact']:>6.3f}  {s['title_f1']:>7.3f}  "
            f"{s['byline_f1']:>8.3f}  {s['seconds']:>7.2f}"
        )
    if OURS in summaries and THEIRS in summaries and summaries[THEIRS]["seconds"]:
        print(f"time ratio {OURS}/{THEIRS}: {summaries[OURS]['seconds'] / summaries[THEIRS]['seconds']:.2f}")
    for name, s in summaries.items():
        print(f"{name} outcomes: " + ", ".join(f"{k} {v}" for k, v in s["outcomes"].items()))


def print_worst(pages: Sequence[Page], rows: dict[str, dict[str, dict[str, Any]]], k: int) -> None:
    ours, theirs = rows[OURS], rows[THEIRS]
    readerable = {page.id: page.readerable for page in pages}
    worst = sorted((i for i in ours if ours[i]["f1"] is not None), key=lambda i: (ours[i]["f1"], i))[:k]
    print(f"\nworst {len(worst)} pages by {OURS} F1 (r = readerable per readability)")
    print(f"{OURS:>11}  {THEIRS:>11}  {'P':>5}  {'R':>5}  r  {'page':<40}  outcome")
    for i in worst:
        row, other = ours[i], theirs[i]
        other_f1 = f"{other['f1']:.3f}" if other["f1"] is not None else "-"
        p = f"{row['precision']:.2f}" if row["precision"] is not None else "-"
        r = f"{row['recall']:.2f}" if row["recall"] is not None else "-"
        print(
            f"{row['f1']:>11.3f}  {other_f1:>11}  {p:>5}  {r:>5}  {'y' if readerable[i] else 'n'}  "
            f"{i:<40}  {row['outcome']}"
        )
    empty = [i for i in ours if ours[i]["empty"]]
    print(f"\n{len(empty)} pages empty from {OURS}:")
    for i in empty:
        other_f1 = f"{theirs[i]['f1']:.3f}" if theirs[i]["f1"] is not None else "-"
        print(
            f"  {i:<40}  {ours[i]['outcome']:<28}  r={'y' if readerable[i] else 'n'}  {THEIRS} F1 {other_f1}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("dataset", type=Path, help="readability's test-pages folder (one folder per page)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (by name)")
    parser.add_argument("--json", type=Path, default=None, dest="json_out", help="write figures to this file")
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        help=f"list the K pages where {OURS} F1 is lowest, and the empty ones",
    )
    args = parser.parse_args(argv)

    pages = load_pages(args.dataset, args.limit)
    # which checkout is scored: the editable install points at one, this script's own root comes first
    print(f"project code: {Path(sys.modules['crawler'].__file__ or '?').parent}")
    runs = {name: run_system(name, extractor, pages) for name, extractor in SYSTEMS.items()}
    summaries = {name: summary(run, pages) for name, run in runs.items()}
    rows = {name: per_page(run, pages) for name, run in runs.items()}
    print_table(summaries)
    if args.worst > 0:
        print_worst(pages, rows, args.worst)
    if args.json_out is not None:
        payload = {
            "pages": len(pages),
            "url": URL,
            "systems": {name: {"summary": summaries[name], "per_page": rows[name]} for name in runs},
        }
        args.json_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
