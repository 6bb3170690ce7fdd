import asyncio
import os
import subprocess
import sys

import pytest

from bot.chats import ChatPurpose
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.world import SandboxWorld

ADMIN, TEACHER, PARENT, STRANGER = 1001, 1002, 1003, 1005


async def ask(world: SandboxWorld, user: int, text: str, peer: str | int | None = None) -> dict:
    peer_id = world.chat_peers[peer] if isinstance(peer, str) else (peer or user)
    await world.emulator.user_writes(user, text, peer_id=None if peer_id == user else peer_id)
    return await world.emulator.wait_for_bot_message(peer_id, timeout=5)


async def test_help_in_dm_answers_by_role_with_keyboard(world: SandboxWorld) -> None:
    parent_reply = await ask(world, PARENT, "/помощь")
    assert "родитель" in parent_reply["text"]
    assert "/привязать" not in parent_reply["text"]
    assert parent_reply["keyboard"] is not None
    admin_reply = await ask(world, ADMIN, "начать")
    assert "администратор" in admin_reply["text"]


async def test_help_in_chat_shows_admin_commands(world: SandboxWorld) -> None:
    reply = await ask(world, ADMIN, "[club56|@school56] /help", "staff")
    assert "/привязать" in reply["text"]


async def test_bind_by_admin_is_stored_and_audited(world: SandboxWorld) -> None:
    reply = await ask(world, ADMIN, "/привязать учительская", "staff")
    assert "Учительская" in reply["text"]
    staff = await world.repos.chats.staff_chats()
    assert [chat.id for chat in staff] == [f"vk:{world.chat_peers['staff']}"]
    entry = (await world.repos.audit.recent(1))[0]
    assert (entry.action, entry.actor_id, entry.details["purpose"]) == ("bind_chat", f"vk:{ADMIN}", "staff")


async def test_bind_by_non_admin_is_refused_and_audited(world: SandboxWorld) -> None:
    reply = await ask(world, TEACHER, "/bind staff", "staff")
    assert "только администраторы" in reply["text"]
    assert await world.repos.chats.staff_chats() == []
    entry = (await world.repos.audit.recent(1))[0]
    assert (entry.action, entry.actor_id, entry.details) == ("command_denied", f"vk:{TEACHER}",
                                                                 {"command": "bind", "why": "role"})


async def test_bind_class_chat(world: SandboxWorld) -> None:
    await ask(world, ADMIN, "/привязать 5А родители", "5a-parents")
    chat = await world.repos.chats.get(f"vk:{world.chat_peers['5a-parents']}")
    assert chat is not None and chat.binding.purpose is ChatPurpose.CLASS_PARENTS
    assert chat.binding.class_label == "5А"


async def test_unknown_command_gets_a_hint(world: SandboxWorld) -> None:
    reply = await ask(world, PARENT, "/расписание")
    assert "/помощь" in reply["text"]


@pytest.mark.parametrize("code", [6, 9, 10])
async def test_retried_errors_send_the_reply_once(world: SandboxWorld, code: int) -> None:
    world.emulator.fail_next("messages.send", code, times=2)
    await ask(world, PARENT, "/help")
    sends = world.emulator.calls("messages.send")
    assert len(sends) == 3
    assert len({call.params["random_id"] for call in sends}) == 1  # one message, retried
    await asyncio.sleep(0.3)
    assert len(world.emulator.bot_messages(PARENT)) == 1


async def test_lost_response_is_retried_without_a_duplicate(world: SandboxWorld) -> None:
    world.emulator.drop_next("messages.send")
    await ask(world, PARENT, "/help")
    await asyncio.sleep(0.3)
    sends = world.emulator.calls("messages.send")
    assert len(sends) == 2 and sends[0].params["random_id"] == sends[1].params["random_id"]
    assert len(world.emulator.bot_messages(PARENT)) == 1


async def test_duplicate_event_is_handled_once(world: SandboxWorld) -> None:
    world.emulator.duplicate_next_event()
    await ask(world, PARENT, "/help")
    await asyncio.sleep(0.5)
    assert len(world.emulator.bot_messages(PARENT)) == 1


async def test_long_poll_survives_network_failures_and_key_expiry(world: SandboxWorld) -> None:
    world.emulator.drop_next("longpoll", times=2)
    world.emulator.expire_key()
    reply = await ask(world, PARENT, "/help")
    assert "родитель" in reply["text"]


