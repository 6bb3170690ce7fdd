"""The MAX adapter against the MAX emulator over real HTTP: updates → events, the gateway, faults."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.config import MaxConfig
from bot.max import MAX_CAPABILITIES, MaxAdapter
from bot.max.api import Identity
from bot.max.directory import Directory
from bot.max.models import MaxUser
from bot.max.updates import parse_update, translate
from bot.port.adapter import BadToken, NoUpdatesAccess
from bot.port.effects import Button, Buttons
from bot.port.events import (
    BotAdded,
    BotRemoved,
    ButtonPress,
    Incoming,
    MemberJoined,
    MemberLeft,
    Mention,
    MessageIn,
    Started,
)
from bot.port.gateway import GatewayError, Problem
from bot.port.ids import ChatId, PersonId, chat_id, person_id
from bot.port.ids import Platform as P
from bot.sandbox.max_emulator import MaxEmulator

TOKEN = "sandbox-token"
ALICE, BOB, CAROL, DAN = 101, 102, 103, 104
ATTEMPTS = 4


def pid(raw: int) -> PersonId:
    return person_id(P.MAX, raw)


def cid(raw: int) -> ChatId:
    return chat_id(P.MAX, raw)


def config(emu: MaxEmulator, **overrides: Any) -> MaxConfig:
    values: dict[str, Any] = {"token": TOKEN, "api_url": emu.api_url, "retry_base_delay": 0.01,
                              "longpoll_timeout": 1, "retry_attempts": ATTEMPTS}
    values.update(overrides)
    return MaxConfig(**values)


def new_adapter(emu: MaxEmulator, *, request_timeout: float = 2.0, **overrides: Any) -> MaxAdapter:
    return MaxAdapter(config(emu, **overrides), request_timeout=request_timeout, min_poll_interval=0.0)


class Feed:
    """The adapter's poll running in the background, as the runtime would run it."""

    def __init__(self, adapter: MaxAdapter, position: str | None = None) -> None:
        self.items: list[Incoming] = []
        self.positions: list[str | None] = []
        self._task = asyncio.create_task(self._run(adapter, position))

    async def _run(self, adapter: MaxAdapter, position: str | None) -> None:
        async for batch in adapter.poll(position):
            self.items.extend(batch.updates)
            self.positions.append(batch.position)

    @property
    def events(self) -> list[Any]:
        return [item.event for item in self.items]

    async def wait(self, count: int, timeout: float = 3.0) -> list[Any]:
        async with asyncio.timeout(timeout):
            while len(self.items) < count:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.01)
        return self.events

    async def next(self) -> Any:
        return (await self.wait(len(self.items) + 1))[-1]

    async def finished(self, timeout: float = 1.0) -> None:
        async with asyncio.timeout(timeout):
            await self._task

    async def stop(self) -> None:
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass


@pytest.fixture
async def emu() -> AsyncIterator[MaxEmulator]:
    emulator = MaxEmulator(max_poll_timeout=1.0)
    emulator.add_user(ALICE, "Анна", "Иванова", "anna")
    emulator.add_user(BOB, "Пётр", "Смирнов", "petr")
    emulator.add_user(CAROL, "Мария", "Кузнецова", allows_messages=False)
    emulator.add_user(DAN, "Данила", "Орлов")
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def adapter(emu: MaxEmulator) -> AsyncIterator[MaxAdapter]:
    max_adapter = new_adapter(emu)
    await max_adapter.connect()
    yield max_adapter
    await max_adapter.close()


@pytest.fixture
async def feed(adapter: MaxAdapter) -> AsyncIterator[Feed]:
    running = Feed(adapter)
    yield running
    await running.stop()


