"""Stories: the near-duplicate fingerprint of a text (crawler.extraction.fingerprint) and the grouping of
records into stories (pipelines.write.stories), on a corpus of wire stories in six languages copied by
outlets with the edits syndication makes (tests/support/syndication.py)."""

from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction.fingerprint import (
    CHARACTERS,
    NUM_PERM,
    SCHEME,
    SEED,
    WORDS,
    decode,
    encode,
    fingerprint,
    jaccard,
    shingle_hashes,
)
from crawler.extraction.words import terms
from pipelines.write.stories import DEFAULT_THRESHOLD, Story, StoryMember, group
from tests.support.syndication import Article, corpus

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENGLISH = (
    "The regional water authority said on Tuesday that the river had fallen below the warning mark for "
    "the first time since the weekend, and that the evacuation order for the lower town would be lifted "
    "once engineers had inspected the levee. Residents who spent three nights in the school gymnasium "
    "were told they could collect their belongings from Wednesday morning."
)
JAPANESE = (
    "県河川事務所は23日、川の水位が週末以降初めて警戒水位を下回ったと発表した。下町に出ていた避難指示は、"
    "技術者が堤防を点検した後に解除される見通しだ。体育館で3晩を過ごした住民は、24日朝から荷物を取りに"
    "戻ることができるという。"
)
CHINESE = (
    "省水利厅23日发布消息称，河流水位自周末以来首次降至警戒线以下。低洼地区的疏散令将在技术人员检查堤坝后"
    "解除。在学校体育馆度过三个夜晚的居民，从24日上午起可以回家取回个人物品。当地政府表示，清理工作将持续数周，"
    "受灾商户可以申请补贴。"
)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return corpus()


@pytest.fixture(scope="module")
def fingerprints(articles: list[Article]) -> dict[str, str | None]:
    return {article.id: fingerprint(article.text) for article in articles}


def _members(
    articles: list[Article], fingerprints: dict[str, str | None], **story_ids: str
) -> list[StoryMember]:
    return [StoryMember(a.id, fingerprints[a.id], a.fetched_at, story_ids.get(a.id)) for a in articles]


# --- the fingerprint ------------------------------------------------------------------------------------


def test_terms_are_letters_and_digits_and_each_cjk_character_alone() -> None:
    assert terms("U.S. well-known e-mail, 10,5% _x_") == [
        "U",
        "S",
        "well",
        "known",
        "e",
        "mail",
        "10",
        "5",
        "x",
    ]
    assert terms("東京都の2026年、서울 시장") == [
        "東",
        "京",
        "都",
        "の",
        "2026",
        "年",
        "서",
        "울",
        "시",
        "장",
    ]


@settings(max_examples=400, deadline=None)
@given(
    st.text()
    | st.text(
        alphabet=st.sampled_from("ab Z9_-.,'’“”\n\t\u00a0\u3000é\u0301ßİ٣東京の서울・゠ー"), max_size=60
    )
)
def test_terms_cut_at_white_space_first_are_the_expressions_terms(text: str) -> None:
    """A text without CJK characters is cut at white space before the expression: the same terms."""
    assert terms(text) == terms(text, has_cjk=True)


def test_a_text_has_a_fingerprint_of_344_characters_the_same_every_time() -> None:
    value = fingerprint(ENGLISH)
    assert value is not None and len(value) == 344
    assert fingerprint(ENGLISH) == value
    assert decode(value).shape == (NUM_PERM,)
    assert encode(decode(value)) == value
    assert jaccard(value, value) == 1.0


def test_the_fingerprint_is_the_same_in_another_process_with_another_hash_seed() -> None:
    """No Python ``hash()`` anywhere: a fingerprint stored today is compared with one computed next year."""
    code = (
        "import sys; from crawler.extraction.fingerprint import fingerprint; print(fingerprint(sys.argv[1]))"
    )
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code, ENGLISH],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == fingerprint(ENGLISH)


def test_the_fingerprint_of_a_known_text_does_not_change() -> None:
    """A change of the shingles, the hash, the seed or datasketch's permutations fails here: stored
    fingerprints could then no longer be compared with new ones (see the module's docstring)."""
    value = fingerprint(ENGLISH)
    assert value is not None
    assert hashlib.sha256(value.encode()).hexdigest()[:16] == "a54279a67087b5ed"


@pytest.mark.parametrize("text", [ENGLISH, JAPANESE], ids=["english", "japanese"])
def test_the_fingerprint_is_datasketchs_minhash_of_the_shingles_hashes(text: str) -> None:
    """fingerprint() gives datasketch all the shingles' hashes as one item, to permute them at once: the
    same MinHash as datasketch's own way, one item per shingle."""
    hashes = shingle_hashes(text)
    assert hashes is not None and len(set(hashes.tolist())) > 40
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME)
    minhash.update_batch(hashes.tolist())
    assert fingerprint(text) == encode(minhash.hashvalues)


