"""The MAX transport: one maxapi client, behind our rate limit, retries and error mapping.

What is used from maxapi (the maintained MAX client library, 1.2.x) and why the rest is ours:

* maxapi's `Bot` is the HTTP client for every call: base URL (`set_api_url`), the token in the
  raw `Authorization` header, its aiohttp session (we hand it our connector and a middleware
  through `DefaultConnectionProperties`), and its error types (`MaxApiError` with the HTTP status,
  `MaxConnection`, `InvalidToken`). Its TLS default (system roots plus the Russian Trusted Root CA
  it bundles) is the base of our TLS context; the configurable `max.ca_bundle` is added on top.
* Typed maxapi calls are used where their models are sound: `get_me`, `get_subscriptions`,
  `get_updates` (it returns the raw JSON), `send_callback`, `delete_message`, `kick_chat_member`;
  the inline keyboard is built from maxapi's button types (`CallbackButton`, `MessageButton`,
  `ButtonsPayload`).
* Raw `Bot.request(..., is_return_raw=True)` is used where a typed call blocks a requirement:
  - POST /messages: `send_message` refuses a text of exactly 4000 characters (MAX allows 4000),
    and we need the raw answer (mid, recipient.chat_id) to remember dialogs and avoid duplicates;
  - PUT /messages: `edit_message` always sends `"attachments": []`, which deletes the keyboard;
    we send the attachments we mean;
  - GET /messages, GET /chats/{id}, GET /chats/{id}/members and /members/me: maxapi's Message,
    Chat and ChatMember models fail as a whole on an unknown attachment type or permission value
    (and `get_messages` sends times in seconds where MAX wants milliseconds); we read them with
    our lenient models (bot/max/models.py);
  - updates are parsed by our lenient models (bot/max/updates.py) for the same reason, and
    because maxapi has no model for `bot_admin_permissions_changed`.
* Turned off in maxapi: its retries (`max_retries=0`, `retry_on_statuses=()`), its extra GET
  /chats calls per update (`auto_requests=False`), its upload retry loop
  (`after_upload_attempts=1`); no Dispatcher. It has no rate limiter.
* Ours, because maxapi lacks them: the rate limit shared by all calls (bot/port/ratelimit.py),
  retries with backoff and jitter, the mapping of refusals to the port's problems, never sending
  a message twice after a dropped connection, and keeping the token on the API host (maxapi's
  upload sends the `Authorization` header to the upload host too).
"""

from __future__ import annotations

import asyncio
import json as _json
import logging
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import aiohttp
from aiohttp import ClientHandlerType, ClientRequest, ClientResponse, hdrs
from maxapi import Bot
from maxapi.client.default import DefaultConnectionProperties
from maxapi.client.ssl import create_default_ssl_context
from maxapi.enums.http_method import HTTPMethod
from maxapi.enums.update import UpdateType
from maxapi.exceptions.max import InvalidToken, MaxApiError, MaxConnection
from pydantic import SecretStr, ValidationError
from yarl import URL

from bot.config import MaxConfig
from bot.errors import ConfigError
from bot.max.directory import Bounded
from bot.max.models import Message, read
from bot.port.gateway import GatewayError, Problem
from bot.port.ratelimit import RateLimiter, default_bulk_cap

log = logging.getLogger(__name__)

T = TypeVar("T")
Operation = Callable[[Bot], Awaitable[T]]

REQUEST_TIMEOUT = 20.0
"""Seconds one ordinary call may take before it counts as a network failure."""
POLL_GRACE = 10.0
"""A long poll may take this much longer than the `timeout` it asked the server to wait."""
MAX_BACKOFF = 30.0
LOOKUP_COUNT = 50
"""Recent messages read when looking for a send that may already have happened."""
CLOCK_SKEW_MS = 30_000
"""Tolerated difference between our clock and MAX's when matching a send to its attempt."""
SENT_KEPT = 5_000
UNCERTAIN_KEPT = 5_000

