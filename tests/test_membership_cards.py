from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chats import ChatBinding, ChatPurpose
from bot.membership.cards import (
    CardFacts,
    ChatSection,
    decided_card,
    invite_created,
    invites_list,
    members_list,
    request_card,
    requests_list,
)
from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteDefaults, make_invite
from bot.membership.requests import JoinRequest, JoinRequestState, approve, reject
from bot.membership.roster import Membership
from bot.port.ids import PersonId
from bot.roles import Role

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
C5A = SchoolClass(5, "А")
FACTS = CardFacts(applicant="Светлана Орлова (vk.com/id1010)", issuer="Анна Смирнова (vk.com/id1001)")
APPLICANT, ADMIN = PersonId("vk:1010"), PersonId("vk:1001")


def request(state: JoinRequestState = JoinRequestState.PENDING) -> JoinRequest:
    return JoinRequest(id=12, person_id=APPLICANT, invite_code="ABCD-EFGH", role=Role.PARENT, group=Group.of_class(C5A),
                       state=state, child_name="Орлов Миша", created_at=NOW, decided_by=None, decided_at=None,
                       reason=None)


def test_card_says_who_what_where_and_which_link() -> None:
    text = request_card(request(), FACTS)
    assert text.splitlines()[0] == "Заявка №12 на вступление"
    for part in ("Светлана Орлова (vk.com/id1010)", "родитель", "5А", "Орлов Миша", "ABCD-EFGH",
                 "Анна Смирнова (vk.com/id1001)"):
        assert part in text


def test_decided_card_shows_the_verdict_and_reason() -> None:
    approved = approve(request(), by=ADMIN, now=NOW)
    assert "Заявка принята: Анна Смирнова." in decided_card(approved, FACTS, "Анна Смирнова")
    rejected = reject(request(), by=ADMIN, now=NOW, reason="не из нашей школы")
    text = decided_card(rejected, FACTS, "Анна Смирнова")
    assert "отклонена" in text and "не из нашей школы" in text


def test_invite_reply_has_the_link_and_the_code() -> None:
    invite = make_invite(code="ABCD-EFGH", role=Role.STUDENT, group=Group.of_class(C5A), created_by=ADMIN, now=NOW,
                         defaults=InviteDefaults(), uses=30)
    text = invite_created(invite, [("ВКонтакте", "https://vk.me/school56?ref=ABCD-EFGH")], NOW)
    assert "https://vk.me/school56?ref=ABCD-EFGH" in text and "/вступить ABCD-EFGH" in text
    assert "ВКонтакте:" not in text  # one messenger: the link alone
    both = invite_created(invite, [("ВКонтакте", "https://vk.me/school56?ref=ABCD-EFGH"),
                                   ("MAX", "https://max.ru/school56_bot?start=ABCD-EFGH")], NOW)
    assert "ВКонтакте: https://vk.me/" in both and "MAX: https://max.ru/school56_bot?start=ABCD-EFGH" in both
    assert "30" in text and "действует до 08.09, 08:00 (через 7 дней)" in text
    listed = invites_list([invite], NOW + timedelta(days=1), ZoneInfo("Europe/Moscow"))
    assert "ABCD-EFGH: ученик, 5А, использований 0/30, до 08.09, 11:00 (через 6 дней)" in listed


def test_empty_lists_say_so() -> None:
    assert invites_list([], NOW) == "Действующих ссылок-приглашений нет."
    assert requests_list([], {}) == "Новых заявок нет."


def test_requests_list_marks_those_waiting_for_a_child() -> None:
    waiting = JoinRequest(**{**request().__dict__, "id": 13, "state": JoinRequestState.AWAITING_CHILD, "child_name": None})
    text = requests_list([request(), waiting], {APPLICANT: "Светлана Орлова (vk.com/id1010)"})
    assert "№12" in text and "Орлов Миша" in text
    assert "№13" in text and "ждём имя ребёнка" in text


def test_members_list_groups_people_and_flags_strangers() -> None:
    members = [Membership(id=1, person_id=PersonId("vk:1004"), role=Role.STUDENT, group=Group.of_class(C5A), since=NOW)]
    sections = [
        ChatSection(binding=ChatBinding(purpose=ChatPurpose.CLASS_STUDENTS, class_label="5А"), strangers=[PersonId("vk:1005")]),
        ChatSection(binding=ChatBinding(purpose=ChatPurpose.CLASS_PARENTS, class_label="5А"), strangers=[], unreadable=True),
    ]
    text = members_list(members, sections, {PersonId("vk:1004"): "Петя Иванов (vk.com/id1004)",
                                             PersonId("vk:1005"): "Игорь Незнакомов (vk.com/id1005)"}, "5А")
    assert "Петя Иванов (vk.com/id1004), ученик" in text
    assert "без членства: Игорь Незнакомов (vk.com/id1005)" in text
    assert "сделайте бота администратором" in text


def test_requests_list_marks_approved_requests_whose_links_did_not_arrive() -> None:
    stuck = approve(request(), by=ADMIN, now=NOW)
    text = requests_list([stuck], {APPLICANT: "Светлана Орлова (vk.com/id1010)"}, undelivered=[stuck.id])
    assert "№12" in text and "одобрена, ссылка не доставлена" in text
