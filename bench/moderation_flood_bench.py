"""Moderation under a flood: 50 chat messages a second with 5% violations, the real bot against the
VK emulator (which answers error 6 beyond 20 requests a second, as VK does).

Measures the time from a violating message to the arrival of its delete at the emulator, and how
many API calls the bot spends per violation. Run: .venv/bin/python bench/moderation_flood_bench.py
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.logs import quiet_libraries
from bot.sandbox.world import SandboxWorld

RESULTS = Path(__file__).with_name("RESULTS-moderation-flood.md")
RATE = 50  # messages a second
SECONDS = 20
SHARE = 0.05  # violations
CHATS = 5
PEOPLE = 40
CLEAN = ["Завтра контрольная по алгебре, не забудьте калькуляторы", "Кто знает, во сколько экскурсия?",
         "Сдаём по 300 рублей на подарок учителю", "Спасибо!", "Домашку по русскому задали?",
         "Команда 5А выиграла эстафету", "Нашёл синюю куртку в раздевалке, чья?", "Во сколько родительское собрание?"]
RUDE = ["да это п.и.з.д.е.ц, а не расписание", "ты дебил что ли", "сука, опять перенесли",
        "ну ты и урод", "бл*ть, забыл тетрадь"]


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
    rng = random.Random(20261129)
    world = SandboxWorld()
    await world.start()
    emulator = world.emulator
    admin = world.character("admin").vk_id
    try:
        people = list(range(20_000, 20_000 + PEOPLE))
        for person in people:
            emulator.add_user(person, "Родитель", str(person))
        chats = [emulator.add_chat(f"{n + 1}А — родители", [admin, *people], admins=[admin]) for n in range(CHATS)]
        for n, chat in enumerate([world.chat_peers["staff"], *chats]):
            purpose = "учительская" if n == 0 else f"{n}А родители"
            await emulator.user_writes(admin, f"/привязать {purpose}", peer_id=chat)
            await emulator.wait_for_bot_message(chat, timeout=10)
        first_call = len(emulator.requests)
        sent: dict[tuple[int, int], float] = {}
        total = RATE * SECONDS
        started = time.monotonic()
        for n in range(total):
            due = started + n / RATE
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            chat, person = rng.choice(chats), rng.choice(people)
            rude = rng.random() < SHARE
            message = await emulator.user_writes(person, rng.choice(RUDE if rude else CLEAN), peer_id=chat)
            if rude:
                sent[(chat, message["conversation_message_id"])] = time.monotonic()
        deadline = time.monotonic() + 120
        deleted: dict[tuple[int, int], float] = {}
        while len(deleted) < len(sent) and time.monotonic() < deadline:
            for call in emulator.requests[first_call:]:
                if call.method == "messages.delete":
                    key = (int(call.params["peer_id"]), int(call.params["cmids"]))
                    deleted.setdefault(key, call.at)
            await asyncio.sleep(0.2)
        await asyncio.sleep(3)  # let the notices and log lines finish
        calls = emulator.requests[first_call:]
    finally:
        await world.stop()
    delays = sorted(deleted[key] - sent[key] for key in sent if key in deleted)
    q = statistics.quantiles(delays, n=100, method="inclusive") if len(delays) > 1 else delays * 99
    per_violation = len([c for c in calls if c.method != "messages.getConversationMembers"]) / max(1, len(sent))
    rows = [
        ("messages sent / violations among them", f"{total} / {len(sent)} at {RATE} messages a second"),
        ("violations deleted", f"{len(delays)} / {len(sent)}"),
        ("message → delete at the platform: p50 / p99 / max", f"{q[49]:.2f} s / {q[98]:.2f} s / {max(delays):.2f} s"),
        ("API calls per violation (delete, notices, DMs, log lines, edits)", f"{per_violation:.1f}"),
        ("most API calls in any 1-second window", f"{worst_window([c.at for c in calls])} (VK limit 20)"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    report = (f"# Moderation under a flood\n\n{date.today()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, command: `.venv/bin/python bench/moderation_flood_bench.py`\n\n"
              f"| measure | result |\n|---|---|\n{table}\n")
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    asyncio.run(main())