async def test_many_people_at_once_never_exceed_the_rate_limit(world: SandboxWorld) -> None:
    users = list(range(5000, 5060))
    for user in users:
        world.emulator.add_user(user, "Родитель", str(user))
    await asyncio.gather(*(world.emulator.user_writes(u, "/help") for u in users))
    await asyncio.gather(*(world.emulator.wait_for_bot_message(u, timeout=20) for u in users))
    stamps = sorted(r.at for r in world.emulator.requests)
    worst = max(sum(1 for t in stamps[i:i + 25] if t - stamps[i] < 1.0) for i in range(len(stamps)))
    assert worst <= 20
    assert not [r for r in world.emulator.requests if r.method == "messages.send" and r.params.get("error")]


async def test_one_chat_failing_does_not_stop_others(world: SandboxWorld) -> None:
    # messages.send keeps failing for the parent's reply; the teacher is still answered.
    world.emulator.fail_next("messages.send", 10, times=5)
    await world.emulator.user_writes(PARENT, "/help")
    await asyncio.sleep(0.1)
    reply = await ask(world, TEACHER, "/help")
    assert "учитель" in reply["text"]


async def test_start_survives_a_bad_network() -> None:
    world = SandboxWorld()
    world.emulator.drop_next("groups.getById", times=6)  # more than one call's own retries
    world.emulator.fail_next("groups.getLongPollServer", 10, times=1)
    await world.start()
    try:
        reply = await ask(world, PARENT, "/help")
        assert "родитель" in reply["text"]
        assert len(world.emulator.calls("groups.getById")) >= 7
    finally:
        await world.stop()


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=False)


async def test_cli_without_token_explains_and_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await asyncio.to_thread(run_cli, "run", env={"SCHOOLBOT_VK__TOKEN": ""})
    assert result.returncode == 2
    assert "SCHOOLBOT_VK__TOKEN" in result.stderr and "schoolbot sandbox" in result.stderr