@pytest.mark.parametrize("text", [JAPANESE, CHINESE], ids=["japanese", "chinese"])
def test_cjk_text_has_a_fingerprint_from_character_shingles(text: str) -> None:
    value = fingerprint(text)
    assert value is not None
    # One character changed changes at most k shingles of the character shingling.
    edited = text.replace("23", "24", 1)
    assert 0.6 < jaccard(value, fingerprint(edited) or "") < 1.0


def test_case_white_space_and_unicode_composition_do_not_change_the_fingerprint() -> None:
    decomposed = "Cafe\u0301 " + ENGLISH.upper().replace(" ", "  \n ")
    assert fingerprint(decomposed) == fingerprint("Café " + ENGLISH)


def test_a_text_too_short_has_no_fingerprint() -> None:
    words = [f"word{n}" for n in range(WORDS.min_terms)]
    assert fingerprint(" ".join(words[:-1])) is None
    assert fingerprint(" ".join(words)) is not None
    characters = "東京都の小池知事は発表した" * 20
    assert fingerprint(characters[: CHARACTERS.min_terms - 1]) is None
    assert fingerprint(characters[: CHARACTERS.min_terms]) is not None
    assert fingerprint("") is None


def test_decode_refuses_what_is_not_a_fingerprint() -> None:
    for value in ("", "not base64!", encode(np.zeros(NUM_PERM, dtype=np.uint32))[:-8]):
        with pytest.raises(ValueError):
            decode(value)


# --- grouping the corpus --------------------------------------------------------------------------------


def _pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    """The pairs of ids with the same label."""
    by_label: defaultdict[str, list[str]] = defaultdict(list)
    for member, label in labels.items():
        by_label[label].append(member)
    return {pair for ids in by_label.values() for pair in itertools.combinations(sorted(ids), 2)}


def test_the_corpus_has_the_copies_and_the_unrelated_articles_it_should(articles: list[Article]) -> None:
    languages = Counter(a.language for a in articles)
    assert sorted(languages) == ["de", "en", "es", "fr", "ja", "zh"]
    copies = Counter(a.story for a in articles if a.edits != ("unrelated",))
    assert len(copies) == 48 and all(3 <= n <= 6 for n in copies.values())
    assert sum(a.edits == ("unrelated",) for a in articles) == 48
    edits = Counter(edit.split()[0] for a in articles for edit in a.edits)
    assert {"agency", "trimmed", "first", "local", "headline,", "wire", "unrelated"} <= set(edits)


def test_grouping_finds_the_stories_with_precision_and_recall_of_095(
    articles: list[Article], fingerprints: dict[str, str | None]
) -> None:
    stories = group(_members(articles, fingerprints))
    found = _pairs({member: story.story_id for member, story in stories.items()})
    true = _pairs({a.id: a.story for a in articles})
    precision = len(found & true) / len(found)
    recall = len(found & true) / len(true)
    figures = (
        f"stories at threshold {DEFAULT_THRESHOLD}: precision {precision:.4f}, recall {recall:.4f} "
        f"({len(found & true)} pairs of copies grouped, {len(found - true)} pairs grouped wrongly, "
        f"{len(true - found)} pairs of copies missed; {len(articles)} articles, {len(true)} pairs of copies)"
    )
    print(figures)
    assert precision >= 0.95 and recall >= 0.95, figures
    # A story's size is how many of the grouped records have its story_id.
    sizes = Counter(story.story_id for story in stories.values())
    assert all(story.size == sizes[story.story_id] for story in stories.values())


def test_a_story_is_named_by_its_earliest_record(
    articles: list[Article], fingerprints: dict[str, str | None]
) -> None:
    stories = group(_members(articles, fingerprints))
    by_story: defaultdict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_story[stories[article.id].story_id].append(article)
    for story_id, members in by_story.items():
        assert story_id == min(members, key=lambda a: (a.fetched_at, a.id)).id


