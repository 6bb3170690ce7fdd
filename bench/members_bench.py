"""Benchmark of /участники for a whole school: 2,000 people in 60 bound chats (30 classes, each with a
students' and a parents' chat), on each messenger's emulator with its real rate limit (VK 20/s, MAX 30/s).

The first call finds no names stored (as after an import); later calls find them kept. Measured from the
administrator's message to the bot's reply, with the SQL statements and the platform calls it took.
Run: .venv/bin/python bench/members_bench.py
"""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import statistics
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.chats import ChatBinding, ChatPurpose
from bot.logs import quiet_libraries
from bot.member_lists import refresh_member_lists
from bot.membership.groups import Group, SchoolClass
from bot.membership.member_lists import MemberLists
from bot.port.ids import SYSTEM
from bot.roles import Role
from bot.sandbox.world import SandboxWorld

RESULTS = Path(__file__).with_name("RESULTS-members.md")
NOTES = """
Notes.

- Before, as issue 11 reports it: 104 s on every call for a school whose names were not stored (one `users.get` per
  unknown name), 3.5 s with every name stored and about 6 queries per member. Now: the same 15-18 SELECTs
  for 66 people or 2,000 (tests/e2e/test_invitations_members_e2e.py checks that 40 more members add no
  query), names come with the member lists (VK's `profiles`, MAX's member names) and are kept for the
  people the school has records of; no `users.get` at all here.
- The whole-school answer is a summary per group (counts, class teacher) plus every person found in a chat
  without a membership, by name: 2,000 names would not fit one message (VK cuts at 4,096 characters).
- MAX, lists read on demand (first minutes after a start): 60 chats are 60 requests, MAX allows 30 a second
  and has no batch call; the held long poll (GET /updates) also occupies one of the limiter's 30 slots for
  its whole duration, so the requests go out in three one-second windows, not two. That is the one case
  above 2 s. Housekeeping reads every list on start and then hourly, so it lasts only until that read.
- The emulator and its 2,000 people share the bot's process here; `gc.freeze()` after building them keeps
  the collector from rescanning them. Without it a full collection pauses the loop 0.3-0.5 s at random
  (measured: VK, lists kept, median 0.74 s, max 1.30 s) - the emulator's cost, which the bot's own process
  does not carry.
"""
CLASSES = [SchoolClass(grade, letter) for grade in range(1, 11) for letter in "АБВ"]  # 30 classes
STUDENTS, PARENTS = 26, 39  # per class, with its class teacher: 30 × 66 = 1,980 people; with 20 staff 2,000
STRANGERS = 10  # people in chats without a membership, one in each of the first chats
ADMIN = 1001


async def build(platform_name: str) -> tuple[SandboxWorld, int]:
    # the long poll held as in production (the sandbox's 1 s polls would take a rate-limit slot every second)
    world = SandboxWorld(platforms=[platform_name], settings_overrides={"vk": {"longpoll_wait": 25},
                                                                        "max": {"longpoll_timeout": 30}})
    await world.start()
    emulator = world.vk or world.max
    assert emulator is not None and world.app is not None and world.app.services is not None
    people = world.driver
    repos, now = world.repos, world.app.services.now()
    next_id = 100_000
    total = 0
    for n, school_class in enumerate(CLASSES):
        teacher = next_id
        next_id += 1
        students = list(range(next_id, next_id + STUDENTS))
        next_id += STUDENTS
        parents = list(range(next_id, next_id + PARENTS))
        next_id += PARENTS
        stranger = [next_id] if n < STRANGERS else []
        next_id += 1
        for user in [teacher, *students, *parents, *stranger]:
            emulator.add_user(user, "Имя", f"Фамилия{user}")
        group = Group.of_class(school_class)
        await repos.people.grant(people.person(teacher), Role.TEACHER, SYSTEM, now)
        await repos.memberships.set_class_teacher(school_class, people.person(teacher), SYSTEM, now)
        await repos.people.grant(people.person(teacher), Role.CLASS_TEACHER, SYSTEM, now)
        for user in students:
            await repos.people.grant(people.person(user), Role.STUDENT, SYSTEM, now)
            await repos.memberships.add(people.person(user), Role.STUDENT, group, now)
        for user in parents:
            await repos.people.grant(people.person(user), Role.PARENT, SYSTEM, now)
            await repos.memberships.add(people.person(user), Role.PARENT, group, now)
        total += 1 + STUDENTS + PARENTS
        for purpose, members in ((ChatPurpose.CLASS_STUDENTS, students), (ChatPurpose.CLASS_PARENTS, parents)):
            members = [ADMIN, teacher, *members, *stranger]
            if world.vk is not None:
                chat = world.vk.add_chat(f"{school_class} {purpose.value}", members, admins=[ADMIN])
            else:
                assert world.max is not None
                chat = world.max.add_chat(f"{school_class} {purpose.value}", members, admins=[ADMIN], owner=ADMIN)
            key = f"{school_class}-{purpose.value}"
            people.chats[key] = chat
            await repos.chats.bind(people.chat_key(key), ChatBinding(purpose=purpose, class_label=str(school_class)),
                                   people.person(ADMIN), now)
    staff_count = 2000 - total
    for user in range(next_id, next_id + staff_count):
        emulator.add_user(user, "Учитель", str(user))
        await repos.people.grant(people.person(user), Role.TEACHER, SYSTEM, now)
        await repos.memberships.add(people.person(user), Role.TEACHER, Group.staff(), now)
    return world, total + staff_count


