"""Hostile input, property-based: whatever arrives, nothing raises but a polite refusal.

- every declared command's parser, on any arguments (odd Unicode, 100,000 characters): a result
  or BadCommand, never another exception;
- button payloads as a forging client could send them;
- VK and MAX updates mutated from real shapes (fields dropped, replaced by any JSON, wrong types):
  the translators never raise, and every event they produce survives the inbox (stored as JSON
  and read back equal), so a malformed attachment can never leave a person without an answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.buttons import parse_payload
from bot.commands import parse_command
from bot.commands.spec import CommandInput
from bot.commands.table import COMMANDS
from bot.errors import BotError
from bot.max.api import Identity
from bot.max.directory import Directory
from bot.max.updates import learn, parse_update
from bot.max.updates import translate as max_translate
from bot.membership.users import UserRefContext
from bot.port.events import Incoming, Mention, dump_event, load_event
from bot.port.ids import PersonId, Platform
from bot.vk.translate import translate as vk_translate
from tests.fuzzing import examples

GROUP_ID = 56
ME = Identity(user_id=9000, username="school56_bot", name="Бот школы")

ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from([
    "", " ", "\u200b\u200b", "‮/помощь", "/пригласить\x00родитель 5А", "／помощь", "/" * 5000,
    "/исключить @", "/пригласить родитель 5" + "А" * 3000, "😀" * 2000, "\ud7ff\ue000\U0010ffff",
    "[id1|x] " * 500, "/перевести id1 " + "9" * 400, "ё" * 100_000, "/подписи " + "\n" * 10_000,
])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


# --- commands and buttons --------------------------------------------------------------------------
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=ODD_TEXT, mention_at=st.integers(min_value=-5, max_value=400))
def test_every_command_parser_answers_or_refuses_politely(args: str, mention_at: int) -> None:
    mentions = (Mention(person=PersonId("vk:1003"), start=mention_at, end=mention_at + 3),)
    refs = UserRefContext(platform=Platform.VK, mentions=mentions, reply_author=PersonId("vk:1004"),
                          profile_link=lambda _: None)
    given_input = CommandInput(args=args.strip(), raw_args=args, refs=refs)
    for spec in COMMANDS:
        try:
            spec.parse(given_input)
        except BotError as refusal:
            assert refusal.text.strip()  # a refusal always says something


def test_a_hundred_thousand_characters_are_read_as_fast_as_a_short_command() -> None:
    for text in ("/пригласить " + "а" * 100_000, "а" * 100_000, "/" + "я" * 100_000, " " * 100_000 + "/помощь"):
        parse_command(text)  # bounded: the parser reads only a prefix (timing lives in bench/)


@settings(max_examples=examples(300), deadline=None)
@given(JSON.map(json.dumps) | st.text(max_size=200))
def test_forged_button_payloads_are_stale_or_valid(raw: str) -> None:
    payload = parse_payload(raw)
    if payload is not None:
        assert isinstance(payload.a, str) and isinstance(payload.id, int)


# --- platform updates -----------------------------------------------------------------------------
VK_MESSAGE: dict[str, Any] = {
    "date": 1_764_000_000, "from_id": 1003, "id": 0, "peer_id": 2_000_000_001, "conversation_message_id": 5,
    "text": "[club56|@school56], [id1004|Петя] /правила", "payload": "{\"command\":\"start\"}", "ref": "AB12-CD34",
    "attachments": [
        {"type": "photo", "photo": {"id": 1, "owner_id": 1003, "sizes": [{"type": "x", "url": "https://p/x.jpg"}]}},
        {"type": "doc", "doc": {"title": "справка.pdf", "url": "https://d/1", "size": 1024, "ext": "pdf"}},
        {"type": "sticker", "sticker": {"sticker_id": 5}},
    ],
    "fwd_messages": [{"from_id": 1005, "text": "переслано", "date": 1_764_000_000, "conversation_message_id": 2}],
    "reply_message": {"from_id": 1006, "text": "ответ", "date": 1_764_000_000, "conversation_message_id": 3},
    "action": {"type": "chat_invite_user", "member_id": 1010},
}
VK_UPDATES: list[dict[str, Any]] = [
    {"type": "message_new", "event_id": "e1", "v": "5.199", "group_id": GROUP_ID,
     "object": {"message": VK_MESSAGE, "client_info": {"keyboard": True, "inline_keyboard": True}}},
    {"type": "message_new", "event_id": "e2", "v": "5.199", "group_id": GROUP_ID,
     "object": {"message": {**VK_MESSAGE, "peer_id": 1003, "action": None}}},
    {"type": "message_edit", "event_id": "e3", "v": "5.199", "group_id": GROUP_ID, "object": VK_MESSAGE},
    {"type": "message_event", "event_id": "e4", "v": "5.199", "group_id": GROUP_ID,
     "object": {"user_id": 1003, "peer_id": 2_000_000_001, "event_id": "ev1", "payload": {"a": "req_approve", "id": 3},
                "conversation_message_id": 5}},
]
MAX_USER = {"user_id": 1003, "first_name": "Мария", "last_name": "Петрова", "is_bot": False,
            "last_activity_time": 1_764_000_000_000}
MAX_MESSAGE: dict[str, Any] = {
    "sender": MAX_USER, "timestamp": 1_764_000_000_000,
    "recipient": {"chat_id": -70001, "chat_type": "chat", "user_id": None},
    "body": {"mid": "mid.1", "seq": 1, "text": "@school56_bot, /правила Петя",
             "attachments": [{"type": "image", "payload": {"url": "https://i/1", "token": "t1"}},
                             {"type": "file", "payload": {"url": "https://f/1"}, "filename": "a.pdf", "size": 5},
                             {"type": "inline_keyboard", "payload": {"buttons": []}}],
             "markup": [{"type": "user_mention", "from": 23, "length": 4, "user_id": 1004}]},
    "link": {"type": "reply", "sender": {**MAX_USER, "user_id": 1006}, "chat_id": -70001,
             "message": {"mid": "mid.0", "seq": 0, "text": "вопрос"}},
}
MAX_UPDATES: list[dict[str, Any]] = [
    {"update_type": "message_created", "timestamp": 1_764_000_000_000, "message": MAX_MESSAGE, "user_locale": "ru"},
    {"update_type": "message_edited", "timestamp": 1_764_000_000_001, "message": MAX_MESSAGE},
    {"update_type": "message_callback", "timestamp": 1_764_000_000_002, "message": MAX_MESSAGE,
     "callback": {"callback_id": "cb1", "payload": "{\"a\":\"req_approve\",\"id\":3}", "user": MAX_USER,
                  "timestamp": 1_764_000_000_002}},
    {"update_type": "bot_started", "timestamp": 1_764_000_000_003, "chat_id": 5, "user": MAX_USER,
     "payload": "AB12-CD34"},
    {"update_type": "user_added", "timestamp": 1_764_000_000_004, "chat_id": -70001, "user": MAX_USER,
     "inviter_id": 1001, "is_channel": False},
    {"update_type": "bot_added", "timestamp": 1_764_000_000_005, "chat_id": -70001, "user": MAX_USER},
]


def mutate(data: st.DataObject, value: Any, depth: int = 0) -> Any:
    """The real shape with some fields dropped, some replaced by any JSON, some of the wrong type."""
    roll = data.draw(st.integers(min_value=0, max_value=11))
    if roll == 0:
        return data.draw(JSON)
    if roll == 1 and depth > 0:
        return data.draw(st.sampled_from([None, "", 0, -1, 2**63, [], {}, "x" * 5000, True]))
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if data.draw(st.integers(min_value=0, max_value=9)) == 0:
                continue
            out[key] = mutate(data, inner, depth + 1)
        return out
    if isinstance(value, list):
        items = [mutate(data, inner, depth + 1) for inner in value]
        return items + data.draw(st.lists(JSON, max_size=2))
    return value


def survives_the_inbox(found: Incoming | None) -> None:
    if found is None:
        return
    assert isinstance(found.key, str) and found.key
    assert load_event(dump_event(found.event)) == found.event


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), template=st.sampled_from(VK_UPDATES))
def test_vk_updates_of_any_shape_never_raise_and_survive_the_inbox(data: st.DataObject,
                                                                   template: dict[str, Any]) -> None:
    update = mutate(data, template)
    survives_the_inbox(vk_translate(update, GROUP_ID))


@settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), template=st.sampled_from(MAX_UPDATES))
def test_max_updates_of_any_shape_never_raise_and_survive_the_inbox(data: st.DataObject,
                                                                    template: dict[str, Any]) -> None:
    raw = mutate(data, template)
    update = parse_update(raw)
    if update is None:
        return
    directory = Directory()
    learn(update, directory, ME.user_id)
    found = max_translate(update, raw, me=ME, directory=directory)
    survives_the_inbox(found)


def test_the_templates_themselves_are_read() -> None:
    """The mutations start from shapes the translators really read (else the properties prove little)."""
    assert all(vk_translate(u, GROUP_ID) is not None for u in VK_UPDATES)
    for raw in MAX_UPDATES:
        update = parse_update(raw)
        assert update is not None
        assert max_translate(update, raw, me=ME, directory=Directory()) is not None, raw["update_type"]


# --- a broken part never loses the message ------------------------------------------------------------
VK_DM = {"type": "message_new", "event_id": "e9", "v": "5.199", "group_id": GROUP_ID,
         "object": {"message": {**VK_MESSAGE, "peer_id": 1003, "action": None}}}


@settings(max_examples=examples(300), deadline=None)
@given(field=st.sampled_from(["attachments", "fwd_messages", "reply_message", "payload", "ref", "action",
                              "geo", "keyboard"]),
       junk=JSON)
def test_vk_a_message_with_a_broken_part_is_still_a_message(field: str, junk: Any) -> None:
    update = json.loads(json.dumps(VK_DM))
    update["object"]["message"][field] = junk
    update["object"]["client_info"] = junk
    found = vk_translate(update, GROUP_ID)
    assert found is not None, f"a broken {field} lost the message"
    survives_the_inbox(found)


@settings(max_examples=examples(300), deadline=None)
@given(where=st.sampled_from([("body", "attachments"), ("body", "markup"), ("", "link"), ("", "stat"),
                              ("body", "seq")]),
       junk=JSON)
def test_max_a_message_with_a_broken_part_is_still_a_message(where: tuple[str, str], junk: Any) -> None:
    raw = json.loads(json.dumps(MAX_UPDATES[0]))
    parent = raw["message"][where[0]] if where[0] else raw["message"]
    parent[where[1]] = junk
    update = parse_update(raw)
    assert update is not None, f"a broken {where} lost the update"
    found = max_translate(update, raw, me=ME, directory=Directory())
    assert found is not None, f"a broken {where} lost the message"
    survives_the_inbox(found)


@pytest.mark.parametrize("args", ["²", "1²", "٣", "³⁄₄", "①", "12²"])
def test_digits_that_are_not_ascii_are_refused_or_read_never_a_crash(args: str) -> None:
    """str.isdigit() is true for «²», which int() cannot read: every parser must answer politely."""
    refs = UserRefContext(platform=Platform.VK, mentions=(), reply_author=None, profile_link=lambda _: None)
    for spec in COMMANDS:
        try:
            spec.parse(CommandInput(args=args, raw_args=args, refs=refs))
        except BotError as refusal:
            assert refusal.text.strip()
