"""Documents people attach in the emulators: VK's doc and MAX's file, each served at its own URL without a
token, as the platforms do, and read by the adapters as a «document» the bot can download."""

from __future__ import annotations

import aiohttp

from bot.classlist.fetch import FileFetcher, FileTooBig, FileUnavailable
from bot.max.updates import read_attachments
from bot.port.events import MessageIn
from bot.sandbox.emulator import VkEmulator
from bot.sandbox.max_emulator import MaxEmulator
from bot.vk.translate import translate

CSV = "Фамилия;Имя\nИванов;Пётр\n".encode("cp1251")


async def test_a_vk_document_is_delivered_with_a_url_the_bot_can_download() -> None:
    async with VkEmulator(group_id=56) as emu:
        emu.add_user(7, "Анна", "Смирнова")
        attachment = emu.user_attachment(7, "doc", CSV, "5А.csv")
        message = await emu.user_writes(7, "/список 5А", attachments=[attachment])
        incoming = translate({"type": "message_new", "event_id": "e1", "object": {"message": message}}, 56)
        assert incoming is not None and isinstance(incoming.event, MessageIn)
        [document] = incoming.event.attachments
        assert (document.kind, document.name, document.size) == ("document", "5А.csv", len(CSV))
        assert await FileFetcher().fetch(document.url, 1000) == CSV
        async with aiohttp.ClientSession() as http:
            wrong = document.url.replace("hash=", "hash=x")
            async with http.get(wrong) as response:
                assert response.status == 404  # the hash in the link is the only key
        try:
            await FileFetcher().fetch(document.url, 5)
        except FileTooBig as error:
            assert "1 МБ" in error.text
        else:
            raise AssertionError("a file over the limit was read")


async def test_a_max_file_is_delivered_with_a_url_the_bot_can_download() -> None:
    async with MaxEmulator() as emu:
        emu.add_user(7, "Анна", "Смирнова")
        attachment = emu.user_attachment("doc", CSV, "5А.csv")
        message = await emu.user_writes(7, "/список 5А", attachments=[attachment])
        [document], unreadable = read_attachments(message["body"]["attachments"])
        assert not unreadable
        assert (document.kind, document.name, document.size) == ("document", "5А.csv", len(CSV))
        assert await FileFetcher().fetch(document.url, 1000) == CSV
        try:
            await FileFetcher().fetch(document.url.rsplit("/", 1)[0] + "/nope", 1000)
        except FileUnavailable as error:
            assert "ещё раз" in error.text
        else:
            raise AssertionError("a missing file was read")
    try:
        await FileFetcher().fetch("file:///etc/passwd", 1000)
    except FileUnavailable:
        pass
    else:
        raise AssertionError("only http(s) links are downloaded")
