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
        "Здравствуйте, Ольга! Чем помочь?",
        "Извините, привязывать чаты могут только администраторы",
        "Готово: этот чат теперь — Учительская.",
        "действует до ",
        "Заявка №1 на вступление",
        "(карточка изменена: Заявка №1",
        "Ваша заявка №1 принята",
        "без одобренной заявки",
        "✂ бот удалил сообщение — Ольга Иванова (родитель): «это п.и.з.д.е.ц",
        "Сообщение удалено: п. 4.5",
        "п. 4.6 Положения — нельзя публиковать чужие персональные данные",
        "Удалено 2 сообщения одного автора подряд",
        "У Ольги Ивановой (vk.com/id1003) 2 предупреждения",
        "Пояснение: «это была цитата, я не ругалась»",
        "(всплывающее: Готово: предупреждение снято.)",
        "Решение: предупреждение снято — Анна Смирнова",
        "[Руководство школы] 🤖 бот: ⚠️ Жалоба на сообщение",
        "Пожаловалась: Ольга Иванова",
        "Со слов жалующегося: «грубит родителям»",
        "https://fipi.ru/",
        "«Учи.ру» не входит в реестр школы",
        "Анна Смирнова, кабинет 12",
        "Точно сообщить администрации о взломе?",
        "Сообщил: Петя Иванов",
        "Вот что я храню о вас",
        "Вы — родитель в 5А",
        "Не знаю команду «/расписание»",
    ):
        assert expected in out, expected
    # the innocent message with trap words stays: no notice right after it
    trap = out.index("застрахуйте детей")
    assert "Модерация" not in out[trap : out.index("п.и.з.д.е.ц")]
    # the complaint: no bot message in the class chat or the staff room, the complainant hears by DM
    complaint = out[out.index("=== Жалоба на сообщение") : out.index("=== Реестр сервисов")]
    assert "[5А — родители] 🤖" not in complaint and "[Учительская] 🤖" not in complaint
    assert "[ЛС: Ольга Иванова ↔ бот] 🤖 бот: Спасибо! Жалоба №1" in complaint
    assert "(а)" not in out and "(-ась)" not in out


