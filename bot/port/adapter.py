"""What the runtime needs from a platform adapter besides its gateway: connecting and polling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from bot.port.events import Incoming
from bot.port.gateway import Gateway
from bot.port.ids import Platform


class BadToken(Exception):
    """The platform rejected the token; retrying cannot help (exit code 3)."""


class NoUpdatesAccess(Exception):
    """The token works but cannot receive updates (VK: Long Poll disabled; exit code 4)."""


@dataclass(frozen=True, kw_only=True)
class Batch:
    """Updates fetched in one poll, and the position to poll from next."""

    updates: list[Incoming]
    position: str | None
    """Stored with the updates in one transaction; None keeps the stored one."""


class Adapter(Protocol):
    platform: Platform
    gateway: Gateway

    async def connect(self) -> None:
        """Learn who the bot is (retrying a bad network); BadToken or NoUpdatesAccess when hopeless."""
        ...

    def poll(self, position: str | None) -> AsyncIterator[Batch]:
        """Batches forever from `position` (the stored one; None on a first start).

        Transient trouble only delays batches; BadToken and NoUpdatesAccess end the iteration.
        """
        ...

    async def close(self) -> None: ...
