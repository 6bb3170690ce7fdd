"""Invitations in natural Russian and lists that scale, on both messengers."""

from __future__ import annotations

from bot.membership.groups import Group, SchoolClass
from bot.roles import Role
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import ADMIN, CLASSTEACHER, STRANGER, bind, bind_all, say, world

__all__ = ["world"]


async def test_invitations_understand_russian_and_refuse_what_they_do_not(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    three_days = await say(people, ADMIN, "/пригласить родитель 5а на 3 дня", "staff")
    assert "родитель, 5А" in three_days.text and "действует до 05.12, 11:00" in three_days.text  # Moscow time
    friday = await say(people, ADMIN, "/пригласить родителей 5А до пятницы на одно использование", "staff")
    assert "действует до 04.12, 23:59" in friday.text and "Использований: 1" in friday.text
    no_check = await say(people, ADMIN, "/пригласить ученика 5А на неделю без одобрения", "staff")
    assert "без одобрения" in no_check.text and "действует до 09.12, 11:00" in no_check.text

    leftover = await say(people, ADMIN, "/пригласить родитель 5а срочно", "staff")
    assert "Не понял: «срочно»" in leftover.text
    assert "Не понял: «на 3»" in (await say(people, ADMIN, "/пригласить родитель 5А на 3", "staff")).text
    assert "Даты «31.02» нет" in (await say(people, ADMIN, "/пригласить родитель 5А до 31.02", "staff")).text
    assert "90 дней" in (await say(people, ADMIN, "/пригласить родитель 5А на 200 дней", "staff")).text
    groups = {str(i.group) for i in await world.repos.invites.live(world.app.services.now())}  # type: ignore[union-attr]
    assert groups == {"5А"}  # no phantom group «5А срочно» or «5А на 3 дня»

    unbound = await say(people, ADMIN, "/пригласить ученик 7Б физика", "staff")
    assert "Не привязан 7Б физика" in unbound.text and "/привязать" in unbound.text
    listed = await say(people, ADMIN, "/ссылки", "staff")
    assert "до 05.12, 11:00 (через" in listed.text


async def test_the_whole_school_list_is_a_summary_and_names_strangers(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await people.add("5a-parents", STRANGER, by=CLASSTEACHER)
    await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "без одобренной" in m.text)
    listed = await say(people, ADMIN, "/участники", "staff")
    assert "Участники: вся школа — 5 чел. в 4 группах" in listed.text  # staff, management, 5А, 5А математика
    assert "• 5А: ученики — 1, родители — 1; кл. руководитель Елена Соколова" in listed.text
    strangers = next(line for line in listed.text.splitlines() if line.startswith("В чате «чат родителей 5А»"))
    assert "Игорь Незнакомов" in strangers and "• 5А математика: ученики — 1, учителя — 1" in listed.text
    await people.write(CLASSTEACHER, "/участники 5А")
    one = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: m.text.startswith("Участники: 5А"))
    assert "ученик" in one.text and "Игорь Незнакомов" in one.text


async def test_the_members_list_costs_the_same_queries_for_ten_or_fifty_people(world: SandboxWorld) -> None:
    """No query and no platform call per member: the count of SQL statements and of name lookups for
    /участники does not grow with the school."""
    people = world.driver
    await bind(people, "staff", "учительская")
    await bind(people, "5a-students", "5А ученики")
    emulator = world.vk or world.max
    assert emulator is not None
    repos, now = world.repos, world.app.services.now()  # type: ignore[union-attr]

    async def add_students(first: int, count: int) -> None:
        for user in range(first, first + count):
            emulator.add_user(user, "Ученик", f"Номер{user}")
            await repos.memberships.add(people.person(user), Role.STUDENT, Group.of_class(SchoolClass(5, "А")), now)
            await repos.people.grant(people.person(user), Role.STUDENT, ADMIN_ID, now)
            await people.add("5a-students", user, by=CLASSTEACHER)

    ADMIN_ID = people.person(ADMIN)
    costs = []
    for first, count in ((2000, 10), (3000, 40)):
        before = world.handled
        await add_students(first, count)
        await world.settle(before)
        asked = world.handled
        await people.write(ADMIN, "/участники", "staff")
        statements = await _count_statements(world, lambda asked=asked: world.settle(asked))
        costs.append(statements)
    lookups = [c for c in getattr(emulator, "requests", []) if getattr(c, "method", "") == "users.get"]
    assert len(lookups) <= 2  # names come with the member lists; at most a batch per call, never one per person
    assert costs[1] <= costs[0] + 5, costs  # +40 members, the same queries


async def _count_statements(world: SandboxWorld, run) -> int:  # type: ignore[no-untyped-def]
    db = world.app._db  # type: ignore[union-attr]
    seen: list[str] = []
    await db._conn.set_trace_callback(seen.append)
    try:
        await run()
    finally:
        await db._conn.set_trace_callback(None)
    return sum(1 for sql in seen if sql.lstrip().upper().startswith("SELECT"))
