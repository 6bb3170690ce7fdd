"""Benchmark of the registry search: index build, per-query latency, accuracy.

Run from the repository root:  .venv/bin/python bench/registry_bench.py
Writes the table to bench/RESULTS-registry.md and prints it.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bot.registry import RegistrySearch, load_registry
from bot.registry import search as search_module

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
RESULTS = ROOT / "bench" / "RESULTS-registry.md"
ROUNDS = 50
BUILDS = 20


def read_queries(which: str) -> tuple[list[dict[str, object]], list[str]]:
    """Queries of one set («main» or «heldout»): those with an expected service, and those without."""
    text = (DATA / "registry_queries.jsonl").read_text(encoding="utf-8")
    rows = [row for row in map(json.loads, text.splitlines()) if row["set"] == which]
    return [r for r in rows if r["expect"] is not None], [str(r["query"]) for r in rows if r["expect"] is None]


def micro(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs"


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def time_builds() -> tuple[float, float]:
    """First build (pymorphy dictionaries loaded, lemma cache empty) and the median of rebuilds."""
    registry = load_registry()
    started = time.perf_counter()
    RegistrySearch(registry)
    first = time.perf_counter() - started
    times = []
    for _ in range(BUILDS):
        started = time.perf_counter()
        RegistrySearch(registry)
        times.append(time.perf_counter() - started)
    return first, statistics.median(times)


def time_queries(search: RegistrySearch, queries: list[str]) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        for query in queries:
            started = time.perf_counter()
            search.search(query)
            times.append(time.perf_counter() - started)
    return sorted(times)


def time_cold(search: RegistrySearch, queries: list[str]) -> float:
    """Mean latency with the lemma caches emptied before every query (a word never seen before)."""
    total = 0.0
    for query in queries:
        search_module._lemma.cache_clear()
        search_module._is_known.cache_clear()
        started = time.perf_counter()
        search.search(query)
        total += time.perf_counter() - started
    return total / len(queries)


def accuracy(search: RegistrySearch, rows: list[dict[str, object]]) -> tuple[float, float, list[str]]:
    top1 = top3 = 0
    misses = []
    for row in rows:
        found = [m.service.number for m in search.search(str(row["query"]))]
        top1 += bool(found) and found[0] == row["expect"]
        top3 += row["expect"] in found
        if not found or found[0] != row["expect"]:
            misses.append(f"«{row['query']}» → {found or 'ничего'} (ожидалось {row['expect']})")
    return top1 / len(rows), top3 / len(rows), misses


def main() -> None:
    started = time.perf_counter()
    registry = load_registry()
    load_time = time.perf_counter() - started
    first_build, rebuild = time_builds()
    search = RegistrySearch(registry)
    rows, no_match = read_queries("main")
    held_rows, held_no_match = read_queries("heldout")
    queries = [str(r["query"]) for r in rows] + no_match
    cold = time_cold(search, queries)
    warm = time_queries(search, queries)
    junk = time_queries(search, ["ы" * 4000, "абв где жзи " * 400, "🙂" * 4000])
    top1, top3, misses = accuracy(search, rows)
    false_hits = [q for q in no_match if search.search(q)]
    held_top1, _, held_misses = accuracy(search, held_rows)
    held_false = [q for q in held_no_match if search.search(q)]

    table = [
        "| metric | value |",
        "|---|---|",
        f"| load_registry() (TOML + pydantic) | {load_time * 1e3:.1f} ms |",
        f"| first index build (incl. pymorphy3 dictionaries) | {first_build * 1e3:.1f} ms |",
        f"| index rebuild (median of {BUILDS}) | {rebuild * 1e3:.1f} ms |",
        f"| queries | {len(rows)} with an answer + {len(no_match)} without, × {ROUNDS} rounds |",
        f"| latency, warm caches: mean | {micro(statistics.mean(warm))} |",
        f"| latency, warm caches: p50 | {micro(percentile(warm, 0.50))} |",
        f"| latency, warm caches: p99 | {micro(percentile(warm, 0.99))} |",
        f"| latency, warm caches: max | {micro(warm[-1])} |",
        f"| latency, cold lemma cache: mean | {micro(cold)} |",
        f"| 4,000-char junk: mean / max | {micro(statistics.mean(junk))} / {micro(junk[-1])} |",
        f"| top-1 accuracy | {top1:.1%} ({round(top1 * len(rows))}/{len(rows)}) |",
        f"| top-3 accuracy | {top3:.1%} |",
        f"| no-match queries answered (should be 0) | {len(false_hits)}/{len(no_match)} |",
        f"| held-out set (written after tuning): top-1 | {held_top1:.1%} ({round(held_top1 * len(held_rows))}/{len(held_rows)}) |",
        f"| held-out no-match queries answered | {len(held_false)}/{len(held_no_match)} |",
    ]
    report = "\n".join(
        [
            "# Registry search benchmark",
            "",
            f"- date: {date.today().isoformat()}",
            f"- machine: {platform.machine()}, nproc {len(os.sched_getaffinity(0))}, Python {platform.python_version()} ({sys.implementation.name})",
            "- command: `.venv/bin/python bench/registry_bench.py`",
            "",
            *table,
            "",
            "Misses (top-1): " + ("; ".join(misses) if misses else "none"),
            "",
            "False matches on the no-match set: " + (", ".join(f"«{q}»" for q in false_hits) if false_hits else "none"),
            "",
            "Held-out misses: " + ("; ".join(held_misses) if held_misses else "none"),
            "",
            "Held-out false matches: " + (", ".join(f"«{q}»" for q in held_false) if held_false else "none"),
            "",
        ]
    )
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
