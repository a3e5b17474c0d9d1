"""Stories at scale: grouping a million fingerprints, and what the fingerprint costs a crawl.

1. ``pipelines.write.stories.group`` over N synthetic records (default 1,000,000): wall time, CPU
   time and the peak resident memory of this process (psutil, sampled every 0.1 s), and the pair
   precision and recall against the stories the records were made from.
2. The fingerprint of each text extracted from M pages of the benchmark site (``newssite.py``,
   default 300): ``crawler.extraction.extract`` against ``fingerprint`` in ms per page, and the ratio
   (the issue's target: under 2% of extraction). Each text is fingerprinted right after its page is
   extracted, as a worker does (extraction's work has then pushed the fingerprint's code and data out
   of the processor's caches), and again all texts back to back, which takes about half as long.
3. What datasketch adds to each extraction worker process: the import's time and resident memory.

Usage::

    python tests/benchmarks/stories.py [--records N] [--pages M]

The synthetic records are made from hash values, not texts (a million texts would take longer to
write than to group): stories of 1 to 40 records (half of them single records, as most articles are
printed once), the first record's 64 values drawn at random and each copy keeping each of them with
the probability of its Jaccard similarity to the first, drawn between 0.55 and 1 (a copy trimmed by
30%, another adding a local paragraph), and a new random value elsewhere: exactly how MinHash values
of two texts with that similarity behave. Records are archived over seven days, in random order.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import psutil

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import newssite  # noqa: E402

from crawler.extraction import Article, extract  # noqa: E402
from crawler.extraction.fingerprint import NUM_PERM, encode, fingerprint  # noqa: E402
from pipelines.write.stories import DEFAULT_THRESHOLD, StoryMember, group  # noqa: E402

FETCHED_AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
START = datetime(2026, 11, 23, tzinfo=timezone.utc)
BASE_URL = "http://127.0.0.1:8000"
# (share of stories, smallest size, largest size)
SIZES = ((0.5, 1, 1), (0.25, 2, 4), (0.2, 5, 10), (0.05, 11, 40))


class PeakMemory:
    """The process's resident memory, sampled every 0.1 s in a thread."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def synthetic_stories(records: int, seed: int = 26) -> tuple[np.ndarray, np.ndarray]:
    """For each record, its story's number and its 64 hash values (see the module's docstring)."""
    rng = np.random.default_rng(seed)
    shares = np.array([share for share, _, _ in SIZES])
    sizes: list[int] = []
    total = 0
    while total < records:
        _, low, high = SIZES[rng.choice(len(SIZES), p=shares)]
        size = min(int(rng.integers(low, high + 1)), records - total)
        sizes.append(size)
        total += size
    story = np.repeat(np.arange(len(sizes)), sizes)
    bases = rng.integers(0, 2**32, (len(sizes), NUM_PERM), dtype=np.uint32)
    values = bases[story]
    first = np.ones(records, dtype=bool)
    first[1:] = story[1:] != story[:-1]
    similarity = rng.uniform(0.55, 1.0, records)
    replaced = (rng.random((records, NUM_PERM)) >= similarity[:, None]) & ~first[:, None]
    values[replaced] = rng.integers(0, 2**32, int(replaced.sum()), dtype=np.uint32)
    order = rng.permutation(records)  # the archive does not hold a story's records together
    return story[order], values[order]


def members(values: np.ndarray, seed: int = 26) -> Iterator[StoryMember]:
    rng = np.random.default_rng(seed + 1)
    minutes = rng.integers(0, 7 * 24 * 60, len(values))
    for number, row in enumerate(values):
        moment = START + timedelta(minutes=int(minutes[number]))
        yield StoryMember(f"{number:032x}", encode(row), moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def pair_scores(truth: np.ndarray, found: list[str]) -> tuple[float, float]:
    """Pair precision and recall from the counts of records per (true story, found story)."""

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter(zip(truth.tolist(), found, strict=True)))
    found_pairs, true_pairs = pairs(Counter(found)), pairs(Counter(truth.tolist()))
    return both / max(found_pairs, 1), both / max(true_pairs, 1)


