"""What handlers need, built once by the app and handed to each labeler factory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vkbottle import VKAPIError

from bot.config import Settings
from bot.people import Person
from bot.roles import Role
from bot.vk.api import VkApi, new_random_id
from storage.audit import AuditLog
from storage.chats import ChatsRepo
from storage.db import Database
from storage.people import PeopleRepo

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Community:
    id: int
    """The community's id (positive)."""
    screen_name: str
    """For vk.me links; «club<id>» when it has none."""
    name: str


@dataclass(kw_only=True)
class Services:
    config: Settings
    db: Database
    api: VkApi
    community: Community
    people: PeopleRepo
    chats: ChatsRepo
    audit: AuditLog
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()

    def timezone(self) -> tzinfo:
        """The school's time zone, for every date a person is shown (UTC if the name is unknown)."""
        try:
            return ZoneInfo(self.config.school.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    async def actor(self, vk_id: int) -> Person:
        """The person behind an event, with ADMIN added for those the config names (3.1).

        No VK call here: names are looked up only where they are shown (cards, lists),
        so that answering costs one request of the 20 per second VK allows.
        """
        person = await self.people.get(vk_id) or Person(vk_id=vk_id)
        if vk_id in self.config.school.admins:
            person = Person(vk_id=vk_id, display_name=person.display_name, roles=person.roles | {Role.ADMIN})
        return person

    async def person(self, vk_id: int) -> Person:
        """`actor` with a display name: for cards, lists and staff messages that show who."""
        return await self.named(await self.actor(vk_id))

    async def named(self, person: Person) -> Person:
        """The same person with a display name, asking VK (users.get) once and remembering it."""
        if person.display_name:
            return person
        name = await self.lookup_name(person.vk_id)
        if not name:
            return person
        if await self.people.get(person.vk_id) is not None or person.roles:
            await self.people.remember(person.vk_id, name, self.now())
        return Person(vk_id=person.vk_id, display_name=name, roles=person.roles)

    async def lookup_name(self, vk_id: int) -> str:
        """«Имя Фамилия» from users.get; empty when VK does not know the id or fails."""
        if vk_id <= 0:
            return ""
        try:
            users = await self.api.users.get(user_ids=[vk_id])
        except (VKAPIError, Exception) as error:  # names are cosmetic: never fail a command on them
            log.info("users.get failed: %s", type(error).__name__)
            return ""
        if not users:
            return ""
        return f"{users[0].first_name} {users[0].last_name}".strip()

    async def send(self, peer_id: int, text: str, *, keyboard: str | None = None) -> int | None:
        """Send a message; None when VK refuses (e.g. 901: the user has not allowed messages)."""
        params: dict[str, object] = {"peer_id": peer_id, "message": text[:MAX_MESSAGE], "random_id": new_random_id()}
        if keyboard is not None:
            params["keyboard"] = keyboard
        try:
            response = await self.api.request("messages.send", params)
        except VKAPIError as error:
            log.warning("messages.send to %s failed: VK error %s", peer_id, error.code)
            return None
        result = response.get("response")
        return result if isinstance(result, int) else None

    async def tell_staff(self, text: str, *, keyboard: str | None = None) -> int | None:
        """Post to the staff chat («Учительская»), if one is bound."""
        staff = await self.chats.staff_chat()
        if staff is None:
            log.info("no staff chat bound; staff notice dropped")
            return None
        return await self.send(staff.peer_id, text, keyboard=keyboard)
