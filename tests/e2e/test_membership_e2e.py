"""End-to-end membership (clauses 3.2–3.6): links, requests, cards, chats kept in line with the roster."""

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteState
from bot.membership.requests import JoinRequestState
from bot.port.ids import ChatId, PersonId
from bot.roles import Role
from bot.sandbox.world import SandboxWorld

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASSTEACHER = 1001, 1002, 1003, 1004, 1005, 1006
NEWCOMER = 1010  # a parent the school does not know yet
CODE = re.compile(r"ref=([A-Z0-9]{4}-[A-Z0-9]{4})")
CHAT_LINK = re.compile(r"https://vk\.me/join/\S+")


def vk(raw: int) -> PersonId:
    return PersonId(f"vk:{raw}")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


MakeWorld = Callable[..., Awaitable[tuple[SandboxWorld, Clock]]]


@pytest.fixture
async def make() -> AsyncIterator[MakeWorld]:
    worlds: list[SandboxWorld] = []

    async def build(**overrides: dict[str, Any]) -> tuple[SandboxWorld, Clock]:
        clock = Clock()
        world = SandboxWorld(clock=clock, settings_overrides=overrides)
        await world.start()
        world.emulator.add_user(NEWCOMER, "Светлана", "Орлова")
        worlds.append(world)
        return world, clock

    yield build
    for world in worlds:
        await world.stop()


async def say(world: SandboxWorld, user: int, text: str, where: str | None = None, **extra: Any) -> dict:
    """`user` writes `text` in a chat (by key) or the DM; returns the bot's next message there."""
    peer = world.chat_peers[where] if where else user
    await world.emulator.user_writes(user, text, peer_id=peer if where else None, **extra)
    # the bot's own service messages (its kicks) have no text and are skipped
    return await world.emulator.wait_for_bot_message(peer, predicate=lambda m: bool(m["text"]), timeout=5)


async def bind_all(world: SandboxWorld) -> None:
    for chat, purpose in (("staff", "учительская"), ("5a-parents", "5А родители"), ("5a-students", "5А ученики")):
        await say(world, ADMIN, f"/привязать {purpose}", chat)


async def issue(world: SandboxWorld, text: str, user: int = ADMIN, where: str | None = "staff") -> str:
    reply = await say(world, user, text, where)
    found = CODE.search(reply["text"])
    assert found, reply["text"]
    assert f"https://vk.me/school56?ref={found[1]}" in reply["text"]
    return found[1]


async def press(world: SandboxWorld, user: int, peer: int, cmid: int, payload: Any) -> str:
    """Press a callback button and return the snackbar text the presser sees."""
    before = len(world.emulator.event_answers)
    await world.emulator.press_button(user, peer, cmid, payload)
    for _ in range(250):
        if len(world.emulator.event_answers) > before:
            return json.loads(world.emulator.event_answers[-1]["event_data"])["text"]
        await asyncio.sleep(0.02)
    raise AssertionError("the press was not answered")


async def agree(world: SandboxWorld, user: int, consent: dict) -> dict:
    """The parent presses «Согласен» under the consent text (152-ФЗ); returns the question about the child."""
    assert "СОГЛАСИЕ" in consent["text"]
    await press(world, user, user, consent["conversation_message_id"], card_button(consent, "Согласен"))
    return await world.emulator.wait_for_bot_message(
        user, predicate=lambda m: "ребёнка" in m["text"] and not m.get("keyboard"), timeout=5)


def card_button(card: dict, label: str) -> Any:
    buttons = [b for row in card["keyboard"]["buttons"] for b in row]
    action = next(b["action"] for b in buttons if b["action"]["label"] == label)
    return json.loads(action["payload"])


