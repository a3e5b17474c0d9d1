"""A domain's pace (crawler.middlewares.pace): turns, pauses, deferral and budgets, the same in memory
and in a real Redis, and atomic between processes there."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from functools import partial

import pytest
import redis

from crawler.middlewares.pace import (
    KEPT,
    Budget,
    MemoryPaceBook,
    Pace,
    PaceBook,
    RedisPaceBook,
    Turn,
    answered,
    refused,
    take_turn,
)

NO_BUDGET = Budget()


def turn(pace: Pace, now: float, held: Turn | None = None, budget: Budget = NO_BUDGET) -> Turn:
    return take_turn(pace, now, "run-1", 2.0, 5.0, held, budget)


def test_turns_are_the_interval_apart_and_a_due_turn_is_kept() -> None:
    pace = Pace()
    first, second, third = (turn(pace, 100.0) for _ in range(3))
    assert [(t.start, t.wait) for t in (first, second, third)] == [(100.0, 0.0), (102.0, 2.0), (104.0, 4.0)]
    # Woken at its start, a request keeps its turn: the next free one is still 106.
    assert turn(pace, 102.0, held=second) == Turn(start=102.0, given=100.0, wait=0.0)
    assert turn(pace, 102.5).start == 106.0
    # Without an interval, every turn is now and nothing is written.
    free = Pace()
    assert take_turn(free, 50.0, "run-1", 0.0, 5.0, None, NO_BUDGET).wait == 0.0
    assert free == Pace(run="run-1")


def test_a_pause_voids_the_turns_given_before_it_and_slows_the_domain_until_it_answers() -> None:
    pace = Pace()
    sent = turn(pace, 100.0)
    waiting = turn(pace, 100.0)  # its turn at 102
    assert refused(pace, 100.5, "run-1", sent, lambda n: 4.0, 3, "HTTP 429") == (4.0, "")
    assert (pace.paused_until, pace.next_at, pace.pauses_in_a_row) == (104.5, 104.5, 1)
    # The waiting request wakes: its turn was given before the pause, so it takes one after it, and
    # turns are now at least 5 s apart (after_pause) until the domain answers normally.
    again = turn(pace, 102.0, held=waiting)
    assert (again.start, pace.next_at) == (104.5, 109.5)
    # A 429 to a request sent before the pause began is that pause's answer too: no second pause.
    assert refused(pace, 100.6, "run-1", waiting, lambda n: 4.0, 3, "HTTP 429") == (0.0, "")
    assert pace.pauses_in_a_row == 1
    assert answered(pace, 105.0, "run-1", again, 1000, NO_BUDGET) == ""
    assert pace.pauses_in_a_row == 0
    assert turn(pace, 109.5).start == 109.5 and pace.next_at == 111.5


def test_pauses_in_a_row_give_the_domain_up_for_the_run_and_not_for_the_next() -> None:
    pace = Pace()
    backoff = partial(lambda base, n: base * 2 ** (n - 1), 5.0)
    pauses = [refused(pace, 100.0 * n, "run-1", None, backoff, 3, "HTTP 503") for n in range(1, 5)]
    assert pauses == [(5.0, ""), (10.0, ""), (20.0, ""), (0.0, "HTTP 503 after 3 pauses in a row")]
    assert turn(pace, 500.0) == Turn(deferred="HTTP 503 after 3 pauses in a row")
    assert take_turn(pace, 500.0, "run-2", 2.0, 5.0, None, NO_BUDGET) == Turn(start=500.0, given=500.0)
    assert (pace.run, pace.deferred, pace.pauses_in_a_row) == ("run-2", "", 0)


def test_budgets_of_pages_and_bytes() -> None:
    pace = Pace()
    pages = Budget(pages=2)
    assert [turn(pace, 100.0, budget=pages).spent for _ in range(3)] == [
        "",
        "",
        "its budget of 2 pages is spent",
    ]
    size = Pace()
    spent = [answered(size, 100.0, "run-1", None, 600, Budget(bytes=1000)) for _ in range(2)]
    assert spent == ["", "its budget of 1000 bytes is spent"]
    assert turn(size, 101.0).deferred == "its budget of 1000 bytes is spent"


@pytest.fixture
def books(redis_url: str) -> Iterator[list[PaceBook]]:
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield [MemoryPaceBook(), RedisPaceBook(client)]
    client.close()


def test_both_books_keep_the_same_pace(books: list[PaceBook]) -> None:
    """The same changes give the same turns in memory and in Redis (on Redis's clock)."""
    for book in books:
        turns = [
            book.update(
                "news.example",
                partial(take_turn, run="r", interval=2.0, after_pause=1.0, held=None, budget=NO_BUDGET),
            )
            for _ in range(3)
        ]
        starts = [t.start - turns[0].start for t in turns]
        assert starts == [0.0, 2.0, 4.0], book
        pause, deferred = book.update(
            "news.example",
            partial(refused, run="r", turn=turns[2], pause_for=lambda n: 30.0, max_pauses=1, why="HTTP 429"),
        )
        assert (pause, deferred) == (30.0, "")
        later = book.update(
            "news.example",
            partial(take_turn, run="r", interval=2.0, after_pause=1.0, held=None, budget=NO_BUDGET),
        )
        assert 29.0 < later.wait <= 30.0


def test_in_redis_a_domain_is_one_hash_with_a_ttl_and_turns_are_atomic_across_clients(redis_url: str) -> None:
    clients = [redis.Redis.from_url(redis_url) for _ in range(3)]
    clients[0].flushall()
    starts: list[float] = []
    lock = threading.Lock()

    def take(client: redis.Redis) -> None:
        book = RedisPaceBook(client)
        for _ in range(20):
            got = book.update(
                "paced.example",
                partial(take_turn, run="r", interval=0.5, after_pause=1.0, held=None, budget=NO_BUDGET),
            )
            with lock:
                starts.append(got.start)

    threads = [threading.Thread(target=take, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(starts)
    gaps = [round(later - earlier, 6) for earlier, later in itertools.pairwise(ordered)]
    assert len(starts) == 60 and set(gaps) == {0.5}  # 60 distinct turns, none shared
    assert clients[0].keys("*") == [b"newsarchive:pace:paced.example"]
    ttl = clients[0].ttl("newsarchive:pace:paced.example")
    assert KEPT < ttl <= KEPT + 31  # an hour after the last turn (30 s ahead)
    for client in clients:
        client.close()
