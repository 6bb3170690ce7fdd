"""Benchmark of the director's view: /статистика for a school of 2,000 people and a year of events,
and everyday replies while an announcement goes to 100 chats.

The real bot over HTTP against the local emulators. Run: .venv/bin/python bench/director_bench.py
(writes bench/RESULTS-director.md).
"""

from __future__ import annotations

import asyncio
import os
import platform as host
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.director import chart
from bot.director.stats import stats_text
from bot.flows.stats import school_stats
from bot.logs import quiet_libraries
from bot.sandbox.drivers import Driver
from bot.sandbox.world import SandboxWorld
from bot.services import Services

RESULTS = Path(__file__).with_name("RESULTS-director.md")
NOTES = """## How to read it

- Measured after housekeeping's first round: at start it checks the bot's rights in every bound chat (one
  call per chat, in the bulk lane) and writes its notes to the database; a /статистика in those first seconds
  took up to ~2 s in our runs.
- «numbers for a year» is everything /статистика counts (people, coverage, activity, invitations, requests,
  moderation, reports, announcements) for 365 days, through the bot's own database connection; the first of
  the runs follows a restart (a cold page cache, housekeeping and the chart warm-up running at the same time),
  which is where the maximum comes from.
- «written → text reply» is end to end: the message through the emulator, the inbox, the flow, the outbox and
  back. The picture does not hold the text: it is drawn by the outbox worker in a thread and uploaded through
  the platform's upload flow (VK: photos.getMessagesUploadServer → upload → photos.saveMessagesPhoto; MAX:
  POST /uploads → upload → the token attached).
- Hourly housekeeping keeps a person's daily counters for 35 days and rolls older days into per-chat totals
  that name nobody; «the worst case» is a year of personal rows with that never done.
- A broadcast goes through the outbox as bulk effects: at most half of the platform's rate (VK 10/s, MAX 15/s)
  and 4 chats at a time, so everyday replies keep their priority and their lanes.
"""
NOW = datetime.now(UTC)
ADMIN = 1001
CLASSES = [f"{grade}{letter}" for grade in range(1, 12) for letter in "АБВ"]  # 33 classes
BROADCAST_CLASSES = [f"{grade}{letter}" for grade in range(1, 11) for letter in "АБВГД"]  # 50 classes, 100 chats
PUPILS_PER_CLASS = 30


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def seed_school(path: Path, messenger: str, *, roll_up: bool) -> dict[str, int]:
    """2,000 people and a year of what the bot records, written straight into the database."""
    rng = random.Random(56)
    db = sqlite3.connect(path, timeout=30)
    people: list[tuple[str, str]] = []  # (person, role)
    memberships: list[tuple[str, str, str, str]] = []
    children: list[tuple[str, str, str]] = []
    chats: list[tuple[str, str, str | None]] = []  # (chat, purpose, class)
    counter = iter(range(100_000, 200_000))
    for label in CLASSES:
        teacher = f"{messenger}:{next(counter)}"
        people += [(teacher, "teacher"), (teacher, "class_teacher")]
        db.execute("INSERT OR IGNORE INTO people (person_id, created_at, updated_at) VALUES (?, ?, ?)",
                   (teacher, iso(NOW), iso(NOW)))
        db.execute("INSERT OR REPLACE INTO class_teachers VALUES (?, ?, 'system', ?)", (label, teacher, iso(NOW)))
        for n in range(PUPILS_PER_CLASS):
            pupil = f"{messenger}:{next(counter)}"
            people.append((pupil, "student"))
            memberships.append((pupil, "student", "class", label))
            if rng.random() < 0.9:
                parent = f"{messenger}:{next(counter)}"
                people.append((parent, "parent"))
                memberships.append((parent, "parent", "class", label))
                children.append((parent, f"Ученик{n} Фамилия{label}", label))
        for purpose in ("class_parents", "class_students"):
            chats.append((f"{messenger}:{-next(counter) if messenger == 'max' else 2_000_100_000 + next(counter)}",
                          purpose, label))
    for _ in range(60):
        people.append((f"{messenger}:{next(counter)}", "teacher"))
    chats.append((f"{messenger}:{-next(counter) if messenger == 'max' else 2_000_100_000 + next(counter)}",
                  "administration", None))
    persons = sorted({p for p, _ in people})
    db.executemany("INSERT OR IGNORE INTO people (person_id, created_at, updated_at) VALUES (?, ?, ?)",
                   [(p, iso(NOW), iso(NOW)) for p in persons])
    db.executemany("INSERT OR IGNORE INTO person_roles (person_id, role, granted_at) VALUES (?, ?, ?)",
                   [(p, r, iso(NOW)) for p, r in people])
    db.executemany("INSERT INTO memberships (person_id, role, group_kind, class_label, since) VALUES (?, ?, ?, ?, ?)",
                   [(*m, iso(NOW - timedelta(days=300))) for m in memberships])
    db.executemany("INSERT INTO children (parent_id, child_name, class_label, since) VALUES (?, ?, ?, ?)",
                   [(*c, iso(NOW)) for c in children])
    db.executemany("INSERT OR IGNORE INTO chats (chat_id, platform, purpose, class_label, bound_by, bound_at) "
                   "VALUES (?, ?, ?, ?, 'system', ?)", [(c, messenger, p, label, iso(NOW)) for c, p, label in chats])
    # A year of activity: each person writes on ~40% of days in their class's chat.
    chat_of = {(label, purpose): c for c, purpose, label in chats}
    activity: list[tuple[str, str, str, int]] = []
    today = NOW.date()
    for person, role, _, label in memberships:
        chat = chat_of[(label, "class_parents" if role == "parent" else "class_students")]
        for days_ago in range(365):
            if rng.random() < 0.4:
                activity.append((person, chat, (today - timedelta(days=days_ago)).isoformat(), rng.randint(1, 6)))
    db.executemany("INSERT INTO activity (person_id, chat_id, day, count) VALUES (?, ?, ?, ?)", activity)
    if roll_up:  # what hourly housekeeping does: older days become per-chat totals naming nobody
        cutoff = (today - timedelta(days=34)).isoformat()
        db.execute("INSERT INTO chat_activity (chat_id, day, messages, people) SELECT chat_id, day, SUM(count), "
                   "COUNT(*) FROM activity WHERE day < ? GROUP BY chat_id, day", (cutoff,))
        db.execute("DELETE FROM activity WHERE day < ?", (cutoff,))
    # The rest of a year: invitations, requests, moderation, warnings, reports, announcements, the audit log.
    some = [p for p, r in people if r in ("student", "parent")]
    for n in range(1200):
        made = NOW - timedelta(days=rng.uniform(0, 365))
        db.execute("INSERT INTO invites (code, role, group_kind, class_label, max_uses, uses, created_by, created_at, "
                   "expires_at, needs_approval, state) VALUES (?, 'parent', 'class', ?, 30, ?, ?, ?, ?, 1, ?)",
                   (f"{n:04d}-{n:04d}", rng.choice(CLASSES),
                    rng.randint(0, 30), persons[0], iso(made), iso(made + timedelta(days=7)),
                    rng.choice(["active", "used_up", "expired", "revoked"])))
    codes = [r[0] for r in db.execute("SELECT code FROM invites")]
    for person in some[:1800]:
        made = NOW - timedelta(days=rng.uniform(0, 365))
        decided = made + timedelta(minutes=rng.uniform(1, 3000))
        db.execute("INSERT INTO join_requests (person_id, invite_code, role, group_kind, class_label, state, child_name, "
                   "created_at, decided_by, decided_at) VALUES (?, ?, 'student', 'class', ?, ?, NULL, ?, ?, ?)",
                   (person, rng.choice(codes), rng.choice(CLASSES), rng.choice(["approved", "rejected"]), iso(made),
                    persons[0], iso(decided)))
    chat_ids = [c for c, _, _ in chats]
    for _ in range(6000):
        made = NOW - timedelta(days=rng.uniform(0, 365))
        event = db.execute("INSERT INTO moderation_events (at, chat_id, author_id, message_ref, labels, excerpt, acts) "
                           "VALUES (?, ?, ?, '1', ?, '***', 'delete')",
                           (iso(made), rng.choice(chat_ids), rng.choice(some),
                            rng.choice(["profanity", "insult", "personal_data", "account_sharing", "profanity,insult"])))
        if rng.random() < 0.6:
            db.execute("INSERT INTO warnings (person_id, event_id, labels, issued_at, expires_at) VALUES (?, ?, 'x', ?, ?)",
                       (rng.choice(some), event.lastrowid, iso(made), iso(made + timedelta(days=30))))
    for _ in range(300):
        made = NOW - timedelta(days=rng.uniform(0, 365))
        db.execute("INSERT INTO reports (kind, status, reporter_id, created_at, closed_at) VALUES ('hacked', 'closed', "
                   "?, ?, ?)", (rng.choice(some), iso(made), iso(made + timedelta(days=1))))
    for _ in range(300):
        made = NOW - timedelta(days=rng.uniform(0, 365))
        number = db.execute("INSERT INTO announcements (author_id, audience, text, ack, state, reply_to, created_at, "
                            "sent_at) VALUES (?, 'all', 'x', 1, 'sent', ?, ?, ?)",
                            (persons[0], persons[0], iso(made), iso(made))).lastrowid
        for chat in rng.sample(chat_ids, 10):
            db.execute("INSERT INTO announcement_chats (announcement_id, chat_id, title, state) VALUES (?, ?, 'x', 'sent')",
                       (number, chat))
        db.executemany("INSERT INTO announcement_reads VALUES (?, ?, ?)",
                       [(number, p, iso(made)) for p in rng.sample(some, 60)])
    db.executemany("INSERT INTO audit_log (at, actor_id, action, details) VALUES (?, ?, 'bind_chat', '{}')",
                   [(iso(NOW - timedelta(days=rng.uniform(0, 365))), persons[0]) for _ in range(10_000)])
    db.commit()
    counts = {"people": len(persons), "activity rows": db.execute("SELECT COUNT(*) FROM activity").fetchone()[0],
              "chat totals": db.execute("SELECT COUNT(*) FROM chat_activity").fetchone()[0], "chats": len(chats)}
    db.close()
    return counts


