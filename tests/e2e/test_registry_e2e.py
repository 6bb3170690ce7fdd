"""The registry, the rules and the DM keyboard, end to end against the emulator."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import BotApp
from bot.registry import RegistryFileError
from bot.sandbox.world import SandboxSettings, SandboxWorld

ADMIN, TEACHER, PARENT, STUDENT, STRANGER = 1001, 1002, 1003, 1004, 1005


async def ask(world: SandboxWorld, user: int, text: str, peer: str | None = None) -> str:
    peer_id = world.chat_peers[peer] if peer else user
    await world.emulator.user_writes(user, text, peer_id=None if peer is None else peer_id)
    return (await world.emulator.wait_for_bot_message(peer_id, timeout=5))["text"]


async def test_registry_lists_all_services_numbered_with_links(world: SandboxWorld) -> None:
    reply = await ask(world, PARENT, "/реестр")
    assert "1. «Моя школа» — https://myschool.edu.ru/" in reply
    assert "13. " in reply and reply.count("https://") == 13


async def test_keyboard_button_shows_the_registry(world: SandboxWorld) -> None:
    await world.emulator.user_writes(PARENT, "/помощь")
    keyboard = (await world.emulator.wait_for_bot_message(PARENT))["keyboard"]
    keyboard = json.loads(keyboard) if isinstance(keyboard, str) else keyboard
    labels = [b["action"]["label"] for row in keyboard["buttons"] for b in row]
    assert {"Реестр сервисов", "Правила", "Сообщить о взломе", "Помощь"} <= set(labels)
    reply = await ask(world, PARENT, "Реестр сервисов")
    assert reply.count("https://") == 13


@pytest.mark.parametrize("text", ["где демоверсии огэ", "фипи", "fipi", "ашзш", "/registry ФИПИ"])
async def test_plain_dm_text_finds_fipi(world: SandboxWorld, text: str) -> None:
    reply = await ask(world, STRANGER, text)
    assert "https://fipi.ru" in reply and reply.startswith("Вот что нашлось")


async def test_typos_still_find_the_service(world: SandboxWorld) -> None:
    reply = await ask(world, PARENT, "разговры о важнном")
    assert "https://razgovor.edsoo.ru/" in reply


async def test_no_match_says_so_and_shows_the_list(world: SandboxWorld) -> None:
    reply = await ask(world, PARENT, "/реестр абырвалг")
    assert "«абырвалг» ничего не нашлось" in reply and reply.count("https://") == 13
    question = await ask(world, PARENT, "где найти сайт про котиков")
    assert "ничего не нашлось" in question and question.count("https://") == 13


async def test_small_talk_in_dm_gets_a_friendly_answer_and_the_rest_the_hint(world: SandboxWorld) -> None:
    assert "Здравствуйте, Ольга!" in await ask(world, PARENT, "как дела?")
    assert "Я не понял вопрос" in await ask(world, PARENT, "сколько будет дважды два")


@pytest.mark.parametrize("query", ["", "   "])
async def test_empty_query_lists_everything(world: SandboxWorld, query: str) -> None:
    reply = await ask(world, PARENT, f"/реестр{query}")
    assert reply.count("https://") == 13


async def test_emoji_only(world: SandboxWorld) -> None:
    assert "Я не понял вопрос" in await ask(world, PARENT, "😀🙏🔥")
    reply = await ask(world, PARENT, "/реестр 😀🙏")
    assert "ничего не нашлось" in reply and reply.count("https://") == 13


async def test_a_4000_character_message_gets_one_short_answer(world: SandboxWorld) -> None:
    huge = ("где демоверсии огэ " * 250)[:4000]
    reply = await ask(world, PARENT, huge)
    assert "https://fipi.ru" in reply and len(reply) <= 4096
    reply = await ask(world, PARENT, "/реестр " + "ы" * 3990)
    assert "ничего не нашлось" in reply and len(reply) <= 4096


async def test_group_chat_plain_text_is_not_answered_but_the_command_is(world: SandboxWorld) -> None:
    before = world.handled
    await world.emulator.user_writes(PARENT, "фипи", peer_id=world.chat_peers["5a-parents"])
    await world.settle(before)
    assert world.emulator.bot_messages(world.chat_peers["5a-parents"]) == []
    reply = await ask(world, PARENT, "/реестр демоверсии огэ", "5a-parents")
    assert "https://fipi.ru" in reply


async def test_rules_rights_support(world: SandboxWorld) -> None:
    assert "4.6" in await ask(world, STUDENT, "/правила")
    assert "4.6" in await ask(world, STUDENT, "Правила")
    assert "бесплатный" in await ask(world, STUDENT, "/права")
    support = await ask(world, STUDENT, "/поддержка")
    assert "info@sferum.ru" in support and "Анна Смирнова, кабинет 12" in support


async def test_help_lists_the_new_commands(world: SandboxWorld) -> None:
    reply = await ask(world, PARENT, "/помощь")
    for usage in ("/реестр", "/правила", "/взлом", "/моиданные", "/удалить"):
        assert usage in reply
    assert "/обращения" not in reply


BAD_REGISTRY = '[[service]]\nnumber = 1\nname = "Сайт"\nshort = "Сайт"\nurl = "http://example.ru"\n' \
               'description = "x"\nkeywords = []\n'


async def test_a_bad_registry_file_stops_the_start_with_its_problems(tmp_path: Path) -> None:
    bad = tmp_path / "services.toml"
    bad.write_text(BAD_REGISTRY, encoding="utf-8")
    settings = SandboxSettings(registry={"path": bad}, storage={"path": tmp_path / "db.sqlite3"})
    app = BotApp(settings)
    with pytest.raises(RegistryFileError) as caught:
        await app.start()
    await app.stop()
    assert any("https://" in line for line in caught.value.lines)
    assert any("ключевое слово" in line for line in caught.value.lines)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=False)


async def test_cli_check_config_and_run_print_the_registry_problems(tmp_path: Path) -> None:
    bad = tmp_path / "services.toml"
    bad.write_text(BAD_REGISTRY, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[registry]\npath = "{bad.as_posix()}"\n', encoding="utf-8")
    checked, ran = await asyncio.gather(
        asyncio.to_thread(run_cli, "check-config", str(config), env={}),
        asyncio.to_thread(run_cli, "run", "--config", str(config),
                          env={"SCHOOLBOT_VK__TOKEN": "t", "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "d.sqlite3")}),
    )
    for result in (checked, ran):
        assert result.returncode == 2, result.stderr
        assert "services.toml, запись 1, поле url: ссылка должна начинаться с https://" in result.stderr
