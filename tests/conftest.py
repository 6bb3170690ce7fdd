import faulthandler
import os
import sys
from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest

from storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated database file per test."""
    database = await Database.open(tmp_path / "test.sqlite3")
    await database.migrate()
    yield database
    await database.close()


HANG_LIMIT = 600  # seconds; the slowest test takes well under a minute even on a loaded machine
_terminal = sys.stderr


def pytest_configure(config: pytest.Config) -> None:
    """Keep a copy of the real stderr: during a test, fd 2 is pytest's capture file, which nobody reads
    when the process is made to exit."""
    global _terminal
    _terminal = os.fdopen(os.dup(2), "w")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    """A test that hangs ends the run with every thread's traceback, instead of silently using up
    CI's 90 minutes (a console waiting for a Ctrl-C it never got once did exactly that)."""
    faulthandler.dump_traceback_later(HANG_LIMIT, exit=True, file=_terminal)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
