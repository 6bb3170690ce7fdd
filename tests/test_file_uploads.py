"""Files through each platform's upload flow (the gateway against the emulators over real HTTP):
a picture and a document arrive and open; one upload serves a whole broadcast; MAX's «not ready
yet» is waited out; the token never reaches the upload host; people's attachments are downloaded."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from bot.config import MaxConfig, VkConfig
from bot.max import MaxAdapter
from bot.port.effects import Button, Buttons
from bot.port.gateway import GatewayError, Problem
from bot.port.ids import ChatId, PersonId, Platform, chat_id, person_id
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.max_emulator import MaxEmulator
from bot.vk.adapter import VkAdapter

TOKEN = "sandbox-token"
ALICE = 101
ACK = Buttons(rows=[[Button(label="Прочитано", payload={"a": "ann_read", "id": 1}, style="positive")]])
CSV = "\ufeffвид;название\r\nкласс;5А\r\n".encode()


def png(width: int = 8, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
async def vk() -> AsyncIterator[tuple[VkEmulator, VkAdapter]]:
    emulator = VkEmulator(group_id=56)
    await emulator.start()
    emulator.add_user(ALICE, "Анна", "Иванова")
    adapter = VkAdapter(VkConfig(token=TOKEN, api_url=emulator.api_url, group_id=56, retry_base_delay=0.01))
    await adapter.connect()
    yield emulator, adapter
    await adapter.close()
    await emulator.stop()


@pytest.fixture
async def mx() -> AsyncIterator[tuple[MaxEmulator, MaxAdapter]]:
    emulator = MaxEmulator(max_poll_timeout=1.0)
    emulator.add_user(ALICE, "Анна", "Иванова")
    await emulator.start()
    adapter = MaxAdapter(MaxConfig(token=TOKEN, api_url=emulator.api_url, retry_base_delay=0.01, longpoll_timeout=1),
                         request_timeout=2.0, min_poll_interval=0.0)
    await adapter.connect()
    yield emulator, adapter
    await adapter.close()
    await emulator.stop()


async def test_vk_sends_a_picture_and_a_document_through_the_upload_flow(vk: tuple[VkEmulator, VkAdapter]) -> None:
    emulator, adapter = vk
    chats = [emulator.add_chat(f"5А — {n}", [ALICE]) for n in range(3)]
    picture = png(32, 16)
    for n, chat in enumerate(chats):
        await adapter.gateway.send_file(chat_id(Platform.VK, chat), "photo", picture, filename="chart.png",
                                        caption="Охват по классам", buttons=ACK, dedup=100 + n)
    assert [u.filename for u in emulator.uploads] == ["chart.png"]  # uploaded once, sent to three chats
    assert len(emulator.calls("photos.getMessagesUploadServer")) == 1
    for chat in chats:
        sent = emulator.bot_messages(chat)[0]
        assert sent["text"] == "Охват по классам" and sent["attachments"][0]["type"] == "photo"
        assert sent["attachments"][0]["photo"]["sizes"][0]["width"] == 32
    await adapter.gateway.send_file(person_id(Platform.VK, ALICE), "document", CSV, filename="statistika.csv",
                                    caption="Таблица", buttons=None, dedup=200)
    doc = emulator.bot_messages(ALICE)[0]["attachments"][0]["doc"]
    assert doc["title"] == "statistika.csv" and doc["ext"] == "csv" and doc["size"] == len(CSV)
    assert emulator.uploads[-1].data == CSV
    # A repeat of the same send (the outbox after a crash) shows nothing twice.
    await adapter.gateway.send_file(person_id(Platform.VK, ALICE), "document", CSV, filename="statistika.csv",
                                    caption="Таблица", buttons=None, dedup=200)
    assert len(emulator.bot_messages(ALICE)) == 1


async def test_vk_refuses_what_is_not_a_picture(vk: tuple[VkEmulator, VkAdapter]) -> None:
    emulator, adapter = vk
    with pytest.raises(GatewayError) as error:
        await adapter.gateway.send_file(person_id(Platform.VK, ALICE), "photo", b"not a picture", filename="x.png",
                                        caption="", buttons=None, dedup=5)
    assert error.value.problem is Problem.REJECTED and emulator.bot_messages(ALICE) == []


async def test_vk_downloads_what_people_attach(vk: tuple[VkEmulator, VkAdapter]) -> None:
    emulator, adapter = vk
    attachment = emulator.user_attachment(ALICE, "doc", CSV, "список.csv")
    assert await adapter.gateway.download(attachment["doc"]["url"], limit=1000) == CSV
    with pytest.raises(GatewayError) as too_big:
        await adapter.gateway.download(attachment["doc"]["url"], limit=10)
    assert too_big.value.problem is Problem.REJECTED
    with pytest.raises(GatewayError) as gone:
        await adapter.gateway.download(attachment["doc"]["url"].replace("hash=", "hash=x"), limit=1000)
    assert gone.value.problem is Problem.NOT_FOUND


async def test_max_sends_a_picture_and_a_document_and_waits_out_processing(mx: tuple[MaxEmulator, MaxAdapter]) -> None:
    emulator, adapter = mx
    chats = [emulator.add_chat(f"5А — {n}", [ALICE]) for n in range(3)]
    emulator.attachment_not_ready(2)  # MAX is still processing the fresh upload for the first two tries
    for n, chat in enumerate(chats):
        await adapter.gateway.send_file(ChatId(f"max:{chat}"), "photo", png(), filename="chart.png",
                                        caption="Охват по классам", buttons=ACK, dedup=300 + n)
    assert len(emulator.calls("POST /uploads")) == 1 and [u.kind for u in emulator.uploads] == ["image"]
    for chat in chats:
        [sent] = emulator.bot_messages(chat)
        kinds = [a["type"] for a in sent["body"]["attachments"]]
        assert sent["body"]["text"] == "Охват по классам" and kinds == ["image", "inline_keyboard"]
    await emulator.user_writes(ALICE, "привет")  # opens the dialog
    await adapter.gateway.send_file(PersonId(f"max:{ALICE}"), "document", CSV, filename="statistika.csv",
                                    caption="Таблица", buttons=None, dedup=400)
    sent = emulator.bot_messages(ALICE)[-1]["body"]["attachments"][0]
    assert sent["type"] == "file" and sent["filename"] == "statistika.csv" and emulator.uploads[-1].data == CSV


async def test_max_keeps_the_token_off_the_upload_host(mx: tuple[MaxEmulator, MaxAdapter]) -> None:
    _, adapter = mx
    seen: list[str | None] = []

    async def upload(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization"))
        await request.read()
        return web.json_response({"token": "t-1"})

    app = web.Application()
    app.router.add_post("/upload", upload)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        answer = await adapter.api._post_file(f"http://127.0.0.1:{port}/upload", CSV, "a.csv")
    finally:
        await runner.cleanup()
    assert answer == {"token": "t-1"} and seen == [None]


async def test_max_downloads_what_people_attach(mx: tuple[MaxEmulator, MaxAdapter]) -> None:
    emulator, adapter = mx
    attachment: dict[str, Any] = emulator.user_attachment("photo", png(), "plan.png")
    assert await adapter.gateway.download(attachment["payload"]["url"], limit=10_000) == png()
    with pytest.raises(GatewayError) as too_big:
        await adapter.gateway.download(attachment["payload"]["url"], limit=10)
    assert too_big.value.problem is Problem.REJECTED


async def test_max_refuses_what_is_not_a_picture(mx: tuple[MaxEmulator, MaxAdapter]) -> None:
    emulator, adapter = mx
    chat = emulator.add_chat("5А", [ALICE])
    with pytest.raises(GatewayError) as error:
        await adapter.gateway.send_file(ChatId(f"max:{chat}"), "photo", b"not a picture", filename="x.png",
                                        caption="", buttons=None, dedup=7)
    assert error.value.problem is Problem.REJECTED and emulator.bot_messages(chat) == []