async def test_parent_joins_by_link_and_leaked_link_is_shut(make: MakeWorld) -> None:
    world, _ = await make(invites={"remove_strangers": True})
    emulator, staff = world.emulator, world.chat_peers["staff"]
    await bind_all(world)
    code = await issue(world, "/пригласить родитель 5А")
    asked = await agree(world, NEWCOMER, await say(world, NEWCOMER, "Начать", ref=code))
    assert "ребёнка" in asked["text"]
    thanks = await say(world, NEWCOMER, "Орлов Миша")
    assert "Заявка №" in thanks["text"]
    card = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Заявка №" in m["text"])
    assert "vk.com/id1010" in card["text"] and "Орлов Миша" in card["text"] and "vk.com/id1001" in card["text"]
    teacher_card = await emulator.wait_for_bot_message(CLASSTEACHER, predicate=lambda m: "Заявка №" in m["text"])
    assert teacher_card["keyboard"] is not None  # the class teacher may decide too (3.3)

    answer = await press(world, ADMIN, staff, card["conversation_message_id"], card_button(card, "Принять"))
    assert "принята" in answer
    welcome = await emulator.wait_for_bot_message(NEWCOMER, predicate=lambda m: "vk.me/join" in m["text"])
    link = CHAT_LINK.search(welcome["text"])[0]  # type: ignore[index]
    await world.settle(world.handled - 1)

    def card_now() -> dict:
        return next(m for m in emulator.bot_messages(staff) if m["conversation_message_id"] == card["conversation_message_id"])

    assert "принята" in card_now()["text"] and card_now()["keyboard"] is None
    again = await press(world, CLASSTEACHER, CLASSTEACHER, teacher_card["conversation_message_id"],
                        card_button(teacher_card, "Отклонить"))
    assert "уже рассмотрена" in again

    before = world.handled
    await emulator.user_joins_by_link(NEWCOMER, link)
    await world.settle(before)
    assert not any("без одобренной" in m["text"] for m in emulator.bot_messages(staff))
    parents = world.chat_peers["5a-parents"]
    assert NEWCOMER in emulator.chat_members(parents)
    memberships = await world.repos.memberships.of_person(vk(NEWCOMER))
    assert [(m.role, m.group) for m in memberships] == [(Role.PARENT, Group.of_class(SchoolClass(5, "А")))]

    resets_before = len([c for c in emulator.calls("messages.getInviteLink") if c.params.get("reset") == "1"])
    before = world.handled
    await emulator.user_joins_by_link(STRANGER, link)  # the link leaked
    await world.settle(before)
    report = await emulator.wait_for_bot_message(staff, predicate=lambda m: "без одобренной" in m["text"])
    assert "vk.com/id1005" in report["text"] and "Удаляю из чата" in report["text"]
    assert STRANGER not in emulator.chat_members(parents)
    assert len([c for c in emulator.calls("messages.getInviteLink") if c.params.get("reset") == "1"]) == resets_before + 1
    with pytest.raises(ValueError):
        await emulator.user_joins_by_link(STRANGER, link)  # the old link is dead
    actions = [e.action for e in await world.repos.audit.recent(20)]
    assert {"invite_created", "join_request_opened", "join_request_approved", "stranger_entered"} <= set(actions)


async def test_stranger_is_only_reported_by_default(make: MakeWorld) -> None:
    world, _ = await make()
    await bind_all(world)
    parents = world.chat_peers["5a-parents"]
    await world.emulator.user_added(parents, STRANGER, by=TEACHER)
    report = await world.emulator.wait_for_bot_message(world.chat_peers["staff"],
                                                       predicate=lambda m: "без одобренной" in m["text"])
    assert "Проверьте" in report["text"]
    assert STRANGER in world.emulator.chat_members(parents)


async def test_revoked_expired_and_used_up_links_are_refused(make: MakeWorld) -> None:
    world, clock = await make()
    await bind_all(world)
    revoked = await issue(world, "/пригласить ученик 5А")
    assert "аннулирована" in (await say(world, ADMIN, f"/отозвать {revoked}", "staff"))["text"]
    assert "аннулирована" in (await say(world, NEWCOMER, "Начать", ref=revoked))["text"]

    expiring = await issue(world, "/пригласить ученик 5А ttl=1h")
    clock.now += timedelta(hours=2)
    refused = await say(world, NEWCOMER, f"/вступить {expiring.lower()}")
    assert "истёк" in refused["text"] and "классного руководителя" in refused["text"]
    stored = await world.repos.invites.get(expiring)
    assert stored is not None and stored.state is InviteState.EXPIRED  # marked on use, not only on listing
    assert expiring not in (await say(world, ADMIN, "/ссылки", "staff"))["text"]

    single = await issue(world, "/пригласить ученик 5А uses=1")
    assert "Заявка №" in (await say(world, STRANGER, "/вступить " + single))["text"]
    assert "уже присоединились" in (await say(world, NEWCOMER, "/вступить " + single))["text"]

    unknown = await say(world, NEWCOMER, "/вступить ZZZZ-ZZZZ")
    assert "не найден" in unknown["text"]


