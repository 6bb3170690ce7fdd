"""Downloading a file a person attached (a class list) from the URL the platform gave.

The URL points at the platform's file storage (VK: the document's url; MAX: the file's payload url);
no token goes with the request. The size is capped while reading, so a huge file is refused without
being read whole.
"""

from __future__ import annotations

import logging

import aiohttp

from bot.errors import BotError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0


class FileUnavailable(BotError):
    text = "Не смог скачать файл. Пришлите его, пожалуйста, ещё раз."


class FileTooBig(BotError):
    text = "Файл слишком большой для списка класса (больше 1 МБ). Сохраните в CSV только нужные столбцы."


class FileFetcher:
    """One download at a time is all a school needs; a session per download keeps nothing open."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self._timeout = timeout

    async def fetch(self, url: str, limit: int) -> bytes:
        if not url.startswith(("https://", "http://")):
            raise FileUnavailable("not an http url")
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout)) as session, \
                    session.get(url, allow_redirects=True) as response:
                if response.status != 200:
                    log.info("file download refused: HTTP %s", response.status)
                    raise FileUnavailable(f"http {response.status}")
                if (response.content_length or 0) > limit:
                    raise FileTooBig("declared size")
                data = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > limit:
                        raise FileTooBig("read size")
                return bytes(data)
        except (TimeoutError, aiohttp.ClientError) as error:
            log.info("file download failed: %s", type(error).__name__)
            raise FileUnavailable(type(error).__name__) from None
