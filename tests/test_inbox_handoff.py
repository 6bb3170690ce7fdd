"""Updates the intake stores are handed to the inbox worker in memory: handled once each, with no
read of the inbox per update, whatever a read under way sees."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.port.events import Incoming, Started
from bot.port.ids import PersonId, Platform
from bot.runtime.inbox_worker import Handled, InboxWorker
from storage.db import Database
from storage.inbox import Inbox, InboxItem
from tests.waiting import eventually

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def started(key: str, person: str = "vk:1") -> Incoming:
    return Incoming(key=key, event=Started(platform=Platform.VK, person=PersonId(person), payload=""))


class CountingInbox(Inbox):
    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.reads = 0
        self.hold: asyncio.Event | None = None

    async def pending(self, after_id: int = 0, limit: int = 500) -> list[InboxItem]:
        self.reads += 1
        found = await super().pending(after_id, limit)
        if self.hold is not None:
            await self.hold.wait()
        return found


class Recorder:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.keys: list[str] = []

    async def __call__(self, item: InboxItem) -> Handled:
        self.keys.append(item.key)
        await self.inbox.mark_done(item.id, NOW)
        return Handled.DONE


async def test_store_returns_only_the_new_updates(db: Database) -> None:
    inbox = Inbox(db)
    first = await inbox.store(Platform.VK, [started("a"), started("b")], "1", NOW)
    again = await inbox.store(Platform.VK, [started("b"), started("c", "vk:2")], "2", NOW)
    assert [i.key for i in first] == ["a", "b"] and [i.key for i in again] == ["c"]
    assert [(i.id, i.lane, i.event_json) for i in first + again] == \
        [(i.id, i.lane, i.event_json) for i in await inbox.pending()]


async def test_handed_updates_are_handled_without_reading_the_inbox(db: Database) -> None:
    inbox = CountingInbox(db)
    recorder = Recorder(inbox)
    worker = InboxWorker(inbox, recorder)
    task = asyncio.create_task(worker.run())
    await eventually(lambda: inbox.reads == 1)  # the start's read of what a crash left
    for n in range(20):
        worker.take(await inbox.store(Platform.VK, [started(f"k{n}", f"vk:{n % 3}")], str(n), NOW))
    await eventually(lambda: len(recorder.keys) == 20)
    assert sorted(recorder.keys) == sorted(f"k{n}" for n in range(20))
    assert inbox.reads == 1
    await worker.stop(1.0)
    await task


async def test_updates_handed_while_a_read_is_under_way_are_handled_once(db: Database) -> None:
    inbox = CountingInbox(db)
    recorder = Recorder(inbox)
    await inbox.store(Platform.VK, [started("left-by-a-crash")], "0", NOW)
    inbox.hold = asyncio.Event()
    worker = InboxWorker(inbox, recorder)
    task = asyncio.create_task(worker.run())
    await eventually(lambda: inbox.reads == 1)
    # Stored after the read ran, handed before its answer is used; and one stored before the next read.
    worker.take(await inbox.store(Platform.VK, [started("during")], "1", NOW))
    inbox.hold.set()
    inbox.hold = None
    await eventually(lambda: len(recorder.keys) == 2)
    worker.take(await inbox.store(Platform.VK, [started("after")], "2", NOW))
    await eventually(lambda: len(recorder.keys) == 3)
    await asyncio.sleep(0.1)
    assert recorder.keys == ["left-by-a-crash", "during", "after"]
    await worker.stop(1.0)
    await task


async def test_a_stopping_worker_leaves_handed_updates_pending(db: Database) -> None:
    inbox = Inbox(db)
    recorder = Recorder(inbox)
    worker = InboxWorker(inbox, recorder)
    task = asyncio.create_task(worker.run())
    await worker.stop(1.0)
    await task
    worker.take(await inbox.store(Platform.VK, [started("late")], "1", NOW))
    await asyncio.sleep(0.05)
    assert recorder.keys == [] and [i.key for i in await inbox.pending()] == ["late"]
