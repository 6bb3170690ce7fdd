"""What the runtime needs from a platform adapter besides its gateway: connecting, polling, webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
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


@dataclass(frozen=True, kw_only=True)
class WebhookReply:
    """What a platform's webhook request amounts to: the HTTP answer, and what to store."""

    status: int
    text: str = "ok"
    batch: Batch | None = None
    """Updates to store before answering (None for a confirmation or a refused request)."""
    refused: str | None = None
    """Why the request was refused, for the log (never the secret, never the body)."""


class WebhookAdapter(Adapter, Protocol):
    webhook_path: str
    """Where the bot's HTTP server receives this platform's requests."""
    redelivers: bool
    """Whether the platform keeps retrying a delivery that was not answered 200 for hours (MAX). VK
    instead pauses delivery to a server that errs, so it is answered at once once the update is
    held in memory."""

    async def open_webhook(self) -> None:
        """Ready to be called: register the subscription (MAX) or learn the confirmation code (VK)."""
        ...

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookReply:
        """Check (secret, shape) and translate one request; never raises."""
        ...
