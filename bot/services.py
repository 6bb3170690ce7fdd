"""What flows need, built once by the app: repositories, the platforms' gateways, config, clock.

No raw database and no raw platform API here: flows write through repositories (inside their
commit) and reach the platforms through the gateway port, for reads only; writes are effects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import Settings
from bot.features import Features
from bot.grammar import Case, name_in
from bot.people import Person
from bot.port.gateway import Gateway, GatewayError, Profile
from bot.port.ids import PersonId, Platform, Where, is_qualified, platform_of, raw_id
from bot.roles import Role
from storage.activity import ActivityRepo
from storage.announcements import AnnouncementsRepo
from storage.audit import AuditLog
from storage.backup import BackupLog
from storage.chats import ChatsRepo
from storage.classlist import ClassListRepo
from storage.consents import ConsentsRepo
from storage.db import Database
from storage.destruction import DestructionLog
from storage.digests import DigestsRepo
from storage.director_stats import StatsRepo
from storage.files import FilesRepo
from storage.inbox import Inbox
from storage.invites import InvitesRepo
from storage.join_requests import JoinRequestsRepo
from storage.memberships import MembershipsRepo
from storage.moderation import ModerationRepo
from storage.outbox import Outbox
from storage.people import PeopleRepo
from storage.personal_data import PersonalDataRepo
from storage.reports import ReportsRepo
from storage.retention import RetentionPurge
from storage.staged import StagedRepo

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class Repos:
    """Every repository, over one database."""

    people: PeopleRepo
    chats: ChatsRepo
    audit: AuditLog
    invites: InvitesRepo
    requests: JoinRequestsRepo
    memberships: MembershipsRepo
    moderation: ModerationRepo
    reports: ReportsRepo
    personal_data: PersonalDataRepo
    inbox: Inbox
    outbox: Outbox
    retention: RetentionPurge
    destruction: DestructionLog
    backups: BackupLog
    classlists: ClassListRepo
    staged: StagedRepo
    consents: ConsentsRepo
    files: FilesRepo
    activity: ActivityRepo
    stats: StatsRepo
    announcements: AnnouncementsRepo
    digests: DigestsRepo

    @classmethod
    def over(cls, db: Database) -> Repos:
        return cls(
            people=PeopleRepo(db), chats=ChatsRepo(db), audit=AuditLog(db), invites=InvitesRepo(db),
            requests=JoinRequestsRepo(db), memberships=MembershipsRepo(db), moderation=ModerationRepo(db),
            reports=ReportsRepo(db), personal_data=PersonalDataRepo(db), inbox=Inbox(db), outbox=Outbox(db),
            retention=RetentionPurge(db), destruction=DestructionLog(db), backups=BackupLog(db),
            classlists=ClassListRepo(db), staged=StagedRepo(db), consents=ConsentsRepo(db),
            files=FilesRepo(db), activity=ActivityRepo(db), stats=StatsRepo(db),
            announcements=AnnouncementsRepo(db), digests=DigestsRepo(db),
        )


@dataclass(kw_only=True)
class Services:
    config: Settings
    repos: Repos
    gateways: Mapping[Platform, Gateway]
    features: Features
    clock: Callable[[], datetime] = utc_now
    transaction_open: Callable[[], bool] = field(default=lambda: False)
    """Whether this task is inside a database transaction (no network calls there)."""

    def now(self) -> datetime:
        return self.clock()

    def timezone(self) -> tzinfo:
        """The school's time zone, for every date a person is shown (UTC if the name is unknown)."""
        try:
            return ZoneInfo(self.config.school.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def gateway(self, key: str) -> Gateway:
        """The gateway of the platform a person or chat id belongs to."""
        return self.gateways[platform_of(key)]

    def serves(self, key: str) -> bool:
        """Whether the platform of this id runs in this process."""
        return is_qualified(key) and platform_of(key) in self.gateways

    @property
    def order_admins(self) -> tuple[PersonId, ...]:
        """The administrators named in the director's order (clause 3.1), from the config."""
        return self.config.school.admin_ids()

    async def actor(self, person_id: PersonId) -> Person:
        """The person behind an event, with ADMIN added for those the config names (3.1).

        No platform call: names are looked up only where they are shown.
        """
        person = await self.repos.people.get(person_id) or Person(id=person_id)
        if person_id in self.order_admins:
            person = Person(id=person_id, display_name=person.display_name, gender=person.gender,
                            roles=person.roles | {Role.ADMIN})
        return person

    async def person(self, person_id: PersonId) -> Person:
        """`actor` with a display name: for cards, lists and staff messages that show who."""
        return (await self.people([person_id]))[person_id]

    async def people(self, ids: Iterable[PersonId],
                     known: Mapping[PersonId, Profile] | None = None) -> dict[PersonId, Person]:
        """Many people with names and roles: stored first (a few queries, however many people), then
        `known` profiles (a member list already told them), then the platforms in batches.

        Names fetched for people the bot keeps records of (or who hold a role, such as the order's
        administrators) are kept; strangers' names are shown, not kept (the least that works)."""
        wanted = list(dict.fromkeys(ids))
        stored = await self.repos.people.people_many(wanted)
        admins = set(self.order_admins)
        found: dict[PersonId, Person] = {}
        for pid in wanted:
            person = stored.get(pid) or Person(id=pid)
            if pid in admins:
                person = replace(person, roles=person.roles | {Role.ADMIN})
            found[pid] = person
        missing = [pid for pid, p in found.items() if not p.display_name and self.serves(pid)]
        given = known or {}
        fetched: dict[PersonId, Profile] = {pid: given[pid] for pid in missing if pid in given and given[pid].name}
        for platform in sorted({platform_of(pid) for pid in missing if pid not in fetched}):
            batch = [pid for pid in missing if pid not in fetched and platform_of(pid) == platform]
            if self.transaction_open():
                raise RuntimeError("a platform call inside a database transaction")
            try:
                profiles = await self.gateways[platform].profiles(batch)
            except GatewayError as error:  # names are cosmetic: never fail a command on them
                log.info("profiles unavailable: %s", error.problem)
                continue
            fetched.update({pid: p for pid, p in profiles.items() if p.name and pid in found})
        keep = [(pid, p.name, p.gender) for pid, p in fetched.items() if pid in stored or found[pid].roles]
        if keep:
            await self.repos.people.remember_many(keep, self.now())
        for pid, profile in fetched.items():
            found[pid] = replace(found[pid], display_name=profile.name, gender=profile.gender)
        return found

    def link(self, person: Person, case: Case = Case.NOMN, *, noun: str = "участник") -> str:
        """«Имя Фамилия (vk.com/id123)»: the platform formats it; never a ping. In another `case`
        the name is declined («у Пети Иванова (vk.com/id1004)»), or — when it cannot be surely —
        `noun` is («у участника Ли Вэй (…)»)."""
        name = person.display_name if case is Case.NOMN else name_in(person.display_name, case,
                                                                       person.gender, noun=noun)
        if not self.serves(person.id):
            return f"{name or 'без имени'} ({person.id})"
        return self.gateway(person.id).profile_link(person.id, name)

    def command_ref(self, person_id: PersonId) -> str:
        """How staff name this person in a command: «id123», or «max:123» when two messengers run."""
        return f"id{raw_id(person_id)}" if len(self.gateways) == 1 else str(person_id)

    async def labels(self, ids: Iterable[PersonId], case: Case = Case.NOMN, *,
                     known: Mapping[PersonId, Profile] | None = None) -> dict[PersonId, str]:
        """Profile links of many people, for lists and cards (names in `case`)."""
        return {pid: self.link(p, case) for pid, p in (await self.people(ids, known)).items()}

    async def staff_places(self) -> list[Where]:
        """Where staff notices go: every bound staff room; without one, the order's administrators' DMs."""
        rooms = [chat.id for chat in await self.repos.chats.staff_chats() if self.serves(chat.id)]
        if rooms:
            return list(rooms)
        return [admin for admin in self.order_admins if self.serves(admin)]