def bench_grouping(records: int) -> None:
    started = time.perf_counter()
    truth, values = synthetic_stories(records)
    made = time.perf_counter() - started
    print(f"{records:,} synthetic records in {truth.max() + 1:,} stories, made in {made:.1f} s")
    process = psutil.Process()
    before = process.memory_info().rss
    cpu_before = process.cpu_times()
    with PeakMemory() as memory:
        started = time.perf_counter()
        stories = group(members(values))
        seconds = time.perf_counter() - started
    cpu = process.cpu_times()
    cpu_seconds = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
    found = [stories[f"{number:032x}"].story_id for number in range(records)]
    precision, recall = pair_scores(truth, found)
    gib, grown = 1024**3, memory.peak - before
    print(
        f"group(): {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU, {seconds / records * 1e6:.0f} µs a record; "
        f"resident memory {before / gib:.2f} GiB before, peak {memory.peak / gib:.2f} GiB "
        f"(+{grown / gib:.2f} GiB, {grown / records:,.0f} bytes a record); "
        f"ru_maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB"
    )
    print(
        f"  {len(set(found)):,} stories found; pair precision {precision:.4f}, recall {recall:.4f} "
        f"at threshold {DEFAULT_THRESHOLD}"
    )


def bench_fingerprint(pages: int) -> None:
    """Each page extracted, then its text fingerprinted, one after the other: both timed under the same
    load of the machine."""
    fingerprint("warm " * 60)  # datasketch's first call
    extract_seconds = fingerprint_seconds = 0.0
    articles = missing = words = 0
    texts: list[str] = []
    for number in range(pages):
        page = newssite.article_page(number, BASE_URL)
        url = f"{BASE_URL}/news/{number}.html"
        started = time.perf_counter()
        result = extract(page, url, {"content-type": "text/html; charset=utf-8"}, FETCHED_AT)
        extracted = time.perf_counter()
        if isinstance(result, Article):
            missing += fingerprint(result.text) is None
            fingerprint_seconds += time.perf_counter() - extracted
            articles += 1
            words += len(result.text.split())
            texts.append(result.text)
        extract_seconds += extracted - started
    started = time.perf_counter()
    for text in texts:
        fingerprint(text)
    back_to_back_ms = (time.perf_counter() - started) / articles * 1000
    extract_ms, fingerprint_ms = extract_seconds / pages * 1000, fingerprint_seconds / articles * 1000
    print(
        f"{pages} pages of newssite.py ({articles} articles, {words / articles:.0f} words of text each): "
        f"extract {extract_ms:.2f} ms/page, fingerprint {fingerprint_ms:.3f} ms/page after each page's "
        f"extraction ({fingerprint_ms / extract_ms:.1%} of extraction), {back_to_back_ms:.3f} ms/page back "
        f"to back ({back_to_back_ms / extract_ms:.1%}){f'; {missing} too short' if missing else ''}"
    )


def bench_import() -> None:
    """A fresh process as an extraction worker starts: the extraction package, then the fingerprint."""
    code = (
        "import time, psutil; p = psutil.Process(); import crawler.extraction; a = p.memory_info().rss; "
        "t = time.perf_counter(); import crawler.extraction.fingerprint; "
        "print(time.perf_counter() - t, p.memory_info().rss - a)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    seconds, rss = float(output[0]), int(output[1])
    print(
        f"importing the fingerprint (datasketch, numpy, scipy) in a worker: {seconds:.2f} s, +{rss >> 20} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="synthetic records to group")
    parser.add_argument("--pages", type=int, default=300, help="pages to extract and fingerprint")
    options = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    bench_import()
    bench_fingerprint(options.pages)
    bench_grouping(options.records)


if __name__ == "__main__":
    main()
