import asyncio
from datetime import UTC, datetime, timedelta

import aiosqlite
import pytest

from bot.membership.groups import Group, SchoolClass
from bot.membership.invites import InviteDefaults, InviteState, make_invite
from bot.membership.requests import JoinRequestState, approve, cancel, name_child, reject
from bot.port.ids import PersonId
from bot.roles import Role
from storage.db import Database
from storage.invites import InvitesRepo
from storage.join_requests import DuplicateRequest, JoinRequestsRepo
from storage.memberships import MembershipsRepo
from storage.people import PeopleRepo

NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
ADMIN, PARENT, OTHER = PersonId("vk:1001"), PersonId("vk:1003"), PersonId("max:1005")
TEACHER, NEW_TEACHER, STUDENT = PersonId("vk:1002"), PersonId("vk:1006"), PersonId("vk:1004")
C5A, C6B = SchoolClass(5, "А"), SchoolClass(6, "Б")


async def granted_by(db: Database, person: PersonId, role: Role) -> PersonId | None:
    row = await db.fetch_one("SELECT granted_by FROM person_roles WHERE person_id = ? AND role = ?",
                             (person, role.value))
    return PersonId(row["granted_by"]) if row is not None and row["granted_by"] is not None else None


def invite(code: str = "ABCD-EFGH", *, role: Role = Role.PARENT, uses: int | None = None,
           ttl: timedelta | None = None, approve_: bool | None = None):  # type: ignore[no-untyped-def]
    return make_invite(code=code, role=role, group=Group.of_class(C5A), created_by=ADMIN, now=NOW,
                       defaults=InviteDefaults(), uses=uses, ttl=ttl, approve=approve_)


async def test_invite_round_trips(db: Database) -> None:
    repo = InvitesRepo(db)
    made = invite(uses=3)
    assert await repo.add(made)
    assert await repo.get(made.code) == made
    assert not await repo.add(made)  # the code is taken


