"""The director's view end to end, the same scenario on VK and on MAX: /статистика (text, picture,
CSV) with exact numbers for the sandbox school, a class teacher's own class, announcements with a
preview, an attachment and «Прочитано», scheduling and cancelling, /действия."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.sandbox.drivers import Driver, Seen
from bot.sandbox.world import SandboxWorld
from tests.e2e.school import join_as_parent

ADMIN, TEACHER, PARENT, STUDENT, STRANGER, CLASSTEACHER = 1001, 1002, 1003, 1004, 1005, 1006
NEWCOMER = 1010
DEEP_LINK = re.compile(r"(?:ref|start)=([A-Z0-9]{4}-[A-Z0-9]{4})")
PNG = b"\x89PNG\r\n\x1a\n"


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (PNG + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


class Clock:
    """A clock the test moves (the bot's business time; the outbox's retries keep real time)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["vk", "max"])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[SandboxWorld]:
    world = SandboxWorld(platforms=[request.param])
    await world.start()
    for emulator in (world.vk, world.max):
        if emulator is not None:
            emulator.add_user(NEWCOMER, "Светлана", "Орлова")
    try:
        yield world
    finally:
        await world.stop()


async def say(people: Driver, user: int, text: str, chat: str | None = None, contains: str = "") -> Seen:
    await people.write(user, text, chat)
    return await people.next_bot_message(user, chat, predicate=lambda m: bool(m.text) and contains in m.text)


async def bind_all(people: Driver) -> None:
    await say(people, ADMIN, "/привязать учительская", "staff", "Готово")
    await say(people, ADMIN, "/привязать 5А родители", "5a-parents", "Готово")
    await say(people, ADMIN, "/привязать 5А ученики", "5a-students", "Готово")


