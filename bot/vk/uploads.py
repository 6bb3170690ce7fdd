"""Files on VK: the upload flow for pictures and documents, and downloading what people attached.

Pictures: photos.getMessagesUploadServer → POST the file to the upload URL → photos.saveMessagesPhoto;
documents: docs.getMessagesUploadServer → POST → docs.save. The result is an attachment string
(«photo-56_123_abc», «doc-56_77») that messages.send carries. Upload URLs are VK's own hosts and get
no token: the token travels only in the API calls' bodies.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal, cast

import aiohttp
from vkbottle.http import AiohttpClient

from bot.port.gateway import GatewayError, Problem
from bot.vk.api import NETWORK_ERRORS, VkApi

log = logging.getLogger(__name__)

Call = Callable[[str, dict[str, Any]], Awaitable[Any]]
"""A VK method call through the gateway (rate limit, retries, errors as GatewayError)."""

_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                  "csv": "text/csv", "pdf": "application/pdf", "txt": "text/plain"}


def content_type(filename: str) -> str:
    return _CONTENT_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


class VkFiles:
    def __init__(self, api: VkApi, call: Call) -> None:
        self._api = api
        self._call = call

    def _http(self) -> AiohttpClient:
        return cast(AiohttpClient, self._api.http_client)  # VkApi builds it (bot/vk/api.py)

    async def upload(self, kind: Literal["photo", "document"], peer: int, data: bytes, filename: str) -> str:
        """The attachment string of `data` uploaded for conversation `peer`."""
        if kind == "photo":
            server = await self._call("photos.getMessagesUploadServer", {"peer_id": peer})
            answer = await self._post(_url(server), "photo", data, filename)
            photos = answer.get("photo")
            if not isinstance(photos, str) or photos in ("", "[]"):
                raise GatewayError(Problem.REJECTED, "VK did not take the picture")
            saved = await self._call("photos.saveMessagesPhoto", {
                "photo": photos, "server": answer.get("server", 0), "hash": answer.get("hash", "")})
            item = saved[0] if isinstance(saved, list) and saved and isinstance(saved[0], dict) else {}
            return _attachment("photo", item)
        server = await self._call("docs.getMessagesUploadServer", {"peer_id": peer, "type": "doc"})
        answer = await self._post(_url(server), "file", data, filename)
        file = answer.get("file")
        if not isinstance(file, str) or not file:
            raise GatewayError(Problem.REJECTED, "VK did not take the document")
        saved = await self._call("docs.save", {"file": file, "title": filename})
        doc = saved.get("doc") if isinstance(saved, dict) else None
        return _attachment("doc", doc if isinstance(doc, dict) else {})

    async def _post(self, url: str, field: str, data: bytes, filename: str) -> dict[str, Any]:
        """A multipart POST to VK's upload server, retried through network trouble."""
        attempt = 0
        while True:
            attempt += 1
            form = aiohttp.FormData()
            form.add_field(field, data, filename=filename, content_type=content_type(filename))
            try:
                async with self._http().request(url, method="POST", data=form) as response:  # type: ignore[arg-type]
                    status = response.status
                    text = await response.text(encoding="utf-8")
            except NETWORK_ERRORS as error:
                if attempt >= self._api.retry.attempts:
                    raise GatewayError(Problem.TRANSIENT, "VK upload server unreachable") from error
                log.warning("VK upload: network error %s, retry %d", type(error).__name__, attempt)
                await asyncio.sleep(self._api.retry.delay(attempt))
                continue
            if status >= 500 and attempt < self._api.retry.attempts:
                await asyncio.sleep(self._api.retry.delay(attempt))
                continue
            if status >= 400:
                raise GatewayError(Problem.TRANSIENT if status >= 500 else Problem.REJECTED, f"VK upload HTTP {status}")
            try:
                answer = json.loads(text)
            except ValueError:
                raise GatewayError(Problem.TRANSIENT, "VK upload answer unreadable") from None
            if not isinstance(answer, dict) or "error" in answer:
                raise GatewayError(Problem.REJECTED, "VK upload refused")
            return answer

    async def download(self, url: str, limit: int) -> bytes:
        """A file from VK's content hosts (public URLs: no token is sent)."""
        if not url.startswith(("https://", "http://")):
            raise GatewayError(Problem.NOT_FOUND, "no URL")
        try:
            async with self._http().request(url, method="GET") as response:
                if response.status == 404:
                    raise GatewayError(Problem.NOT_FOUND, "VK file gone")
                if response.status >= 400:
                    raise GatewayError(Problem.TRANSIENT if response.status >= 500 else Problem.REJECTED,
                                       f"VK file HTTP {response.status}")
                return await read_limited(response, limit)
        except NETWORK_ERRORS as error:
            raise GatewayError(Problem.TRANSIENT, "VK file unreachable") from error


async def read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, refused (REJECTED) once it grows past `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise GatewayError(Problem.REJECTED, "file too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _url(server: Any) -> str:
    url = server.get("upload_url") if isinstance(server, dict) else None
    if not isinstance(url, str) or not url:
        raise GatewayError(Problem.REJECTED, "VK gave no upload URL")
    return url


def _attachment(kind: str, item: dict[str, Any]) -> str:
    owner, number = item.get("owner_id"), item.get("id")
    if not isinstance(owner, int) or not isinstance(number, int):
        raise GatewayError(Problem.REJECTED, "VK saved nothing")
    key = item.get("access_key")
    return f"{kind}{owner}_{number}" + (f"_{key}" if isinstance(key, str) and key else "")
