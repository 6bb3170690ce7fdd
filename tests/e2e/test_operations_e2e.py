"""Running for a year, end to end: destruction records read with /уничтожение on each messenger, the
daily copy made at start when one is due, and the container's commands (deploy/Dockerfile's
ENTRYPOINT, CMD and HEALTHCHECK, read from the file) as real processes against the VK emulator:
run, status as a healthcheck, an online backup, a second bot refused, SIGTERM, restore."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import backups
from bot.housekeeping import tidy_once
from bot.port.ids import ChatId
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.world import SandboxWorld
from storage.backup import check_copy
from tests.e2e.botprocess import BotProcess

ADMIN, TEACHER = 1001, 1002
ROOT = Path(__file__).resolve().parents[2]
SCHOOLBOT = Path(sys.executable).with_name("schoolbot")  # the console script the image's ENTRYPOINT names


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    world = SandboxWorld(platforms=[request.param])
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


async def test_order_administrators_read_the_destruction_records(world: SandboxWorld) -> None:
    people = world.driver
    await people.write(ADMIN, "/уничтожение")
    assert "не уничтожал" in (await people.next_bot_message(ADMIN)).text

    assert world.app is not None and world.app.services is not None
    services = world.app.services
    for n in range(3):
        await world.repos.moderation.record_event(
            now=services.now() - timedelta(days=200), chat_id=ChatId(f"{people.platform.value}:-1"),
            author_id=people.person(1004), message_ref=str(n), labels=["profanity"], excerpt="б**", edited=False,
            acts=["delete"])
    assert (await tidy_once(services))["moderation_erased"] == 3

    await people.write(ADMIN, "/уничтожение 7")
    reply = (await people.next_bot_message(ADMIN, predicate=lambda m: "всего" in m.text)).text
    assert "за 7 дн." in reply and "записи модерации (замаскированные отрывки) — 3" in reply
    assert "по истечении срока хранения" in reply and people.person(1004) not in reply

    await people.write(TEACHER, "/уничтожение")
    refused = (await people.next_bot_message(TEACHER)).text
    assert "только администраторы, назначенные приказом директора" in refused


@pytest.mark.parametrize("platform", ["vk", "max"])
async def test_a_due_daily_copy_is_made_after_the_start(platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backups, "START_DELAY", timedelta(seconds=0.2))
    world = SandboxWorld(platforms=[platform])
    await world.start()
    try:
        await a_copy_appears(world)
    finally:
        await world.stop()


async def a_copy_appears(world: SandboxWorld) -> None:
    assert world.settings is not None
    database = Path(world.settings.storage.path)
    folder = world.settings.backup.directory(database)
    for _ in range(200):
        copies = list(folder.glob("schoolbot-*.sqlite3")) if folder.is_dir() else []
        last = await world.repos.backups.last("daily")
        if copies and last is not None:
            break
        await asyncio.sleep(0.05)
    assert len(copies) == 1 and last is not None and last.path == str(copies[0])
    assert check_copy(copies[0]) >= 10


# --- the container's commands as processes -------------------------------------------------------


def dockerfile() -> dict[str, object]:
    """ENV, ENTRYPOINT, CMD and the HEALTHCHECK command of deploy/Dockerfile."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8"))
    final = text.split("\nFROM ")[-1]  # the run stage
    env: dict[str, str] = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", final, re.M)[1])  # type: ignore[index]
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", final, re.M)[1])  # type: ignore[index]
    health = json.loads(re.search(r"^HEALTHCHECK .*? CMD (\[.*\])$", final, re.M)[1])  # type: ignore[index]
    return {"env": env, "entrypoint": entrypoint, "cmd": cmd, "health": health}


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, check=False)


def executable(argv: list[str]) -> list[str]:
    assert argv[0] == "schoolbot"
    return [str(SCHOOLBOT), *argv[1:]]


@pytest.fixture
async def emulator() -> AsyncIterator[VkEmulator]:
    emulator = VkEmulator(group_id=56, screen_name="school56", token="tok-image")
    await emulator.start()
    emulator.add_user(ADMIN, "Анна", "Смирнова")
    try:
        yield emulator
    finally:
        await emulator.stop()


async def test_the_images_commands_work_as_plain_processes(emulator: VkEmulator, tmp_path: Path) -> None:
    image = dockerfile()
    data = tmp_path / "data"  # the /data volume
    data.mkdir()
    baked = {k: v.replace("/data", str(data)) for k, v in image["env"].items()  # type: ignore[attr-defined]
             if k.startswith("SCHOOLBOT_")}
    assert not any("TOKEN" in key for key in baked)  # no token is baked into the image
    env = {**os.environ, **baked, "SCHOOLBOT_VK__TOKEN": "tok-image", "SCHOOLBOT_VK__API_URL": emulator.api_url,
           "SCHOOLBOT_VK__GROUP_ID": "56", "SCHOOLBOT_VK__LONGPOLL_WAIT": "1", "SCHOOLBOT_VK__RETRY_BASE_DELAY": "0.05",
           "SCHOOLBOT_SCHOOL__ADMINS": f"[{ADMIN}]", "SCHOOLBOT_LOGGING__FORMAT": "json"}
    database = data / "schoolbot.sqlite3"
    assert Path(baked["SCHOOLBOT_STORAGE__PATH"]) == database

    bot = BotProcess(env, lambda: len(emulator.calls("groups.getLongPollServer")), tmp_path / "bot.log",
                     argv=executable([*image["entrypoint"], *image["cmd"]]))  # type: ignore[list-item]
    await bot.start()
    try:
        await emulator.user_writes(ADMIN, "/помощь")
        await emulator.wait_for_bot_message(ADMIN, timeout=10)

        health = await asyncio.to_thread(run, executable(image["health"]), env)  # type: ignore[arg-type]
        assert health.returncode == 0, health.stdout
        assert health.stdout.startswith("Состояние: в порядке") and "Бот: запущен" in health.stdout

        copy = await asyncio.to_thread(run, executable(["schoolbot", "backup", f"{data}/manual/"]), env)
        assert copy.returncode == 0, copy.stderr
        made = next((data / "manual").glob("*.sqlite3"))
        assert check_copy(made) >= 10 and "целостность проверена" in copy.stdout

        second = await asyncio.to_thread(run, executable([*image["entrypoint"], *image["cmd"]]), env)  # type: ignore[list-item]
        assert second.returncode == 6 and "использует запущенный бот" in second.stderr
        refused = await asyncio.to_thread(run, executable(["schoolbot", "restore", str(made)]), env)
        assert refused.returncode == 6 and "база не тронута" in refused.stderr

        assert await bot.terminate() == 0
        stopped = await asyncio.to_thread(run, executable(image["health"]), env)  # type: ignore[arg-type]
        assert stopped.returncode == 1 and "бот не запущен" in stopped.stdout

        restored = await asyncio.to_thread(run, executable(["schoolbot", "restore", str(made)]), env)
        assert restored.returncode == 0, restored.stderr
        assert "восстановлена" in restored.stdout and "Прежняя база сохранена" in restored.stdout
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        await bot.start()
    finally:
        await bot.stop_quietly()

    lines = [line for line in (tmp_path / "bot.log").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines and all(json.loads(line)["level"] for line in lines)  # structured: one JSON object a line
    assert not any("tok-image" in line for line in lines)

