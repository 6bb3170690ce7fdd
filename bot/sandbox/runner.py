"""`schoolbot sandbox`: the bot against the local emulator, driven from the terminal or a script."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.logs import quiet_libraries
from bot.sandbox.console import run_console
from bot.sandbox.player import EXAMPLES, Player
from bot.sandbox.script import ScriptError, Step, parse_script
from bot.sandbox.world import SandboxWorld


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
    return run_console(platform)


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
