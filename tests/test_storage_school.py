"""Storage of issue 11 on a fresh migrated database: class lists, staged questions, consents, a class
moving up and graduating, batched reads of people."""

from datetime import UTC, date, datetime, timedelta

from bot.chats import ChatBinding, ChatPurpose
from bot.classlist.model import NewPupil, plan_import
from bot.membership.groups import Group, SchoolClass
from bot.port.gateway import Gender
from bot.port.ids import SYSTEM, ChatId, PersonId
from bot.roles import Role
from storage.chats import ChatsRepo
from storage.classlist import ClassListRepo
from storage.consents import ConsentsRepo
from storage.db import Database
from storage.memberships import MembershipsRepo
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.retention import RetentionPurge
from storage.staged import StagedRepo

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
C5A, C6A = SchoolClass(5, "А"), SchoolClass(6, "А")
PETYA, OLGA, ELENA = PersonId("vk:4"), PersonId("vk:3"), PersonId("vk:6")


async def test_a_class_list_import_keeps_account_links_of_pupils_who_stay_or_move(db: Database) -> None:
    repo = ClassListRepo(db)
    await repo.add([NewPupil(school_class=C5A, surname="Иванов", name="Пётр"),
                    NewPupil(school_class=C5A, surname="Сидорова", name="Анна")], NOW)
    petr = next(p for p in await repo.of_class(C5A) if p.name == "Пётр")
    await PeopleRepo(db).grant(PETYA, Role.STUDENT, SYSTEM, NOW)
    await repo.link(petr.id, PETYA)
    plan = plan_import([NewPupil(school_class=C6A, surname="Иванов", name="Пётр", birth_date=date(2015, 3, 5))],
                       await repo.everyone(), classes=[C5A, C6A])
    await repo.apply(plan, NOW)
    [moved] = await repo.everyone()
    assert (moved.school_class, moved.person_id, moved.birth_date) == (C6A, PETYA, date(2015, 3, 5))
    assert await repo.count(C6A) == 1 and await repo.of_person(PETYA) == [moved]
    mine = {f.lookup.table: f.count for f in await PersonalDataRepo(db).collect(PETYA)}
    assert mine["class_lists"] == 1  # /моиданные shows a pupil their line of the list
    assert await repo.rename_class(C6A, SchoolClass(7, "А")) == 1
    assert await repo.move_person(PETYA, C5A) == 1 and (await repo.of_person(PETYA))[0].school_class == C5A
    assert await repo.remove_person(PETYA) == 1 and await repo.everyone() == []


async def test_a_staged_question_is_decided_once_and_forgotten_after_a_week(db: Database) -> None:
    repo = StagedRepo(db)
    first = await repo.stage("classlist", PETYA, {"rows": [{"surname": "Иванов"}]}, NOW, chat_id=ChatId("vk:2000000001"))
    staged = await repo.get(first)
    assert staged is not None and staged.pending and staged.payload["rows"][0]["surname"] == "Иванов"
    assert await repo.close(first, done=True, now=NOW)
    assert not await repo.close(first, done=False, now=NOW)  # a second press changes nothing
    closed = await repo.get(first)
    assert closed is not None and closed.state == "done" and closed.payload == {}  # pupils' names gone
    second = await repo.stage("consent", OLGA, {"code": "ABCD-EFGH"}, NOW)
    third = await repo.stage("consent", OLGA, {"code": "ABCD-EFGJ"}, NOW)
    assert await repo.cancel_pending("consent", OLGA, NOW) == 2
    assert await repo.pending("consent", OLGA) == []
    assert await RetentionPurge(db).purge(NOW + timedelta(days=8)) == {"staged_actions": 3}
    assert await repo.get(second) is None and await repo.get(third) is None