async def test_wrong_codes_are_slowed_down(make: MakeWorld) -> None:
    world, _ = await make()
    for _ in range(3):
        await say(world, STRANGER, "/вступить ABCD-2345")
    slowed = await say(world, STRANGER, "/вступить ABCD-2345")
    assert "Слишком много" in slowed["text"]


async def test_class_teacher_invites_only_to_own_class(make: MakeWorld) -> None:
    world, _ = await make()
    refused = await say(world, CLASSTEACHER, "/пригласить родитель 6Б")
    assert "свой класс (5А)" in refused["text"]
    await issue(world, "/пригласить родитель 5А", user=CLASSTEACHER, where=None)
    denied = await say(world, PARENT, "/пригласить ученик 5А")
    assert "Извините" in denied["text"]
    listed = await say(world, CLASSTEACHER, "/ссылки")
    assert "родитель, 5А" in listed["text"]


async def test_forged_and_foreign_presses_are_refused(make: MakeWorld) -> None:
    world, _ = await make()
    await bind_all(world)
    staff = world.chat_peers["staff"]
    code = await issue(world, "/пригласить ученик 5А")
    await say(world, NEWCOMER, "Начать", ref=code)
    card = await world.emulator.wait_for_bot_message(staff, predicate=lambda m: "Заявка №" in m["text"])
    cmid = card["conversation_message_id"]
    real = card_button(card, "Принять")
    assert "Извините" in await press(world, TEACHER, staff, cmid, real)  # a subject teacher may not decide
    assert "нет" in await press(world, ADMIN, staff, cmid, {"a": "req_approve", "id": real["id"] + 99})
    assert "устарела" in await press(world, ADMIN, staff, cmid, {"a": "req_approve", "id": "1; DROP"})
    assert "устарела" in await press(world, ADMIN, staff, cmid, {**real, "role": "admin"})
    request = await world.repos.requests.get(real["id"])
    assert request is not None and request.state is JoinRequestState.PENDING
    rejected = await say(world, ADMIN, f"/отклонить {real['id']} нет в списках класса", "staff")
    assert "отклонена" in rejected["text"]
    note = await world.emulator.wait_for_bot_message(NEWCOMER, predicate=lambda m: "отклонена" in m["text"])
    assert "нет в списках класса" in note["text"]
    assert "уже рассмотрена" in (await say(world, ADMIN, f"/принять {real['id']}", "staff"))["text"]


async def test_move_and_remove_update_memberships_and_chats(make: MakeWorld) -> None:
    world, _ = await make()
    emulator = world.emulator
    await bind_all(world)
    for title, purpose in (("6Б — ученики", "6Б ученики"), ("6Б — родители", "6Б родители")):
        world.chat_peers[title] = emulator.add_chat(title, [ADMIN], admins=[ADMIN])
        await say(world, ADMIN, f"/привязать {purpose}", title)
    moved = await say(world, ADMIN, "/перевести [id1004|Петя] 6Б", "staff")
    assert "из 5А в 6Б" in moved["text"] and "Родители тоже переведены: 1" in moved["text"]
    assert STUDENT not in emulator.chat_members(world.chat_peers["5a-students"])
    assert PARENT not in emulator.chat_members(world.chat_peers["5a-parents"])
    for person in (STUDENT, PARENT):
        links = await emulator.wait_for_bot_message(person, predicate=lambda m: "vk.me/join" in m["text"])
        assert "6Б" in links["text"]
    repo = world.repos.memberships
    assert [str(m.group) for m in await repo.of_person(vk(STUDENT))] == ["6Б"]
    assert [str(c.school_class) for c in await repo.children_of(vk(PARENT))] == ["6Б"]

    removed = await say(world, ADMIN, "/исключить id1002", "staff")
    assert "Мария Петрова (vk.com/id1002) исключена из школы" in removed["text"]
    for chat in ("staff", "5a-parents", "5a-students"):
        assert TEACHER not in emulator.chat_members(world.chat_peers[chat])
    assert await world.repos.people.roles_of(vk(TEACHER)) == frozenset()
    members = await say(world, ADMIN, "/участники 5А", "staff")
    assert "Елена Соколова" in members["text"]


