"""schoolbot against a bare vkbottle echo bot, side by side in one run, on the same VK emulator.

Each bot runs as its own process (`schoolbot run`, `bench/bare_echo_bot.py`); the emulator and the
people run in this process, so the CPU measured (utime + stime from /proc) is the bot's alone, with
its idle cost subtracted. Patterns:

  pace    DMs at 20 a second (/помощь, /правила, a question) — CPU per DM
  burst   1,000 DMs at once — CPU per DM
  chat    messages in a class chat at 20 a second (schoolbot moderates them) — CPU per message
  latency 200 people write at once, VK's 20 requests/s enforced — reply p50/p99, all answered?
  year    RSS idle, then after a simulated year (100,000 words never seen before, 2,000 people), twice
  intake  chat messages stored and handled per second, long poll against webhook (schoolbot only)
  floor   RSS of a process that only loads vkbottle, then vkbottle and the Russian dictionary (what any
          bot on this stack that reads Russian words starts from)

Run: .venv/bin/python bench/overhead_bench.py [--quick]; writes bench/RESULTS-overhead.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.logs import quiet_libraries  # noqa: E402
from bot.sandbox.emulator import VkEmulator  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS-overhead.md")
TOKEN = "bench-token-123456"
GROUP_ID = 56
ADMIN = 1001
TICK = os.sysconf("SC_CLK_TCK")
DM_TEXTS = ("/помощь", "/правила", "Здравствуйте, когда родительское собрание?")
CHAT_TEXTS = ("Добрый вечер! Завтра экскурсия, не забудьте сменку", "Спасибо большое за информацию",
              "Во сколько начинается собрание?", "Дети, проверьте дневники", "Хорошо, поняла")


@dataclass
class Process:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: str | None = None
    proc: asyncio.subprocess.Process | None = None
    log: Path = field(default_factory=lambda: Path(tempfile.mkstemp(prefix="bench-", suffix=".log")[1]))

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(*self.argv, env={**os.environ, **self.env}, cwd=self.cwd,
                                                         stdout=asyncio.subprocess.DEVNULL,
                                                         stderr=self.log.open("wb"))

    def cpu(self) -> float:
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_mb(self) -> float:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()


INTAKE_WAVE = 500


async def until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)


async def quiet(bot: Process, idle_rate: float, settle: float = 1.5) -> None:
    """Until the bot's CPU stops growing beyond its idle rate for `settle` seconds."""
    last, still = bot.cpu(), 0.0
    while still < settle:
        await asyncio.sleep(0.25)
        now = bot.cpu()
        still = still + 0.25 if now - last <= idle_rate * 0.25 + 0.011 else 0.0
        last = now


async def measure(bot: Process, idle_rate: float, work: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    """(CPU seconds above idle, wall seconds) spent on `work` and what follows it."""
    cpu0, wall0 = bot.cpu(), time.monotonic()
    await work()
    await quiet(bot, idle_rate)
    wall = time.monotonic() - wall0
    return max(0.0, bot.cpu() - cpu0 - idle_rate * wall), wall


def unseen_words(count: int, rng: random.Random) -> list[str]:
    letters = "абвгдеёжзийклмнопрстуфхцчшщыэюя"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(5, 11))) for _ in range(count)]


