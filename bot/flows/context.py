"""The context of one update: who acts, where, and the effects the flow owes.

Built by the dispatcher for each stored update. `commit()` is the flow's one transaction: its
writes, the effects collected so far (to the outbox) and the inbox row marked done, all at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from bot.chats import BoundChat
from bot.people import Person
from bot.places import PLACE_OF_PURPOSE, Place
from bot.port.effects import AnswerPress, Buttons, Effect, Send
from bot.port.events import ButtonPress, Event
from bot.port.gateway import Gateway
from bot.port.ids import SYSTEM, ChatId, PersonId, Platform, Where
from bot.services import Services
from storage.db import Statement
from storage.inbox import done_statement
from storage.outbox import OutboxItem


class AlreadyCommitted(RuntimeError):
    """A flow tried to commit twice: one update, one transaction."""


@dataclass(kw_only=True)
class Context:
    services: Services
    transaction: Callable[[], AbstractAsyncContextManager[object]]
    """The database's transaction (nested ones become savepoints): the flow's one commit."""
    event: Event
    inbox_id: int
    actor: Person
    """Who acts: the author, presser or person who started the bot."""
    chat: BoundChat | None = None
    """The bound chat the update happened in, if it is bound."""
    effects: list[Effect] = field(default_factory=list)
    committed: bool = False
    writes: list[Statement] = field(default_factory=list)
    """Writes that go with this update whatever the flow decides (an activity counter): run inside its
    one commit, so a retried update never counts twice; statements, so a flow that wrote nothing else
    commits them, its replies and the update marked done in one trip to the database."""
    queued: bool = False
    """Effects went to the outbox: the outbox worker is to look."""
    handoff: list[OutboxItem] | None = field(default_factory=list)
    """What `finish` committed in a transaction of its own, as its last step: the dispatcher hands it to
    the outbox worker before anything else can run, so the worker may start it without reading the
    queue. None once a `commit` block queued effects (they were committed earlier, while other updates
    could queue theirs): then the worker reads. Never an effect whose transaction rolled back."""

    @property
    def platform(self) -> Platform:
        return self.event.platform

    @property
    def gateway(self) -> Gateway:
        return self.services.gateways[self.event.platform]

    @property
    def where(self) -> Where:
        return self.event.where

    @property
    def chat_id(self) -> ChatId | None:
        return getattr(self.event, "chat", None)

    @property
    def in_dm(self) -> bool:
        return self.chat_id is None

    @property
    def place(self) -> Place:
        if self.chat_id is None:
            return Place.DM
        if self.chat is None:
            return Place.UNBOUND
        return PLACE_OF_PURPOSE[self.chat.binding.purpose]

    # --- effects -----------------------------------------------------------------------
    def owe(self, *effects: Effect) -> None:
        if self.committed:
            raise AlreadyCommitted("effects after the commit would be lost")
        self.effects.extend(effects)

    def reply(self, text: str, buttons: Buttons | None = None) -> None:
        """Answer where the update happened."""
        self.owe(Send(to=self.where, text=text, buttons=buttons))

    def send(self, to: str, text: str, buttons: Buttons | None = None, *, tag: str | None = None,
             on_failure: str | None = None) -> None:
        self.owe(Send(to=to, text=text, buttons=buttons, tag=tag, on_failure=on_failure))

    @property
    def pressed(self) -> bool:
        """The update is a button press (answers go to its pop-up)."""
        return isinstance(self.event, ButtonPress)

    def answer(self, text: str) -> None:
        """The pop-up answer to the pressed button (a long text also goes to the conversation)."""
        event = self.event
        assert isinstance(event, ButtonPress)
        self.owe(AnswerPress(platform=event.platform.value, press_id=event.press_id, presser=event.presser,
                             where=event.where, text=text))

    def dm(self, text: str, buttons: Buttons | None = None) -> None:
        """Answer the actor privately (personal data never goes to a group chat)."""
        self.owe(Send(to=self.actor.id, text=text, buttons=buttons))

    async def tell_staff(self, text: str, buttons: Buttons | None = None, *, tag: str | None = None) -> None:
        """The staff room(s); without one, the order's administrators by DM."""
        for place in await self.services.staff_places():
            self.send(place, text, buttons, tag=tag)

    def also_write(self, write: Statement) -> None:
        """Carry `write` in this update's commit (whichever flow, or the error boundary, makes it)."""
        self.writes.append(write)

    # --- the one transaction -----------------------------------------------------------
    @asynccontextmanager
    async def commit(self) -> AsyncIterator[None]:
        """Writes inside the block, then the effects and the update marked done: all or nothing."""
        if self.committed:
            raise AlreadyCommitted("one update, one transaction")
        owed_before = len(self.effects)
        try:
            async with self.transaction():
                yield
                if await self._owe_and_close():
                    self.handoff = None
        except BaseException:
            del self.effects[owed_before:]  # what the failed decision owed is owed no more
            raise
        self.writes.clear()  # done once: a later commit of the same update must not repeat them
        self.committed = True

    async def finish(self) -> None:
        """Commit what a flow that wrote nothing owes (its replies), once: nothing else to write, so
        the effects and the update marked done go in one trip, in a transaction of their own."""
        if not self.committed:
            if self.transaction_open():
                async with self.commit():
                    pass
                return
            queued = await self._owe_and_close()  # a transaction of its own: committed when it returns
            if self.handoff is not None:
                self.handoff += queued
            self.writes.clear()
            self.committed = True

    async def _owe_and_close(self) -> list[OutboxItem]:
        now = self.services.now()
        queued = await self.services.repos.outbox.add_items(
            self.effects, now, also=[*self.writes, done_statement(self.inbox_id, now)])
        self.queued = self.queued or bool(self.effects)
        return queued

    def transaction_open(self) -> bool:
        return self.services.transaction_open()


def person_of(event: Event) -> PersonId:
    """Who acts in an update; the bot itself when nobody does (it was removed by the platform)."""
    for name in ("author", "presser", "person", "member", "by"):
        value = getattr(event, name, None)
        if value:
            return PersonId(value)
    return SYSTEM
