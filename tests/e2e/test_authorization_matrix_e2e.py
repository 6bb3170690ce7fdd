"""The authorization matrix through the real bot: every declared command, typed by every role (an
order-appointed administrator, an appointed one, the administration, a class teacher, a teacher, a
parent, a student, a stranger), in a DM, in «Учительская», in a class chat and in a chat not bound
to the school. It runs exactly where its declaration allows it; everywhere else the person gets the
declared refusal, and every refusal is in the audit log with the command and why.

The flows themselves are replaced by one that only says it ran: this test is about who gets in,
and must not change the school between two commands (each flow has its own tests).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.commands.spec import CommandInput, CommandSpec, admit
from bot.commands.table import COMMANDS
from bot.errors import BotError
from bot.flows.context import Context
from bot.membership.users import UserRefContext
from bot.places import Place
from bot.port.ids import SYSTEM, PersonId, Platform
from bot.roles import Role
from bot.sandbox.world import SandboxWorld
from handlers import commands as command_flows

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASS_TEACHER = 1001, 1002, 1003, 1004, 1005, 1006
EXTRA_ADMIN, DIRECTOR = 1020, 1021
RAN = "ran:"
# (chat key or None for the DM, the place it is, who is in it)
PLACES: list[tuple[str | None, Place, list[int]]] = [
    (None, Place.DM, [ADMIN, EXTRA_ADMIN, DIRECTOR, CLASS_TEACHER, TEACHER, PARENT, STUDENT, STRANGER]),
    ("staff", Place.STAFF, [ADMIN, EXTRA_ADMIN, DIRECTOR, CLASS_TEACHER, TEACHER]),
    ("5a-parents", Place.CLASS, [ADMIN, CLASS_TEACHER, TEACHER, PARENT]),
    ("5a-students", Place.UNBOUND, [ADMIN, CLASS_TEACHER, TEACHER, STUDENT]),
]


@pytest.fixture
async def school(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SandboxWorld]:
    world = SandboxWorld(platforms=["vk"])
    await world.start()
    try:
        people = world.driver
        for chat, purpose in (("staff", "учительская"), ("5a-parents", "5А родители")):
            await people.write(ADMIN, f"/привязать {purpose}", chat)
            await people.next_bot_message(ADMIN, chat, predicate=lambda m: bool(m.text))
        now = world.app.services.now()  # type: ignore[union-attr]
        for user, name, role in ((EXTRA_ADMIN, ("Игорь", "Волков"), Role.EXTRA_ADMIN),
                                 (DIRECTOR, ("Нина", "Орлова"), Role.ADMINISTRATION)):
            world.emulator.add_user(user, *name)
            await world.repos.people.grant(people.person(user), role, granted_by=SYSTEM, now=now)
            await people.add("staff", user, by=ADMIN)
        for spec in COMMANDS:  # from here on, a command that gets in only says so
            monkeypatch.setitem(command_flows.FLOWS, spec.key, _ran(spec.key))
        yield world
    finally:
        await world.stop()


def _allowed_answer(spec: CommandSpec) -> str:
    """What a command that gets in says with no arguments: it runs, or its parser shows the form."""
    try:
        spec.parse(CommandInput(args="", raw_args="", refs=UserRefContext(platform=Platform.VK)))
    except BotError as usage:
        return usage.text
    return f"{RAN}{spec.key}"


def _ran(key: str):  # type: ignore[no-untyped-def]
    async def flow(ctx: Context, args: object) -> None:
        ctx.reply(f"{RAN}{key}")

    return flow


async def test_every_command_from_every_role_in_every_place(school: SandboxWorld) -> None:
    people = school.driver
    assert school.app is not None and school.app.services is not None
    services = school.app.services
    expected_refusals: Counter[tuple[PersonId, str, str]] = Counter()
    checked = 0
    for chat, place, members in PLACES:
        for user in members:
            person = people.person(user)
            roles = (await services.actor(person)).roles
            before = len(people.bot_messages(user, chat))
            expected: list[str] = []
            for spec in COMMANDS:
                await people.write(user, f"/{spec.names[0]}", chat)
                refusal = admit(spec, roles, place)
                expected.append(_allowed_answer(spec) if refusal is None else refusal)
                if refusal is not None:
                    why = "role" if not spec.permitted(roles) else "place"
                    expected_refusals[(person, spec.key, why)] += 1
            answers = await _answers(people, user, chat, before, len(expected))
            for spec, want, got in zip(COMMANDS, expected, answers, strict=True):
                assert got == want, f"/{spec.names[0]} by {sorted(roles)} in {place}: {got!r}"
                checked += 1
    assert checked > 400
    # A refusal never reads like a form to fill in: who may not, learns they may not.
    assert all(_allowed_answer(spec) != spec.refusal for spec in COMMANDS)
    audited = Counter((e.actor_id, e.details["command"], e.details["why"])
                      for e in await school.repos.audit.recent(5000) if e.action == "command_denied")
    assert audited == expected_refusals
    # Anchors written by hand, so the matrix cannot agree with a wrong table by construction.
    refused = set(expected_refusals)
    assert (people.person(PARENT), "invite", "role") in refused
    assert (people.person(STRANGER), "invite", "role") in refused
    assert (people.person(TEACHER), "bind", "role") in refused
    assert (people.person(ADMIN), "invite", "role") not in refused  # the order's administrator invites…
    assert (people.person(ADMIN), "invite", "place") in refused  # …but not in a chat of families


async def test_english_names_lead_to_the_same_commands(school: SandboxWorld) -> None:
    people = school.driver
    english = [(spec, name) for spec in COMMANDS for name in spec.names if name.isascii()]
    assert len(english) >= len(COMMANDS) - 2
    before = len(people.bot_messages(ADMIN))
    for _, name in english:
        await people.write(ADMIN, f"/{name}")
    answers = await _answers(people, ADMIN, None, before, len(english))
    assert school.app is not None and school.app.services is not None
    roles = (await school.app.services.actor(people.person(ADMIN))).roles
    for (spec, name), got in zip(english, answers, strict=True):
        refusal = admit(spec, roles, Place.DM)
        assert got == (_allowed_answer(spec) if refusal is None else refusal), name


async def _answers(people, user: int, chat: str | None, before: int, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The bot's next `count` messages in this conversation addressed to this exchange, in order."""
    for _ in range(count):
        await people.next_bot_message(user, chat, predicate=lambda m: bool(m.text))
    return [m.text for m in people.bot_messages(user, chat)[before:before + count]]