async def test_people_admin_commands(make: MakeWorld) -> None:
    world, _ = await make()
    await bind_all(world)
    assert "Подтвердить статус можно только" in (await say(world, ADMIN, "/подтвердить id1003", "staff"))["text"]
    assert "подтверждён" in (await say(world, ADMIN, "/подтвердить", "staff", reply_to_cmid=await _last_cmid(world, TEACHER)))["text"]
    assert "дополнительный администратор" in (await say(world, ADMIN, "/админ добавить id1002", "staff"))["text"]
    assert "Извините" in (await say(world, TEACHER, "/админ добавить id1006", "staff"))["text"]  # only admins of 3.1
    assert "Класса «12Я» нет" in (await say(world, ADMIN, "/классрук id1002 12Я", "staff"))["text"]
    assert "классный руководитель 6Б" in (await say(world, ADMIN, "/классрук id1002 6Б", "staff"))["text"]
    assert "id123456" in (await say(world, ADMIN, "/перевести", "staff"))["text"]
    assert "Формат" in (await say(world, ADMIN, "/пригласить", "staff"))["text"]
    assert "номер заявки" in (await say(world, ADMIN, "/принять abc", "staff"))["text"]
    assert "в «Учительской»" in (await say(world, ADMIN, "/пригласить ученик 5А", "5a-students"))["text"]
    resets = len(world.emulator.calls("messages.getInviteLink"))
    reset = await say(world, ADMIN, "/сбросить_ссылку 5А родители", "staff")
    assert "сбрасываю" in reset["text"]
    await asyncio.sleep(0.3)
    assert [c.params.get("reset") for c in world.emulator.calls("messages.getInviteLink")[resets:]] == ["1"]


async def _last_cmid(world: SandboxWorld, author: int) -> int:
    await world.emulator.user_writes(author, "Здравствуйте, коллеги", peer_id=world.chat_peers["staff"])
    await asyncio.sleep(0.3)
    return max(m["conversation_message_id"] for m in world.emulator.messages(world.chat_peers["staff"])
               if m["from_id"] == author)


async def test_vk_refusals_become_staff_notices(make: MakeWorld) -> None:
    world, _ = await make(invites={"remove_strangers": True})
    emulator, staff = world.emulator, world.chat_peers["staff"]
    await say(world, ADMIN, "/привязать учительская", "staff")
    await say(world, ADMIN, "/привязать 5А родители", "5a-parents")
    emulator.set_bot_admin(world.chat_peers["5a-parents"], False)
    await emulator.user_added(world.chat_peers["5a-parents"], STRANGER, by=TEACHER)
    notice = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Не смог удалить" in m["text"])
    assert "у бота нет прав администратора" in notice["text"]
    no_reset = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Не смог получить ссылку" in m["text"])
    assert "Назначить администратором" in no_reset["text"]
    assert STRANGER in emulator.chat_members(world.chat_peers["5a-parents"])

    code = await issue(world, "/пригласить ученик 5А approve=no")  # 5А students chat is not bound
    welcome = await say(world, NEWCOMER, "Начать", ref=code)
    assert "пока не подключён" in welcome["text"]
    missing = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Не привязан" in m["text"])
    assert "vk.com/id1010" in missing["text"]
    assert (await world.repos.audit.recent(1, action="join_request_auto_approved"))
    # The upkeep at start may have read this chat's list while the bot was still its administrator (a
    # fresh list is answered from memory): the platform must be asked, and refuse.
    assert world.app is not None and world.app.services is not None
    world.app.services.features.member_lists.forget(ChatId(f"vk:{world.chat_peers['5a-parents']}"))
    members = await say(world, ADMIN, "/участники", "staff")
    assert "не могу прочитать состав" in members["text"]
    assert {c.params.get("count") for c in emulator.calls("messages.getConversationMembers")} == {"200"}


