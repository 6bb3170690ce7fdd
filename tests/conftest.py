from collections.abc import AsyncIterator
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
