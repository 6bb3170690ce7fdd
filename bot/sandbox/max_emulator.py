"""A local emulator of the MAX messenger Bot API for end-to-end tests and the interactive sandbox.

The bot talks to it only over HTTP, exactly as to https://platform-api2.max.ru: the token in the
`Authorization` header, JSON bodies, errors as `{"code", "message"}` with an HTTP status, updates by
long poll (`GET /updates`) or by webhook (`POST /subscriptions`). Tests act as people through the
Python API (see `PeopleMixin`), or over HTTP under `/_emulator/` when run standalone:

    python -m bot.sandbox.max_emulator --port 8082 --demo
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox import max_emulator_chats as chats
from bot.sandbox import max_emulator_methods as methods
from bot.sandbox.max_emulator_control import CONTROL_ACTIONS, add_control_routes
from bot.sandbox.max_emulator_faults import (
    FaultPlan,
    cut_connection,
    error_response,
    injected_failure,
    json_response,
)
from bot.sandbox.max_emulator_params import ApiCall, bad
from bot.sandbox.max_emulator_people import PeopleMixin
from bot.sandbox.max_emulator_state import MaxApiError, MaxState, RecordedRequest, UploadedFile
from bot.sandbox.max_emulator_webhook import RETRY_DELAYS, WebhookDelivery, WebhookSender

__all__ = ["ENDPOINT_KEYS", "MaxEmulator", "RecordedRequest", "UploadedFile", "WebhookDelivery"]

Handler = Callable[[MaxState, ApiCall], Any]
RATE_WINDOW = 1.0
UPDATES_KEY = "GET /updates"
UPLOAD_KEY = "POST /upload"
_CHAT = "{chatId:-?\\d+}"

# (HTTP method, path template as the schema writes it, handler). The key of each is "METHOD path".
ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/me", methods.get_me),
    ("POST", "/messages", methods.send_message),
    ("PUT", "/messages", methods.edit_message),
    ("DELETE", "/messages", methods.delete_message),
    ("GET", "/messages", methods.get_messages),
    ("GET", "/messages/{messageId}", methods.get_message),
    ("POST", "/answers", methods.answer_callback),
    ("GET", "/chats/{chatId}", chats.get_chat),
    ("GET", "/chats/{chatId}/members", chats.get_members),
    ("DELETE", "/chats/{chatId}/members", chats.remove_member),
    ("GET", "/chats/{chatId}/members/me", chats.get_membership),
    ("DELETE", "/chats/{chatId}/members/me", chats.leave_chat),
    ("GET", "/chats/{chatId}/members/admins", chats.get_admins),
    ("POST", "/chats/{chatId}/actions", chats.send_action),
    ("GET", "/chats/{chatId}/pin", chats.get_pin),
    ("PUT", "/chats/{chatId}/pin", chats.pin),
    ("DELETE", "/chats/{chatId}/pin", chats.unpin),
    ("POST", "/uploads", chats.get_upload_url),
    ("GET", "/subscriptions", chats.get_subscriptions),
    ("POST", "/subscriptions", chats.subscribe),
    ("DELETE", "/subscriptions", chats.unsubscribe),
]
ENDPOINT_KEYS: tuple[str, ...] = (*(f"{m} {p}" for m, p, _ in ROUTES), UPDATES_KEY, UPLOAD_KEY)


class MaxEmulator(PeopleMixin):
    """The MAX side of the world: one bot, its users and chats, served over HTTP."""

    def __init__(
        self,
        *,
        bot_id: int = 590_000_001,
        bot_name: str = "Школьный бот",
        bot_username: str = "school56_bot",
        token: str = "sandbox-token",
        rate_limit: int = 30,
        accept_bearer: bool = False,
        max_poll_timeout: float = 30.0,
        webhook_retry_delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self._state = MaxState(bot_id=bot_id, bot_name=bot_name, bot_username=bot_username)
        self._token = token
        self.rate_limit = rate_limit
        self.accept_bearer = accept_bearer
        self.max_poll_timeout = max_poll_timeout
        self.requests: list[RecordedRequest] = []
        self._faults = FaultPlan()
        self._call_times: dict[str, deque[float]] = defaultdict(deque)
        self._wait_cursor: dict[int, int] = defaultdict(int)
        self._webhook = WebhookSender(self._state, retry_delays=webhook_retry_delays)
        self._state.on_update.append(self._webhook.hook)
        self._runner: web.AppRunner | None = None
        self.user_files: dict[str, UploadedFile] = {}
        """Files people attached to their messages (user_attachment), served at their URLs."""

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state.updates.closed = False  # a stopped emulator may be started again
        app = web.Application(middlewares=[_json_errors], client_max_size=64 * 1024**2)
        for method, path, handler in ROUTES:
            app.router.add_route(method, path.replace("{chatId}", _CHAT), self._endpoint(f"{method} {path}", handler))
        app.router.add_get("/updates", self._handle_updates)
        app.router.add_post("/upload", self._handle_upload)
        app.router.add_get("/files/{token}", self._handle_user_file)
        add_control_routes(app, self)
        # access_log=None: tokens must not reach logs, and the sandbox console stays readable.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._state.base_url = f"http://{bound_host}:{bound_port}"
        self._webhook.start()

    async def stop(self) -> None:
        self._state.updates.close()  # release held long polls so shutdown is immediate
        await self._webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> MaxEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """What the bot uses instead of https://platform-api2.max.ru (no trailing slash)."""
        if not self._state.base_url:
            raise RuntimeError("the emulator is not started")
        return self._state.base_url

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    @property
    def bot_username(self) -> str:
        return self._state.bot.username or ""

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        return self._state.callback_answers

    @property
    def uploads(self) -> list[UploadedFile]:
        return self._state.uploads

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return self._webhook.deliveries

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update logged for the bot so far (within the history), oldest first."""
        return self._state.updates.all()

    @property
    def subscription(self) -> dict[str, Any] | None:
        sub = self._state.subscription
        return None if sub is None else {**sub.to_json(), "secret": sub.secret}

    def dialog_id(self, user_id: int) -> int:
        """The chat_id of the user's dialog with the bot."""
        return self._state.dialog_for(user_id).chat_id

    def chat_link(self, chat_id: int) -> str | None:
        return self._state.chat(chat_id).link

    # --- fault injection ----------------------------------------------------------------
    def fail_next(self, endpoint: str, status: int, times: int = 1) -> None:
        """Next `times` calls of `endpoint` ("POST /messages") answer `status` without any effect."""
        self._faults.add_fail(_known_key(endpoint), status, times)

    def delay_next(self, endpoint: str, seconds: float, times: int = 1) -> None:
        """Next `times` calls wait `seconds` before being processed (a slow server)."""
        self._faults.add_delay(_known_key(endpoint), seconds, times)

    def drop_next(self, endpoint: str, times: int = 1) -> None:
        """Next `times` calls are processed, then the connection is cut mid-answer.

        The effect happened but the client sees a network error: the nasty case for retries.
        """
        self._faults.add_drop(_known_key(endpoint), times)

    def push_raw_update(self, update: dict[str, Any]) -> None:
        """An update of any shape, as a future API version (or a broken one) might deliver."""
        self._state.updates.push(update)
        for hook in self._state.on_update:
            hook(copy.deepcopy(update))

    def duplicate_next_update(self) -> None:
        """The next update is delivered twice (long poll and webhook alike): at-least-once delivery."""
        self._state.duplicate_next = True

    def attachment_not_ready(self, times: int = 1) -> None:
        """Next `times` sends/edits carrying an upload token answer 400 attachment.not.ready."""
        self._state.not_ready_left += times

    # --- inspection ---------------------------------------------------------------------
    def calls(self, what: str) -> list[RecordedRequest]:
        """Recorded requests by endpoint key ("POST /messages") or by path prefix ("/chats/")."""
        if " " in what:
            return [r for r in self.requests if r.key == what]
        return [r for r in self.requests if r.path.startswith(what)]

    def messages(self, where: int) -> list[dict]:
        """History of a chat (group or dialog chat_id, or a user_id for their dialog), oldest first.

        Each item is the Message as MAX shows it plus "deleted", "edited", "format" and "notify".
        """
        st = self._state
        chat = st.resolve(where)
        return [
            {**st.message_json(r), "deleted": r["deleted"], "edited": r["edited_at"] is not None,
             "format": r["format"], "notify": r["notify"]}
            for r in chat.messages
        ]

    def bot_messages(self, where: int) -> list[dict]:
        return [m for m in self.messages(where) if m["sender"]["user_id"] == self.bot_id]

    async def wait_for_bot_message(
        self, where: int, predicate: Callable[[dict], bool] | None = None, timeout: float = 5.0
    ) -> dict:
        """The next bot message here matching `predicate`; everything before it counts as consumed."""
        chat_id = self._state.resolve(where).chat_id
        async with asyncio.timeout(timeout):
            while True:
                sent = self.bot_messages(chat_id)
                for index in range(self._wait_cursor[chat_id], len(sent)):
                    if predicate is None or predicate(sent[index]):
                        self._wait_cursor[chat_id] = index + 1
                        return sent[index]
                try:
                    await self._state.wait_history_change(timeout)
                except TimeoutError:
                    pass

    async def wait_for_webhook(self, count: int = 1, timeout: float = 5.0) -> list[WebhookDelivery]:
        """Until `count` webhook deliveries have finished (delivered or given up after retries)."""
        return await self._webhook.wait_for(count, timeout)

    def chat_members(self, chat_id: int) -> set[int]:
        """Member ids of a group chat, the bot included while it is in the chat."""
        return set(self._state.chat(chat_id).members)

    # --- HTTP: API methods --------------------------------------------------------------
    def _endpoint(self, key: str, handler: Handler) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._serve(request, key, lambda call: handler(self._state, call))
        return handle

    async def _handle_updates(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, UPDATES_KEY, self._poll)

    async def _serve(self, request: web.Request, key: str, work: Callable[[ApiCall], Any]) -> web.StreamResponse:
        """Record, authorize, rate-limit, inject faults, run the method, answer."""
        body, body_error = await _read_json(request)
        query = {k: v for k, v in request.query.items() if k != "access_token"}
        record = RecordedRequest(request.method, request.path, key, query, body, time.monotonic(),
                                 token=request.headers.get("Authorization"))
        self.requests.append(record)
        try:
            self._authorize(request)
            delay = self._faults.take_delay(key)
            if delay:
                await asyncio.sleep(delay)
            injected = self._faults.take_fail(key)
            if injected is not None:
                record.status = injected
                return injected_failure(injected)
            if body_error:
                raise bad(body_error)
            result = work(ApiCall(query, dict(request.match_info), body))
            if asyncio.iscoroutine(result):
                result = await result
        except MaxApiError as err:
            record.status = err.status
            return error_response(err.status, err.code, err.message)
        record.status = 200
        if self._faults.take_drop(key):
            return cut_connection(request)
        return json_response(result)

    def _authorize(self, request: web.Request) -> None:
        header = (request.headers.get("Authorization") or "").strip()
        if header.lower().startswith("bearer "):
            if not self.accept_bearer:
                raise MaxApiError(401, "Invalid access_token: pass the bare token, without 'Bearer'", "verify.token")
            header = header[7:].strip()
        if not header:
            hint = " (query parameters are no longer supported)" if "access_token" in request.query else ""
            raise MaxApiError(401, f"Missing access_token: use the Authorization header{hint}", "verify.token")
        if header != self._token:
            raise MaxApiError(401, "Invalid access_token", "verify.token")
        self._count_call(header)

    def _count_call(self, token: str) -> None:
        """Sliding one-second window per token: 30 requests a second on MAX."""
        now = time.monotonic()
        window = self._call_times[token]
        while window and now - window[0] >= RATE_WINDOW:
            window.popleft()
        if len(window) >= self.rate_limit:
            raise MaxApiError(429, "Too many requests", "too.many.requests")
        window.append(now)

    # --- HTTP: long poll ----------------------------------------------------------------
    async def _poll(self, call: ApiCall) -> dict[str, Any]:
        st = self._state
        if st.subscription is not None:
            raise MaxApiError(405, "Long polling is unavailable while a webhook subscription is active; "
                                   "remove it with DELETE /subscriptions", "method.not.allowed")
        limit = call.int("limit", default=100) or 0
        if not 1 <= limit <= 1000:
            raise bad("limit must be between 1 and 1000")
        timeout = call.int("timeout", default=30)
        if timeout is None or not 0 <= timeout <= 90:
            raise bad("timeout must be between 0 and 90")
        marker = None if call.query.get("marker") in (None, "", "null") else call.int("marker")
        types_raw = call.str("types")
        types = {t.strip() for t in types_raw.split(",") if t.strip()} if types_raw else None
        start = st.updates.start_for(marker)
        updates, next_marker = await st.updates.wait(start, limit, types, min(float(timeout), self.max_poll_timeout))
        return {"updates": updates, "marker": next_marker}

    # --- HTTP: files people attached ----------------------------------------------------
    async def _handle_user_file(self, request: web.Request) -> web.StreamResponse:
        """A file a person attached, by the `url` of its payload (no token: the URL is the key)."""
        token = request.match_info["token"]
        upload = next((u for u in self._state.user_files if u.token == token), None)
        if upload is None:
            return web.Response(status=404, text="Not found")
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")

    # --- HTTP: the upload URL -----------------------------------------------------------
    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        """The URL from POST /uploads: a multipart POST with the file in `data`; no token needed."""
        self.requests.append(RecordedRequest("POST", request.path, UPLOAD_KEY, dict(request.query), None,
                                             time.monotonic()))
        delay = self._faults.take_delay(UPLOAD_KEY)
        if delay:
            await asyncio.sleep(delay)
        injected = self._faults.take_fail(UPLOAD_KEY)
        if injected is not None:
            return injected_failure(injected)
        upload = None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            field = form.get("data")
            if isinstance(field, web.FileField):
                data = field.file.read()
                upload = UploadedFile("", field.filename or "", len(data), field.content_type, data)
        status, body = chats.receive_upload(self._state, request.query.get("slot", ""), upload)
        if status == 200 and self._faults.take_drop(UPLOAD_KEY):
            return cut_connection(request)
        return json_response(body, status)