async def test_while_the_childs_name_is_awaited_other_messages_reach_their_own_handlers(make: MakeWorld) -> None:
    world, _ = await make()
    await bind_all(world)
    code = await issue(world, "/пригласить родитель 5А")
    assert "ребёнка" in (await agree(world, NEWCOMER, await say(world, NEWCOMER, "Начать", ref=code)))["text"]
    assert "Правила общения" in (await say(world, NEWCOMER, "Правила"))["text"]
    assert "Как защитить аккаунт" in (await say(world, NEWCOMER, "как защитить аккаунт от взлома?"))["text"]
    assert "fipi.ru" in (await say(world, NEWCOMER, "где демоверсии огэ"))["text"]
    reminder = await say(world, NEWCOMER, "а когда собрание?")
    assert "жду имя ребёнка" in reminder["text"]
    assert "Не знаю команду" in (await say(world, NEWCOMER, "/расписание"))["text"]
    request = await world.repos.requests.awaiting_child(vk(NEWCOMER))
    assert request is not None and request.child_name is None  # none of that was taken as the name
    assert "Заявка №" in (await say(world, NEWCOMER, "Орлов Миша"))["text"]


async def _approved_with_fault(world: SandboxWorld, fault: str) -> int:
    """A parent's request, approved by the card's button while sending to the parent fails."""
    emulator, staff = world.emulator, world.chat_peers["staff"]
    await bind_all(world)
    code = await issue(world, "/пригласить родитель 5А")
    await agree(world, NEWCOMER, await say(world, NEWCOMER, "Начать", ref=code))
    await say(world, NEWCOMER, "Орлов Миша")
    card = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Заявка №" in m["text"])
    if fault == "error 10":
        emulator.fail_next("messages.send", 10, times=7)  # longer than one call's own retries
    elif fault == "HTTP 502":
        emulator.http_error_next("messages.send", 502, times=7)
    elif fault == "dropped connection":
        emulator.drop_next("messages.send")
    elif fault == "error 901":
        emulator._state.users[NEWCOMER].allows_messages = False
    await press(world, ADMIN, staff, card["conversation_message_id"], card_button(card, "Принять"))
    return int(card_button(card, "Принять")["id"])


@pytest.mark.parametrize("fault", ["error 10", "HTTP 502", "dropped connection"])
async def test_a_passing_fault_while_sending_the_link_still_delivers_it_once(make: MakeWorld, fault: str) -> None:
    world, _ = await make()
    await _approved_with_fault(world, fault)
    welcome = await world.emulator.wait_for_bot_message(NEWCOMER, predicate=lambda m: "принята" in m["text"],
                                                        timeout=15)
    assert CHAT_LINK.search(welcome["text"])
    await asyncio.sleep(0.5)
    assert sum("принята" in m["text"] for m in world.emulator.bot_messages(NEWCOMER)) == 1


async def test_a_link_that_cannot_be_delivered_is_reported_and_can_be_sent_again(make: MakeWorld) -> None:
    world, _ = await make()
    emulator, staff = world.emulator, world.chat_peers["staff"]
    request_id = await _approved_with_fault(world, "error 901")
    told = await emulator.wait_for_bot_message(staff, predicate=lambda m: "Не смог отправить ссылки" in m["text"])
    assert f"№{request_id}" in told["text"] and "Отправить ещё раз" in told["text"]
    listed = await say(world, ADMIN, "/заявки", "staff")
    assert f"№{request_id}" in listed["text"] and "одобрена, ссылка не доставлена" in listed["text"]
    await say(world, NEWCOMER, "/помощь")  # writing to the bot allows its messages again
    answer = await press(world, ADMIN, staff, listed["conversation_message_id"],
                         card_button(listed, f"Отправить ещё раз №{request_id}"))
    assert "ещё раз" in answer
    welcome = await emulator.wait_for_bot_message(NEWCOMER, predicate=lambda m: "принята" in m["text"])
    assert CHAT_LINK.search(welcome["text"])
    assert "ссылка не доставлена" not in (await say(world, ADMIN, "/заявки", "staff"))["text"]
    forged = await press(world, TEACHER, staff, listed["conversation_message_id"],
                         {"a": "req_resend", "id": request_id})
    assert "Извините" in forged  # a subject teacher may not act on a parent's request
