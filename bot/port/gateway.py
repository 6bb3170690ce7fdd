"""The gateway: everything the bot does on a platform, behind one interface per platform.

Adapters implement it; flows read through it (names, chat links, member lists) and the outbox
worker writes through it. What a platform cannot do is a declared capability that flows consult,
never an `if platform == …`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal, Protocol

from bot.port.effects import Buttons
from bot.port.events import MessageRef
from bot.port.ids import ChatId, PersonId, Platform


class Problem(StrEnum):
    """Why a platform refused; the outbox retries TRANSIENT and reports the rest."""

    TRANSIENT = "transient"  # network, 5xx, rate limits: try again later
    NOT_ADMIN = "not_admin"  # the bot lacks a right in the chat
    BLOCKED = "blocked"  # the person does not accept messages from the bot
    NOT_IN_CHAT = "not_in_chat"  # the person is not (any more) in the chat
    NOT_FOUND = "not_found"  # no such message, chat or person
    UNSUPPORTED = "unsupported"  # the platform has no such operation
    REJECTED = "rejected"  # anything else the platform said no to


PROBLEM_TEXTS: dict[Problem, str] = {
    Problem.TRANSIENT: "платформа временно не отвечает",
    Problem.NOT_ADMIN: "у бота нет прав администратора в чате",
    Problem.BLOCKED: "человек не разрешил боту писать ему",
    Problem.NOT_IN_CHAT: "этого человека нет в чате",
    Problem.NOT_FOUND: "сообщение или чат не найдены",
    Problem.UNSUPPORTED: "платформа этого не умеет",
    Problem.REJECTED: "платформа отказала",
}


class GatewayError(Exception):
    """A platform refused or could not be reached; `problem` says which, never the content."""

    def __init__(self, problem: Problem, detail: str = "") -> None:
        super().__init__(f"{problem.value}{': ' + detail if detail else ''}")
        self.problem = problem

    @property
    def transient(self) -> bool:
        return self.problem is Problem.TRANSIENT


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


@dataclass(frozen=True, kw_only=True)
class Profile:
    name: str
    """«Имя Фамилия» as the platform shows it; empty when unknown."""
    gender: Gender = Gender.UNKNOWN
    """For past tenses («вошёл» / «вошла»)."""


@dataclass(frozen=True, kw_only=True)
class BotRights:
    """What the bot may do in a chat."""

    is_admin: bool
    reads_all: bool
    """Sees every message (VK: admin or «доступ ко всей переписке»; MAX: read_all_messages)."""
    can_delete: bool
    can_remove: bool
    can_write: bool = True


@dataclass(frozen=True, kw_only=True)
class MembersPage:
    members: tuple[PersonId, ...]
    cursor: str | None
    """Pass back for the next page; None after the last."""
    profiles: Mapping[PersonId, Profile] = field(default_factory=dict)
    """Names the platform gave with the list (VK's `profiles`, MAX's member names): no lookup needed."""


@dataclass(frozen=True, kw_only=True)
class Capabilities:
    """What a platform lets a bot do, so flows can choose without naming the platform.

    The texts say in the platform's own words what a person must do there; flows put them in
    messages as they are.
    """

    title: str
    """«ВКонтакте», «MAX»."""
    admin_steps: str
    """How a chat owner makes the bot an administrator with the rights it needs."""
    link_reset_steps: str
    """How a chat owner resets the chat's link by hand (used where `reset_link` is False)."""
    sessions_hint: str
    """Where a person ends other sessions of their account."""

    reset_link: bool
    """The bot can kill a chat's link and get a new one (VK: yes; MAX: a human must)."""
    block_on_remove: bool
    """A removed member can be kept from returning by the link."""
    edit_messages: bool
    """The bot can edit its own messages (cards lose their buttons after a decision)."""
    menu_keyboard: bool
    """A standing menu under the DM input."""
    message_limit: int
    """Longest text of one message."""
    press_answer_limit: int
    """Longest pop-up answer to a button press."""


class Gateway(Protocol):
    """One platform, as the bot sees it."""

    platform: Platform
    capabilities: Capabilities

    async def send(self, to: str, text: str, *, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        """Send to a conversation (a PersonId's DM or a ChatId); `dedup` makes a repeat harmless where the
        platform can."""
        ...

    async def send_file(self, to: str, kind: Literal["photo", "document"], data: bytes, *, filename: str,
                        caption: str, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        """Upload `data` through the platform's upload flow and send it with `caption` (a repeat with the same
        `dedup` is harmless where the platform can)."""
        ...

    def may_have_sent(self, dedup: int, since: datetime) -> None:
        """An earlier process began this send at `since` and may have finished it: where the platform cannot
        drop a repeat by `dedup`, look for it before sending again."""
        ...

    async def download(self, url: str, *, limit: int) -> bytes:
        """A file people attached (a photo, a document), at most `limit` bytes; never sends the token."""
        ...

    async def edit(self, where: str, message: MessageRef, text: str, *, buttons: Buttons | None) -> None: ...

    async def answer_press(self, press_id: str, presser: PersonId, where: str, text: str) -> None: ...

    async def delete(self, chat: ChatId, message: MessageRef) -> None: ...

    async def remove_member(self, chat: ChatId, person: PersonId, *, block: bool) -> None: ...

    async def chat_link(self, chat: ChatId, *, reset: bool = False) -> str:
        """The chat's join link; GatewayError(UNSUPPORTED) for a reset the platform lacks."""
        ...

    async def members(self, chat: ChatId, cursor: str | None = None) -> MembersPage: ...

    async def first_pages(self, chats: list[ChatId]) -> dict[ChatId, MembersPage | GatewayError]:
        """The first page of many chats' member lists, in as few requests as the platform allows
        (a refused chat maps to its error; the rest go on page by page with `members`)."""
        ...

    async def bot_rights(self, chat: ChatId) -> BotRights: ...

    async def chat_title(self, chat: ChatId) -> str: ...

    async def profiles(self, people: list[PersonId]) -> dict[PersonId, Profile]:
        """Names (and genders) of many people in as few requests as the platform allows."""
        ...

    def profile_link(self, person: PersonId, name: str) -> str:
        """«Имя Фамилия (vk.com/id123)»: readable and checkable in one tap, never a ping."""
        ...

    def deep_link(self, payload: str) -> str:
        """The link that opens the bot with `payload` (an invitation code)."""
        ...

    def parse_profile_link(self, text: str) -> PersonId | None:
        """A person from the platform's profile link as people paste it; None if it is not one."""
        ...