class Bench:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.scale = 0.25 if quick else 1.0
        self.rows: dict[str, dict[str, str]] = {}
        self.numbers: dict[str, dict[str, float]] = {}
        self.notes: list[str] = []
        self.floors: dict[str, float] = {}

    def n(self, full: int) -> int:
        return max(10, int(full * self.scale))

    async def world(self, rate_limit: int) -> tuple[VkEmulator, int]:
        emulator = VkEmulator(group_id=GROUP_ID, screen_name="school56", token=TOKEN, rate_limit=rate_limit)
        await emulator.start()
        emulator.add_user(ADMIN, "Анна", "Смирнова")
        people = list(range(20_000, 20_000 + 3_000))
        for user in people:
            emulator.add_user(user, "Родитель", str(user))
        chat = emulator.add_chat("5А — родители", [ADMIN, *people[:50]], admins=[ADMIN])
        return emulator, chat

    def schoolbot(self, emulator: VkEmulator, db: Path, **extra: str) -> Process:
        env = {"SCHOOLBOT_VK__TOKEN": TOKEN, "SCHOOLBOT_VK__API_URL": emulator.api_url,
               "SCHOOLBOT_VK__GROUP_ID": str(GROUP_ID), "SCHOOLBOT_STORAGE__PATH": str(db),
               "SCHOOLBOT_SCHOOL__ADMINS": f'["vk:{ADMIN}"]', "SCHOOLBOT_LOGGING__LEVEL": "WARNING", **extra}
        profile = os.environ.get("SCHOOLBOT_BENCH_PROFILE")  # a path: the bot runs under cProfile
        argv = [sys.executable, *(["-m", "cProfile", "-o", profile] if profile else []), "-m", "bot", "run"]
        return Process("schoolbot", argv, {"PYTHONPATH": str(ROOT), **env}, cwd=str(ROOT))

    def bare(self, emulator: VkEmulator) -> Process:
        env = {"SCHOOLBOT_BENCH_TOKEN": TOKEN, "SCHOOLBOT_BENCH_API": emulator.api_url}
        # Its own folder: vkbottle leaves a .vkbottle/ directory behind.
        return Process("bare vkbottle", [sys.executable, str(ROOT / "bench" / "bare_echo_bot.py")], env,
                       cwd=tempfile.mkdtemp(prefix="bench-bare-"))

    # --- one bot through every pattern ------------------------------------------------------------
    async def run_bot(self, kind: str) -> None:
        emulator, chat = await self.world(rate_limit=100_000)
        tmp = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
        bot = self.schoolbot(emulator, tmp / "bot.sqlite3") if kind == "schoolbot" else self.bare(emulator)
        await bot.start()
        numbers = self.numbers.setdefault(bot.name, {})
        try:
            await until(lambda: bool(emulator.calls("groups.getLongPollServer")), 120, f"{bot.name} start")
            if kind == "schoolbot":
                await emulator.user_writes(ADMIN, "/привязать 5А родители", peer_id=chat)
                await emulator.wait_for_bot_message(chat, timeout=60)
            await self.dm(emulator, 20_000, "/помощь")  # warm-up: imports, caches, the first name lookup
            await asyncio.sleep(3)
            cpu0 = bot.cpu()
            await asyncio.sleep(5)
            idle_rate = (bot.cpu() - cpu0) / 5
            numbers["rss_idle"] = bot.rss_mb()
            numbers["idle_cpu_per_s"] = idle_rate

            users = list(range(20_100, 20_200))
            count = self.n(300)
            cpu, _ = await measure(bot, idle_rate, lambda: self.pace(emulator, users, count))
            numbers["pace_cpu_ms"] = cpu / count * 1000

            burst = list(range(21_000, 21_000 + self.n(1000)))
            cpu, _ = await measure(bot, idle_rate, lambda: self.burst(emulator, burst))
            numbers["burst_cpu_ms"] = cpu / len(burst) * 1000

            count = self.n(300)
            cpu, _ = await measure(bot, idle_rate, lambda: self.chat(emulator, chat, count, rate=20))
            numbers["chat_cpu_ms"] = cpu / count * 1000

            emulator.rate_limit = 20  # VK's limit from here on
            latencies = await self.latency(emulator, list(range(22_000, 22_200)))
            numbers["latency_answered"] = len(latencies)
            if latencies:
                numbers["latency_p50"] = statistics.median(latencies)
                numbers["latency_p99"] = sorted(latencies)[max(0, int(len(latencies) * 0.99) - 1)]
            emulator.rate_limit = 100_000

            rng = random.Random(56)
            for round_number in (1, 2):
                words = unseen_words(self.n(100_000), rng)
                messages = [" ".join(words[i:i + 5]) for i in range(0, len(words), 5)]
                await measure(bot, idle_rate, lambda m=messages: self.chat_texts(emulator, chat, m))
                people = list(range(22_300, 22_300 + self.n(1000))) if round_number == 1 else \
                    list(range(23_300 - self.n(1000), 23_300))
                await measure(bot, idle_rate, lambda p=people: self.burst(emulator, p, wait=False))
                numbers[f"rss_year_{round_number}"] = bot.rss_mb()
        finally:
            await bot.stop()
            await emulator.stop()

    async def dm(self, emulator: VkEmulator, user: int, text: str) -> None:
        before = len(emulator.bot_messages(user))
        await emulator.user_writes(user, text)
        await until(lambda: len(emulator.bot_messages(user)) > before, 60, "a reply")

    async def pace(self, emulator: VkEmulator, users: list[int], count: int) -> None:
        expected: dict[int, int] = {u: len(emulator.bot_messages(u)) for u in users}
        for i in range(count):
            user = users[i % len(users)]
            await emulator.user_writes(user, DM_TEXTS[i % len(DM_TEXTS)])
            expected[user] += 1
            await asyncio.sleep(1 / 20)
        await until(lambda: all(len(emulator.bot_messages(u)) >= n for u, n in expected.items()), 600, "pace")

    async def burst(self, emulator: VkEmulator, users: list[int], *, wait: bool = True) -> None:
        await asyncio.gather(*(emulator.user_writes(u, "/помощь") for u in users))
        if wait:
            await until(lambda: all(emulator.bot_messages(u) for u in users), 900, "burst")

    async def chat(self, emulator: VkEmulator, chat: int, count: int, rate: float) -> None:
        for i in range(count):
            await emulator.user_writes(20_000 + i % 50, CHAT_TEXTS[i % len(CHAT_TEXTS)], peer_id=chat)
            await asyncio.sleep(1 / rate)

    async def chat_texts(self, emulator: VkEmulator, chat: int, texts: list[str]) -> None:
        for i, text in enumerate(texts):
            await emulator.user_writes(20_000 + i % 50, text, peer_id=chat)
            if i % 200 == 0:
                await asyncio.sleep(0)

    async def latency(self, emulator: VkEmulator, users: list[int]) -> list[float]:
        async def one(user: int) -> float | None:
            started = time.monotonic()
            await emulator.user_writes(user, "/помощь")
            try:
                await emulator.wait_for_bot_message(user, timeout=60)
            except TimeoutError:
                return None
            return time.monotonic() - started

        found = await asyncio.gather(*(one(u) for u in users))
        return [f for f in found if f is not None]

    # --- schoolbot's intake, long poll against webhook -------------------------------------------------
    async def intake(self) -> None:
        for mode in ("longpoll", "webhook"):
            emulator, chat = await self.world(rate_limit=100_000)
            tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
            db = tmp / "bot.sqlite3"
            port = _free_port()
            extra = {"SCHOOLBOT_VK__MODE": mode, "SCHOOLBOT_VK__CALLBACK_SECRET": "bench-secret-1",
                     "SCHOOLBOT_SERVER__PORT": str(port)} if mode == "webhook" else {}
            bot = self.schoolbot(emulator, db, **extra)
            await bot.start()
            try:
                if mode == "webhook":
                    await until(lambda db=db, port=port: db.exists() and _can_connect(port), 120, "webhook server")
                    await asyncio.sleep(1)
                    assert await emulator.set_callback_server(f"http://127.0.0.1:{port}/vk/callback", "bench-secret-1")
                else:
                    await until(lambda emulator=emulator: bool(emulator.calls("groups.getLongPollServer")), 120, "start")
                count = self.n(2000)
                before = _handled(db)
                started = time.monotonic()
                # In waves of INTAKE_WAVE: the emulator, like VK, keeps a long-poll history of 1,000 events, and
                # a burst beyond it while the bot stores the previous answer is lost («failed: 1»), not slow.
                try:
                    for first in range(0, count, INTAKE_WAVE):
                        wave = [CHAT_TEXTS[i % len(CHAT_TEXTS)] for i in range(first, min(count, first + INTAKE_WAVE))]
                        await self.chat_texts(emulator, chat, wave)
                        sent = first + len(wave)
                        await until(lambda db=db, before=before, sent=sent: _handled(db) - before >= sent, 180,
                                    f"{mode} intake")
                except TimeoutError:  # reported as what was handled in the time, with the shortfall
                    self.notes.append(f"{mode} intake: {_handled(db) - before} of {count} handled")
                done = _handled(db) - before
                self.numbers.setdefault("schoolbot", {})[f"intake_{mode}"] = done / (time.monotonic() - started)
            finally:
                await bot.stop()
                await emulator.stop()

    # --- what the stack itself takes ------------------------------------------------------------------
    async def floor(self) -> None:
        rss = "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')))"
        programs = {
            "vkbottle imported": "import vkbottle",
            "vkbottle and the pymorphy3 dictionary loaded": (
                "import vkbottle, pymorphy3; pymorphy3.MorphAnalyzer(lang='ru').parse('школа')"),
        }
        for name, program in programs.items():
            child = await asyncio.create_subprocess_exec(sys.executable, "-c", f"{program}\n{rss}",
                                                         stdout=asyncio.subprocess.PIPE)
            out, _ = await child.communicate()
            self.floors[name] = int(out.decode().split()[-1]) / 1024

    # --- the report ----------------------------------------------------------------------------------------
    def report(self) -> str:
        ours, bare = self.numbers.get("schoolbot", {}), self.numbers.get("bare vkbottle", {})

        def row(title: str, key: str, unit: str, fmt: str = "{:.2f}", ratio: bool = True) -> str:
            a, b = ours.get(key), bare.get(key)
            shown_a = fmt.format(a) + unit if a is not None else "—"
            shown_b = fmt.format(b) + unit if b is not None else "—"
            times = f"{a / b:.2f}×" if ratio and a is not None and b else "—"
            return f"| {title} | {shown_a} | {shown_b} | {times} |"

        lines = [
            "# schoolbot against a bare vkbottle bot",
            "",
            f"{date.today().isoformat()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"command: `.venv/bin/python bench/overhead_bench.py{' --quick' if self.quick else ''}`. "
            "Both bots as processes on the same VK emulator; CPU is utime+stime of the bot's process with its "
            "idle cost subtracted.",
            "",
            "| measure | schoolbot | bare vkbottle | ratio |",
            "|---|---|---|---|",
            row("CPU per DM, 20 a second", "pace_cpu_ms", " ms"),
            row(f"CPU per DM, {self.n(1000)} at once", "burst_cpu_ms", " ms"),
            row("CPU per chat message, 20 a second", "chat_cpu_ms", " ms"),
            row("idle CPU (long poll waiting)", "idle_cpu_per_s", " s/s", "{:.4f}", ratio=False),
            row("200 people at once, VK's 20 req/s: answered", "latency_answered", "", "{:.0f}", ratio=False),
            row("  reply latency p50", "latency_p50", " s"),
            row("  reply latency p99", "latency_p99", " s"),
            row("RSS idle", "rss_idle", " MB", "{:.0f}"),
            row(f"RSS after a simulated year ({self.n(100_000):,} unseen words, {self.n(1000):,} people)",
                "rss_year_1", " MB", "{:.0f}"),
            row("RSS after a second year", "rss_year_2", " MB", "{:.0f}"),
            row("chat messages handled per second, long poll", "intake_longpoll", "/s", "{:.0f}", ratio=False),
            row("chat messages handled per second, webhook (Callback API)", "intake_webhook", "/s", "{:.0f}",
                ratio=False),
        ]
        if self.floors:
            lines += ["", "What the stack takes before any bot code runs (a process that only imports): "
                      + "; ".join(f"{name}: {mb:.0f} MB" for name, mb in self.floors.items()) + "."]
        lines += ["", *(f"Note: {note}." for note in self.notes)] if self.notes else []
        return "\n".join(lines) + "\n"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _can_connect(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _handled(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM inbox WHERE state != 'pending'").fetchone()[0])
    except sqlite3.Error:
        return 0


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a quarter of the sizes (a smoke run)")
    parser.add_argument("--only", choices=["schoolbot", "bare", "intake", "floor"], action="append")
    args = parser.parse_args()
    quiet_libraries()
    bench = Bench(args.quick)
    chosen = args.only or ["schoolbot", "bare", "intake", "floor"]
    if "schoolbot" in chosen:
        await bench.run_bot("schoolbot")
    if "bare" in chosen:
        await bench.run_bot("bare")
    if "intake" in chosen:
        await bench.intake()
    if "floor" in chosen:
        await bench.floor()
    text = bench.report()
    print(text)
    if not args.only:
        RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    random.seed(56)
    _ = string
    asyncio.run(main())