async def housekeeping_done(world: SandboxWorld) -> None:
    """Housekeeping's first round at start checks the bot's rights in every bound chat (a call each, in the
    bulk lane) and writes its notes: measured requests come after it, as they would an hour later."""
    emulator = world.vk if world.vk is not None else world.max
    assert emulator is not None
    seen, quiet = -1, 0
    while quiet < 10:
        count = len(emulator.requests)
        quiet = quiet + 1 if count == seen else 0
        seen = count
        await asyncio.sleep(0.2)


async def until(check: Callable[[], bool], timeout: float = 300.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError


def worst_window(stamps: list[float]) -> int:
    """The most requests the platform received within any one second."""
    stamps = sorted(stamps)
    worst, start = 0, 0
    for end, moment in enumerate(stamps):
        while moment - stamps[start] >= 1.0:
            start += 1
        worst = max(worst, end - start + 1)
    return worst


async def timed(action: Callable[[], object], repeat: int) -> list[float]:
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        if asyncio.iscoroutine(result):
            await result
        found.append(time.perf_counter() - started)
    return found


async def statistics_of_a_big_school(messenger: str, *, roll_up: bool) -> dict[str, str]:
    world = SandboxWorld(platforms=[messenger], settings_overrides={"director": {"digest_enabled": False}})
    await world.start()
    try:
        assert world.settings is not None and world.app is not None and world.app.services is not None
        services: Services = world.app.services
        people = world.driver
        await people.write(ADMIN, "/привязать учительская", "staff")
        await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Готово" in m.text)
        sizes: dict[str, int] = {}

        def seed() -> None:  # with the bot stopped: a long write would hold the database from it
            sizes.update(seed_school(Path(world.settings.storage.path), messenger, roll_up=roll_up))  # type: ignore[union-attr]

        await world.restart(while_down=seed)
        assert world.app is not None and world.app.services is not None
        services = world.app.services
        await housekeeping_done(world)
        await asyncio.to_thread(chart.warm_up)
        from bot.director.stats import last_days

        period = last_days(365, NOW.date())
        queries = await timed(lambda: school_stats(services, period), 7)
        stats = await school_stats(services, period)
        texts = await timed(lambda: stats_text(stats), 5)
        pictures = await timed(lambda: chart.render(stats), 3)
        replies, files = [], []
        await people.write(ADMIN, "/статистика неделя", "staff")  # the first after a start is not measured
        await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Статистика школы" in m.text, timeout=60)
        await until(lambda: bool(people.bot_files(ADMIN, "staff")))
        for _ in range(5):
            started = time.perf_counter()
            await people.write(ADMIN, "/статистика год", "staff")
            await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Статистика школы" in m.text, timeout=60)
            replies.append(time.perf_counter() - started)
            before = len(people.bot_files(ADMIN, "staff"))
            await until(lambda before=before: len(people.bot_files(ADMIN, "staff")) > before)  # type: ignore[misc]
            files.append(time.perf_counter() - started)
    finally:
        await world.stop()
    if os.environ.get("DIRECTOR_BENCH_VERBOSE"):
        print("runs (ms):", [round(t * 1000) for t in queries], [round(t * 1000) for t in replies],
              [round(t * 1000) for t in files])
    return {
        "school": f"{sizes['people']} people, {sizes['chats']} class chats, {sizes['activity rows']} personal activity "
                  f"rows, {sizes['chat totals']} per-chat daily totals",
        "numbers for a year (SQL)": f"median {statistics.median(queries) * 1000:.0f} ms, max {max(queries) * 1000:.0f} ms",
        "text": f"{statistics.median(texts) * 1000:.1f} ms",
        "picture (matplotlib, in a thread)": f"median {statistics.median(pictures) * 1000:.0f} ms",
        "/статистика год, written → text reply": f"median {statistics.median(replies) * 1000:.0f} ms, max "
                                                 f"{max(replies) * 1000:.0f} ms",
        "/статистика год, written → picture delivered": f"median {statistics.median(files) * 1000:.0f} ms, max "
                                                        f"{max(files) * 1000:.0f} ms",
    }


async def numbers_without_housekeeping() -> dict[str, str]:
    """The worst case, measured at the repository (a running bot's housekeeping would roll the year up at
    start): a whole year of personal daily rows, nothing rolled up."""
    import tempfile

    from bot.director.stats import last_days
    from bot.flows.stats import window_of
    from storage.db import Database
    from storage.director_stats import ChatRef, StatsRepo, Window

    path = Path(tempfile.mkdtemp(prefix="director-bench-")) / "school.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await db.close()
    sizes = await asyncio.to_thread(seed_school, path, "vk", roll_up=False)
    db = await Database.open(path)
    try:
        chats = [ChatRef(id=r["chat_id"], title=r["purpose"], class_label=r["class_label"])
                 for r in await db.fetch_all("SELECT * FROM chats")]
        period = last_days(365, NOW.date())

        class Clocked:  # window_of needs only the clock and the time zone
            def now(self) -> datetime:
                return NOW

            def timezone(self) -> ZoneInfo:
                return ZoneInfo("Europe/Moscow")

        window: Window = window_of(period, Clocked())  # type: ignore[arg-type]
        repo = StatsRepo(db)
        runs = await timed(lambda: repo.gather(window, chats), 7)
    finally:
        await db.close()
    return {
        "school": f"{sizes['people']} people, {sizes['chats']} class chats, {sizes['activity rows']} personal "
                  "activity rows (a year), no per-chat totals",
        "numbers for a year (SQL, no bot running)": f"median {statistics.median(runs) * 1000:.0f} ms, "
                                                    f"max {max(runs) * 1000:.0f} ms",
    }


async def replies_during_a_broadcast(messenger: str) -> dict[str, str]:
    world = SandboxWorld(platforms=[messenger], settings_overrides={"director": {"digest_enabled": False}})
    await world.start()
    try:
        assert world.settings is not None
        people: Driver = world.driver
        await people.write(ADMIN, "/привязать учительская", "staff")
        await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Готово" in m.text)
        emulator = world.max if messenger == "max" else world.vk
        assert emulator is not None
        targets = []
        for n in range(100):
            key = f"c{n}"
            kwargs = {"owner": ADMIN} if messenger == "max" else {}
            people.chats[key] = emulator.add_chat(f"чат {n}", [ADMIN], admins=[ADMIN], **kwargs)  # type: ignore[arg-type]
            targets.append(key)
        path = Path(world.settings.storage.path)
        rows = [(people.chat_key(key), messenger, "class_students" if n % 2 else "class_parents",
                 BROADCAST_CLASSES[n // 2], iso(NOW)) for n, key in enumerate(targets)]

        def bind() -> None:  # as /привязать would, in a thread: never block the bot's event loop on the lock
            with sqlite3.connect(path, timeout=30) as db:
                db.executemany("INSERT INTO chats (chat_id, platform, purpose, class_label, bound_by, bound_at) "
                               "VALUES (?, ?, ?, ?, 'system', ?)", rows)

        await asyncio.to_thread(bind)
        users = list(range(20_000, 20_030))
        for user in users:
            emulator.add_user(user, "Родитель", str(user))
        await people.write(ADMIN, "/объявление все Завтра сокращённые уроки", "staff")
        preview = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "предпросмотр" in m.text)
        first = len(emulator.requests)
        started = time.perf_counter()
        await people.press(ADMIN, "staff", preview, preview.button("Отправить"))
        latencies: list[float] = []

        async def ask(user: int, delay: float) -> None:
            await asyncio.sleep(delay)
            asked = time.perf_counter()
            await people.write(user, "/помощь")
            await people.next_bot_message(user, timeout=60)
            latencies.append(time.perf_counter() - asked)

        await asyncio.gather(*(ask(user, n * 0.2) for n, user in enumerate(users)))
        await until(lambda: all(any("сокращённые" in m.text for m in people.bot_messages(ADMIN, key))
                                for key in targets))
        broadcast = time.perf_counter() - started
        calls = emulator.requests[first:]
    finally:
        await world.stop()
    quantiles = statistics.quantiles(latencies, n=100)
    limit = 30 if messenger == "max" else 20
    return {
        "announcement to 101 chats delivered": f"{broadcast:.1f} s",
        "30 people write /помощь during it (one every 0.2 s): reply p50 / p95 / max":
            f"{quantiles[49]:.2f} s / {quantiles[94]:.2f} s / {max(latencies):.2f} s",
        "most API calls in any 1-second window": f"{worst_window([c.at for c in calls])} (limit {limit})",
    }


async def main() -> None:
    quiet_libraries()
    sections = []
    for name, messenger in (("ВКонтакте", "vk"), ("MAX", "max")):
        rolled = await statistics_of_a_big_school(messenger, roll_up=True)
        sections.append((f"/статистика, {name}: a year, housekeeping has rolled up days older than 35", rolled))
    sections.append(("/статистика: a year of personal rows, nothing rolled up (the worst case)",
                     await numbers_without_housekeeping()))
    for name, messenger in (("ВКонтакте", "vk"), ("MAX", "max")):
        sections.append((f"Everyday replies during a broadcast, {name}", await replies_during_a_broadcast(messenger)))
    body = "\n\n".join(f"## {title}\n\n| measure | result |\n|---|---|\n" +
                       "\n".join(f"| {k} | {v} |" for k, v in rows.items()) for title, rows in sections)
    load = os.getloadavg()[0]
    report = (f"# Director's view benchmark\n\n{date.today()}, {os.cpu_count()} cores, Python "
              f"{host.python_version()}, load average at the end {load:.1f} (the machine is shared), command: "
              f"`.venv/bin/python bench/director_bench.py`\n\n{body}\n\n{NOTES}")
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    asyncio.run(main())
