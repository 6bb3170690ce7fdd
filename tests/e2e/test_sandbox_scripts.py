"""The shipped sandbox scripts play to the end against the emulator and show what they promise."""

from pathlib import Path

import pytest

from bot.sandbox.runner import play_script
from bot.sandbox.script import ScriptError, parse_line, parse_script

EXAMPLES = Path(__file__).parents[2] / "examples"


async def test_demo_walks_through_every_feature(capsys: pytest.CaptureFixture[str]) -> None:
    code = await play_script(parse_script((EXAMPLES / "demo.sandbox").read_text(encoding="utf-8")))
    out = capsys.readouterr().out
    assert code == 0
    for expected in (
        "Извините, привязывать чаты могут только администраторы",
        "Готово: этот чат теперь — Учительская.",
        "Заявка №1 на вступление",
        "Ваша заявка №1 принята",
        "без одобренной заявки",
        "Сообщение удалено: п. 4.5",
        "п. 4.6 Положения — нельзя публиковать чужие персональные данные",
        "Удалено 2 сообщения одного автора подряд",
        "предупреждение снято",
        "https://fipi.ru/",
        "Взлом аккаунта",
        "Вот что я храню о вас",
        "Не знаю команду «/расписание»",
    ):
        assert expected in out, expected
    # the innocent message with trap words stays: no notice right after it
    trap = out.index("застрахуйте детей")
    assert "Модерация" not in out[trap : out.index("п.и.з.д.е.ц")]


@pytest.mark.parametrize("line", ["admin staff /help", "admin @ nowhere press", "kim @ dm ref: x y"])
def test_bad_script_lines_are_named(line: str) -> None:
    with pytest.raises(ScriptError):
        parse_script(f"# ok\n{line}\n")


def test_script_grammar() -> None:
    step = parse_line("parent @ dm ref={code}: Начать")
    assert step is not None and (step.who, step.where, step.ref, step.text) == ("parent", "dm", "{code}", "Начать")
    reply = parse_line("admin @ staff ^teacher: /подтвердить")
    assert reply is not None and reply.reply_to == "teacher"
    assert parse_line("## Заголовок").kind == "heading"  # type: ignore[union-attr]
    assert parse_line("# comment") is None


async def test_the_demo_plays_on_max_too(capsys: pytest.CaptureFixture[str]) -> None:
    code = await play_script(parse_script((EXAMPLES / "demo.sandbox").read_text(encoding="utf-8")), "max")
    out = capsys.readouterr().out
    assert code == 0
    for expected in ("https://max.ru/school56_bot?start=", "Заявка №1 на вступление", "Ваша заявка №1 принята",
                     "https://max.ru/join/", "без одобренной заявки", "сбросьте её вручную",
                     "Сообщение удалено: п. 4.5", "(всплывающее: Готово: предупреждение снято.)"):
        assert expected in out, expected