async def test_statistics_are_exact_for_the_sandbox_school(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    for text in ("Добрый вечер!", "Собрание во сколько?", "Спасибо"):
        await people.write(PARENT, text, "5a-parents")
    for text in ("Что задали?", "Понял"):
        await people.write(STUDENT, text, "5a-students")
    await people.write(PARENT, "да это п.и.з.д.е.ц, а не расписание", "5a-parents")
    await people.next_bot_message(PARENT, "5a-parents", predicate=lambda m: "удалено" in m.text)
    await say(people, STUDENT, "/взлом")
    # A command refused at the error boundary (a malformed /привязать) still counts, once.
    assert "Формат" in (await say(people, ADMIN, "/привязать кухня", "5a-parents")).text
    invite = await say(people, ADMIN, "/пригласить родитель 5А", "staff", "/вступить")
    code = DEEP_LINK.search(invite.text)[1]  # type: ignore[index]
    assert "Заявка №" in (await join_as_parent(people, NEWCOMER, code, "Орлов Миша")).text
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
    await people.press(ADMIN, "staff", card, card.button("Принять"))
    await people.next_bot_message(NEWCOMER, predicate=lambda m: "принята" in m.text)

    summary = await say(people, ADMIN, "/статистика", "staff", "Статистика школы")
    text = summary.text
    assert ("Люди в боте: 1 ученик, 2 родителя, 2 учителя, 1 классный руководитель, 1 член администрации, "
            "1 администратор.") in text
    assert "• 5А: учеников в боте 1, список не загружен; у 2 учеников родитель в боте; родителей 2" in text
    assert "Писали в чатах: за 7 дней — 3 человека, за 30 дней — 3 человека." in text
    # Commands count too (/пригласить); /привязать came before the chat was bound, /статистика is not counted yet.
    assert "• Учительская: 1; 1 / 1" in text
    assert "• чат родителей 5А: 5; 2 / 2" in text  # the deleted message was written too
    assert "• чат учеников 5А: 2; 1 / 1" in text
    assert "Ссылки-приглашения: выдано 1, использовано 1, аннулировано 0." in text
    assert "Заявки: поступило 1, одобрено 1, отклонено 0; медиана до решения — 0 мин." in text
    assert ("Модерация: 1 событие — нецензурная лексика 1; по чатам: чат родителей 5А 1; предупреждений выдано 1."
            in text)
    assert "Обращения: о взломе 1 (открыто 1, закрыто 0); жалобы 0 (открыто 0, закрыто 0)." in text
    assert "Объявления: отправлено 0, отметок «Прочитано» 0." in text
    assert "vk:" not in text and "max:" not in text and "п.и.з.д" not in text

    for _ in range(100):  # the picture follows the text through the platform's upload flow
        files = people.bot_files(ADMIN, "staff")
        if files:
            break
        await world.settle(world.handled, timeout=0.1)
    picture = people.bot_files(ADMIN, "staff")[0]
    assert picture.kind == "photo" and picture.data.startswith(PNG) and picture.name.endswith(".png")
    assert "Охват по классам" in picture.caption

    before = world.handled
    await people.write(ADMIN, "/статистика файл месяц", "staff")
    await world.settle(before)
    table = next(f for f in people.bot_files(ADMIN, "staff") if f.kind == "document")
    assert table.name.endswith(".csv") and table.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["вид", "название", "в списке"]
    assert ["класс", "5А", "список не загружен", "1", "2", "2", "", "", ""] in rows
    assert ["чат", "чат родителей 5А", "", "", "", "", "5", "2", "2"] in rows
    assert len(rows) == 1 + 1 + 3  # the header, one class, three chats


async def test_a_class_teacher_sees_their_own_class_only(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await people.write(PARENT, "Здравствуйте", "5a-parents")
    own = await say(people, CLASSTEACHER, "/статистика", contains="Статистика")
    assert own.text.startswith("Статистика класса 5А за неделю")
    assert "• чат родителей 5А: 1; 1 / 1" in own.text and "Учительская" not in own.text
    await world.quiesce()  # the picture follows
    refused = await say(people, CLASSTEACHER, "/статистика 6Б", contains="своего")
    assert "только своего класса" in refused.text
    assert "Статистику видят администраторы" in (await say(people, TEACHER, "/статистика")).text
    bad = await say(people, ADMIN, "/статистика вчера", "staff", "Формат")
    assert "/статистика" in bad.text
    reversed_period = await say(people, ADMIN, "/статистика 2026-12-31..2026-09-01", "staff")
    assert "Начало периода позже конца" in reversed_period.text


async def test_an_announcement_with_a_photo_and_acknowledgement(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    await people.write(STUDENT, "Всем привет", "5a-students")  # MAX tells names only through what people write
    await people.write_with_file(ADMIN, "/объявление 5А Родительское собрание в четверг в 18:00", "staff",
                                 kind="photo", data=tiny_png(), filename="plan.png")
    preview = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "предпросмотр" in m.text)
    assert "Кому: 5А (ученики и родители)" in preview.text and "Вложение: " in preview.text
    assert "чат родителей 5А" in preview.text and "чат учеников 5А" in preview.text
    assert [label for label, _, _ in preview.buttons] == ["Отправить", "Отмена", "Отправить с «Прочитано»"]
    # Someone else's press, or a forged payload, sends nothing.
    assert "другого автора" in await people.press(TEACHER, "staff", preview, preview.button("Отправить"))
    assert "устарела" in await people.press(ADMIN, "staff", preview, '{"a": "ann_send", "id": "1; DROP"}')
    answer = await people.press(ADMIN, "staff", preview, preview.button("Отправить с «Прочитано»"))
    assert "Отправляю" in answer
    report = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "доставлено в" in m.text)
    assert "доставлено в 2 из 2 чатов" in report.text
    delivered = people.bot_files(PARENT, "5a-parents")
    assert len(delivered) == 1 and delivered[0].data == tiny_png()
    assert "Родительское собрание" in delivered[0].caption and delivered[0].caption.startswith("Объявление школы")
    assert [label for label, _, _ in delivered[0].buttons] == ["Прочитано"]
    assert len(people.bot_files(STUDENT, "5a-students")) == 1

    seen = Seen(text=delivered[0].caption, ref=delivered[0].ref, buttons=delivered[0].buttons)
    assert "Спасибо" in await people.press(PARENT, "5a-parents", seen, seen.button("Прочитано"))
    assert "уже отметили" in await people.press(PARENT, "5a-parents", seen, seen.button("Прочитано"))
    listing = await say(people, ADMIN, "/объявления", "staff", "Недавние")
    assert "доставлено в 2 из 2, прочитали 1 из 2" in listing.text
    detail = await say(people, ADMIN, "/объявления 1", "staff", "прочитали")
    assert "Объявление №1: прочитали 1 из 2." in detail.text
    assert "Не прочитали — чат учеников 5А (1):\n• Петя Иванов" in detail.text  # the pupil, by name
    assert "чат родителей 5А" not in detail.text  # the parent has read it
    assert not people.bot_files(PARENT, "5a-parents")[1:]  # exactly one copy per chat


async def test_a_class_teacher_cannot_announce_to_another_class(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    refused = await say(people, CLASSTEACHER, "/объявление 6Б родители Завтра экскурсия")
    assert "только своему классу" in refused.text
    refused_all = await say(people, CLASSTEACHER, "/объявление все Завтра экскурсия")
    assert "только своему классу" in refused_all.text
    assert "Объявления рассылают" in (await say(people, PARENT, "/объявление 5А Привет")).text
    own = await say(people, CLASSTEACHER, "/объявление 5А родители Завтра экскурсия", contains="предпросмотр")
    await people.press(CLASSTEACHER, None, own, own.button("Отправить"))
    message = await people.next_bot_message(PARENT, "5a-parents", predicate=lambda m: "экскурсия" in m.text)
    assert message.text.startswith("Объявление классного руководителя 5А")
    assert not any("экскурсия" in m.text for m in people.bot_messages(STUDENT, "5a-students"))
    # Sent without «Прочитано»: a forged press of it records nothing.
    assert "устарела" in await people.press(PARENT, "5a-parents", message, '{"a": "ann_read", "id": 1}')
    await people.next_bot_message(CLASSTEACHER, predicate=lambda m: "доставлено в 1 из 1" in m.text)
    assert "без кнопки «Прочитано»" in (await say(people, CLASSTEACHER, "/объявления 1", contains="кнопки")).text
    assert "№1" in (await say(people, CLASSTEACHER, "/объявления", contains="Недавние")).text


async def test_an_attachment_too_big_to_take_is_refused_politely(world: SandboxWorld,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.flows import announcements

    people = world.driver
    await bind_all(people)
    monkeypatch.setattr(announcements, "MAX_FILE_BYTES", 100)
    await people.write_with_file(ADMIN, "/объявление 5А Список литературы", "staff", kind="document",
                                 data=b"x" * 500, filename="list.txt")
    refused = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Вложение" in m.text)
    assert "не получилось взять" in refused.text and "без него" in refused.text
    assert await world.repos.files.count() == 0 and await world.repos.announcements.get(1) is None


async def scheduled_world(platform: str, start: datetime, **director: object) -> tuple[SandboxWorld, Clock]:
    clock = Clock(start)
    world = SandboxWorld(platforms=[platform], clock=clock, settings_overrides={"director": dict(director)})
    await world.start()
    return world, clock


async def eventually(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def texts_with(people: Driver, user: int, chat: str | None, part: str) -> list[str]:
    return [m.text for m in people.bot_messages(user, chat) if part in m.text]


@pytest.mark.parametrize("platform", ["vk", "max"])
async def test_a_scheduled_announcement_fires_once_across_restarts_and_a_late_one_says_so(platform: str) -> None:
    # Monday 30 Nov 2026, 10:00 in Moscow.
    world, clock = await scheduled_world(platform, datetime(2026, 11, 30, 7, 0, tzinfo=UTC), late_grace_minutes=60)
    try:
        people = world.driver
        await bind_all(people)
        preview = await say(people, ADMIN, "/объявление 5А родители Собрание в 2026-12-01 09:00", "staff",
                            "предпросмотр")
        assert "Отправлю 2026-12-01 09:00." in preview.text
        assert "Запланировано на 2026-12-01 09:00" in await people.press(ADMIN, "staff", preview,
                                                                           preview.button("Отправить"))
        listing = await say(people, ADMIN, "/объявления", "staff", "Запланированы")
        assert "№1 на 2026-12-01 09:00 — родители 5А: «Собрание». Отменить: /отменить 1" in listing.text
        second = await say(people, ADMIN, "/объявление 5А родители Экскурсия отменяется в 2026-12-01 09:30", "staff",
                           "предпросмотр")
        await people.press(ADMIN, "staff", second, second.button("Отправить"))
        assert "отменено" in (await say(people, ADMIN, "/отменить 2", "staff", "отменено")).text
        assert "уже не отменить" in (await say(people, ADMIN, "/отменить 2", "staff", "отменить")).text
        assert not texts_with(people, PARENT, "5a-parents", "Собрание")

        clock.now = datetime(2026, 12, 1, 6, 0, 5, tzinfo=UTC)  # 09:00:05 in Moscow
        await eventually(lambda: texts_with(people, PARENT, "5a-parents", "Собрание"))
        await world.restart()
        clock.now += timedelta(hours=1)
        await world.settle(world.handled, timeout=3)
        await asyncio.sleep(1.5)  # a few ticks of the scheduler after the restart
        assert len(texts_with(people, PARENT, "5a-parents", "Собрание")) == 1
        assert not texts_with(people, PARENT, "5a-parents", "Экскурсия")  # cancelled

        # Down at 12:00 and back at 12:30: sent late, saying so; down at 13:00 and back at 15:00: missed.
        late = await say(people, ADMIN, "/объявление 5А родители Форма к пятнице в 2026-12-01 12:00", "staff",
                         "предпросмотр")
        await people.press(ADMIN, "staff", late, late.button("Отправить"))
        missed = await say(people, ADMIN, "/объявление 5А родители Оплата питания в 2026-12-01 13:00", "staff",
                           "предпросмотр")
        await people.press(ADMIN, "staff", missed, missed.button("Отправить"))

        def move(to: datetime) -> Callable[[], None]:
            def moved() -> None:
                clock.now = to
            return moved

        await world.restart(while_down=move(datetime(2026, 12, 1, 9, 30, tzinfo=UTC)))  # 12:30 in Moscow
        await eventually(lambda: texts_with(people, PARENT, "5a-parents", "Форма к пятнице"))
        sent_late = texts_with(people, PARENT, "5a-parents", "Форма к пятнице")[0]
        assert "Должно было выйти 2026-12-01 12:00; отправлено с опозданием" in sent_late
        await world.restart(while_down=move(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)))  # 15:00 in Moscow
        told = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "не отправлено" in m.text)
        assert "Объявление №4 не отправлено: в 2026-12-01 13:00 бот был недоступен" in told.text
        assert not texts_with(people, PARENT, "5a-parents", "Оплата питания")
        assert "Отправляю" in await people.press(ADMIN, "staff", told, told.button("Отправить сейчас"))
        await eventually(lambda: texts_with(people, PARENT, "5a-parents", "Оплата питания"))
        assert "уже отправлено" in await people.press(ADMIN, "staff", told, told.button("Отправить сейчас"))
        await world.quiesce()
        assert len(texts_with(people, PARENT, "5a-parents", "Оплата питания")) == 1
    finally:
        await world.stop()


@pytest.mark.parametrize("platform", ["vk", "max"])
async def test_the_weekly_digest_fires_once_and_a_missed_one_comes_once_on_return(platform: str) -> None:
    # Sunday 29 Nov 2026, 12:00 in Moscow; the digest is due on Mondays at 09:00.
    world, clock = await scheduled_world(platform, datetime(2026, 11, 29, 9, 0, tzinfo=UTC), digest_weekday=1,
                                         digest_time="09:00")
    try:
        people = world.driver
        await bind_all(people)
        await people.write(PARENT, "Добрый день", "5a-parents")
        await asyncio.sleep(1.5)
        assert not texts_with(people, ADMIN, None, "Еженедельная сводка")  # nothing from before the bot was here

        clock.now = datetime(2026, 11, 30, 6, 0, 3, tzinfo=UTC)  # Monday 09:00:03
        await eventually(lambda: texts_with(people, ADMIN, None, "Еженедельная сводка"))
        digest = texts_with(people, ADMIN, None, "Еженедельная сводка")[0]
        assert "за неделю (23.11.2026–29.11.2026)" in digest and "• чат родителей 5А: 1; 1 / 1" in digest
        await eventually(lambda: bool(people.bot_files(ADMIN)))
        assert people.bot_files(ADMIN)[0].data.startswith(PNG)
        await world.restart()
        await asyncio.sleep(1.5)
        assert len(texts_with(people, ADMIN, None, "Еженедельная сводка")) == 1

        # Down over the next Monday: the missed digest comes once when the bot is back.
        await world.restart(while_down=lambda: setattr(clock, "now", datetime(2026, 12, 7, 12, 0, tzinfo=UTC)))
        await eventually(lambda: len(texts_with(people, ADMIN, None, "Еженедельная сводка")) == 2)
        assert "30.11.2026–06.12.2026" in texts_with(people, ADMIN, None, "Еженедельная сводка")[1]
        await world.restart()
        await asyncio.sleep(1.5)
        assert len(texts_with(people, ADMIN, None, "Еженедельная сводка")) == 2
        assert len(people.bot_files(ADMIN)) == 2
    finally:
        await world.stop()


async def test_the_audit_log_is_readable_with_names_in_school_time(world: SandboxWorld) -> None:
    people = world.driver
    await bind_all(people)
    invite = await say(people, ADMIN, "/пригласить родитель 5А", "staff", "/вступить")
    code = DEEP_LINK.search(invite.text)[1]  # type: ignore[index]
    assert "Заявка №" in (await join_as_parent(people, NEWCOMER, code, "Орлов Миша")).text
    card = await people.next_bot_message(ADMIN, "staff", predicate=lambda m: "Заявка №" in m.text)
    await people.press(ADMIN, "staff", card, card.button("Принять"))
    await people.next_bot_message(NEWCOMER, predicate=lambda m: "принята" in m.text)

    log = await say(people, ADMIN, "/действия", "staff", "Журнал решений")
    assert log.text.startswith("Журнал решений администраторов (страница 1 из 1, всего записей 7; время — школьное):")
    assert "Анна Смирнова: принята заявка — Светлана Орлова (родитель, 5А, заявка №1)" in log.text
    assert "Анна Смирнова: привязка чата (чат родителей 5А), чат «чат родителей 5А»" in log.text
    assert "Светлана Орлова: подана заявка на вступление — Светлана Орлова" in log.text
    assert f"{people.platform.value}:" not in log.text and "id1001" not in log.text
    binds = await say(people, ADMIN, "/действия привязать", "staff", "Журнал")
    assert binds.text.count("привязка чата") == 3 and "заявка" not in binds.text
    hers = await say(people, ADMIN, "/audit id1010", "staff", "Журнал")
    assert hers.text.startswith("Журнал решений: Светлана Орлова") and "привязка" not in hers.text
    assert "страницы 5 нет" in (await say(people, ADMIN, "/действия 5", "staff", "Журнал")).text
    assert "не оставляет записей" in (await say(people, ADMIN, "/действия помощь", "staff")).text
    refused = await say(people, TEACHER, "/действия")
    assert "только администраторам" in refused.text


async def test_channels_are_bound_and_reached_by_announcements(world: SandboxWorld) -> None:
    people = world.driver
    if world.max is not None:
        chat = world.max.add_chat("Новости школы", [ADMIN, PARENT], admins=[ADMIN], owner=ADMIN)
    else:
        chat = world.emulator.add_chat("Новости школы", [ADMIN, PARENT], admins=[ADMIN])
    people.chats["news"] = chat
    await bind_all(people)
    assert "общий канал школы" in (await say(people, ADMIN, "/привязать канал общий", "news", "Готово")).text
    assert "Формат" in (await say(people, ADMIN, "/привязать канал для котиков", "news")).text
    preview = await say(people, ADMIN, "/объявление все Завтра сокращённые уроки", "staff", "предпросмотр")
    assert "Чаты (4): " in preview.text and "общий канал школы" in preview.text
    await people.press(ADMIN, "staff", preview, preview.button("Отправить"))
    for user, where in ((PARENT, "news"), (PARENT, "5a-parents"), (STUDENT, "5a-students"), (TEACHER, "staff")):
        await people.next_bot_message(user, where, predicate=lambda m: "сокращённые" in m.text)
    only = await say(people, ADMIN, "/объявление канал общий Итоги олимпиады", "staff", "предпросмотр")
    assert "Чаты (1): общий канал школы." in only.text
    no_staff_channel = await say(people, ADMIN, "/объявление канал сотрудники Педсовет", "staff", "привязанных")
    assert "нет привязанных чатов" in no_staff_channel.text


async def test_the_director_sandbox_script_plays_to_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from bot.sandbox.runner import play_script
    from bot.sandbox.script import parse_script

    script = Path(__file__).parents[2] / "examples" / "director.sandbox"
    assert await play_script(parse_script(script.read_text(encoding="utf-8"))) == 0
    out = capsys.readouterr().out
    for expected in ("Статистика школы за неделю", "[вложение: картинка]", "[вложение: документ]",
                     "Статистика класса 5А", "видит статистику только своего класса", "Объявление №1 — предпросмотр",
                     "Спасибо, отмечено: прочитано.", "прочитали 1 из 2", "только своему классу",
                     "Объявление классного руководителя 5А", "Объявление №3 отменено.",
                     "Журнал решений администраторов (страница 1 из 1", "доступна только администраторам"):
        assert expected in out, expected