async def test_last_use_race_has_exactly_one_winner(db: Database) -> None:
    repo = InvitesRepo(db)
    await repo.add(invite(uses=2))
    assert await repo.consume("ABCD-EFGH", NOW)
    results = await asyncio.gather(*(repo.consume("ABCD-EFGH", NOW) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    stored = await repo.get("ABCD-EFGH")
    assert stored is not None and (stored.uses, stored.state) == (2, InviteState.USED_UP)


async def test_two_people_racing_for_the_last_use_file_one_request(db: Database) -> None:
    await InvitesRepo(db).add(made := invite(uses=1))
    requests = JoinRequestsRepo(db)
    opened = await asyncio.gather(
        requests.open_from_invite(made, PARENT, JoinRequestState.AWAITING_CHILD, NOW),
        requests.open_from_invite(made, OTHER, JoinRequestState.AWAITING_CHILD, NOW),
    )
    assert sum(r is not None for r in opened) == 1


async def test_expired_link_is_not_consumed_and_is_swept(db: Database) -> None:
    repo = InvitesRepo(db)
    await repo.add(invite(ttl=timedelta(hours=1)))
    later = NOW + timedelta(hours=2)
    assert not await repo.consume("ABCD-EFGH", later)
    assert await repo.live(later) == []
    stored = await repo.get("ABCD-EFGH")
    assert stored is not None and stored.state is InviteState.EXPIRED


async def test_revoked_link_cannot_be_used(db: Database) -> None:
    repo = InvitesRepo(db)
    await repo.add(invite())
    assert await repo.revoke("ABCD-EFGH", ADMIN, NOW)
    assert not await repo.revoke("ABCD-EFGH", ADMIN, NOW)  # already annulled
    assert not await repo.consume("ABCD-EFGH", NOW)


async def test_revoke_unused_keeps_used_links(db: Database) -> None:
    repo = InvitesRepo(db)
    await repo.add(invite("AAAA-BBBB"))
    await repo.add(invite("CCCC-DDDD"))
    await repo.consume("CCCC-DDDD", NOW)
    revoked = await repo.revoke_unused(ADMIN, NOW)
    assert [i.code for i in revoked] == ["AAAA-BBBB"]
    assert [i.code for i in await repo.live(NOW)] == ["CCCC-DDDD"]


async def test_parent_request_named_and_approved_enrols(db: Database) -> None:
    await InvitesRepo(db).add(made := invite())
    requests = JoinRequestsRepo(db)
    opened = await requests.open_from_invite(made, PARENT, JoinRequestState.AWAITING_CHILD, NOW)
    assert opened is not None and await requests.awaiting_child(PARENT) == opened
    named = name_child(opened, "иванов петя", needs_approval=True, now=NOW)
    assert await requests.save(opened.state, named, NOW)
    decided = approve(named, by=ADMIN, now=NOW)
    assert await requests.save(named.state, decided, NOW)
    assert not await requests.save(named.state, reject(named, by=ADMIN, now=NOW), NOW)  # a second decision loses
    memberships = MembershipsRepo(db)
    assert [(m.role, m.group) for m in await memberships.of_person(PARENT)] == [(Role.PARENT, Group.of_class(C5A))]
    assert [c.name for c in await memberships.children_of(PARENT)] == ["Иванов Петя"]
    assert Role.PARENT in await PeopleRepo(db).roles_of(PARENT)
    stored = await requests.get(opened.id)
    assert stored is not None and (stored.state, stored.person_id, stored.decided_by) == (
        JoinRequestState.APPROVED, PARENT, ADMIN)
    assert await granted_by(db, PARENT, Role.PARENT) == ADMIN
    assert await requests.approved([opened.id, opened.id + 1]) == [stored]
    assert await requests.approved([]) == []


async def test_a_parent_approved_without_a_decider_is_enrolled_on_behalf_of_enrol_by(db: Database) -> None:
    await InvitesRepo(db).add(made := invite(approve_=False))
    requests = JoinRequestsRepo(db)
    opened = await requests.open_from_invite(made, PARENT, JoinRequestState.AWAITING_CHILD, NOW)
    assert opened is not None and await requests.approved([opened.id]) == []  # still waits for the child's name
    named = name_child(opened, "Иванов Петя", needs_approval=False, now=NOW)
    assert named.decided_by is None
    assert await requests.save(opened.state, named, NOW, enrol_by=made.created_by)
    assert await granted_by(db, PARENT, Role.PARENT) == ADMIN
    assert [c.name for c in await MembershipsRepo(db).children_of(PARENT)] == ["Иванов Петя"]
    assert [r.id for r in await requests.approved([opened.id])] == [opened.id]


async def test_cancelled_and_rejected_requests_enrol_nobody(db: Database) -> None:
    await InvitesRepo(db).add(made := invite(role=Role.STUDENT, uses=2))
    requests = JoinRequestsRepo(db)
    first = await requests.open_from_invite(made, PARENT, JoinRequestState.PENDING, NOW)
    second = await requests.open_from_invite(made, OTHER, JoinRequestState.PENDING, NOW)
    assert first is not None and second is not None
    assert await requests.save(first.state, cancel(first, now=NOW), NOW)
    assert await requests.save(second.state, reject(second, by=ADMIN, now=NOW, reason="нет в списке"), NOW)
    assert await requests.open_requests() == [] and await requests.approved([first.id, second.id]) == []
    assert await MembershipsRepo(db).of_person(PARENT) == [] and await PeopleRepo(db).roles_of(OTHER) == frozenset()
    rejected = await requests.latest_for(OTHER, made.code)
    assert rejected is not None and (rejected.decided_by, rejected.reason) == (ADMIN, "нет в списке")


async def test_approve_no_enrols_at_once(db: Database) -> None:
    await InvitesRepo(db).add(made := invite(role=Role.STUDENT, approve_=False))
    request = await JoinRequestsRepo(db).open_from_invite(made, OTHER, JoinRequestState.APPROVED, NOW)
    assert request is not None and request.decided_at is not None and request.person_id == OTHER
    assert [m.role for m in await MembershipsRepo(db).of_person(OTHER)] == [Role.STUDENT]
    assert await granted_by(db, OTHER, Role.STUDENT) == ADMIN  # on behalf of whoever made the link


async def test_one_open_request_per_person_and_link(db: Database) -> None:
    await InvitesRepo(db).add(made := invite())
    requests = JoinRequestsRepo(db)
    await requests.open_from_invite(made, PARENT, JoinRequestState.AWAITING_CHILD, NOW)
    with pytest.raises(DuplicateRequest):
        await requests.open_from_invite(made, PARENT, JoinRequestState.AWAITING_CHILD, NOW)
    stored = await InvitesRepo(db).get(made.code)
    assert stored is not None and stored.uses == 1  # the failed second request gave its use back


async def test_class_teacher_replacement_and_move(db: Database) -> None:
    repo = MembershipsRepo(db)
    assert await repo.set_class_teacher(C5A, NEW_TEACHER, ADMIN, NOW) is None
    assert await repo.set_class_teacher(C5A, TEACHER, ADMIN, NOW) == NEW_TEACHER
    assert await repo.set_class_teacher(C5A, TEACHER, ADMIN, NOW) is None  # the same one again replaces nobody
    assert await repo.class_teacher(C5A) == TEACHER
    assert await repo.classes_led_by(NEW_TEACHER) == frozenset()
    assert await repo.classes_led_by(TEACHER) == {C5A}
    await repo.add(STUDENT, Role.STUDENT, Group.of_class(C5A), NOW)
    assert await repo.class_teachers_of_student(STUDENT) == [TEACHER]
    await repo.add_child(PARENT, "Иванов Петя", C5A, NOW)
    child = (await repo.children_in(C5A))[0]
    assert child.parent_id == PARENT
    await repo.apply_changes(end=[(STUDENT, Role.STUDENT, Group.of_class(C5A))],
                             start=[(STUDENT, Role.STUDENT, Group.of_class(C6B))], children=[(child, C6B)], now=NOW)
    assert [(m.person_id, m.group) for m in await repo.of_person(STUDENT)] == [(STUDENT, Group.of_class(C6B))]
    assert [c.school_class for c in await repo.children_of(PARENT)] == [C6B]


async def test_end_all_and_verification(db: Database) -> None:
    repo = MembershipsRepo(db)
    assert await repo.verify(TEACHER, ADMIN, NOW)
    assert not await repo.verify(TEACHER, ADMIN, NOW)
    assert await repo.is_verified(TEACHER) and not await repo.is_verified(PersonId("max:1002"))
    await repo.add(TEACHER, Role.TEACHER, Group.subject_group(C5A, "Физика"), NOW)
    assert await repo.subject_groups_of(TEACHER) == {Group.subject_group(C5A, "физика")}
    facts = await repo.facts(TEACHER, frozenset({Role.TEACHER}))
    assert (facts.person_id, facts.is_bot, facts.groups) == (
        TEACHER, False, frozenset({(Role.TEACHER, Group.subject_group(C5A, "физика"))}))
    ended = await repo.end_all(TEACHER, NOW)
    assert len(ended) == 1 and await repo.of_person(TEACHER) == []
    assert not await repo.is_verified(TEACHER)


async def test_schema_refuses_inconsistent_rows(db: Database) -> None:
    await PeopleRepo(db).remember(ADMIN, "Анна", NOW)
    with pytest.raises(aiosqlite.IntegrityError):  # a class group without a class
        await db.execute(
            "INSERT INTO memberships (person_id, role, group_kind, since) VALUES (?, 'student', 'class', ?)",
            (ADMIN, NOW.isoformat()),
        )
    with pytest.raises(aiosqlite.IntegrityError):  # foreign key to people
        await db.execute(
            "INSERT INTO verified_teachers (person_id, verified_by, verified_at) VALUES ('vk:424242', 'vk:1', ?)",
            (NOW.isoformat(),),
        )
