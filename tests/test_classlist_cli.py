"""`schoolbot roster import FILE.csv`: a preview first, changes only with --apply, bad files refused;
`schoolbot check-config` refuses a consent text that cannot be used."""

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from storage.classlist import ClassListRepo
from storage.db import Database

SCHOOL = "Класс;Фамилия;Имя;Отчество;Дата рождения\n5А;Иванов;Пётр;Сергеевич;05.03.2015\n6Б;Сидорова;Анна;;\n"


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\npath = "{tmp_path / "db.sqlite3"}"\n{extra}', encoding="utf-8")
    return path


async def stored(tmp_path: Path) -> list[str]:
    db = await Database.open(tmp_path / "db.sqlite3")
    try:
        await db.migrate()
        return [f"{p.school_class} {p.full}" for p in await ClassListRepo(db).everyone()]
    finally:
        await db.close()


async def test_import_previews_then_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "school.csv"
    csv.write_bytes(SCHOOL.encode("cp1251"))
    cfg = str(config(tmp_path))
    assert await _run(["roster", "import", str(csv), "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "Добавятся (2)" in out and "--apply" in out
    assert await stored(tmp_path) == []
    assert await _run(["roster", "import", str(csv), "--config", cfg, "--apply"]) == 0
    assert "Применено" in capsys.readouterr().out
    assert await stored(tmp_path) == ["5А Иванов Пётр Сергеевич", "6Б Сидорова Анна"]
    assert await _run(["roster", "import", str(csv), "--config", cfg]) == 0
    assert "уже такой" in capsys.readouterr().out


async def test_import_refuses_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = str(config(tmp_path))
    bad = tmp_path / "bad.csv"
    bad.write_text("Фамилия;Имя\nИванов;Пётр\n", encoding="utf-8")
    assert await _run(["roster", "import", str(bad), "--config", cfg]) == 2
    assert "«Класс»" in capsys.readouterr().err  # a whole-school file needs the class column
    assert await _run(["roster", "import", str(bad), "--class", "5А", "--config", cfg, "--apply"]) == 0
    assert await stored(tmp_path) == ["5А Иванов Пётр"]
    rows = tmp_path / "rows.csv"
    rows.write_text("Класс;Фамилия;Имя\n5А;;Пётр\n", encoding="utf-8")
    assert await _run(["roster", "import", str(rows), "--config", cfg, "--apply"]) == 2
    assert "Строка 2: нет фамилии" in capsys.readouterr().err
    assert await _run(["roster", "import", str(tmp_path / "none.csv"), "--config", cfg]) == 2
    assert await _run(["roster", "import", str(bad), "--class", "12Я", "--config", cfg]) == 2
    assert "Класса «12Я» нет" in capsys.readouterr().err
    assert await stored(tmp_path) == ["5А Иванов Пётр"]


def test_check_config_refuses_a_consent_file_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = config(tmp_path, f'[consent]\npath = "{tmp_path / "consent.txt"}"\n')
    assert main(["check-config", str(missing)]) == 2
    assert "consent.path" in capsys.readouterr().err
    (tmp_path / "consent.txt").write_text("Согласие {school}", encoding="utf-8")
    assert main(["check-config", str(missing)]) == 0


async def _run(argv: list[str]) -> int:
    """The CLI runs its own event loop: call it from a worker thread, as a shell would."""
    return await asyncio.to_thread(main, argv)
