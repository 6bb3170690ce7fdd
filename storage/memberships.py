"""Who belongs where: memberships, class teachers, parents' children, verified teachers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.membership.groups import Group, GroupKind, SchoolClass, parse_class
from bot.membership.roster import Child, MemberFacts, Membership
from bot.port.ids import PersonId
from bot.roles import Role
from storage.db import Database, Transaction
from storage.people import ensure_person
from storage.times import iso, parse_time


def group_columns(group: Group | None) -> tuple[str | None, str | None, str | None]:
    """(group_kind, class_label, subject) as stored."""
    if group is None:
        return None, None, None
    label = str(group.school_class) if group.school_class is not None else None
    return group.kind.value, label, group.subject


def group_from_row(row: aiosqlite.Row) -> Group | None:
    if row["group_kind"] is None:
        return None
    label = row["class_label"]
    return Group(
        kind=GroupKind(row["group_kind"]),
        school_class=parse_class(label) if label else None,
        subject=row["subject"],
    )


_GROUP_MATCH = "group_kind = ? AND COALESCE(class_label, '') = ? AND COALESCE(subject, '') = ?"


def _group_params(group: Group) -> tuple[str, str, str]:
    kind, label, subject = group_columns(group)
    return kind or "", label or "", subject or ""


def _membership(row: aiosqlite.Row) -> Membership:
    group = group_from_row(row)
    assert group is not None  # the table requires a group
    return Membership(
        id=row["id"], person_id=PersonId(row["person_id"]), role=Role(row["role"]), group=group,
        since=datetime.fromisoformat(row["since"]), ended=parse_time(row["ended"]),
    )


def _child(row: aiosqlite.Row) -> Child:
    return Child(id=row["id"], parent_id=PersonId(row["parent_id"]), name=row["child_name"],
                 school_class=parse_class(row["class_label"]))


async def start_membership(tx: Transaction, person_id: PersonId, role: Role, group: Group, now: datetime) -> None:
    """Add a live membership unless the same one already lasts."""
    await ensure_person(tx, person_id, now)
    kind, label, subject = group_columns(group)
    await tx.execute(
        "INSERT INTO memberships (person_id, role, group_kind, class_label, subject, since) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (person_id, role.value, kind, label, subject, iso(now)),
    )


async def end_membership(tx: Transaction, person_id: PersonId, role: Role, group: Group, now: datetime) -> int:
    return await tx.execute(
        f"UPDATE memberships SET ended = ? WHERE person_id = ? AND role = ? AND {_GROUP_MATCH} AND ended IS NULL",
        (iso(now), person_id, role.value, *_group_params(group)),
    )


async def add_child(tx: Transaction, parent_id: PersonId, name: str, school_class: SchoolClass, now: datetime) -> None:
    await ensure_person(tx, parent_id, now)
    await tx.execute(
        "INSERT INTO children (parent_id, child_name, class_label, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (parent_id, name, str(school_class), iso(now)),
    )


class MembershipsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- memberships ------------------------------------------------------------------
    async def add(self, person_id: PersonId, role: Role, group: Group, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await start_membership(tx, person_id, role, group, now)

    async def of_person(self, person_id: PersonId) -> list[Membership]:
        rows = await self._db.fetch_all(
            "SELECT * FROM memberships WHERE person_id = ? AND ended IS NULL ORDER BY id", (person_id,)
        )
        return [_membership(r) for r in rows]

    async def in_group(self, group: Group) -> list[Membership]:
        rows = await self._db.fetch_all(
            f"SELECT * FROM memberships WHERE {_GROUP_MATCH} AND ended IS NULL ORDER BY role, id", _group_params(group)
        )
        return [_membership(r) for r in rows]

    async def all_live(self) -> list[Membership]:
        rows = await self._db.fetch_all("SELECT * FROM memberships WHERE ended IS NULL ORDER BY id")
        return [_membership(r) for r in rows]

    async def apply_changes(
        self,
        *,
        end: Iterable[tuple[PersonId, Role, Group]],
        start: Iterable[tuple[PersonId, Role, Group]],
        children: Iterable[tuple[Child, SchoolClass]] = (),
        now: datetime,
    ) -> None:
        """End and start memberships and move children between classes, all or nothing."""
        async with self._db.transaction() as tx:
            for person_id, role, group in end:
                await end_membership(tx, person_id, role, group, now)
            for person_id, role, group in start:
                await start_membership(tx, person_id, role, group, now)
            for child, new_class in children:
                await tx.execute("UPDATE children SET ended = ? WHERE id = ? AND ended IS NULL", (iso(now), child.id))
                await add_child(tx, child.parent_id, child.name, new_class, now)

    async def end_all(self, person_id: PersonId, now: datetime) -> list[Membership]:
        """End every membership, child record and class leadership of a person (/remove)."""
        ended = await self.of_person(person_id)
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE memberships SET ended = ? WHERE person_id = ? AND ended IS NULL", (iso(now), person_id))
            await tx.execute("UPDATE children SET ended = ? WHERE parent_id = ? AND ended IS NULL", (iso(now), person_id))
            await tx.execute("DELETE FROM class_teachers WHERE person_id = ?", (person_id,))
            await tx.execute("DELETE FROM verified_teachers WHERE person_id = ?", (person_id,))
        return ended

    # --- children -------------------------------------------------------------------------
    async def add_child(self, parent_id: PersonId, name: str, school_class: SchoolClass, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await add_child(tx, parent_id, name, school_class, now)

    async def children_of(self, parent_id: PersonId) -> list[Child]:
        rows = await self._db.fetch_all(
            "SELECT * FROM children WHERE parent_id = ? AND ended IS NULL ORDER BY id", (parent_id,)
        )
        return [_child(r) for r in rows]

    async def children_by_ids(self, ids: Iterable[int]) -> list[Child]:
        wanted = list(ids)
        if not wanted:
            return []
        rows = await self._db.fetch_all(
            f"SELECT * FROM children WHERE id IN ({','.join('?' * len(wanted))}) AND ended IS NULL ORDER BY id", wanted)
        return [_child(r) for r in rows]

    async def children_in(self, school_class: SchoolClass) -> list[Child]:
        rows = await self._db.fetch_all(
            "SELECT * FROM children WHERE class_label = ? AND ended IS NULL ORDER BY id", (str(school_class),)
        )
        return [_child(r) for r in rows]

    async def erase_children_of(self, parent_id: PersonId) -> int:
        """A withdrawn consent: every record of the parent's children is erased, not just ended."""
        return await self._db.execute("DELETE FROM children WHERE parent_id = ?", (parent_id,))

    async def end_children(self, ids: Iterable[int], now: datetime) -> int:
        ended = 0
        async with self._db.transaction() as tx:
            for child_id in ids:
                ended += await tx.execute("UPDATE children SET ended = ? WHERE id = ? AND ended IS NULL",
                                          (iso(now), child_id))
        return ended

    async def end_role(self, person_id: PersonId, role: Role, now: datetime) -> list[Membership]:
        """End every live membership of the person in this role; returns what ended."""
        ended = [m for m in await self.of_person(person_id) if m.role is role]
        await self._db.execute("UPDATE memberships SET ended = ? WHERE person_id = ? AND role = ? AND ended IS NULL",
                               (iso(now), person_id, role.value))
        return ended

    async def end_one(self, person_id: PersonId, role: Role, group: Group, now: datetime) -> int:
        async with self._db.transaction() as tx:
            return await end_membership(tx, person_id, role, group, now)

    # --- a whole class ------------------------------------------------------------------------
    async def of_class(self, school_class: SchoolClass) -> list[Membership]:
        """Live memberships in the class and in its subject groups."""
        rows = await self._db.fetch_all(
            "SELECT * FROM memberships WHERE class_label = ? AND ended IS NULL ORDER BY id", (str(school_class),))
        return [_membership(r) for r in rows]

    async def transfer_class(self, old: SchoolClass, new: SchoolClass, now: datetime) -> int:
        """Everyone of `old` (its subject groups too) into `new`, on the record: the old memberships end,
        new ones start; parents' children records and the class leadership follow."""
        moved = 0
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all("SELECT * FROM memberships WHERE class_label = ? AND ended IS NULL",
                                      (str(old),))
            for row in rows:
                m = _membership(row)
                group = Group(kind=m.group.kind, school_class=new, subject=m.group.subject)
                await end_membership(tx, m.person_id, m.role, m.group, now)
                await start_membership(tx, m.person_id, m.role, group, now)
                moved += 1
            for row in await tx.fetch_all("SELECT * FROM children WHERE class_label = ? AND ended IS NULL",
                                          (str(old),)):
                await tx.execute("UPDATE children SET ended = ? WHERE id = ?", (iso(now), row["id"]))
                await add_child(tx, PersonId(row["parent_id"]), row["child_name"], new, now)
            await tx.execute("UPDATE class_teachers SET class_label = ? WHERE class_label = ?", (str(new), str(old)))
        return moved

    async def end_class(self, school_class: SchoolClass, now: datetime) -> list[Membership]:
        """A class graduates: every membership in it and its subject groups, its children records and its
        class leadership end. Returns the memberships that ended."""
        ended = await self.of_class(school_class)
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE memberships SET ended = ? WHERE class_label = ? AND ended IS NULL",
                             (iso(now), str(school_class)))
            await tx.execute("UPDATE children SET ended = ? WHERE class_label = ? AND ended IS NULL",
                             (iso(now), str(school_class)))
            await tx.execute("DELETE FROM class_teachers WHERE class_label = ?", (str(school_class),))
        return ended

    async def drop_idle_roles(self, people: Iterable[PersonId], roles: Iterable[Role]) -> int:
        """Roles nobody holds a live membership for any more (a graduate is no longer «ученик»)."""
        dropped = 0
        wanted = list(roles)
        async with self._db.transaction() as tx:
            for person in dict.fromkeys(people):
                for role in wanted:
                    live = await tx.fetch_one(
                        "SELECT 1 FROM memberships WHERE person_id = ? AND role = ? AND ended IS NULL LIMIT 1",
                        (person, role.value))
                    if live is None:
                        dropped += await tx.execute("DELETE FROM person_roles WHERE person_id = ? AND role = ?",
                                                    (person, role.value))
        return dropped

    # --- class teachers -------------------------------------------------------------------
    async def set_class_teacher(self, school_class: SchoolClass, person_id: PersonId, by: PersonId, now: datetime) -> PersonId | None:
        """Make `person_id` the class teacher; returns the previous one, if it was someone else."""
        async with self._db.transaction() as tx:
            await ensure_person(tx, person_id, now)
            row = await tx.fetch_one("SELECT person_id FROM class_teachers WHERE class_label = ?", (str(school_class),))
            await tx.execute(
                "INSERT INTO class_teachers (class_label, person_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (class_label) DO UPDATE SET person_id = excluded.person_id, "
                "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at",
                (str(school_class), person_id, by, iso(now)),
            )
            await start_membership(tx, person_id, Role.CLASS_TEACHER, Group.of_class(school_class), now)
            previous = PersonId(row["person_id"]) if row is not None and row["person_id"] != person_id else None
            if previous is not None:
                await end_membership(tx, previous, Role.CLASS_TEACHER, Group.of_class(school_class), now)
        return previous

    async def unset_class_teacher(self, school_class: SchoolClass, now: datetime) -> PersonId | None:
        """The class has no class teacher any more; returns who it was."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT person_id FROM class_teachers WHERE class_label = ?", (str(school_class),))
            if row is None:
                return None
            previous = PersonId(row["person_id"])
            await tx.execute("DELETE FROM class_teachers WHERE class_label = ?", (str(school_class),))
            await end_membership(tx, previous, Role.CLASS_TEACHER, Group.of_class(school_class), now)
        return previous

    async def all_class_teachers(self) -> dict[SchoolClass, PersonId]:
        rows = await self._db.fetch_all("SELECT class_label, person_id FROM class_teachers")
        return {parse_class(r["class_label"]): PersonId(r["person_id"]) for r in rows}

    async def class_teacher(self, school_class: SchoolClass) -> PersonId | None:
        row = await self._db.fetch_one("SELECT person_id FROM class_teachers WHERE class_label = ?", (str(school_class),))
        return PersonId(row["person_id"]) if row is not None else None

    async def class_teachers_of_student(self, student_id: PersonId) -> list[PersonId]:
        """The class teachers of the classes a student is in now (for escalations, 4.5)."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT t.person_id FROM memberships m JOIN class_teachers t ON t.class_label = m.class_label "
            "WHERE m.person_id = ? AND m.role = 'student' AND m.ended IS NULL ORDER BY t.person_id",
            (student_id,),
        )
        return [PersonId(row["person_id"]) for row in rows]

    async def class_teachers_of_family(self, person_id: PersonId) -> list[PersonId]:
        """The class teachers of a pupil's class and of the classes of a parent's children (a stolen
        account in their class is theirs to know about, 4.5)."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT t.person_id FROM class_teachers t WHERE t.class_label IN ("
            " SELECT class_label FROM memberships WHERE person_id = ? AND role = 'student' AND ended IS NULL"
            " UNION SELECT class_label FROM children WHERE parent_id = ? AND ended IS NULL) ORDER BY t.person_id",
            (person_id, person_id),
        )
        return [PersonId(row["person_id"]) for row in rows]

    async def classes_led_by(self, person_id: PersonId) -> frozenset[SchoolClass]:
        rows = await self._db.fetch_all("SELECT class_label FROM class_teachers WHERE person_id = ?", (person_id,))
        return frozenset(parse_class(r["class_label"]) for r in rows)

    async def subject_groups_of(self, person_id: PersonId) -> frozenset[Group]:
        """Subject groups a teacher teaches (3.4): their teacher memberships in subject groups."""
        return frozenset(
            m.group for m in await self.of_person(person_id) if m.role is Role.TEACHER and m.group.kind is GroupKind.SUBJECT
        )

    # --- verified teachers ----------------------------------------------------------------
    async def verify(self, person_id: PersonId, by: PersonId, now: datetime) -> bool:
        """Mark a teacher verified; False when they already were."""
        async with self._db.transaction() as tx:
            await ensure_person(tx, person_id, now)
            row = await tx.fetch_one("SELECT 1 FROM verified_teachers WHERE person_id = ?", (person_id,))
            if row is not None:
                return False
            await tx.execute(
                "INSERT INTO verified_teachers (person_id, verified_by, verified_at) VALUES (?, ?, ?)", (person_id, by, iso(now))
            )
        return True

    async def is_verified(self, person_id: PersonId) -> bool:
        return await self._db.fetch_one("SELECT 1 FROM verified_teachers WHERE person_id = ?", (person_id,)) is not None

    # --- facts for the roster -------------------------------------------------------------
    async def facts(self, person_id: PersonId, roles: frozenset[Role]) -> MemberFacts:
        groups = frozenset((m.role, m.group) for m in await self.of_person(person_id))
        return MemberFacts(person_id=person_id, roles=roles, groups=groups, class_teacher_of=await self.classes_led_by(person_id))

