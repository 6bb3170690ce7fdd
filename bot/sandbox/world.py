"""The sandbox world: the emulators (VK, MAX or both) with a small school in them, and the real
bot talking to them over HTTP, exactly as to the real platforms: by long poll, or (webhooks=True)
with the emulators POSTing to the bot's own HTTP server as VK's Callback API and MAX's webhook do."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import BotApp
from bot.config import Settings
from bot.membership.groups import Group, SchoolClass
from bot.port.gateway import Gender
from bot.port.ids import SYSTEM, PersonId, Platform
from bot.roles import Role
from bot.sandbox.drivers import Driver, MaxDriver, VkDriver
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.max_emulator import MaxEmulator
from bot.services import Repos, utc_now

GROUP_ID = 56
MAX_BOT_USERNAME = "school56_bot"
CALLBACK_SECRET = "sandbox-callback-secret"


@dataclass(frozen=True, kw_only=True)
class Character:
    key: str
    """What scripts and the console call them: admin, teacher, parent, student, stranger."""
    vk_id: int
    """Their account number (the same on each emulator, for readable scripts)."""
    first_name: str
    last_name: str
    role: Role | None
    """The role the sandbox starts them with (the admin's comes from config)."""
    title: str
    """How the transcript labels them."""
    gender: Gender = Gender.UNKNOWN
    """What VK's profile says (MAX profiles carry none: the bot reads it from the name there)."""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def id(self) -> PersonId:
        """Their VK account (VK-only tests use it)."""
        return PersonId(f"vk:{self.vk_id}")


F, M = Gender.FEMALE, Gender.MALE
CAST = (
    Character(key="admin", vk_id=1001, first_name="Анна", last_name="Смирнова", role=None, title="администратор",
              gender=F),
    Character(key="teacher", vk_id=1002, first_name="Мария", last_name="Петрова", role=Role.TEACHER,
              title="учитель математики", gender=F),
    Character(key="parent", vk_id=1003, first_name="Ольга", last_name="Иванова", role=Role.PARENT, title="родитель",
              gender=F),
    Character(key="student", vk_id=1004, first_name="Петя", last_name="Иванов", role=Role.STUDENT, title="ученик 5А",
              gender=M),
    Character(key="stranger", vk_id=1005, first_name="Игорь", last_name="Незнакомов", role=None, title="посторонний",
              gender=M),
    Character(key="classteacher", vk_id=1006, first_name="Елена", last_name="Соколова", role=Role.CLASS_TEACHER,
              title="классный руководитель 5А", gender=F),
    Character(key="deputy", vk_id=1007, first_name="Сергей", last_name="Орлов", role=Role.ADMINISTRATION,
              title="завуч", gender=M),
)
CHATS = {
    # key: (title, member keys)
    "staff": ("Учительская", ["admin", "teacher", "classteacher", "deputy"]),
    "5a-parents": ("5А — родители", ["admin", "teacher", "classteacher", "parent"]),
    "5a-students": ("5А — ученики", ["admin", "teacher", "classteacher", "student"]),
    "management": ("Руководство школы", ["admin", "deputy"]),
    "5a-math": ("5А — математика", ["admin", "teacher", "student"]),
}
SUBJECT = "математика"
"""The subject of the sandbox's subject group (5А математика, taught by `teacher`)."""


class SandboxSettings(Settings):
    """The sandbox's settings ignore SCHOOLBOT_* variables: a real token must never reach the emulator."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **other_sources):  # type: ignore[no-untyped-def,override]
        return (init_settings,)


class SandboxWorld:
    def __init__(self, *, platforms: Sequence[str] = ("vk",), clock: Callable[[], datetime] = utc_now,
                 settings_overrides: dict[str, dict[str, Any]] | None = None, webhooks: bool = False) -> None:
        self.platforms = [Platform(p) for p in platforms]
        self.webhooks = webhooks
        self.server_port = _free_port() if webhooks else 0
        self.vk = VkEmulator(group_id=GROUP_ID, screen_name="school56") if Platform.VK in self.platforms else None
        self.max = MaxEmulator(bot_username=MAX_BOT_USERNAME) if Platform.MAX in self.platforms else None
        self.drivers: dict[Platform, Driver] = {}
        if self.vk is not None:
            self.drivers[Platform.VK] = VkDriver(self.vk)
        if self.max is not None:
            self.drivers[Platform.MAX] = MaxDriver(self.max)
        self._tmp = tempfile.TemporaryDirectory(prefix="schoolbot-sandbox-")
        self._clock = clock
        self._overrides = settings_overrides or {}
        self.app: BotApp | None = None
        self.cast = {c.key: c for c in CAST}
        self._poll_task: asyncio.Task[None] | None = None
        self._seeded = False
        self.settings: Settings | None = None

    # --- what VK-only tests use ------------------------------------------------------------
    @property
    def emulator(self) -> VkEmulator:
        assert self.vk is not None, "this world has no VK"
        return self.vk

    @property
    def chat_peers(self) -> dict[str, int]:
        return self.drivers[Platform.VK].chats

    @property
    def driver(self) -> Driver:
        """The first platform's people (tests parametrized by platform use this)."""
        return self.drivers[self.platforms[0]]

    def character(self, key: str) -> Character:
        if key not in self.cast:
            raise KeyError(f"нет такого участника: {key} (есть: {', '.join(self.cast)})")
        return self.cast[key]

    def by_id(self, vk_id: int) -> Character | None:
        return next((c for c in CAST if c.vk_id == vk_id), None)

    def chat_title(self, peer_id: int) -> str:
        for driver in self.drivers.values():
            for key, peer in driver.chats.items():
                if peer == peer_id:
                    return CHATS[key][0] if key in CHATS else key
        character = self.by_id(peer_id)
        return f"ЛС: {character.name} ↔ бот" if character else f"чат {peer_id}"

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        values: dict[str, dict[str, Any]] = {
            "school": {"admins": [], "admin_contact": "Анна Смирнова, кабинет 12"},
            "storage": {"path": Path(self._tmp.name) / "sandbox.sqlite3"},
        }
        admin = self.cast["admin"].vk_id
        if self.vk is not None:
            await self.vk.start()
            for c in CAST:
                self.vk.add_user(c.vk_id, c.first_name, c.last_name, sex={F: 1, M: 2}.get(c.gender, 0))
            for key, (title, members) in CHATS.items():
                ids = [self.cast[m].vk_id for m in members]
                self.drivers[Platform.VK].chats[key] = self.vk.add_chat(title, ids, admins=[admin])
            values["vk"] = {"token": "sandbox-token", "group_id": GROUP_ID, "api_url": self.vk.api_url,
                            "longpoll_wait": 1, "retry_base_delay": 0.05}
            if self.webhooks:
                values["vk"] |= {"mode": "webhook", "callback_secret": CALLBACK_SECRET}
            values["school"]["admins"].append(f"vk:{admin}")
        if self.max is not None:
            await self.max.start()
            for c in CAST:
                self.max.add_user(c.vk_id, c.first_name, c.last_name)
            for key, (title, members) in CHATS.items():
                ids = [self.cast[m].vk_id for m in members]
                self.drivers[Platform.MAX].chats[key] = self.max.add_chat(title, ids, admins=[admin], owner=admin)
            values["max"] = {"token": "sandbox-token", "api_url": self.max.api_url, "longpoll_timeout": 1,
                             "poll_interval": 0.05, "retry_base_delay": 0.05}
            if self.webhooks:
                values["max"] |= {"mode": "webhook", "webhook_url": f"{self.server_url}/max/webhook"}
            values["school"]["admins"].append(f"max:{admin}")
        if self.webhooks:
            values["server"] = {"host": "127.0.0.1", "port": self.server_port}
        for section, overrides in self._overrides.items():
            values.setdefault(section, {}).update(overrides)
        self.settings = SandboxSettings.model_validate(values)
        await self._start_bot()

    async def _start_bot(self) -> None:
        assert self.settings is not None
        self.app = BotApp(self.settings, clock=self._clock)
        await self.app.start()
        if not self._seeded:
            await self._seed_school(self.repos)
            self._seeded = True
        self._poll_task = asyncio.create_task(self.app.run())
        waiter = asyncio.create_task(self.app.polling.wait())
        await asyncio.wait({waiter, self._poll_task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if self._poll_task.done():
            waiter.cancel()
            self._poll_task.result()  # the bot could not start: show why
        if self.webhooks and self.vk is not None:
            # What the school's administrator does once in the community's settings.
            assert self.settings is not None
            confirmed = await self.vk.set_callback_server(f"{self.server_url}{self.settings.vk.callback_path}",
                                                          CALLBACK_SECRET)
            if not confirmed:
                raise RuntimeError("the bot did not confirm the VK callback server")

    @property
    def server_url(self) -> str:
        """The bot's own HTTP server (webhooks, /health)."""
        return f"http://127.0.0.1:{self.server_port}"

    @property
    def repos(self) -> Repos:
        assert self.app is not None and self.app.services is not None
        return self.app.services.repos

    async def _seed_school(self, repos: Repos) -> None:
        """Roles from the start, and the people already in the chats belong there (on each platform):
        the staff in the staff room's group, the deputy in the management's, the teacher in the 5А
        mathematics group with the pupil, the 5А families in their class."""
        now, c5a = self._clock(), SchoolClass(5, "А")
        maths = Group.subject_group(c5a, SUBJECT)
        for driver in self.drivers.values():
            def who(key: str, driver: Driver = driver) -> PersonId:
                return driver.person(self.cast[key].vk_id)
            for c in CAST:
                if c.role is not None:
                    await repos.people.grant(who(c.key), c.role, granted_by=SYSTEM, now=now)
            await repos.people.grant(who("classteacher"), Role.TEACHER, granted_by=SYSTEM, now=now)
            await repos.memberships.set_class_teacher(c5a, who("classteacher"), by=SYSTEM, now=now)
            await repos.memberships.add(who("student"), Role.STUDENT, Group.of_class(c5a), now)
            await repos.memberships.add(who("parent"), Role.PARENT, Group.of_class(c5a), now)
            await repos.memberships.add_child(who("parent"), "Иванов Петя", c5a, now)
            for key in ("teacher", "classteacher"):
                await repos.memberships.add(who(key), Role.TEACHER, Group.staff(), now)
            await repos.memberships.add(who("deputy"), Role.ADMINISTRATION, Group.administration(), now)
            await repos.memberships.add(who("teacher"), Role.TEACHER, maths, now)
            await repos.memberships.add(who("student"), Role.STUDENT, maths, now)

    async def restart(self, while_down: Callable[[], None] | None = None) -> None:
        """Stop the bot gracefully (as on SIGTERM) and start it again over the same database;
        `while_down` runs in between (a test moves the clock past a moment the bot was to act at)."""
        await self._stop_bot()
        if while_down is not None:
            while_down()
        await self._start_bot()

    async def settle(self, handled_before: int, timeout: float = 10.0) -> None:
        """Wait until the bot has handled the injected event, carried out what it owes, and nothing
        follows for a moment (effects of effects, such as a kick notice, arrive by long poll too)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._poll_task is not None and self._poll_task.done():
                self._poll_task.result()  # surface why the bot stopped
            if self.handled > handled_before and await self._quiet():
                await asyncio.sleep(0.2)
                if await self._quiet():
                    return
            await asyncio.sleep(0.02)

    async def quiesce(self, timeout: float = 10.0) -> None:
        """Wait until nothing is being handled or owed, for a moment (no new event is expected)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if await self._quiet():
                await asyncio.sleep(0.2)
                if await self._quiet():
                    return
            await asyncio.sleep(0.02)

    async def _quiet(self) -> bool:
        """Nothing being handled and nothing owed that is due now."""
        assert self.app is not None and self.app.inbox_worker is not None and self.app.outbox_worker is not None
        if self.app.inbox_worker.in_flight or await self.repos.inbox.backlog():
            return False
        return await self.app.outbox_worker.flush(0.0)

    @property
    def handled(self) -> int:
        assert self.app is not None and self.app.inbox_worker is not None
        return self.app.inbox_worker.handled

    async def _stop_bot(self) -> None:
        if self.app is not None:
            self.app.request_stop()
        if self._poll_task is not None:
            try:
                await asyncio.wait_for(self._poll_task, 30)
            except (asyncio.CancelledError, Exception):
                pass
            self._poll_task = None
        if self.app is not None:
            await self.app.stop()

    async def stop(self) -> None:
        await self._stop_bot()
        if self.vk is not None:
            await self.vk.stop()
        if self.max is not None:
            await self.max.stop()
        self._tmp.cleanup()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
