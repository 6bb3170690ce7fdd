"""The database cannot be written for a while (read-only; the disk full), on each messenger.

People who ask get «Временная ошибка» at once and what they asked is not carried out later; an
offending message is deleted at once and reported when storage works again; the administrators
named in the order learn the cause once and learn when it is over; nothing stays pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from bot.port.ids import Platform
from bot.runtime import inbox_worker, intake
from bot.sandbox.drivers import Driver
from bot.sandbox.world import SandboxWorld
from bot.storage_trouble import STORAGE_APOLOGY

ADMIN, PARENT = 1001, 1003
OBSCENE = "да это п.и.з.д.е.ц какой-то, а не расписание"


@pytest.fixture(autouse=True)
def short_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake, "LONGEST_PAUSE", 0.2)
    monkeypatch.setattr(inbox_worker, "STORAGE_PAUSE", 0.2)


async def started(platform: str, **overrides: dict[str, object]) -> SandboxWorld:
    world = SandboxWorld(platforms=[platform], settings_overrides=overrides)
    await world.start()
    people = world.driver
    for chat, purpose in (("staff", "учительская"), ("5a-parents", "5А родители")):
        await people.write(ADMIN, f"/привязать {purpose}", chat)
        await people.next_bot_message(ADMIN, chat, predicate=lambda m: bool(m.text))
    return world


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    world = await started(request.param)
    try:
        yield world
    finally:
        await world.stop()


async def until(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


async def live_through_trouble(world: SandboxWorld, people: Driver, cause_words: str,
                               break_storage: Callable[[], Awaitable[None]],
                               mend_storage: Callable[[], Awaitable[None]]) -> None:
    await break_storage()
    # A question in the DM and a command in a chat: the apology, at once.
    await people.write(PARENT, "/помощь")
    apology = await people.next_bot_message(PARENT, predicate=lambda m: bool(m.text))
    assert apology.text == STORAGE_APOLOGY
    # The administrator named in the order learns the cause, once.
    notice = await people.next_bot_message(ADMIN, predicate=lambda m: "не может записывать" in m.text)
    assert cause_words in notice.text
    # An offending message is deleted at once.
    ref = await people.write(PARENT, OBSCENE, "5a-parents")
    await until(lambda: people.is_deleted("5a-parents", ref))
    await people.write(PARENT, "Спасибо, подожду")
    await asyncio.sleep(0.3)

    before = world.handled
    await mend_storage()
    over = await people.next_bot_message(ADMIN, predicate=lambda m: "снова работает" in m.text)
    assert "обработает" in over.text
    # The deletion is recorded and reported now: the staff log line, the warning.
    log_line = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Модерация" in m.text)
    assert "нецензурная лексика" in log_line.text and "удалено" in log_line.text
    await world.settle(before)
    now = world.app.services.now()  # type: ignore[union-attr]
    assert len(await world.repos.moderation.active_warnings(people.person(PARENT), now)) == 1
    # What was answered with the apology is not carried out later: no help text, apologies not repeated.
    said = [m.text for m in people.bot_messages(PARENT)]
    assert said.count(STORAGE_APOLOGY) == 2
    assert not any("/правила" in text for text in said)  # the help text lists the commands
    assert sum("не может записывать" in m.text for m in people.bot_messages(ADMIN)) == 1
    assert await world.repos.inbox.backlog() == 0
    # And the bot works as usual again.
    await people.write(PARENT, "/помощь")
    help_text = await people.next_bot_message(PARENT, predicate=lambda m: "/правила" in m.text)
    assert help_text.text != STORAGE_APOLOGY


async def test_read_only_database_for_a_while(world: SandboxWorld) -> None:
    db = world.app.db  # type: ignore[union-attr]

    async def freeze() -> None:
        await db.pragma("PRAGMA query_only = 1")

    async def thaw() -> None:
        await db.pragma("PRAGMA query_only = 0")

    await live_through_trouble(world, world.driver, "только для чтения", freeze, thaw)


# --- a real full disk: a small tmpfs, where the machine lets the tests mount one ---------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the read-only scenario covers the same path")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        for chunk in (65536, 512):  # then the last few bytes
            with contextlib.suppress(OSError):
                while file.write(b"\0" * chunk):
                    pass
    return filler


@pytest.mark.parametrize("platform", [Platform.VK, Platform.MAX])
async def test_disk_full_for_a_while(small_disk: Path, platform: Platform) -> None:
    world = await started(platform.value, storage={"path": small_disk / "bot.sqlite3"})
    db = world.app.db  # type: ignore[union-attr]
    filler: list[Path] = []

    async def fill_disk() -> None:
        # An empty write-ahead log must grow with the next write: the way a live bot meets a full disk.
        await db.pragma("PRAGMA wal_checkpoint(TRUNCATE)")
        filler.append(await asyncio.to_thread(fill, small_disk))

    async def free_space() -> None:
        filler[0].unlink()

    try:
        await live_through_trouble(world, world.driver, "закончилось место", fill_disk, free_space)
    finally:
        await world.stop()


async def test_a_start_on_a_database_that_cannot_be_written_says_so_at_once(tmp_path: Path) -> None:
    env = {**os.environ, "SCHOOLBOT_VK__TOKEN": "tok-123456", "SCHOOLBOT_VK__API_URL": "http://127.0.0.1:9/method/",
           "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "no-such-folder" / "bot.sqlite3")}
    result = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot", "run"], capture_output=True,
                                     text=True, timeout=60, env=env, check=False)
    assert result.returncode == 5
    assert "не удаётся открыть файл базы данных" in result.stderr and "Бот не запущен" in result.stderr
    assert "tok-123456" not in result.stderr + result.stdout
