"""Finding services by what people type: typos, layouts, translit, word forms, questions."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.registry import RegistrySearch, load_registry

DATA = Path(__file__).parent / "data"
# Written before tuning. «main» is what the accuracy test holds to; «heldout» was added after
# tuning to estimate generalisation and is only reported by bench/registry_bench.py.
_ROWS = [json.loads(line) for line in (DATA / "registry_queries.jsonl").read_text(encoding="utf-8").splitlines()]
QUERIES = [row for row in _ROWS if row["set"] == "main" and row["expect"] is not None]
NO_MATCH = [row["query"] for row in _ROWS if row["set"] == "main" and row["expect"] is None]


@pytest.fixture(scope="module")
def search() -> RegistrySearch:
    return RegistrySearch(load_registry())


def top(search: RegistrySearch, query: str) -> int | None:
    found = search.search(query)
    return found[0].service.number if found else None


def test_query_set_is_big_enough() -> None:
    assert len(QUERIES) >= 60
    assert len(NO_MATCH) >= 10
    assert {q["expect"] for q in QUERIES} == set(range(1, 14))


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("ашзш", 10),  # «фипи» typed in the Russian layout
        ("htit", 6),  # «реше» typed in the Latin layout
        ("fipi", 10),
        ("resh", 6),
        ("sferum", 2),
        ("moya shkola", 1),
        ("bilet v budushchee", 4),
        ("разговры о важнном", 12),
        ("сфурум", 2),
        ("демоверсиями", 10),
        ("профориентацией", 4),
        ("видеоуроков", 6),
        ("где демоверсии огэ", 10),
        ("где посмотреть видеоуроки", 6),
        ("как зайти в сферум", 2),
        ("что такое моя школа", 1),
        ("билет в будущее", 4),
        ("Билет в Будущее", 4),
        ("разговоры о важном", 12),
        ("РЭШ", 6),
        ("рэш", 6),
        ("реш", 6),
        ("ОГЕ", 10),  # э/е written either way
        ("Тренажеры", 11),  # ё written as е
        ("ФИПИ!!!", 10),
        ("«Сферум»?", 2),
        ("ｆｉｐｉ", 10),  # full-width letters from some keyboards
    ],
)
def test_examples_from_the_brief(search: RegistrySearch, query: str, number: int) -> None:
    assert top(search, query) == number


def test_top1_accuracy_on_the_query_set(search: RegistrySearch) -> None:
    misses = [(q["query"], q["expect"], top(search, q["query"])) for q in QUERIES if top(search, q["query"]) != q["expect"]]
    accuracy = 1 - len(misses) / len(QUERIES)
    assert accuracy >= 0.95, misses


@pytest.mark.parametrize("query", NO_MATCH)
def test_small_talk_matches_nothing(search: RegistrySearch, query: str) -> None:
    assert search.search(query) == []


@pytest.mark.parametrize("query", ["как дела", "погода", "где", "мне нужен сайт", "скачать ссылка найти"])
def test_stop_words_do_not_drive_matches(search: RegistrySearch, query: str) -> None:
    assert search.search(query) == []


def test_results_best_first_limited_and_scored(search: RegistrySearch) -> None:
    found = search.search("библиотека цок", limit=3)
    assert [m.service.number for m in found][:1] == [8]
    assert all(0 < m.score <= 1 for m in found)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert len(search.search("библиотека цок", limit=1)) == 1
    assert search.search("фипи", limit=0) == []


def test_two_services_in_one_query(search: RegistrySearch) -> None:
    assert {m.service.number for m in search.search("сферум и моя школа")} == {1, 2}


@pytest.mark.parametrize(
    "query",
    [
        "",
        " \n\t ",
        "🙂🙂🙂",
        "👍🏻" * 500,
        "ы" * 4000,
        "абв где " * 500,
        "\u200b\u200d\ufeff",
        "ﷺ𝔣𝔦𝔭𝔦 \x00\x1f",
        "İstanbul ǅ ß ﬁ",
        "<script>alert(1)</script>",
        "[id1|@all] @online",
    ],
)
def test_odd_input_does_not_fail(search: RegistrySearch, query: str) -> None:
    started = time.perf_counter()
    found = search.search(query)
    assert isinstance(found, list)
    assert time.perf_counter() - started < 0.05


def test_long_junk_is_fast_and_empty(search: RegistrySearch) -> None:
    junk = "ъь" * 2000
    started = time.perf_counter()
    assert search.search(junk) == []
    assert time.perf_counter() - started < 0.05


def test_registry_question_inside_a_long_message_still_counts_at_the_start(search: RegistrySearch) -> None:
    assert top(search, "фипи " + "ы" * 4000) == 10


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_search_never_raises(search: RegistrySearch, query: str) -> None:
    found = search.search(query)
    assert len(found) <= 3
    assert all(0 < m.score <= 1 for m in found)
