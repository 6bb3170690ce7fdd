"""How a command is declared, and the one check every command passes before its flow runs.

Routing, the permission and place check, /помощь and the authorization tests all read the
same declaration (table.py), so what /помощь shows is exactly what a person may run, there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.membership.users import UserRefContext
from bot.places import GROUP_PLACES, Place
from bot.roles import Action, Role, may


@dataclass(frozen=True, kw_only=True)
class CommandInput:
    """What a command's parser reads."""

    args: str
    """The arguments, cleaned."""
    raw_args: str
    """The arguments exactly as written (mention spans point into it)."""
    refs: UserRefContext
    """How to read user references: the platform, mentions, the replied-to author."""


@dataclass(frozen=True, kw_only=True)
class HelpLine:
    """One way a command is offered: to whom (by permission), how it is typed, what it does."""

    action: Action
    usage: str
    text: str


@dataclass(frozen=True, kw_only=True)
class CommandSpec:
    key: str
    """The flow's name in handlers/commands.py."""
    names: tuple[str, ...]
    """Russian names first, then English; compared case- and ё-insensitively."""
    help: tuple[HelpLine, ...]
    """Who may run it: holders of any of these permissions; /помощь shows the first line they hold."""
    places: frozenset[Place]
    """Where it may be written."""
    refusal: str
    """What a person without the permission is told (the clause that says who may)."""
    wrong_place: str = ""
    """What is said when it is written somewhere else; derived from `places` when empty."""
    parse: Callable[[CommandInput], Any] = field(default=lambda given: given)
    """Turns the arguments into what the flow takes; raises BadCommand with the right form."""
    phrases: tuple[str, ...] = ()
    """Plain DM words that run it too (the DM keyboard's buttons, «помощь»)."""

    @property
    def actions(self) -> frozenset[Action]:
        return frozenset(line.action for line in self.help)

    def permitted(self, roles: Iterable[Role]) -> bool:
        held = frozenset(roles)
        return any(may(held, action) for action in self.actions)

    def allowed(self, roles: Iterable[Role], place: Place) -> bool:
        return self.permitted(roles) and place in self.places

    def line_for(self, roles: Iterable[Role]) -> HelpLine | None:
        held = frozenset(roles)
        return next((line for line in self.help if may(held, line.action)), None)

    def place_refusal(self) -> str:
        if self.wrong_place:
            return self.wrong_place
        if self.places <= {Place.DM}:
            return "Эту команду напишите мне в личные сообщения."
        if Place.DM not in self.places and self.places <= GROUP_PLACES:
            return "Эту команду пишут в групповом чате."
        if Place.STAFF in self.places and Place.CLASS not in self.places:
            return ("Эту команду напишите мне в личные сообщения или в «Учительской»: "
                    "здесь её увидят ученики и родители.")
        return "Эту команду здесь выполнить нельзя. Напишите мне в личные сообщения."


def admit(spec: CommandSpec, roles: Iterable[Role], place: Place) -> str | None:
    """None when the command may run here; otherwise the polite refusal.

    Permission first: someone who may not run it at all learns nothing about where it works.
    """
    if not spec.permitted(roles):
        return spec.refusal
    if place not in spec.places:
        return spec.place_refusal()
    return None
