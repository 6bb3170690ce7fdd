"""Benchmark of the VK transport: /help latency, and 200 people writing at once.

Runs the real bot over HTTP against the local VK emulator (which, like VK, answers
error 6 beyond 20 requests/s per token). Run: .venv/bin/python bench/foundation_bench.py
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.logs import quiet_libraries
from bot.sandbox.world import SandboxWorld

RESULTS = Path(__file__).with_name("RESULTS-foundation.md")


async def one_help(world: SandboxWorld, user: int) -> float:
    started = time.perf_counter()
    await world.emulator.user_writes(user, "/помощь")
    await world.emulator.wait_for_bot_message(user, timeout=60)
    return time.perf_counter() - started


def worst_window(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    worst, start = 0, 0
    for end, moment in enumerate(stamps):
        while moment - stamps[start] >= 1.0:
            start += 1
        worst = max(worst, end - start + 1)
    return worst


async def main() -> None:
    quiet_libraries()
    world = SandboxWorld()
    await world.start()
    try:
        parent = world.character("parent").vk_id
        await one_help(world, parent)  # warm-up: name lookup, caches
        idle = []
        for _ in range(20):  # spaced out, as people write: a burst is measured below
            idle.append(await one_help(world, parent))
            await asyncio.sleep(0.1)

        users = list(range(10_000, 10_200))
        for user in users:
            world.emulator.add_user(user, "Родитель", str(user))
        first = len(world.emulator.requests)
        started = time.perf_counter()
        burst = await asyncio.gather(*(one_help(world, u) for u in users))
        total = time.perf_counter() - started
        calls = world.emulator.requests[first:]
        sends = [c for c in calls if c.method == "messages.send"]
        answered = sum(1 for u in users if world.emulator.bot_messages(u))
    finally:
        await world.stop()

    quantiles = statistics.quantiles(burst, n=100)
    rows = [
        ("/help in a DM, one person at a time: median / max", f"{statistics.median(idle) * 1000:.1f} ms / {max(idle) * 1000:.1f} ms"),
        ("200 people write /help at once: all answered", f"{answered}/200 in {total:.1f} s"),
        ("  API calls made during the burst", f"{len(calls)} ({len(sends)} messages.send)"),
        ("  most API calls in any 1-second window", f"{worst_window([c.at for c in calls])} (VK limit 20)"),
        ("  reply latency p50 / p95 / max", f"{quantiles[49]:.2f} s / {quantiles[94]:.2f} s / {max(burst):.2f} s"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    report = (
        f"# Foundation benchmark\n\n{date.today()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"command: `.venv/bin/python bench/foundation_bench.py`\n\n| measure | result |\n|---|---|\n{table}\n"
    )
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    asyncio.run(main())
