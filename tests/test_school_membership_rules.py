"""Pure rules of issue 11: binding words and who blocks a staff room, the school year, the consent text."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.binding import (
    chats_text,
    families_in,
    families_refusal,
    normalise_bind_words,
    parse_bind_args,
    replace_question,
)
from bot.chats import BoundChat, ChatBinding, ChatPurpose
from bot.consent import MAX_CHARS, asked_text, declined_text, load_consent, version_of
from bot.errors import BadCommand, ConfigError
from bot.membership.groups import Group, SchoolClass
from bot.membership.roster import Membership
from bot.membership.school_year import (
    ClassContents,
    chat_leavers,
    graduation_preview,
    transfer_preview,
    transfer_refusal,
)
from bot.port.ids import ChatId, PersonId
from bot.roles import Role

C5A, C6A = SchoolClass(5, "А"), SchoolClass(6, "А")
NOW = datetime(2026, 9, 1, tzinfo=UTC)


@pytest.mark.parametrize(("said", "purpose", "label"), [
    ("учительскую", ChatPurpose.STAFF, None),
    ("как учительскую", ChatPurpose.STAFF, None),
    ("чат руководства", ChatPurpose.ADMINISTRATION, None),
    ("чат родителей 5А", ChatPurpose.CLASS_PARENTS, "5А"),
    ("родители 5 а", ChatPurpose.CLASS_PARENTS, "5А"),
    ("5А учеников", ChatPurpose.CLASS_STUDENTS, "5А"),
    ("ученический чат 5А", ChatPurpose.CLASS_STUDENTS, "5А"),
])
def test_binding_is_understood_in_russian_forms(said: str, purpose: ChatPurpose, label: str | None) -> None:
    binding = parse_bind_args(said)
    assert (binding.purpose, binding.class_label) == (purpose, label)


def test_binding_words_that_mean_nothing_are_refused() -> None:
    for said in ("", "кухня", "чат"):
        with pytest.raises(BadCommand):
            parse_bind_args(said)
    assert normalise_bind_words("чат для родителей 7Б") == "7Б родители"


def P(n: int) -> PersonId:
    return PersonId(f"vk:{n}")


def test_parents_and_pupils_block_a_staff_room_but_staff_who_are_parents_do_not() -> None:
    roles = {P(1): frozenset({Role.TEACHER, Role.PARENT}), P(2): frozenset({Role.PARENT}),
             P(3): frozenset({Role.STUDENT}), P(4): frozenset(), P(5): frozenset({Role.PARENT})}
    found = families_in(roles, admins=[P(5)])
    assert [(f.person, f.role) for f in found] == [(P(2), Role.PARENT), (P(3), Role.STUDENT)]
    text = families_refusal(ChatBinding(purpose=ChatPurpose.STAFF), found, {P(2): "Ольга (vk.com/id2)"})
    assert "Ольга (vk.com/id2) — родитель" in text and "vk:3 — ученик" in text and "только для сотрудников" in text


def test_a_replacement_question_and_the_list_of_chats() -> None:
    parents = BoundChat(id=ChatId("vk:2000000002"), binding=ChatBinding(purpose=ChatPurpose.CLASS_PARENTS,
                                                                          class_label="5А"), bound_by=P(1))
    staff = BoundChat(id=ChatId("max:-70"), binding=ChatBinding(purpose=ChatPurpose.STAFF), bound_by=P(1))
    question = replace_question(ChatBinding(purpose=ChatPurpose.STAFF), parents, [staff], {staff.id: "Учителя"})
    assert "Сейчас он привязан как чат родителей 5А" in question and "другой чат «Учителя»: он будет отвязан" in question
    listed = chats_text([staff, parents], {parents.id: "5А — родители"}, unbound=[ChatId("max:-71")])
    assert "• Учительская — MAX" in listed and "• чат родителей 5А — ВКонтакте: «5А — родители»" in listed
    assert "непривязанных чатах: max:-71" in listed
    assert "Привязанных чатов нет" in chats_text([], {})


def member(person: int, role: Role, group: Group) -> Membership:
    return Membership(id=person, person_id=P(person), role=role, group=group, since=NOW)


def test_the_school_year_refuses_what_would_mix_classes_and_says_what_it_does() -> None:
    chats = (BoundChat(id=ChatId("vk:1"), binding=ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label="5А"),
                       bound_by=P(1)),
             BoundChat(id=ChatId("vk:2"), binding=ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="5А"),
                       bound_by=P(1)),
             BoundChat(id=ChatId("vk:3"), binding=ChatBinding(purpose=ChatPurpose.SUBJECT, class_label="5А",
                                                               subject="физика"), bound_by=P(1)))
    old = ClassContents(school_class=C5A, chats=chats, pupils=25, class_teacher=P(9), invites=2, memberships=(
        member(4, Role.STUDENT, Group.of_class(C5A)), member(3, Role.PARENT, Group.of_class(C5A)),
        member(4, Role.STUDENT, Group.subject_group(C5A, "физика")),
        member(2, Role.TEACHER, Group.subject_group(C5A, "физика")), member(9, Role.CLASS_TEACHER, Group.of_class(C5A))))
    assert transfer_refusal(old, ClassContents(school_class=C6A)) is None
    assert "совпадают" in (transfer_refusal(old, old) or "")
    assert "никого нет" in (transfer_refusal(ClassContents(school_class=C6A), ClassContents(school_class=C5A)) or "")
    busy = ClassContents(school_class=C6A, pupils=1)
    assert "В 6А уже есть" in (transfer_refusal(old, busy) or "")
    preview = transfer_preview(old, C6A, "Елена (vk.com/id9)")
    assert "учеников: 1, родителей: 1, в списке класса: 25" in preview and "5А физика" in preview
    assert "будут аннулированы" in preview and "Чаты станут 6А" in preview
    assert "будут удалены из чатов класса" in graduation_preview(old, None)
    leavers = {(str(who), chat.binding.purpose.value) for who, chat in chat_leavers(old)}
    assert leavers == {("vk:4", "class_students"), ("vk:3", "class_parents"), ("vk:4", "subject")}  # not teachers


def test_the_consent_template_and_a_schools_own_text(tmp_path: Path) -> None:
    template = load_consent(None, "МБОУ «СШ № 56»")
    assert "МБОУ «СШ № 56»" in template.text and "{school}" not in template.text
    assert "/отозвать_согласие" in template.text and len(template.text) <= MAX_CHARS
    assert template.version == version_of(template.text) and template.version.startswith("v-")
    assert load_consent(None, "Другая школа").version != template.version  # what was shown is what was agreed to
    own = tmp_path / "consent.txt"
    own.write_text("\ufeffСогласие школы {school}.\r\nПодпись.  \r\n", encoding="utf-8")
    loaded = load_consent(own, "Лицей")
    assert loaded.text == "Согласие школы Лицей.\nПодпись."
    own.write_text("Согласие школы Лицей.\nПодпись.\n", encoding="utf-8")
    assert load_consent(own, "Лицей").version == loaded.version  # line ends do not make a new version
    for content, says in (("", "пустой"), ("x" * (MAX_CHARS + 1), "длиннее")):
        own.write_text(content, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_consent(own, "Лицей")
        assert says in caught.value.lines[0]
    with pytest.raises(ConfigError):
        load_consent(tmp_path / "missing.txt", "Лицей")
    assert "Согласен" in asked_text(template) and template.version in asked_text(template)
    assert "Елена (vk.com/id9)" in declined_text("5А", "Елена (vk.com/id9)")
