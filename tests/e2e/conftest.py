"""End-to-end: the real bot, started for real, talking HTTP to the local VK emulator."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.sandbox.world import SandboxWorld

WorldFactory = Callable[..., Awaitable[SandboxWorld]]


@pytest.fixture
async def make_world() -> AsyncIterator[WorldFactory]:
    worlds: list[SandboxWorld] = []

    async def make(**overrides: dict[str, Any]) -> SandboxWorld:
        world = SandboxWorld(settings_overrides=overrides)
        await world.start()
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        await world.stop()


@pytest.fixture
async def world(make_world: WorldFactory) -> SandboxWorld:
    return await make_world()


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages]