def test_copies_arriving_on_day_two_join_the_stories_of_day_one(
    articles: list[Article], fingerprints: dict[str, str | None]
) -> None:
    day_one = [a for a in articles if a.day == 1]
    day_two = [a for a in articles if a.day == 2]
    first = group(_members(day_one, fingerprints))
    known = {member: story.story_id for member, story in first.items()}
    second = group(_members(day_one, fingerprints, **known) + _members(day_two, fingerprints))
    # No record of day 1 changes its story.
    assert {member: second[member].story_id for member in known} == known
    # The groups are the texts' (as grouping all the records at once makes them); in each, a record of
    # day 2 takes the story of the group's earliest record of day 1, or of its earliest record.
    together = group(_members(articles, fingerprints))
    groups: defaultdict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[together[article.id].story_id].append(article)
    joined = 0
    for members in groups.values():
        earlier = [a for a in members if a.day == 1]
        named_by = min(earlier or members, key=lambda a: (a.fetched_at, a.id))
        for article in members:
            expected = known[article.id] if article.day == 1 else known.get(named_by.id, named_by.id)
            assert second[article.id].story_id == expected
        joined += sum(a.day == 2 for a in members) if earlier else 0
    sizes = Counter(story.story_id for story in second.values())
    assert all(story.size == sizes[story.story_id] for story in second.values())
    # Most copies of day 2 have a copy of day 1; they are in its story.
    with_day_one = [a for a in day_two if any(b.story == a.story for b in day_one)]
    assert joined >= 0.95 * len(with_day_one) and len(with_day_one) >= 40
    assert sum(
        any(second[a.id].story_id == known[b.id] for b in day_one if b.story == a.story) for a in with_day_one
    ) >= 0.95 * len(with_day_one)
    # Grouping the same records again, with their story_ids, changes nothing.
    settled = {member: story.story_id for member, story in second.items()}
    assert group(_members(articles, fingerprints, **settled)) == second


# --- grouping rules, on fingerprints made to measure ----------------------------------------------------


def _fingerprint(values: np.ndarray) -> str:
    return encode(values.astype(np.uint32))


def _related(base: np.ndarray, same: slice, seed: int) -> np.ndarray:
    """Hash values equal to ``base`` in ``same`` and different elsewhere."""
    values = np.random.default_rng(seed).integers(0, 2**32, NUM_PERM, dtype=np.uint64)
    values[same] = base[same]
    return values


def test_a_new_copy_linking_two_stories_keeps_both_and_takes_the_earliest() -> None:
    """a and b share 16 of 64 values (0.25: two stories); c shares 40 with each (0.625)."""
    c = np.random.default_rng(1).integers(0, 2**32, NUM_PERM, dtype=np.uint64)
    a = _related(c, slice(0, 40), seed=2)
    b = _related(c, slice(24, 64), seed=3)
    assert jaccard(_fingerprint(a), _fingerprint(b)) == 0.25
    day_one = [
        StoryMember("b1", _fingerprint(b), "2026-11-23T08:00:00Z"),
        StoryMember("a1", _fingerprint(a), "2026-11-23T09:00:00Z"),
    ]
    first = group(day_one)
    assert first == {"a1": Story("a1", 1), "b1": Story("b1", 1)}
    day_two = [
        StoryMember("b1", _fingerprint(b), "2026-11-23T08:00:00Z", "b1"),
        StoryMember("a1", _fingerprint(a), "2026-11-23T09:00:00Z", "a1"),
        StoryMember("c2", _fingerprint(c), "2026-11-22T07:00:00Z"),  # archived earlier, found later
    ]
    assert group(day_two) == {"a1": Story("a1", 1), "b1": Story("b1", 2), "c2": Story("b1", 2)}


def test_ties_on_fetched_at_go_to_the_smaller_id_and_members_without_a_fingerprint_stand_alone() -> None:
    values = _fingerprint(np.arange(NUM_PERM))
    members = [
        StoryMember("z", values, "2026-11-23T08:00:00Z"),
        StoryMember("m", values, "2026-11-23T08:00:00Z"),
        StoryMember("y", values, "2026-11-23T09:00:00Z"),
        StoryMember("short", None, "2026-11-23T07:00:00Z"),
        StoryMember("short-kept", None, "2026-11-23T07:00:00Z", "earlier"),
    ]
    assert group(members) == {
        "z": Story("m", 3),
        "m": Story("m", 3),
        "y": Story("m", 3),
        "short": Story("short", 1),
        "short-kept": Story("earlier", 1),
    }


def test_grouping_refuses_an_id_twice_a_bad_fingerprint_and_a_bad_threshold() -> None:
    values = _fingerprint(np.arange(NUM_PERM))
    with pytest.raises(ValueError):
        group(
            [
                StoryMember("a", values, "2026-11-23T08:00:00Z"),
                StoryMember("a", values, "2026-11-23T09:00:00Z"),
            ]
        )
    with pytest.raises(ValueError):
        group([StoryMember("a", "AAAA", "2026-11-23T08:00:00Z")])
    with pytest.raises(ValueError):
        group([], threshold=0)
