"""The consent to process a child's data (152-ФЗ) on both messengers: nothing before «Согласен», who
agreed to which version and when, /моиданные, the withdrawal that erases the child's data."""

from __future__ import annotations

from bot.sandbox.world import SandboxWorld
from tests.e2e.school import (
    ADMIN,
    CLASSTEACHER,
    NEWCOMER,
    bind_all,
    invite_code,
    join_as_parent,
    press,
    say,
    world,
)

__all__ = ["world"]


async def test_without_consent_no_request_is_made_and_the_class_teacher_is_named(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    code = await invite_code(people, "/пригласить родитель 5А")
    await people.open_link(NEWCOMER, code)
    consent = await people.next_bot_message(NEWCOMER, predicate=lambda m: bool(m.buttons))
    assert "Редакция v-" in consent.text and "/отозвать_согласие" in consent.text
    assert "заявку не создаю" in await press(people, NEWCOMER, consent, "Не согласен")
    told = await people.next_bot_message(NEWCOMER, predicate=lambda m: "Без согласия" in m.text)
    assert "Елена Соколова" in told.text and "5А" in told.text
    person = people.person(NEWCOMER)
    assert await world.repos.requests.latest_for(person, code) is None
    assert await world.repos.consents.active(person) == []
    invite = await world.repos.invites.get(code)
    assert invite is not None and invite.uses == 0  # the link was not used up by a refusal
    assert "уже решено" in await people.press(NEWCOMER, None, consent, consent.button("Согласен"))
    entry = (await world.repos.audit.recent(1, action="consent_declined"))[0]
    assert entry.actor_id == person


async def test_consent_is_recorded_shown_and_withdrawn_with_the_childs_data(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    code = await invite_code(people, "/пригласить родитель 5А approve=no")
    welcome = await join_as_parent(people, NEWCOMER, code, "Орлов Миша")
    assert "принята" in welcome.text or "Добро пожаловать" in welcome.text
    person = people.person(NEWCOMER)
    [consent] = await world.repos.consents.active(person)
    assert consent.version == world.app.services.features.consent.version  # type: ignore[union-attr]
    assert [c.name for c in await world.repos.memberships.children_of(person)] == ["Орлов Миша"]

    second = await invite_code(people, "/пригласить родитель 5А")  # a second child: no second consent
    await people.open_link(NEWCOMER, second)
    asked = await people.next_bot_message(NEWCOMER, predicate=lambda m: "ребёнка" in m.text)
    assert not asked.buttons and "СОГЛАСИЕ" not in asked.text
    await say(people, NEWCOMER, "Орлова Маша")

    mine = await say(people, NEWCOMER, "/моиданные")
    assert "Согласие на обработку данных ребёнка" in mine.text and f"редакция: {consent.version}" in mine.text

    question = await say(people, NEWCOMER, "/отозвать согласие")  # typed with a space, as people do
    assert "Отозвать согласие" in question.text and "Орлов Миша" in question.text
    assert "остаётся в силе" in await press(people, NEWCOMER, question, "Не отзывать")
    question = await say(people, NEWCOMER, "/отозвать_согласие")
    assert "отозвано" in await press(people, NEWCOMER, question, "Отозвать согласие")
    done = await people.next_bot_message(NEWCOMER, predicate=lambda m: m.text.startswith("Согласие отозвано"))
    assert "удалены" in done.text
    assert await world.repos.consents.active(person) == []
    assert await world.repos.memberships.children_of(person) == []
    assert not list(await world.repos.memberships.of_person(person))
    assert await world.repos.requests.latest_for(person, code) is None  # the request named the child
    staff = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "отозвал согласие" in m.text)
    assert "Светлана Орлова" in staff.text
    teacher = await people.next_bot_message(CLASSTEACHER, None, predicate=lambda m: "отозвал согласие" in m.text)
    assert "5А" in teacher.text
    mine = await say(people, NEWCOMER, "/моиданные")
    assert "отозвано:" in mine.text  # the record shows when it was given and when withdrawn
    assert "нечего" in (await say(people, NEWCOMER, "/отозвать_согласие")).text
