"""`schoolbot sandbox`: the bot against the local emulator, driven from the terminal or a script."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.logs import quiet_libraries
from bot.sandbox.player import EXAMPLES, Player
from bot.sandbox.script import ScriptError, Step, parse_line, parse_script
from bot.sandbox.world import CHATS, SandboxWorld

INTRO = """\
Песочница schoolbot: настоящий бот работает с локальным эмулятором {platform}, база — временная.
Участники: {cast}
Чаты: dm (личные сообщения боту), {chats}
Пишите текст — он уйдёт от имени текущего участника в текущий чат. Команды песочницы:
  :as <кто>       сменить участника (admin, teacher, classteacher, parent, student, stranger)
  :in <где>       сменить чат (dm, staff, 5a-parents, 5a-students)
  :press <кнопка> нажать кнопку из последнего сообщения бота
  :step <строка>  выполнить строку сценария, например: stranger joins {{link}}
  :quit           выйти
"""


def run_sandbox(script: Path | None = None, platform: str = "vk") -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    quiet_libraries()
    if script is not None:
        try:
            steps = parse_script(script.read_text(encoding="utf-8"))
        except (OSError, ScriptError) as error:
            print(f"Не удалось прочитать сценарий: {error}", file=sys.stderr)
            return 2
        return asyncio.run(play_script(steps, platform, files=script.resolve().parent))
    try:
        return asyncio.run(interactive(platform))
    except KeyboardInterrupt:
        return 0


async def play_script(steps: list[Step], platform: str = "vk", files: Path = EXAMPLES) -> int:
    world = SandboxWorld(platforms=[platform])
    await world.start()
    player = Player(world, files=files)
    try:
        for step in steps:
            try:
                await player.play(step)
            except ScriptError as error:
                print(f"Ошибка сценария: {error}", file=sys.stderr)
                return 2
    finally:
        await world.stop()
    return 0


async def interactive(platform: str = "vk") -> int:
    world = SandboxWorld(platforms=[platform])
    await world.start()
    player = Player(world)
    cast = ", ".join(f"{c.key} — {c.name} ({c.title})" for c in world.cast.values())
    title = "ВКонтакте" if platform == "vk" else "MAX"
    print(INTRO.format(platform=title, cast=cast, chats=", ".join(f"{k} ({v[0]})" for k, v in CHATS.items())))
    who, where = "admin", "dm"
    loop = asyncio.get_running_loop()
    try:
        while True:
            try:
                line = await loop.run_in_executor(None, input, f"{who} @ {where}> ")
            except EOFError:
                break
            line = line.strip()
            if not line:
                continue
            try:
                if line in (":quit", ":q", ":exit"):
                    break
                if line.startswith(":as "):
                    who = world.character(line[4:].strip()).key
                elif line.startswith(":in "):
                    player._chat(world.character(who).vk_id, line[4:].strip())  # validates first
                    where = line[4:].strip()
                elif line.startswith(":press "):
                    await player.play(Step(kind="press", who=who, where=where, text=line[7:].strip()))
                elif line.startswith(":step "):
                    step = parse_line(line[6:])
                    if step is not None:
                        await player.play(step)
                else:
                    await player.play(Step(kind="say", who=who, where=where, text=line))
            except (ScriptError, KeyError, ValueError) as error:  # e.g. writing in a chat one is not in
                print(f"(песочница) {error}")
    finally:
        await world.stop()
    return 0
