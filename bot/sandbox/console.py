"""The sandbox's interactive console: a line editor with history (↑), Ctrl-C exits at once, and the
bot's work never mixes with what is typed meanwhile.

The world (the emulator and the real bot) runs on an event loop in a background thread; the main
thread only reads lines. So Ctrl-C interrupts the console immediately — even while the bot is busy —
and a blocked read never keeps the process alive. While the bot works, the terminal stops echoing:
lines typed meanwhile wait in the terminal and appear, in order, at the next prompt.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.sandbox.player import Player
from bot.sandbox.script import ScriptError, Step, parse_line
from bot.sandbox.world import CHATS, SandboxWorld

T = TypeVar("T")
STOP_WAIT = 3.0  # seconds the bot gets to stop after Ctrl-C or :quit; then the process just exits

COMMANDS = """\
Команды песочницы (строки с двоеточием боту не отправляются):
  :as <кто>       сменить участника ({cast})
  :in <где>       сменить чат (dm, {chats})
  :press <кнопка> нажать кнопку из последнего сообщения бота здесь
  :step <строка>  выполнить строку сценария, например: stranger enters 5a-parents
  :help           эта подсказка
  :quit           выйти (или Ctrl-C, или Ctrl-D)
Строки сценария можно писать и без :step: «stranger enters 5a-parents», «parent joins {{link}}»,
«admin @ staff press Принять», «parent @ 5a-parents: текст»."""

INTRO = """\
Песочница schoolbot: настоящий бот работает с локальным эмулятором {platform}, база — временная.
Участники: {cast}
Чаты: dm (личные сообщения боту), {chats}
Пишите текст — он уйдёт от имени текущего участника в текущий чат. ↑ и ↓ — история строк.
"""


@dataclass
class Where:
    who: str = "admin"
    chat: str = "dm"


class Console:
    """Reads lines in the main thread; everything the world does runs on its own loop."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=_run_world, args=(self.loop,), name="sandbox-world", daemon=True)
        self.world = SandboxWorld(platforms=[platform])
        self.player = Player(self.world)
        self.here = Where()

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run on the world's loop and wait (Ctrl-C interrupts the wait at once)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def run(self) -> int:
        _enable_line_editing()
        _let_ctrl_c_quit()
        self.thread.start()
        try:
            self.call(self.world.start())
            print(self.intro())
            while True:
                try:
                    line = input(f"{self.here.who} @ {self.here.chat}> ")
                except EOFError:
                    print()
                    break
                if not self.handle(line):
                    break
        except KeyboardInterrupt:
            print("\n(песочница) выход")
        finally:
            self.shutdown()
        return 0

    def shutdown(self) -> None:
        with contextlib.suppress(Exception, KeyboardInterrupt):
            self.call(self.world.stop(), timeout=STOP_WAIT)
        self.loop.call_soon_threadsafe(self.loop.stop)

    def intro(self) -> str:
        cast = ", ".join(f"{c.key} — {c.name} ({c.title})" for c in self.world.cast.values())
        chats = ", ".join(f"{key} ({title})" for key, (title, _) in CHATS.items())
        title = "ВКонтакте" if self.platform == "vk" else "MAX"
        return INTRO.format(platform=title, cast=cast, chats=chats) + self.help()

    def help(self) -> str:
        return COMMANDS.format(cast=", ".join(self.world.cast), chats=", ".join(CHATS))

    def handle(self, line: str) -> bool:
        """One typed line; False to quit. A line that starts with «:» is never sent to the bot."""
        line = line.strip()
        if not line:
            return True
        try:
            step = self.step_of(line)
            if step is None:
                return line not in (":quit", ":q", ":exit")
            with _no_echo():
                self.call(self.player.play(step))
        except (ScriptError, KeyError, ValueError) as error:  # e.g. writing in a chat one is not in
            print(f"(песочница) {error}")
        return True

    def step_of(self, line: str) -> Step | None:
        """What a typed line does: a console command, a script line, or a message from the current
        participant in the current chat. None when there is nothing to play."""
        here = self.here
        if line.startswith(":"):
            command, _, rest = line.partition(" ")
            rest = rest.strip()
            if command in (":quit", ":q", ":exit"):
                return None
            if command == ":help":
                print(self.help())
                return None
            if command not in (":as", ":in", ":press", ":step"):
                raise ScriptError(f"не знаю команду {command} (боту она не отправлена).\n{self.help()}")
            if not rest:
                raise ScriptError(f"после {command} нужно указать, что именно.\n{self.help()}")
            if command == ":as":
                here.who = self.world.character(rest).key
                return None
            if command == ":in":
                self.player.check_chat(self.world.character(here.who).vk_id, rest)  # validates first
                here.chat = rest
                return None
            if command == ":press":
                return Step(kind="press", who=here.who, where=here.chat, text=rest)
            if command == ":step":
                return parse_line(rest)
            raise AssertionError(command)  # every known command is handled above
        script = _script_line(line, set(self.world.cast))
        if script is not None:
            return script
        return Step(kind="say", who=here.who, where=here.chat, text=line)


def _script_line(line: str, cast: set[str]) -> Step | None:
    """A line of the script language typed as it is («stranger enters 5a-parents»), if it is one
    and names a participant; anything else is a message."""
    try:
        step = parse_line(line)
    except ScriptError:
        return None
    if step is None or step.kind == "heading" or step.who not in cast:
        return None
    return step


def _run_world(loop: asyncio.AbstractEventLoop) -> None:
    """The world's thread, and every thread it starts (database, executors), never takes SIGINT: the
    kernel may hand a process's signal to any thread that accepts it, and one taken elsewhere leaves
    the main thread's input() blocked, so Ctrl-C would seem to do nothing."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    loop.run_forever()


def _let_ctrl_c_quit() -> None:
    """Ctrl-C quits even when whoever started us ignored SIGINT (a background job of a script, some
    CI runners): Python then installs no handler of its own, and the console could never be left."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _enable_line_editing() -> None:
    """input() gets a line editor and history (↑/↓) where the platform has readline."""
    with contextlib.suppress(ImportError):
        import readline

        readline.parse_and_bind("set editing-mode emacs")


@contextlib.contextmanager
def _no_echo() -> Iterator[None]:
    """While the bot works, what is typed is not echoed: it stays in the terminal's buffer and shows,
    in order, at the next prompt (a half-typed line is never split by the bot's output)."""
    if not sys.stdin.isatty():
        yield
        return
    try:
        import termios
    except ImportError:  # not a POSIX terminal
        yield
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, quiet)  # TCSANOW: what was typed stays in the buffer
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)


def run_console(platform: str) -> int:
    return Console(platform).run()