async def ask(world: SandboxWorld, text: str) -> tuple[float, int, Counter[str], str]:
    """Seconds from the message to the reply, SELECTs run, platform calls made, and the reply."""
    assert world.app is not None
    emulator = world.vk or world.max
    assert emulator is not None
    db = world.app._db
    assert db is not None
    statements: list[str] = []
    first_call = len(emulator.requests)
    await db._conn.set_trace_callback(statements.append)
    started = time.perf_counter()
    await world.driver.write(ADMIN, text)
    reply = await world.driver.next_bot_message(ADMIN, None, predicate=lambda m: m.text.startswith("Участники"),
                                                timeout=120)
    took = time.perf_counter() - started
    await db._conn.set_trace_callback(None)
    calls = Counter(getattr(r, "method", "") if world.vk else getattr(r, "key", "") for r in
                    emulator.requests[first_call:])
    selects = sum(1 for sql in statements if sql.lstrip().upper().startswith("SELECT"))
    return took, selects, calls, reply.text


async def measure(platform_name: str) -> list[tuple[str, str]]:
    world, people = await build(platform_name)
    # The emulator and its 2,000 people live in this process; the bot's process holds none of it. Freezing
    # what exists now keeps the collector from rescanning it (a full collection of this heap pauses the
    # loop 0.3-0.5 s at random, which is the emulator's cost, not the bot's).
    gc.collect()
    gc.freeze()
    try:
        rows = []
        title = {"vk": "ВКонтакте", "max": "MAX"}[platform_name]
        assert world.app is not None and world.app.services is not None
        features = world.app.services.features
        for label, times in (("cold: no names stored, every member list read", 1),
                             ("again: the lists kept (read within the hour, current through events)", 5),
                             ("just after a restart: names kept, every list read on demand", 5),
                             ("after a restart and the first hourly read of the lists", 5)):
            runs = []
            for _ in range(times):
                if "restart" in label:
                    features.member_lists = MemberLists()
                if "hourly" in label:
                    await refresh_member_lists(world.app.services)
                runs.append(await ask(world, "/участники"))
                await asyncio.sleep(1.1)  # the next run starts with the rate limiter's window free
            took = [run[0] for run in runs]
            _, selects, calls, text = runs[-1]
            reads = sum(n for method, n in calls.items() if "embers" in method or method == "execute")
            names = sum(n for method, n in calls.items() if method == "users.get")
            shown = (f"{took[0]:.2f} s" if times == 1 else
                     f"median {statistics.median(took):.2f} s, max {max(took):.2f} s ({times} runs)")
            rows.append((f"{title}: /участники, whole school ({people} people, 60 chats), {label}",
                         f"{shown}; {selects} SELECTs; {reads} member-list requests, {names} users.get; "
                         f"{len(text)} characters"))
        took, selects, calls, text = await ask(world, "/участники 5А")
        rows.append((f"{title}: /участники 5А (66 people, 2 chats)", f"{took:.2f} s; {selects} SELECTs"))
        assert "без членства" in text or "Участники" in text
        return rows
    finally:
        gc.unfreeze()
        await world.stop()


async def main() -> None:
    quiet_libraries()
    rows = []
    for platform_name in ("vk", "max"):
        rows += await measure(platform_name)
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    report = (
        f"# /участники for a whole school\n\n{date.today()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, command: `.venv/bin/python bench/members_bench.py`\n\n"
        "The real bot against each emulator (VK answers error 6 beyond 20 requests/s, MAX 429 beyond 30/s); "
        "from the administrator's message to the bot's reply. VK reads 25 chats' member lists in one "
        "`execute`; MAX has no batch call, so 60 chats take 60 requests spaced by its limit. Housekeeping reads "
        "every list hourly and join/leave events keep them current, so only the first minutes after a start "
        "read them on demand.\n\n"
        "| measure | result |\n|---|---|\n"
        f"{table}\n{NOTES}"
    )
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    asyncio.run(main())