def _known_key(key: str) -> str:
    if key not in ENDPOINT_KEYS:
        raise ValueError(f"unknown endpoint key {key!r}; one of: {', '.join(ENDPOINT_KEYS)}")
    return key


async def _read_json(request: web.Request) -> tuple[Any, str | None]:
    if request.method not in ("POST", "PUT", "PATCH") or not request.can_read_body:
        return None, None
    raw = await request.read()
    if not raw:
        return None, None
    try:
        return json.loads(raw), None
    except ValueError:
        return None, "Request body is not valid JSON"


@web.middleware
async def _json_errors(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
    """Unknown paths and methods answer MAX-style JSON errors rather than aiohttp's text pages."""
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed:
        return error_response(405, "method.not.allowed", f"Method {request.method} is not allowed for {request.path}")
    except web.HTTPNotFound:
        return error_response(404, "not.found", f"Path {request.path} not found")


def _seed_demo(emulator: MaxEmulator) -> int:
    """A few people and a class chat so the sandbox is usable right away; returns the chat_id."""
    emulator.add_user(101, "Анна", "Иванова", "anna_iv")
    emulator.add_user(102, "Пётр", "Смирнов")
    emulator.add_user(103, "Мария", "Кузнецова")
    return emulator.add_chat("5А класс", [101, 102, 103], admins=[101])


async def _serve_forever(args: argparse.Namespace) -> None:
    emulator = MaxEmulator(token=args.token, bot_id=args.bot_id, bot_username=args.bot_username)
    chat_id = _seed_demo(emulator) if args.demo else None
    await emulator.start(args.host, args.port)
    base = emulator.api_url
    print(f"MAX emulator: base URL {base} (token: the --token value, in the Authorization header)")
    print(f"bot: user_id={emulator.bot_id} username={emulator.bot_username}")
    if chat_id is not None:
        print(f"demo: users 101, 102, 103; chat {chat_id} «5А класс», link {emulator.chat_link(chat_id)}")
    print(f"try: curl -X POST {base}/_emulator/user_writes -d '{{\"user_id\": 101, \"text\": \"/start\"}}'")
    print(f"     curl '{base}/_emulator/messages?where=101'")
    print(f"control actions: {', '.join(CONTROL_ACTIONS)}")
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local emulator of the MAX messenger Bot API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--token", default="sandbox-token")
    parser.add_argument("--bot-id", type=int, default=590_000_001)
    parser.add_argument("--bot-username", default="school56_bot")
    parser.add_argument("--demo", action="store_true", help="seed three users and a class chat")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve_forever(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