NETWORK_ERRORS: tuple[type[BaseException], ...] = (MaxConnection, aiohttp.ClientError, TimeoutError, ConnectionError)
# A refusal at the door: the server certainly did nothing, so a resend cannot duplicate.
_NOT_DONE_STATUSES = frozenset({429, 503})
# Retried, but the server may have acted first (a proxy's 502/504 after the backend answered).
_MAYBE_DONE_STATUSES = frozenset({408, 500, 502, 504})
_CODE = re.compile(r"^[\w.\-]{1,60}$")

DEFAULT_PROBLEMS: Mapping[int, Problem] = {
    400: Problem.REJECTED,
    401: Problem.REJECTED,  # at start-up the adapter turns it into BadToken
    403: Problem.NOT_ADMIN,
    404: Problem.NOT_FOUND,
}


@dataclass(frozen=True, kw_only=True)
class Identity:
    """Who the bot is on MAX (GET /me)."""

    user_id: int
    username: str
    name: str


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    attempts: int
    """Total tries of one call, the first included."""
    base_delay: float
    """Delay before the second try; doubles each time, with jitter."""
    max_delay: float = MAX_BACKOFF

    def delay(self, attempt: int) -> float:
        """Backoff before try number attempt+1 (attempt counts from 1); jitter spreads retries apart."""
        raw = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return raw * random.uniform(0.5, 1.5)


class MaxRefused(GatewayError):
    """MAX said no (or could not be reached in time); `status` is the HTTP status, None for the network.

    `code` is MAX's error key («chat.denied»), never the message text, which may quote content.
    """

    def __init__(self, problem: Problem, *, status: int | None, code: str) -> None:
        where = f"HTTP {status}" if status is not None else "network"
        super().__init__(problem, f"MAX {where} {code}".strip())
        self.status = status
        self.code = code


class ApiClosed(GatewayError):
    """The transport was closed (shutting down): nothing more is sent."""

    def __init__(self) -> None:
        super().__init__(Problem.TRANSIENT, "the MAX transport is closed")


class _Failure(Exception):
    """One failed attempt, classified: may it be retried, and may the server have acted anyway?"""

    def __init__(self, status: int | None, code: str, *, retryable: bool, uncertain: bool) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.retryable = retryable
        self.uncertain = uncertain


def require_success(success: object) -> None:
    """MAX may answer 200 with {"success": false}: that is a refusal (REJECTED), never retried."""
    if success is False:
        raise _Failure(200, "success.false", retryable=False, uncertain=False)


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    """System roots + the Russian Trusted Root CA bundled with maxapi + our configured bundle."""
    context = create_default_ssl_context()
    if ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(ca_bundle))
        except (OSError, ssl.SSLError) as error:
            raise ConfigError([f"max.ca_bundle: не удалось прочитать сертификаты ({type(error).__name__})"]) from None
    return context