async def test_cli_with_bad_token_stops_with_exit_code_3(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with VkEmulator(token="the-right-token") as emulator:
        env = {"SCHOOLBOT_VK__TOKEN": "wrong-token-123456", "SCHOOLBOT_VK__API_URL": emulator.api_url,
               "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "db.sqlite3")}
        result = await asyncio.to_thread(run_cli, "run", env=env)
    assert result.returncode == 3
    assert "ошибка 5" in result.stderr
    assert "wrong-token-123456" not in result.stderr + result.stdout


async def test_cli_run_answers_help_against_any_vk_compatible_server(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with VkEmulator(token="tok-123456") as emulator:
        emulator.add_user(77, "Ольга", "Иванова")
        env = {"SCHOOLBOT_VK__TOKEN": "tok-123456", "SCHOOLBOT_VK__API_URL": emulator.api_url,
               "SCHOOLBOT_VK__LONGPOLL_WAIT": "1", "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "db.sqlite3")}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env={**os.environ, **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            for _ in range(600):  # a loaded machine starts Python slowly
                if emulator.calls("groups.getLongPollServer"):
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.2)
            await emulator.user_writes(77, "/помощь")
            reply = await emulator.wait_for_bot_message(77, timeout=10)
            assert "Команды" in reply["text"]
        finally:
            process.terminate()
            _, stderr = await process.communicate()
    assert b"tok-123456" not in stderr


async def test_a_malformed_event_is_logged_without_its_text_and_the_bot_goes_on(
    world: SandboxWorld, caplog: pytest.LogCaptureFixture
) -> None:
    # A message_new without an author (as a broken proxy might send), and one whose parts are junk.
    broken = [
        {"type": "message_new", "event_id": "broken-1", "v": "5.199", "group_id": 56,
         "object": {"message": {"peer_id": PARENT, "text": "паспорт 4510 123456"}}},
        {"type": "message_new", "event_id": "broken-2", "v": "5.199", "group_id": 56,
         "object": {"message": "паспорт 4510 123456"}},
        {"type": "message_event", "event_id": "broken-3", "object": {"user_id": "x", "payload": "паспорт"}},
        ["not", "an", "object"],
    ]
    caplog.set_level("INFO")
    for update in broken:
        world.emulator._state.events.push(update)
    reply = await ask(world, PARENT, "/help")
    assert "родитель" in reply["text"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "skipped" in logged
    assert "4510" not in logged and "паспорт" not in logged


async def test_unreadable_attachments_get_a_polite_answer(world: SandboxWorld) -> None:
    message = world.emulator._state.store_message(PARENT, PARENT, "", attachments=[{"type": 5}, "junk"])
    world.emulator._state.deliver_message_new(message)
    reply = await world.emulator.wait_for_bot_message(PARENT, timeout=5)
    assert "вложение" in reply["text"]


async def test_the_token_travels_in_the_body_never_in_the_url(world: SandboxWorld) -> None:
    await ask(world, PARENT, "/help")
    calls = [r for r in world.emulator.requests if r.method != "groups.getById"]
    assert calls and all(r.token == "sandbox-token" and "access_token" not in r.query_keys for r in calls)


async def test_debug_logging_never_carries_what_people_wrote(world: SandboxWorld,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    from bot.logs import quiet_libraries

    caplog.set_level("DEBUG")
    quiet_libraries()  # what `schoolbot run` does after setting the level
    await ask(world, PARENT, "/help")
    await world.emulator.user_writes(PARENT, "Сидоров Коля, паспорт 4510 123456")
    await world.emulator.wait_for_bot_message(PARENT)
    logged = "\n".join(f"{r.name}: {r.getMessage()}" for r in caplog.records)
    assert "Сидоров" not in logged and "4510" not in logged and "sandbox-token" not in logged


async def test_unknown_command_in_a_chat_is_moderated_and_never_echoed(world: SandboxWorld) -> None:
    await ask(world, ADMIN, "/привязать 5А родители", "5a-parents")
    await world.emulator.user_writes(PARENT, "/сука, опять домашка", peer_id=world.chat_peers["5a-parents"])
    notice = await world.emulator.wait_for_bot_message(world.chat_peers["5a-parents"], timeout=5)
    assert notice["text"].startswith("Сообщение удалено") and "сука" not in notice["text"]
    assert not any("Не знаю команду" in m["text"] for m in world.emulator.bot_messages(world.chat_peers["5a-parents"]))


async def test_a_press_whose_payload_is_not_an_object_is_answered(world: SandboxWorld) -> None:
    for payload in ('"just a string"', "[1, 2]", "{not json", "null"):
        before = len(world.emulator.event_answers)
        await world.emulator.press_button(PARENT, PARENT, 1, payload)
        for _ in range(100):
            if len(world.emulator.event_answers) > before:
                break
            await asyncio.sleep(0.02)
        assert "устарела" in world.emulator.event_answers[-1]["event_data"]


async def test_an_unexpected_error_gets_a_temporary_error_reply_and_a_log_line_without_text(
    world: SandboxWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.commands import FLOWS

    async def broken(ctx: object, args: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(FLOWS, "rules", broken)
    reply = await ask(world, PARENT, "/правила секретный текст")
    assert "Временная ошибка" in reply["text"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ZeroDivisionError" in logged and "секретный" not in logged
    assert "родитель" in (await ask(world, PARENT, "/help"))["text"]  # and the bot goes on


@pytest.mark.parametrize("fault", ["error 1", "error 29", "error 10 at start", "HTTP 502 at start"])
async def test_passing_vk_trouble_never_stops_the_bot(fault: str) -> None:
    world = SandboxWorld()
    emulator = world.emulator
    if fault == "error 1":
        emulator.fail_next("groups.getLongPollServer", 1, times=8)
    elif fault == "error 29":
        emulator.fail_next("groups.getLongPollServer", 29, times=2)
    elif fault == "error 10 at start":
        emulator.fail_next("groups.getById", 10, times=8)
    else:
        emulator.http_error_next("groups.getById", 502, times=8)
    await world.start()
    try:
        if fault.startswith("error") and "start" not in fault:  # and again after a key refresh
            emulator.fail_next("groups.getLongPollServer", int(fault.split()[1]), times=2)
            emulator.expire_key()
        reply = await ask(world, PARENT, "/help")
        assert "родитель" in reply["text"]
    finally:
        await world.stop()


async def test_cli_without_access_to_updates_stops_with_exit_code_4(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async with VkEmulator(group_id=56, token="tok-123456") as emulator:
        env = {"SCHOOLBOT_VK__TOKEN": "tok-123456", "SCHOOLBOT_VK__API_URL": emulator.api_url,
               "SCHOOLBOT_VK__GROUP_ID": "99", "SCHOOLBOT_STORAGE__PATH": str(tmp_path / "db.sqlite3")}
        result = await asyncio.to_thread(run_cli, "run", env=env)
    assert result.returncode == 4
    assert "group_id" in result.stderr and "Long Poll" in result.stderr