async def test_consents_record_the_version_and_the_withdrawal(db: Database) -> None:
    repo = ConsentsRepo(db)
    await repo.agree(OLGA, "v-1", NOW)
    assert await repo.has(OLGA, "v-1") and not await repo.has(OLGA, "v-2")
    assert await repo.withdraw(OLGA, NOW + timedelta(days=1)) == 1
    assert await repo.active(OLGA) == [] and not await repo.has(OLGA, "v-1")
    rows = await db.fetch_all("SELECT version, agreed_at, withdrawn_at FROM consents")
    assert [tuple(r) for r in rows] == [("v-1", "2026-09-01T08:00:00+00:00", "2026-09-02T08:00:00+00:00")]


async def test_a_class_moves_up_on_the_record_and_a_class_graduates(db: Database) -> None:
    repo = MembershipsRepo(db)
    people = PeopleRepo(db)
    await repo.set_class_teacher(C5A, ELENA, SYSTEM, NOW)
    for person, role in ((PETYA, Role.STUDENT), (OLGA, Role.PARENT)):
        await people.grant(person, role, SYSTEM, NOW)
        await repo.add(person, role, Group.of_class(C5A), NOW)
    await repo.add(PETYA, Role.STUDENT, Group.subject_group(C5A, "физика"), NOW)
    await repo.add_child(OLGA, "Иванов Петя", C5A, NOW)
    later = NOW + timedelta(days=1)
    assert await repo.transfer_class(C5A, C6A, later) == 4
    assert sorted(str(m.group) for m in await repo.of_person(PETYA)) == ["6А", "6А физика"]
    assert [c.school_class for c in await repo.children_of(OLGA)] == [C6A]
    assert await repo.class_teacher(C6A) == ELENA and await repo.of_class(C5A) == []
    history = await db.fetch_all("SELECT class_label, ended FROM memberships WHERE person_id = ? ORDER BY id", (PETYA,))
    assert [(r["class_label"], r["ended"] is not None) for r in history] == [
        ("5А", True), ("5А", True), ("6А", False), ("6А", False)]  # the movement stays on record

    ended = await repo.end_class(C6A, later)
    assert len(ended) == 4 and await repo.of_class(C6A) == [] and await repo.class_teacher(C6A) is None
    assert await repo.children_of(OLGA) == []
    assert await repo.drop_idle_roles([PETYA, OLGA, ELENA], (Role.STUDENT, Role.PARENT, Role.CLASS_TEACHER)) == 2
    assert await people.roles_of(PETYA) == frozenset() and await people.roles_of(OLGA) == frozenset()


async def test_people_are_read_and_named_in_batches(db: Database) -> None:
    people = PeopleRepo(db)
    ids = [PersonId(f"vk:{n}") for n in range(1, 1201)]
    for pid in ids[:600]:
        await people.grant(pid, Role.STUDENT, SYSTEM, NOW)
    roles = await people.roles_of_many(ids)
    assert len(roles) == 1200 and roles[ids[0]] == frozenset({Role.STUDENT}) and roles[ids[-1]] == frozenset()
    await people.remember_many([(pid, f"Ученик {pid}", Gender.MALE) for pid in ids[:600]], NOW)
    named = await people.people_many(ids)
    assert len(named) == 600 and named[ids[1]].display_name == "Ученик vk:2" and named[ids[1]].roles


async def test_chats_of_a_class_follow_it_or_are_unbound(db: Database) -> None:
    chats = ChatsRepo(db)
    for n, purpose in enumerate((ChatPurpose.CLASS_STUDENTS, ChatPurpose.CLASS_PARENTS), start=1):
        await chats.bind(ChatId(f"vk:200000000{n}"), ChatBinding(purpose=purpose, class_label="5А"), SYSTEM, NOW)
    assert await chats.rename_class("5А", "6А") == 2 and len(await chats.of_class("6А")) == 2
    await chats.remember_title(ChatId("vk:2000000001"), "6А — ученики", NOW)
    assert (await chats.titles())[ChatId("vk:2000000001")] == "6А — ученики"
    assert await chats.unbind(ChatId("vk:2000000002"))
    assert await chats.known_unbound() == []
    assert await chats.unbind_class("6А") == 1 and await chats.known_unbound() == [ChatId("vk:2000000001")]