def token_stays_home(api_url: str) -> Callable[[ClientRequest, ClientHandlerType], Awaitable[ClientResponse]]:
    """An aiohttp middleware that drops the Authorization header from requests to any other origin.

    The session carries the token as a default header, so without this an upload URL or a
    redirect elsewhere would receive it.
    """
    home = URL(api_url).origin()

    async def middleware(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        if request.url.origin() != home:
            request.headers.popall(hdrs.AUTHORIZATION, None)
        return await handler(request)

    return middleware


def now_ms() -> int:
    return int(time.time() * 1000)


def query(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query values as MAX expects them (yarl refuses bools)."""
    out: dict[str, str] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def _error_code(raw: Any) -> str:
    code = raw.get("code") if isinstance(raw, dict) else None
    return code if isinstance(code, str) and _CODE.match(code) else "error"


def _classify(status: int, raw: Any) -> _Failure:
    if 200 <= status < 300:
        # maxapi raises with the success status when the body could not be read: the answer
        # was cut after the headers, so the server has acted.
        return _Failure(status, "unreadable.answer", retryable=True, uncertain=True)
    if status in _NOT_DONE_STATUSES:
        return _Failure(status, _error_code(raw), retryable=True, uncertain=False)
    if status in _MAYBE_DONE_STATUSES or status >= 500:
        return _Failure(status, _error_code(raw), retryable=True, uncertain=True)
    return _Failure(status, _error_code(raw), retryable=False, uncertain=False)


def _failure_of(error: Exception) -> Exception:
    """maxapi's and aiohttp's errors as a classified _Failure; anything else unchanged."""
    if isinstance(error, _Failure | GatewayError):
        return error
    if isinstance(error, InvalidToken):
        return _Failure(401, "verify.token", retryable=False, uncertain=False)
    if isinstance(error, MaxApiError):
        return _classify(error.code, error.raw)
    if isinstance(error, ValidationError):
        # A 2xx answer maxapi could not read into its model: the call happened.
        return _Failure(None, "unreadable.answer", retryable=False, uncertain=False)
    if isinstance(error, NETWORK_ERRORS):
        # A dropped connection or a timeout: the request may have been processed.
        return _Failure(None, type(error).__name__, retryable=True, uncertain=True)
    return error


class MaxApi:
    """Every MAX call of the bot goes through `call` (or `raw`, `send_message`, `get_updates`)."""

    def __init__(
        self,
        config: MaxConfig,
        *,
        api_url: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        limiter: RateLimiter | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self._token: SecretStr = config.resolved_token()
        self._url = (api_url or config.api_url).rstrip("/")
        self._ssl_context = ssl_context
        self._ca_bundle = config.ca_bundle
        self._poll_timeout = config.longpoll_timeout
        self._request_timeout = request_timeout
        self.limiter = limiter or RateLimiter(config.rate_limit, bulk_cap=default_bulk_cap(config.rate_limit))
        self.retry = RetryPolicy(attempts=config.retry_attempts, base_delay=config.retry_base_delay)
        self.identity: Identity | None = None
        """Set by `identify()` (the adapter's connect)."""
        self._bot: Bot | None = None
        self._connector: aiohttp.TCPConnector | None = None
        self._closed = False
        self._sent: Bounded[str, None] = Bounded(SENT_KEPT)  # mids this process sent or claimed
        self._uncertain: Bounded[int, int] = Bounded(UNCERTAIN_KEPT)  # dedup → ms its first attempt began

    def __repr__(self) -> str:  # never the token
        return f"<MaxApi {self._url}>"

    @property
    def has_token(self) -> bool:
        return bool(self._token.get_secret_value())

    def _client(self) -> Bot:
        """maxapi's Bot, built on first use: the connector needs a running event loop."""
        if self._closed:
            raise ApiClosed()
        if self._bot is None:
            if not self.has_token:
                # maxapi would fall back to the MAX_BOT_TOKEN environment variable: never guess.
                raise _Failure(401, "no.token", retryable=False, uncertain=False)
            self._connector = aiohttp.TCPConnector(ssl=self._ssl_context or tls_context(self._ca_bundle))
            connection = DefaultConnectionProperties(
                # An outer bound only: every call has its own deadline (`_once`).
                timeout=self._poll_timeout + POLL_GRACE + 5,
                max_retries=0,
                retry_on_statuses=(),
                connector=self._connector,
                middlewares=(token_stays_home(self._url),),
            )
            bot = Bot(
                token=self._token.get_secret_value(),
                auto_requests=False,
                after_upload_attempts=1,
                default_connection=connection,
            )
            bot.set_api_url(self._url)
            self._bot = bot
        return self._bot

    async def close(self) -> None:
        self._closed = True
        if self._bot is not None:
            await self._bot.close_session()
        if self._connector is not None:
            await self._connector.close()  # ours: maxapi does not close a connector it was given

    # --- one attempt -----------------------------------------------------------------------
    async def _once(self, op: Operation[T], *, priority: int | None, timeout: float) -> T:
        """One request in one rate-limit slot; failures come out as _Failure (or ApiClosed)."""
        try:
            bot = self._client()
            async with self.limiter.slot(priority):
                async with asyncio.timeout(timeout):
                    return await op(bot)
        except Exception as error:
            if self._closed:
                raise ApiClosed() from None  # whatever a request cut by close() ends with
            failure = _failure_of(error)
            if failure is error:
                raise
            raise failure from None

    def _refusal(self, failure: _Failure, problems: Mapping[int, Problem] | None) -> MaxRefused:
        table = {**DEFAULT_PROBLEMS, **(problems or {})}
        problem = table.get(failure.status, Problem.REJECTED) if failure.status is not None else Problem.REJECTED
        return MaxRefused(problem, status=failure.status, code=failure.code)

    async def _pause(self, what: str, failure: _Failure, attempt: int) -> None:
        delay = self.retry.delay(attempt)
        where = f"HTTP {failure.status}" if failure.status is not None else "network"
        log.warning("MAX %s: %s %s, retry %d in %.2f s", what, where, failure.code, attempt, delay)
        await asyncio.sleep(delay)

    # --- calls ------------------------------------------------------------------------------
    async def call(
        self,
        op: Operation[T],
        *,
        what: str,
        priority: int | None = None,
        timeout: float | None = None,
        problems: Mapping[int, Problem] | None = None,
        done_if: Callable[[MaxRefused], bool] | None = None,
    ) -> T:
        """Run `op` with retries: 429, 5xx, timeouts and network errors, with exponential backoff.

        After the last attempt: MaxRefused(TRANSIENT). A refusal maps to a problem through
        `problems` (over DEFAULT_PROBLEMS). `done_if` serves operations that return None: a
        refusal that only means an earlier, dropped attempt already did the work (deleting a
        deleted message) counts as success.
        """
        attempt = 0
        uncertain = False
        while True:
            attempt += 1
            try:
                return await self._once(op, priority=priority, timeout=timeout or self._request_timeout)
            except _Failure as failure:
                if not failure.retryable:
                    refusal = self._refusal(failure, problems)
                    if uncertain and done_if is not None and done_if(refusal):
                        return cast(T, None)
                    raise refusal from None
                uncertain = uncertain or failure.uncertain
                if attempt >= self.retry.attempts:
                    raise MaxRefused(Problem.TRANSIENT, status=failure.status, code=failure.code) from None
                await self._pause(what, failure, attempt)

    async def raw(
        self,
        method: HTTPMethod,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        priority: int | None = None,
        problems: Mapping[int, Problem] | None = None,
        done_if: Callable[[MaxRefused], bool] | None = None,
    ) -> dict[str, Any]:
        """A call whose answer we read ourselves (see the module docstring for which and why)."""
        extra: dict[str, Any] = {"params": query(params)}
        if json is not None:
            extra["json"] = json

        async def op(bot: Bot) -> dict[str, Any]:
            return cast(dict[str, Any], await bot.request(method, path, is_return_raw=True, **extra))

        return await self.call(op, what=what, priority=priority, problems=problems, done_if=done_if)

    async def identify(self) -> Identity:
        me = await self.call(lambda bot: bot.get_me(), what="GET /me")
        self.identity = Identity(user_id=me.user_id, username=(me.username or "").lstrip("@"), name=me.full_name)
        return self.identity

    async def get_updates(self, marker: int | None, types: list[UpdateType], limit: int = 100) -> dict[str, Any]:
        """One long poll: {"updates": [...], "marker": N}; retried like any call."""
        timeout = self._poll_timeout

        async def op(bot: Bot) -> dict[str, Any]:
            return await bot.get_updates(limit=limit, timeout=timeout, marker=marker, types=types)

        return await self.call(op, what="GET /updates", timeout=timeout + POLL_GRACE)

    # --- sending without duplicates ---------------------------------------------------------
    async def send_message(
        self,
        params: Mapping[str, Any],
        body: dict[str, Any],
        *,
        look_in: int | None,
        dedup: int,
        problems: Mapping[int, Problem] | None = None,
    ) -> dict[str, Any]:
        """POST /messages, never twice: returns the Message JSON MAX answered (or found).

        When an attempt failed in a way that may hide a success (a connection dropped after the
        server processed it, a timeout, a proxy's 5xx), the next attempt first reads the recent
        messages of chat `look_in` for the bot's own message with the same text sent since the
        first attempt began, and returns it instead of sending again. An outbox retry of the same
        send (same `dedup`) after such a failure checks first too.

        `look_in` is the group chat, or the dialog chat of a DM when the directory knows it. When
        it is unknown (a person we never heard from in this process), there is nothing to look
        at: we resend, accepting a rare duplicate over a lost message.
        """
        text = str(body.get("text") or "")
        started = self._uncertain.get(dedup)
        uncertain = started is not None
        since = started if started is not None else now_ms()
        send_query = query(params)

        async def post(bot: Bot) -> dict[str, Any]:
            return cast(dict[str, Any], await bot.request(
                HTTPMethod.POST, "/messages", is_return_raw=True, params=send_query, json=body))

        attempt = 0
        while True:
            attempt += 1
            try:
                if uncertain and look_in is not None:
                    found, can_look = await self._find_sent(look_in, text, since)
                    if found is not None:
                        log.info("MAX POST /messages: the earlier attempt went through; not sending again")
                        return self._sent_ok(dedup, found)
                    if not can_look:
                        look_in = None
                answer = await self._once(post, priority=None, timeout=self._request_timeout)
                message = answer.get("message")
                return self._sent_ok(dedup, message if isinstance(message, dict) else {})
            except _Failure as failure:
                if not failure.retryable:
                    self._uncertain.pop(dedup)
                    raise self._refusal(failure, problems) from None
                uncertain = uncertain or failure.uncertain
                if attempt >= self.retry.attempts:
                    if uncertain:
                        self._uncertain.put(dedup, since)  # the outbox's retry looks before sending
                    raise MaxRefused(Problem.TRANSIENT, status=failure.status, code=failure.code) from None
                await self._pause("POST /messages", failure, attempt)

    def presume_uncertain(self, dedup: int, since_ms: int) -> None:
        """A send with this `dedup` began at `since_ms` in an earlier process and may have gone
        through: its next attempt looks for it first (as after a dropped connection)."""
        if dedup not in self._uncertain:
            self._uncertain.put(dedup, since_ms)

    # --- files ------------------------------------------------------------------------------
    async def upload(self, kind: Literal["image", "file"], data: bytes, filename: str) -> dict[str, Any]:
        """POST /uploads for a URL, then the file to that URL: the attachment to send.

        The upload host gets a session of its own with no Authorization header at all, so the
        token stays on the API host whatever URL MAX hands out. The pair is retried as a unit (a
        URL is good for one upload).
        """
        attempt = 0
        while True:
            attempt += 1
            answer = await self.raw(HTTPMethod.POST, "/uploads", what="POST /uploads", params={"type": kind})
            url = answer.get("url")
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                raise MaxRefused(Problem.REJECTED, status=200, code="upload.no.url")
            try:
                result = await self._post_file(url, data, filename)
                break
            except _Failure as failure:
                if not failure.retryable:
                    raise self._refusal(failure, None) from None
                if attempt >= self.retry.attempts:
                    raise MaxRefused(Problem.TRANSIENT, status=failure.status, code=failure.code) from None
                await self._pause("upload", failure, attempt)
        if kind == "image":
            photos = result.get("photos")
            token = next((p.get("token") for p in photos.values() if isinstance(p, dict)), None) \
                if isinstance(photos, dict) else result.get("token")
        else:
            token = result.get("token")
        if not isinstance(token, str) or not token:
            raise MaxRefused(Problem.REJECTED, status=200, code="upload.no.token")
        return {"type": kind, "payload": {"token": token}}

    def _files_session(self) -> aiohttp.ClientSession:
        self._client()  # builds the connector (TLS context with the configured roots)
        return aiohttp.ClientSession(connector=self._connector, connector_owner=False,
                                     timeout=aiohttp.ClientTimeout(total=self._request_timeout * 3))

    async def _post_file(self, url: str, data: bytes, filename: str) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("data", data, filename=filename, content_type="application/octet-stream")
        try:
            async with self._files_session() as session, session.post(url, data=form) as response:
                status = response.status
                text = await response.text()
        except NETWORK_ERRORS as error:
            raise _Failure(None, type(error).__name__, retryable=True, uncertain=False) from None
        try:
            body = _json.loads(text)
        except ValueError:
            body = None
        if status >= 400:
            raise _classify(status, body)
        if not isinstance(body, dict):
            raise _Failure(status, "unreadable.answer", retryable=True, uncertain=False)
        return body

    async def download(self, url: str, limit: int) -> bytes:
        """A file people attached, from MAX's content host (no token sent)."""
        if not url.startswith(("https://", "http://")):
            raise MaxRefused(Problem.NOT_FOUND, status=None, code="no.url")
        try:
            async with self._files_session() as session, session.get(url) as response:
                if response.status >= 400:
                    problem = Problem.NOT_FOUND if response.status == 404 else (
                        Problem.TRANSIENT if response.status >= 500 else Problem.REJECTED)
                    raise MaxRefused(problem, status=response.status, code="download")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise MaxRefused(Problem.REJECTED, status=response.status, code="file.too.large")
                    chunks.append(chunk)
                return b"".join(chunks)
        except NETWORK_ERRORS:
            raise MaxRefused(Problem.TRANSIENT, status=None, code="download.network") from None

    def _sent_ok(self, dedup: int, message: dict[str, Any]) -> dict[str, Any]:
        self._uncertain.pop(dedup)
        parsed = read(Message, message)
        if parsed is not None and parsed.mid:
            self._sent.put(parsed.mid, None)  # never claimed again for another send with the same text
        return message

    async def _find_sent(self, chat: int, text: str, since: int) -> tuple[dict[str, Any] | None, bool]:
        """(the bot's message with `text` in `chat` sent since `since`, whether looking was possible).

        Retryable failures propagate (the attempt counts as failed); a refusal to read the chat
        means we cannot check, and the caller falls back to resending.
        """
        if self.identity is None:
            return None, False
        me = self.identity.user_id
        params = query({"chat_id": chat, "count": LOOKUP_COUNT})

        async def recent(bot: Bot) -> dict[str, Any]:
            return cast(dict[str, Any], await bot.request(HTTPMethod.GET, "/messages", is_return_raw=True,
                                                          params=params))

        try:
            answer = await self._once(recent, priority=None, timeout=self._request_timeout)
        except _Failure as failure:
            if failure.retryable:
                raise
            log.warning("MAX GET /messages: HTTP %s %s; cannot check for an earlier send",
                        failure.status, failure.code)
            return None, False
        wanted = text.strip()
        items = answer.get("messages")
        for raw in items if isinstance(items, list) else []:
            message = read(Message, raw)
            if (
                message is not None
                and message.sender is not None
                and message.sender.user_id == me
                and message.mid
                and message.mid not in self._sent
                and message.text.strip() == wanted
                and (message.timestamp or 0) >= since - CLOCK_SKEW_MS
            ):
                return cast(dict[str, Any], raw), True
        return None, True