SCRIPTS = {
    "help-and-registry.sandbox": (
        "Здравствуйте, Ольга!", "Пожалуйста!", "«Учи.ру» не входит в реестр школы", "Ваши права",
        "info@sferum.ru", "(всплывающее: Хорошо, ничего не сообщаю.)", "Сообщил: Петя Иванов",
        "Петя Иванов (vk.com/id1004), ученик, сообщил о взломе аккаунта", "✂ бот удалил сообщение — Мария Петрова",
        "[Руководство школы] 🤖 бот: ⚠️ Жалоба на сообщение", "на сообщение Пети Иванова",
        "Вы уже пожаловались", "пересылает боту сообщение Марии Петровой", "Сообщение переслано мне",
        "Жалоба описана словами", "Кто пожаловался, здесь не показываю", "от Марии Петровой (vk.com/id1002)",
        "Администрация школы рассмотрела ваше обращение №1", "Я больше ничего о вас не храню",
    ),
    "moderation.sandbox": (
        "У Пети Иванова (vk.com/id1004) 3 предупреждения", "Осталось у Пети Иванова (vk.com/id1004): 2.",
        "Пояснение: «я процитировала соседа, сама не ругалась»", "Решение: предупреждение оставлено",
        "обжаловать его ещё раз нельзя. Оно перестанет действовать",
        "У вашего ученика Пети Иванова (vk.com/id1004) 3 предупреждения",
    ),
    "membership.sandbox": (
        "действует до ", "(через 7 дней)", "(карточка изменена: Заявка №1", "[кнопки убраны]",
        "В чат «чат учеников 5А» по приглашению участника вошёл человек без одобренной заявки",
        "🚪 бот исключил из чата: Петя Иванов (ученик 5А)", "Петя Иванов (vk.com/id1004) исключён из школы",
    ),
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
async def test_every_example_plays_and_shows_the_new_texts(script: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = await play_script(parse_script((EXAMPLES / script).read_text(encoding="utf-8")))
    out = capsys.readouterr().out
    assert code == 0, out[-2000:]
    for expected in SCRIPTS[script]:
        assert expected in out, expected
    assert "(а)" not in out and "(-ась)" not in out and "Ошибка сценария" not in out


@pytest.mark.parametrize("line", ["admin staff /help", "admin @ nowhere press", "kim @ dm ref: x y"])
def test_bad_script_lines_are_named(line: str) -> None:
    with pytest.raises(ScriptError):
        parse_script(f"# ok\n{line}\n")


def test_script_grammar() -> None:
    step = parse_line("parent @ dm ref={code}: Начать")
    assert step is not None and (step.who, step.where, step.ref, step.text) == ("parent", "dm", "{code}", "Начать")
    reply = parse_line("admin @ staff ^teacher: /подтвердить")
    assert reply is not None and reply.reply_to == "teacher"
    forward = parse_line("parent @ dm fwd=teacher@5a-parents: жалоба")
    assert forward is not None and (forward.forward, forward.text) == (("teacher", "5a-parents"), "жалоба")
    assert parse_line("## Заголовок").kind == "heading"  # type: ignore[union-attr]
    assert parse_line("# comment") is None


async def test_the_demo_plays_on_max_too(capsys: pytest.CaptureFixture[str]) -> None:
    code = await play_script(parse_script((EXAMPLES / "demo.sandbox").read_text(encoding="utf-8")), "max")
    out = capsys.readouterr().out
    assert code == 0
    for expected in ("https://max.ru/school56_bot?start=", "Заявка №1 на вступление", "Ваша заявка №1 принята",
                     "https://max.ru/join/", "без одобренной заявки", "сбросьте её вручную",
                     "Сообщение удалено: п. 4.5", "(всплывающее: Готово: предупреждение снято.)",
                     "У Ольги Ивановой (MAX, id 1003) 2 предупреждения",  # MAX has no gender: read from the name
                     "Пожаловалась: Ольга Иванова (MAX, id 1003)", "[Руководство школы] 🤖 бот: ⚠️ Жалоба",
                     "Сообщил: Петя Иванов (MAX, id 1004)", "Точно сообщить администрации о взломе?",
                     "Вот что я храню о вас"):
        assert expected in out, expected
    complaint = out[out.index("=== Жалоба на сообщение") : out.index("=== Реестр сервисов")]
    assert "[5А — родители] 🤖" not in complaint and "[Учительская] 🤖" not in complaint


async def test_the_help_and_registry_script_plays_on_max(capsys: pytest.CaptureFixture[str]) -> None:
    script = parse_script((EXAMPLES / "help-and-registry.sandbox").read_text(encoding="utf-8"))
    assert await play_script(script, "max") == 0
    out = capsys.readouterr().out
    for expected in ("пересылает боту сообщение Марии Петровой", "Сообщение переслано мне",
                     "Пожаловалась: Ольга Иванова (MAX, id 1003)", "«Учи.ру» не входит в реестр школы"):
        assert expected in out, expected


@pytest.mark.parametrize("platform", ["vk", "max"])
async def test_membership_shows_the_school_year_on_each_messenger(platform: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    script = parse_script((EXAMPLES / "membership.sandbox").read_text(encoding="utf-8"))
    assert any(step.file == "roster-5a.csv" for step in script)
    code = await play_script(script, platform)
    out = capsys.readouterr().out
    assert code == 0
    for expected in (
        "Не привязываю: Учительская — только для сотрудников",
        "эта роль у него пропадёт",
        "Добавятся (4)",
        "Список 5А загружен: добавлено 4",
        "Иванов Пётр — ученик ✓, родители: 1",
        "Не понял: «срочно»",
        "действует до ",
        "СОГЛАСИЕ родителя",
        "Ребёнок в списке 5А: найден — Орлов Михаил",
        "⚠️ Заявитель — ученик (5А",
        "Снято предупреждение",
        "Заменить на: Мария Петрова",
        "Участники: вся школа",
        "Ребёнок выбыл — исключить и их",
        "Класс 5А переведён в 6А",
        "Согласие отозвано",
        "Класс 6А выпущен",
    ):
        assert expected in out, expected