def keyboard_of(message: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    for attachment in message["body"].get("attachments") or []:
        if attachment["type"] == "inline_keyboard":
            return attachment["payload"]["buttons"]
    return None


CARD = Buttons(rows=[[Button(label="Одобрить", payload={"a": "ok", "id": 7}, style="positive"),
                      Button(label="Отклонить", payload={"a": "no", "id": 7}, style="negative")],
                     [Button(label="Помощь")]])


# --- connecting ---------------------------------------------------------------------------------
async def test_connect_learns_who_the_bot_is(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    assert adapter.identity == Identity(user_id=emu.bot_id, username=emu.bot_username, name="Школьный бот")
    assert adapter.gateway.deep_link("inv-42") == f"https://max.ru/{emu.bot_username}?start=inv-42"
    assert emu.calls("GET /me")[0].token == TOKEN
    assert TOKEN not in repr(adapter) and TOKEN not in repr(adapter.api)


async def test_close_ends_the_poll(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    running = Feed(adapter)
    await asyncio.sleep(0.1)  # a long poll is in flight
    await adapter.close()
    await running.finished()
    assert set(emu.calls("GET /updates")[0].query["types"].split(",")) == {
        "message_created", "message_edited", "message_callback", "bot_started",
        "user_added", "user_removed", "bot_added", "bot_removed"}


async def test_bad_token_is_bad_token_at_once(emu: MaxEmulator) -> None:
    wrong = new_adapter(emu, token="not-the-token")
    with pytest.raises(BadToken):
        await wrong.connect()
    assert len(emu.calls("GET /me")) == 1  # a 401 is never retried
    await wrong.close()
    with pytest.raises(BadToken):
        await new_adapter(emu, token="").connect()  # no token: no request, no MAX_BOT_TOKEN fallback
    assert len(emu.calls("GET /me")) == 1


async def test_connect_waits_out_server_trouble(emu: MaxEmulator) -> None:
    emu.fail_next("GET /me", 502, times=ATTEMPTS + 1)  # more than one call's retries: the adapter waits on
    patient = new_adapter(emu)
    await patient.connect()
    assert patient.identity is not None
    assert len(emu.calls("GET /me")) == ATTEMPTS + 2
    await patient.close()


async def test_a_later_401_is_rejected(emu: MaxEmulator) -> None:
    wrong = new_adapter(emu, token="not-the-token")
    chat = emu.add_chat("5А", [ALICE])
    with pytest.raises(GatewayError) as caught:
        await wrong.gateway.chat_title(cid(chat))
    assert caught.value.problem is Problem.REJECTED
    await wrong.close()


# --- updates → events ---------------------------------------------------------------------------
async def test_a_dm_and_a_group_message(emu: MaxEmulator, adapter: MaxAdapter, feed: Feed) -> None:
    dm = await emu.user_writes(ALICE, "Здравствуйте")
    event = await feed.next()
    assert isinstance(event, MessageIn)
    assert (event.author, event.chat, event.where) == (pid(ALICE), None, pid(ALICE))
    assert (event.text, event.message, event.edited, event.author_is_bot) == ("Здравствуйте", dm["body"]["mid"],
                                                                               False, False)
    assert event.sent_at.tzinfo is not None and int(event.sent_at.timestamp() * 1000) == dm["timestamp"]

    chat = emu.add_chat("5А класс", [ALICE, BOB], admins=[ALICE])
    said = await emu.user_writes(BOB, "Когда собрание?", chat_id=chat)
    event = await feed.next()
    assert (event.author, event.chat, event.where, event.message) == (pid(BOB), cid(chat), cid(chat),
                                                                       said["body"]["mid"])
    assert (await adapter.gateway.profiles([pid(BOB)]))[pid(BOB)].name == "Пётр Смирнов"


async def test_reply_and_forwards(emu: MaxEmulator, feed: Feed) -> None:
    chat = emu.add_chat("5А класс", [ALICE, BOB])
    first = await emu.user_writes(ALICE, "Собрание в пятницу", chat_id=chat)
    dm = await emu.user_writes(BOB, "личное")
    await emu.user_writes(BOB, "Спасибо", chat_id=chat, reply_to_mid=first["body"]["mid"])
    await emu.user_writes(BOB, "смотрите", chat_id=chat, forward_mid=first["body"]["mid"])
    await emu.user_writes(BOB, "и это", chat_id=chat, forward_mid=dm["body"]["mid"])
    events = await feed.wait(5)
    reply, forward_here, forward_from_dm = events[2:]
    assert reply.reply_to is not None
    assert (reply.reply_to.author, reply.reply_to.message, reply.reply_to.text) == (
        pid(ALICE), first["body"]["mid"], "Собрание в пятницу")
    assert reply.forwarded == ()
    assert [(q.author, q.message, q.text) for q in forward_here.forwarded] == [
        (pid(ALICE), first["body"]["mid"], "Собрание в пятницу")]
    # A forward from another conversation: no handle that would act on the original over there.
    assert [(q.author, q.message, q.text) for q in forward_from_dm.forwarded] == [(pid(BOB), None, "личное")]


async def test_attachments_and_an_unknown_one_keep_the_message(emu: MaxEmulator, feed: Feed) -> None:
    chat = emu.add_chat("5А класс", [ALICE])
    await emu.user_writes(ALICE, "смотрите", chat_id=chat, attachments=[
        {"type": "image", "payload": {"photo_id": 1, "token": "t1", "url": "https://i.example/p.jpg"}},
        {"type": "file", "payload": {"url": "https://f.example/a", "token": "t2"}, "filename": "план.pdf",
         "size": 2048},
        {"type": "hologram", "payload": {"depth": 3}},
        "not even an object",
    ])
    event = await feed.next()
    assert event.text == "смотрите"
    assert [(a.kind, a.name, a.url, a.size) for a in event.attachments] == [
        ("photo", "", "https://i.example/p.jpg", 0), ("document", "план.pdf", "https://f.example/a", 2048)]
    assert event.attachments_unreadable
    await emu.user_writes(ALICE, "только текст", chat_id=chat)
    plain = await feed.next()
    assert (plain.attachments, plain.attachments_unreadable) == ((), False)


async def test_an_edit_and_a_redelivered_update(emu: MaxEmulator, feed: Feed) -> None:
    sent = await emu.user_writes(ALICE, "Првиет")
    await emu.user_edits(ALICE, sent["body"]["mid"], "Привет")
    emu.duplicate_next_update()
    await emu.user_writes(ALICE, "дважды")
    created, edited, once, twice = await feed.wait(4)
    assert (edited.edited, edited.text, edited.message) == (True, "Привет", created.message)
    keys = [item.key for item in feed.items]
    assert keys[2] == keys[3] and once == twice  # the inbox drops the redelivery by key
    assert len(set(keys[:3])) == 3  # an edit is a new happening, not a redelivery


async def test_button_press_in_a_dm_and_in_a_chat(emu: MaxEmulator, adapter: MaxAdapter, feed: Feed) -> None:
    gateway = adapter.gateway
    mid = await gateway.send(pid(ALICE), "Заявка №7", buttons=CARD, dedup=1)
    assert mid is not None
    payload = keyboard_of(emu.bot_messages(ALICE)[-1])[0][0]["payload"]
    assert json.loads(payload) == {"a": "ok", "id": 7}
    press_id = await emu.press_button(ALICE, mid, payload)
    press = await feed.next()
    assert press == ButtonPress(platform=P.MAX, presser=pid(ALICE), chat=None, message=mid, press_id=press_id,
                                payload=payload)
    await gateway.answer_press(press.press_id, press.presser, press.where, "Одобрено")
    assert [(a["callback_id"], a["notification"]) for a in emu.callback_answers] == [(press_id, "Одобрено")]

    chat = emu.add_chat("5А класс", [ALICE, BOB])
    in_chat = await gateway.send(cid(chat), "Голосование", buttons=CARD, dedup=2)
    assert in_chat is not None
    await emu.press_button(BOB, in_chat, payload)
    press = await feed.next()
    assert (press.presser, press.chat, press.where, press.message) == (pid(BOB), cid(chat), cid(chat), in_chat)


async def test_start_members_and_the_bot_itself(emu: MaxEmulator, feed: Feed) -> None:
    chat = emu.add_chat("5А класс", [ALICE, BOB], admins=[ALICE])
    link = emu.chat_link(chat)
    assert link is not None
    await emu.user_starts_bot(DAN, "inv-abc")
    await emu.user_starts_bot(BOB)
    await emu.user_joins_by_link(DAN, link)
    await emu.user_added(chat, CAROL, by=ALICE)
    await emu.user_leaves(chat, DAN)
    await emu.admin_removes(chat, CAROL, by=ALICE)
    other = emu.add_chat("7Б класс", [ALICE], bot_member=False)
    await emu.bot_added_to_chat(other, ALICE)
    await emu.bot_removed_from_chat(other, ALICE)
    assert await feed.wait(8) == [
        Started(platform=P.MAX, person=pid(DAN), payload="inv-abc"),
        Started(platform=P.MAX, person=pid(BOB), payload=""),
        MemberJoined(platform=P.MAX, chat=cid(chat), member=pid(DAN), by=None),
        MemberJoined(platform=P.MAX, chat=cid(chat), member=pid(CAROL), by=pid(ALICE)),
        MemberLeft(platform=P.MAX, chat=cid(chat), member=pid(DAN), by=None),
        MemberLeft(platform=P.MAX, chat=cid(chat), member=pid(CAROL), by=pid(ALICE)),
        BotAdded(platform=P.MAX, chat=cid(other), by=pid(ALICE), title=""),
        BotRemoved(platform=P.MAX, chat=cid(other), by=pid(ALICE)),
    ]


async def test_poll_resumes_from_a_saved_marker(emu: MaxEmulator) -> None:
    first = new_adapter(emu)
    await first.connect()
    running = Feed(first)
    await emu.user_writes(ALICE, "до остановки")
    await running.wait(1)
    saved = running.positions[-1]
    await running.stop()
    await first.close()

    await emu.user_writes(ALICE, "пока бот стоял")
    await emu.user_starts_bot(BOB, "inv-1")
    second = new_adapter(emu)
    await second.connect()
    resumed = Feed(second, saved)
    events = await resumed.wait(2)
    await asyncio.sleep(0.2)
    assert [getattr(e, "text", None) or getattr(e, "payload", None) for e in resumed.events] == [
        "пока бот стоял", "inv-1"]
    assert events[0].author == pid(ALICE)
    await resumed.stop()
    await second.close()


def test_mentions_and_a_leading_address_to_the_bot() -> None:
    """MAX shows a mention as text and marks it with `user_mention` markup (UTF-16 offsets); the
    emulator sends no markup, so these updates are written by hand in MAX's shape."""
    me = Identity(user_id=590_000_001, username="school56_bot", name="Школьный бот")
    directory = Directory()
    directory.learn_user(MaxUser(user_id=BOB, first_name="Пётр", username="petr"))
    text = "@school56_bot, 🙂 позови @petr и Марию"
    markup = [
        {"type": "user_mention", "from": 0, "length": 13, "user_link": "@school56_bot"},
        {"type": "strong", "from": 15, "length": 2},
        {"type": "user_mention", "from": 25, "length": 5, "user_link": "@petr"},
        {"type": "user_mention", "from": 33, "length": 5, "user_id": CAROL},
        {"type": "user_mention", "from": 500, "length": 5, "user_id": DAN},  # out of the text: ignored
        "broken",
    ]
    raw = {"update_type": "message_created", "timestamp": 1_760_000_000_000, "message": {
        "sender": {"user_id": ALICE, "first_name": "Анна", "is_bot": False},
        "recipient": {"chat_id": -70_000_000_000_001, "chat_type": "chat"},
        "timestamp": 1_760_000_000_000, "body": {"mid": "mid.1", "seq": 1, "text": text, "markup": markup}}}
    update = parse_update(raw)
    assert update is not None
    incoming = translate(update, raw, me=me, directory=directory)
    assert incoming is not None
    event = incoming.event
    assert isinstance(event, MessageIn)
    assert event.text == "🙂 позови @petr и Марию"
    assert event.mentions == (Mention(person=pid(BOB), start=9, end=14), Mention(person=pid(CAROL), start=17, end=22))
    assert [event.text[m.start:m.end] for m in event.mentions] == ["@petr", "Марию"]

    by_hand = {**raw, "message": {**raw["message"], "body": {"mid": "mid.2", "text": "  @School56_bot /help"}}}
    typed = translate(parse_update(by_hand), by_hand, me=me, directory=directory)  # type: ignore[arg-type]
    assert typed is not None and typed.event.text == "/help"  # type: ignore[union-attr]


def test_odd_fields_never_lose_an_update() -> None:
    me = Identity(user_id=590_000_001, username="school56_bot", name="")
    raw = {"update_type": "message_created", "timestamp": 5, "brand_new_field": {"x": 1}, "message": {
        "sender": {"user_id": ALICE, "is_bot": "perhaps"},  # no first_name, a bool that is not one
        "recipient": {"chat_id": 80_000_000_001, "chat_type": "dialog", "user_id": 590_000_001},
        "body": {"mid": 12345, "text": "есть", "attachments": {"not": "a list"}, "markup": 7}}}
    update = parse_update(raw)
    assert update is not None
    incoming = translate(update, raw, me=me, directory=Directory())
    assert incoming is not None
    event = incoming.event
    assert isinstance(event, MessageIn)
    assert (event.author, event.chat, event.text, event.message) == (pid(ALICE), None, "есть", "12345")
    assert event.attachments_unreadable and event.mentions == ()
    assert translate(parse_update({"update_type": "dialog_muted", "timestamp": 1}), {}, me=me,
                     directory=Directory()) is None


# --- the gateway --------------------------------------------------------------------------------
async def test_send_edit_and_keyboards(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    gateway = adapter.gateway
    mid = await gateway.send(pid(ALICE), "Заявка №7 от @anna", buttons=CARD, dedup=10)
    shown = emu.bot_messages(ALICE)[-1]
    assert shown["body"]["mid"] == mid
    assert shown["body"]["text"] == "Заявка №7 от @\u2060anna"  # never a ping
    assert emu.calls("POST /messages")[-1].query == {"user_id": str(ALICE)}
    rows = keyboard_of(shown)
    assert rows is not None
    assert [[(b["type"], b["text"]) for b in row] for row in rows] == [
        [("callback", "Одобрить"), ("callback", "Отклонить")], [("message", "Помощь")]]
    assert (rows[0][0].get("intent"), rows[0][1].get("intent")) == ("positive", "negative")

    assert mid is not None
    await gateway.edit(pid(ALICE), mid, "Заявка №7 одобрена", buttons=Buttons(rows=[[Button(label="Отменить",
                                                                                              payload={"u": 7})]]))
    assert [b["text"] for b in keyboard_of(emu.bot_messages(ALICE)[-1])[0]] == ["Отменить"]  # type: ignore[index]
    await gateway.edit(pid(ALICE), mid, "Заявка №7 одобрена.", buttons=None)
    after = emu.bot_messages(ALICE)[-1]
    assert (after["body"]["text"], keyboard_of(after), after["edited"]) == ("Заявка №7 одобрена.", None, True)

    chat = emu.add_chat("5А класс", [ALICE])
    menu = Buttons(rows=[[Button(label="Мои чаты"), Button(label="Помощь")]], menu=True)
    await gateway.send(cid(chat), "я" * 4100, buttons=menu, dedup=11)
    in_chat = emu.bot_messages(chat)[-1]
    assert emu.calls("POST /messages")[-1].query == {"chat_id": str(chat)}
    assert len(in_chat["body"]["text"]) == MAX_CAPABILITIES.message_limit == 4000
    assert [b["type"] for b in keyboard_of(in_chat)[0]] == ["message", "message"]  # type: ignore[index]


async def test_delete_remove_and_chat_reads(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    gateway = adapter.gateway
    chat = emu.add_chat("5А класс", [ALICE, BOB, DAN], admins=[ALICE])
    bad = await emu.user_writes(BOB, "плохое слово", chat_id=chat)
    await gateway.delete(cid(chat), bad["body"]["mid"])
    assert emu.messages(chat)[-1]["deleted"]

    await gateway.remove_member(cid(chat), pid(BOB), block=True)
    assert BOB not in emu.chat_members(chat)
    assert emu.calls("DELETE /chats/{chatId}/members")[-1].query["block"] == "true"
    with pytest.raises(ValueError, match="blocked"):
        await emu.user_joins_by_link(BOB, emu.chat_link(chat) or "")
    await gateway.remove_member(cid(chat), pid(DAN), block=False)
    with pytest.raises(GatewayError) as caught:
        await gateway.remove_member(cid(chat), pid(DAN), block=False)
    assert caught.value.problem is Problem.NOT_IN_CHAT

    assert await gateway.chat_link(cid(chat)) == emu.chat_link(chat)
    with pytest.raises(GatewayError) as caught:
        await gateway.chat_link(cid(chat), reset=True)
    assert caught.value.problem is Problem.UNSUPPORTED and not MAX_CAPABILITIES.reset_link
    no_link = emu.add_chat("Без ссылки", [ALICE], with_link=False)
    with pytest.raises(GatewayError) as caught:
        await gateway.chat_link(cid(no_link))
    assert caught.value.problem is Problem.NOT_FOUND
    assert await gateway.chat_title(cid(chat)) == "5А класс"


async def test_members_pages_rights_and_names(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    gateway = adapter.gateway
    crowd = list(range(1000, 1130))
    chat = emu.add_chat("Родители 5А", crowd)
    found: list[PersonId] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await gateway.members(cid(chat), cursor)
        found.extend(page.members)
        pages += 1
        cursor = page.cursor
        if cursor is None:
            break
    assert pages == 2 and found == [pid(i) for i in crowd]  # the bot is not a person
    names = await gateway.profiles([pid(1000), pid(ALICE), pid(99)])
    assert names[pid(1000)].name == "Пользователь 1000"
    assert names[pid(99)].name == ""
    assert gateway.profile_link(pid(ALICE), "Анна Иванова") == "Анна Иванова (MAX, id 101)"
    assert gateway.parse_profile_link("Анна Иванова (MAX, id 101)") == pid(ALICE)
    assert gateway.parse_profile_link("https://max.ru/anna") is None  # a username the bot has not seen
    await gateway.members(cid(emu.add_chat("Знакомство", [ALICE])))
    assert gateway.parse_profile_link("https://max.ru/anna") == pid(ALICE)
    assert gateway.parse_profile_link("https://vk.com/id1") is None

    assert await gateway.bot_rights(cid(chat)) == await gateway.bot_rights(cid(chat))
    full = await gateway.bot_rights(cid(chat))
    assert (full.is_admin, full.reads_all, full.can_delete, full.can_remove) == (True, True, True, True)
    emu.set_bot_permissions(chat, ["read_all_messages", "delete"])
    part = await gateway.bot_rights(cid(chat))
    assert (part.is_admin, part.reads_all, part.can_delete, part.can_remove) == (True, True, True, False)
    emu.set_bot_permissions(chat, [])
    plain = await gateway.bot_rights(cid(chat))
    assert (plain.is_admin, plain.reads_all, plain.can_write) == (False, False, True)
    outside = emu.add_chat("Чужой", [ALICE], bot_member=False)
    assert (await gateway.bot_rights(cid(outside))).can_write is False


async def test_refusals_become_problems(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    gateway = adapter.gateway

    async def problem(coro: Any) -> Problem:
        with pytest.raises(GatewayError) as caught:
            await coro
        return caught.value.problem

    assert await problem(gateway.send(pid(CAROL), "Здравствуйте", buttons=None, dedup=20)) is Problem.BLOCKED
    await emu.user_writes(DAN, "привет")
    await emu.user_stops_bot(DAN)
    assert await problem(gateway.send(pid(DAN), "Здравствуйте", buttons=None, dedup=21)) is Problem.BLOCKED
    outside = emu.add_chat("Чужой", [ALICE], bot_member=False)
    assert await problem(gateway.send(cid(outside), "Здравствуйте", buttons=None, dedup=22)) is Problem.NOT_ADMIN
    chat = emu.add_chat("5А класс", [ALICE, BOB], bot_permissions=["read_all_messages"])
    said = await emu.user_writes(BOB, "что-то", chat_id=chat)
    assert await problem(gateway.delete(cid(chat), said["body"]["mid"])) is Problem.NOT_ADMIN
    assert await problem(gateway.remove_member(cid(chat), pid(BOB), block=False)) is Problem.NOT_ADMIN
    assert await problem(gateway.delete(cid(chat), "mid.00000000000000000000000000000000")) is Problem.NOT_FOUND
    emu.fail_next("POST /messages", 400)
    assert await problem(gateway.send(cid(chat), "текст", buttons=None, dedup=23)) is Problem.REJECTED
    emu.fail_next("POST /messages", 500, times=ATTEMPTS)
    assert await problem(gateway.send(cid(chat), "текст", buttons=None, dedup=24)) is Problem.TRANSIENT
    assert emu.bot_messages(chat) == []


# --- faults: retries without duplicates ---------------------------------------------------------
@pytest.mark.parametrize("status", [429, 502, 503])
async def test_server_errors_are_retried_once_sent(emu: MaxEmulator, adapter: MaxAdapter, status: int) -> None:
    chat = emu.add_chat("5А класс", [ALICE])
    emu.fail_next("POST /messages", status)
    mid = await adapter.gateway.send(cid(chat), "Напоминание", buttons=None, dedup=30)
    shown = emu.bot_messages(chat)
    assert [m["body"]["mid"] for m in shown] == [mid]
    assert [r.status for r in emu.calls("POST /messages")] == [status, 200]


async def test_dropped_send_to_a_chat_is_not_sent_twice(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    chat = emu.add_chat("5А класс", [ALICE])
    await adapter.gateway.send(cid(chat), "Напоминание", buttons=None, dedup=40)  # same text, earlier: not it
    emu.drop_next("POST /messages")
    mid = await adapter.gateway.send(cid(chat), "Напоминание", buttons=None, dedup=41)
    shown = emu.bot_messages(chat)
    assert len(shown) == 2 and shown[-1]["body"]["mid"] == mid
    assert len(emu.calls("POST /messages")) == 2 and emu.calls("GET /messages")


async def test_dropped_send_to_a_person_is_not_sent_twice(emu: MaxEmulator, adapter: MaxAdapter,
                                                          feed: Feed) -> None:
    await emu.user_writes(ALICE, "привет")  # the dialog is learned from the update
    await feed.wait(1)
    emu.drop_next("POST /messages")
    mid = await adapter.gateway.send(pid(ALICE), "Ответ", buttons=None, dedup=50)
    assert [m["body"]["mid"] for m in emu.bot_messages(ALICE)] == [mid]
    assert emu.calls("GET /messages")[-1].query["chat_id"] == str(emu.dialog_id(ALICE))

    await adapter.gateway.send(pid(BOB), "Первое", buttons=None, dedup=51)  # learned from the send's answer
    emu.drop_next("POST /messages")
    await adapter.gateway.send(pid(BOB), "Второе", buttons=None, dedup=52)
    assert [m["body"]["text"] for m in emu.bot_messages(BOB)] == ["Первое", "Второе"]


async def test_an_outbox_retry_after_a_lost_answer_does_not_resend(emu: MaxEmulator) -> None:
    short = new_adapter(emu, retry_attempts=2)
    await short.connect()
    chat = emu.add_chat("5А класс", [ALICE])
    emu.drop_next("POST /messages")
    emu.fail_next("GET /messages", 503)  # the check before the resend fails too: give up for now
    with pytest.raises(GatewayError) as caught:
        await short.gateway.send(cid(chat), "Итоги", buttons=None, dedup=60)
    assert caught.value.transient
    mid = await short.gateway.send(cid(chat), "Итоги", buttons=None, dedup=60)  # the outbox tries again
    assert [m["body"]["mid"] for m in emu.bot_messages(chat)] == [mid]
    assert len(emu.calls("POST /messages")) == 1
    assert await short.gateway.send(cid(chat), "Итоги", buttons=None, dedup=60) == mid  # and again: remembered
    await short.close()


async def test_dropped_delete_answer_and_slow_reads(emu: MaxEmulator) -> None:
    patient = new_adapter(emu, request_timeout=0.3)
    await patient.connect()
    gateway = patient.gateway
    chat = emu.add_chat("5А класс", [ALICE, BOB])
    said = await emu.user_writes(BOB, "удалить", chat_id=chat)
    emu.drop_next("DELETE /messages")
    await gateway.delete(cid(chat), said["body"]["mid"])  # the retry's 404 means the first one did it
    assert emu.messages(chat)[-1]["deleted"]
    emu.drop_next("DELETE /chats/{chatId}/members")
    await gateway.remove_member(cid(chat), pid(BOB), block=False)
    assert BOB not in emu.chat_members(chat)

    mid = await gateway.send(cid(chat), "Голосование", buttons=CARD, dedup=70)
    assert mid is not None
    payload = keyboard_of(emu.bot_messages(chat)[-1])[0][0]["payload"]  # type: ignore[index]
    press_id = await emu.press_button(ALICE, mid, payload)
    emu.drop_next("POST /answers")
    await gateway.answer_press(press_id, pid(ALICE), cid(chat), "Принято")
    assert len(emu.callback_answers) == 1

    emu.delay_next("GET /chats/{chatId}", 1.0)  # longer than a call may take: a timeout, retried
    assert await gateway.chat_title(cid(chat)) == "5А класс"
    assert len(emu.calls("GET /chats/{chatId}")) == 2
    await patient.close()


async def test_never_more_than_30_requests_a_second(emu: MaxEmulator, adapter: MaxAdapter) -> None:
    chat = emu.add_chat("5А класс", [ALICE])
    emu.delay_next("POST /messages", 0.15, times=80)  # latency: requests arrive later than they leave
    started = len(emu.requests)
    await asyncio.gather(*(adapter.gateway.send(cid(chat), f"№{i}", buttons=None, dedup=100 + i)
                           for i in range(80)))
    arrivals = sorted(r.at for r in emu.requests[started:])
    busiest = max(sum(1 for t in arrivals[i:] if t - start < 1.0) for i, start in enumerate(arrivals))
    assert busiest <= 30, busiest
    assert all(r.status == 200 for r in emu.requests[started:])  # no 429
    assert len(emu.bot_messages(chat)) == 80


async def test_the_token_stays_on_the_api_host_and_out_of_logs(
    emu: MaxEmulator, adapter: MaxAdapter, feed: Feed, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str | None] = []

    async def elsewhere(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/upload", elsewhere)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "localhost", 0)  # another origin than the API's 127.0.0.1
    await site.start()
    port = runner.addresses[0][1]
    session = await adapter.api._client().ensure_session()  # the session maxapi's upload would use
    async with session.post(f"http://localhost:{port}/upload", data=b"file") as response:
        assert response.status == 200
    await runner.cleanup()
    assert seen == [None]

    caplog.set_level(logging.DEBUG)
    emu.fail_next("POST /messages", 503)
    await adapter.gateway.send(pid(ALICE), "секретный текст", buttons=None, dedup=90)
    await emu.user_writes(ALICE, "личное сообщение")
    await feed.wait(1)
    assert caplog.records  # the retry was logged …
    assert "секретный текст" not in caplog.text and "личное сообщение" not in caplog.text  # … without content
    assert TOKEN not in caplog.text


# --- webhook mode and long poll exclude each other --------------------------------------------------
OUR_HOOK = "https://bot.school56.example/max/webhook"


async def test_webhook_mode_subscribes_and_reads_a_delivery(emu: MaxEmulator) -> None:
    hooked = new_adapter(emu, mode="webhook", webhook_url=OUR_HOOK, webhook_secret="our_secret-1")
    await hooked.connect()
    await hooked.open_webhook()
    assert emu.subscription is not None and emu.subscription["url"] == OUR_HOOK
    assert emu.subscription["secret"] == "our_secret-1" and hooked.connected.is_set()
    update = {"update_type": "bot_started", "timestamp": 1_700_000_000_000, "chat_id": 77,
              "user": {"user_id": ALICE, "first_name": "Анна", "is_bot": False, "last_activity_time": 0}}
    body = json.dumps(update).encode()
    assert hooked.read_webhook({}, body).status == 403
    reply = hooked.read_webhook({"X-Max-Bot-Api-Secret": "our_secret-1"}, body)
    assert reply.status == 200 and reply.batch is not None
    (incoming,) = reply.batch.updates
    assert isinstance(incoming.event, Started) and incoming.event.person == pid(ALICE)
    await hooked.close()


async def test_long_poll_mode_removes_the_bots_own_subscription(emu: MaxEmulator) -> None:
    hooked = new_adapter(emu, mode="webhook", webhook_url=OUR_HOOK)
    await hooked.connect()
    await hooked.open_webhook()
    await hooked.close()
    polling = new_adapter(emu, webhook_url=OUR_HOOK)
    await polling.connect()
    assert emu.subscription is None
    await polling.close()


async def test_long_poll_mode_leaves_someone_elses_subscription_and_says_so(emu: MaxEmulator) -> None:
    hooked = new_adapter(emu, mode="webhook", webhook_url="https://elsewhere.example/hook")
    await hooked.connect()
    await hooked.open_webhook()
    await hooked.close()
    polling = new_adapter(emu, webhook_url=OUR_HOOK)
    with pytest.raises(NoUpdatesAccess, match="subscription is active"):
        await polling.connect()
    assert emu.subscription is not None and emu.subscription["url"] == "https://elsewhere.example/hook"
    await polling.close()
