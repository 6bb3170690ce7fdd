"""Confidential complaints, the pure decisions (bot/complaints.py): what is a complaint, where its
card may go, what a DM complaint is about, what a card may quote."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.complaints import (
    AdminChat,
    class_teacher_to_tell,
    complaint_recipients,
    described_complaint,
    forwarded_complaint,
    is_complaint_word,
    masked_for_card,
)
from bot.moderation import default_checker
from bot.port.events import Quoted
from bot.port.ids import ChatId, PersonId
from bot.roles import Role

ADMIN, ADMIN2, EXTRA = PersonId("vk:1001"), PersonId("vk:1009"), PersonId("vk:1010")
TEACHER, PARENT = PersonId("vk:1002"), PersonId("vk:1003")
ROOM = ChatId("vk:2000000007")


@pytest.mark.parametrize("text", ["жалоба", "Жалоба", "ЖАЛОБА!", " жалоба. ", "пожаловаться", "Жалуюсь!!!",
                                  "«жалоба»"])
def test_a_bare_complaint_word_is_a_complaint(text: str) -> None:
    assert is_complaint_word(text)


@pytest.mark.parametrize("text", ["жалоба на погоду", "у меня есть жалоба", "жалобы", "пожаловаться бы",
                                  "не жалоба", "жалобная книга", "", "ну и жалоба"])
def test_conversation_mentioning_a_complaint_is_not_one(text: str) -> None:
    """In a chat only the exact word in reply counts: people talk about complaints too."""
    assert not is_complaint_word(text)


def test_a_described_complaint_keeps_its_words() -> None:
    assert described_complaint("Жалоба: в чате 5А меня оскорбляют") == "в чате 5А меня оскорбляют"
    assert described_complaint("пожаловаться — учитель кричит") == "учитель кричит"
    assert described_complaint("жалоба") is None and described_complaint("жалобы на учителя") is None


def test_a_forwarded_complaint_is_about_the_first_author() -> None:
    found = forwarded_complaint((Quoted(author=TEACHER, message=None, text="ты дурак"),
                                 Quoted(author=PARENT, message=None, text="и ты")), PARENT)
    assert found is not None and found.author == TEACHER and found.text == "ты дурак / и ты" and not found.own
    own = forwarded_complaint((Quoted(author=PARENT, message=None, text="моё"),), PARENT)
    assert own is not None and own.own
    hidden = forwarded_complaint((Quoted(author=None, message=None, text="скрыт автор"),), PARENT)
    assert hidden is not None and hidden.author is None
    assert forwarded_complaint((), PARENT) is None


def test_the_administration_chat_is_used_only_when_the_accused_is_not_in_it() -> None:
    out = AdminChat(id=ROOM, accused_member=False)
    inside = AdminChat(id=ROOM, accused_member=True)
    unknown = AdminChat(id=ROOM, accused_member=None)
    common = {"accused_roles": frozenset({Role.TEACHER}), "order_admins": [ADMIN, ADMIN2]}
    assert complaint_recipients(accused=TEACHER, admin_chats=[out], **common) == [ROOM]  # type: ignore[arg-type]
    assert complaint_recipients(accused=TEACHER, admin_chats=[inside], **common) == [ADMIN, ADMIN2]  # type: ignore[arg-type]
    assert complaint_recipients(accused=TEACHER, admin_chats=[unknown], **common) == [ADMIN, ADMIN2]  # type: ignore[arg-type]
    assert complaint_recipients(accused=TEACHER, admin_chats=[], **common) == [ADMIN, ADMIN2]  # type: ignore[arg-type]


@pytest.mark.parametrize("role", [Role.ADMINISTRATION, Role.EXTRA_ADMIN, Role.ADMIN])
def test_a_complaint_about_management_never_goes_to_their_chat(role: Role) -> None:
    """They may sit in the administration chat under another messenger's account."""
    sent = complaint_recipients(accused=TEACHER, accused_roles=frozenset({role}),
                                admin_chats=[AdminChat(id=ROOM, accused_member=False)], order_admins=[ADMIN])
    assert sent == [ADMIN]


def test_an_accused_administrator_never_gets_the_card() -> None:
    assert complaint_recipients(accused=ADMIN, accused_roles=frozenset({Role.ADMIN}), admin_chats=[],
                                order_admins=[ADMIN, ADMIN2]) == [ADMIN2]
    # the only order administrator is accused: the additional administrators read it
    assert complaint_recipients(accused=ADMIN, accused_roles=frozenset({Role.ADMIN}), admin_chats=[],
                                order_admins=[ADMIN], extra_admins=[EXTRA, ADMIN]) == [EXTRA]
    assert complaint_recipients(accused=ADMIN, accused_roles=frozenset({Role.ADMIN}), admin_chats=[],
                                order_admins=[ADMIN]) == []


def test_a_described_complaint_goes_to_the_administrators_by_dm() -> None:
    """Nobody can check whom a description is about: no chat at all."""
    assert complaint_recipients(accused=None, accused_roles=frozenset(),
                                admin_chats=[AdminChat(id=ROOM, accused_member=False)],
                                order_admins=[ADMIN]) == [ADMIN]


def test_the_class_teacher_is_told_unless_accused_or_complaining() -> None:
    assert class_teacher_to_tell(TEACHER, accused=PARENT, complainant=ADMIN) == TEACHER
    assert class_teacher_to_tell(TEACHER, accused=TEACHER, complainant=PARENT) is None
    assert class_teacher_to_tell(TEACHER, accused=PARENT, complainant=TEACHER) is None
    assert class_teacher_to_tell(None, accused=PARENT, complainant=ADMIN) is None


def test_what_a_card_quotes_is_masked_and_short() -> None:
    check = default_checker().check
    text = "ты бл*ть дурак, звони +7 912 345-67-89, пиши a.b@mail.ru, [id5|Петя] " + "бла " * 200
    masked = masked_for_card(text, check, 300)
    assert len(masked) <= 300 and "бл*ть" not in masked and "345-67-89" not in masked
    assert "a.b@mail.ru" not in masked and "[id5" not in masked and "Петя" in masked


@given(st.text(max_size=3000))
def test_masked_quotes_never_exceed_the_limit(text: str) -> None:
    assert 0 < len(masked_for_card(text, default_checker().check, 300)) <= 300
