"""`schoolbot run` as a real process against an emulator: started, killed, stopped, restarted."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path


class BotProcess:
    """The bot as a separate process over one database file, so it can be SIGKILLed mid-work."""

    def __init__(self, env: dict[str, str], connected: Callable[[], int], log: Path,
                 argv: list[str] | None = None) -> None:
        self._argv = argv or [sys.executable, "-m", "bot", "run"]
        self._env = {**os.environ, **env}
        self._connected = connected
        self._log = log
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, timeout: float = 30.0) -> None:
        """Start and wait until it polls (the emulator has seen one more long-poll connection)."""
        before = self._connected()
        with self._log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(*self._argv, env=self._env, stdout=log, stderr=log)
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._connected() <= before:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}: {self._log.read_text()[-2000:]}")
            if loop.time() > deadline:
                raise AssertionError("the bot did not connect in time")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no chance to finish or flush anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait for the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop_quietly(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()
