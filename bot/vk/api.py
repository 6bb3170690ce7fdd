"""vkbottle's API with what it leaves to us: the rate limit, retries, stable random_id.

Every method call goes through `request`, so all calls share one queue (by priority: a
moderation delete or a button answer first) and one retry policy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import secrets
from dataclasses import dataclass
from typing import Any, cast

import aiohttp
from vkbottle import API
from vkbottle.http import AiohttpClient

from bot.port.ratelimit import RateLimiter
from bot.vk.form import CONTENT_TYPE as FORM_CONTENT_TYPE
from bot.vk.form import form_encode

log = logging.getLogger(__name__)

# 1: unknown error, 6: too many requests per second, 9: flood control, 10: internal server error.
RETRIED_ERROR_CODES = frozenset({1, 6, 9, 10})
BAD_TOKEN = 5
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    attempts: int = 5
    """Total tries of one call, the first included."""
    base_delay: float = 0.5
    """Delay before the second try; doubles each time, with jitter."""
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        """Backoff before try number attempt+1 (attempt counts from 1)."""
        raw = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return raw * (0.75 + random.random() * 0.5)


class VkNetworkError(Exception):
    """VK could not be reached after all retries."""


def new_random_id() -> int:
    """A random int32 for messages.send; VK drops a repeat, so a retry never sends twice."""
    return secrets.randbelow(2**31 - 1) + 1


class VkApi(API):
    def __init__(
        self,
        token: str,
        *,
        api_url: str,
        api_version: str,
        limiter: RateLimiter,
        retry: RetryPolicy,
        request_timeout: float = 30.0,
    ) -> None:
        super().__init__(token, http_client=AiohttpClient(timeout=aiohttp.ClientTimeout(total=request_timeout)))
        # vkbottle reads API_URL per call: an instance attribute redirects every method.
        self.API_URL = api_url
        self.API_VERSION = api_version
        self.limiter = limiter
        self.retry = retry

    async def request(self, method: str, data: dict[str, Any], version: str | None = None, *,
                      priority: int | None = None) -> dict[str, Any]:
        data = await self.validate_request(dict(data))
        if method == "messages.send" and not data.get("random_id"):
            data["random_id"] = new_random_id()  # VK never deduplicates random_id=0
        response = await self._call_with_retries(method, data, version, priority)
        return await self.validate_response(method, data, response)

    async def _call_with_retries(self, method: str, data: dict[str, Any], version: str | None,
                                 priority: int | None) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self.limiter.slot(priority):
                    response = await self._post(method, data, version)
            except NETWORK_ERRORS as error:
                if attempt >= self.retry.attempts:
                    raise VkNetworkError(f"{method}: {type(error).__name__}") from error
                log.warning("VK %s: network error %s, retry %d", method, type(error).__name__, attempt)
            else:
                code = _error_code(response)
                if code not in RETRIED_ERROR_CODES or attempt >= self.retry.attempts:
                    return response
                log.warning("VK %s: error %s, retry %d", method, code, attempt)
            await asyncio.sleep(self.retry.delay(attempt))

    async def _post(self, method: str, data: dict[str, Any], version: str | None) -> Any:
        async with self.token_generator as token:
            # The token travels in the POST body, never in the URL (URLs end up in proxies' logs).
            body = form_encode({**data, "access_token": token, "v": version or self.API_VERSION})
            text = await self.http_client.request_text(
                self.API_URL + method,
                method="POST",
                data=cast(Any, body),  # bytes: aiohttp sends them as they are (bot/vk/form.py says why)
                headers={"Content-Type": FORM_CONTENT_TYPE},
            )
        try:
            return json.loads(text)
        except ValueError:
            # A proxy's HTML error page: treat like an internal server error.
            return {"error": {"error_code": 10, "error_msg": "non-JSON response", "request_params": []}}

    def __repr__(self) -> str:  # never show the token
        return f"<VkApi {self.API_URL}>"


def _error_code(response: Any) -> int | None:
    if isinstance(response, dict) and isinstance(response.get("error"), dict):
        code = response["error"].get("error_code")
        return code if isinstance(code, int) else None
    return None
