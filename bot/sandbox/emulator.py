"""A local emulator of the VK Bots API (5.199) for end-to-end tests and the interactive sandbox.

The bot talks to it only over HTTP, exactly as to https://api.vk.ru/method/: API methods under
`/method/`, Bots Long Poll under `/lp/<group_id>`, file uploads under `/upload/`; with a callback
server set (`set_callback_server`), events are also POSTed to it as by VK's Callback API. Tests drive the
"people" side through the Python API below (or `/_emulator/` over HTTP when run standalone).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import mimetypes
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from bot.sandbox.emulator_callback import RETRY_DELAYS, CallbackDelivery, CallbackSender
from bot.sandbox.emulator_execute import run_execute
from bot.sandbox.emulator_methods import METHODS, receive_upload
from bot.sandbox.emulator_params import Params
from bot.sandbox.emulator_state import (
    CHAT_PEER_BASE,
    EmulatorState,
    Member,
    RecordedRequest,
    UploadedFile,
    VkApiError,
    dumps,
    public_message,
)

__all__ = ["RecordedRequest", "UploadedFile", "VkEmulator"]

LONGPOLL = "longpoll"
MAX_WAIT = 25.0
RATE_WINDOW = 1.0
_TRUNCATED_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"resp"
_NO_TOKEN_MSG = "User authorization failed: no access_token passed."
_CONTROL_ACTIONS = (
    "user_writes", "user_edits", "user_joins_by_link", "user_added", "user_leaves", "press_button",
    "add_user", "add_chat", "set_bot_admin", "expire_key", "fail_next", "http_error_next", "delay_next", "drop_next",
    "duplicate_next_event", "set_callback_server", "remove_callback_server", "push_raw_event",
    "user_attachment",
)


class _FaultPlan:
    """Queued faults per method name; each call consumes at most one fault of each kind."""

    def __init__(self) -> None:
        self.fails: dict[str, deque[int]] = defaultdict(deque)
        self.http_fails: dict[str, deque[int]] = defaultdict(deque)
        self.delays: dict[str, deque[float]] = defaultdict(deque)
        self.drops: dict[str, int] = defaultdict(int)

    def take_http_fail(self, method: str) -> int | None:
        queue = self.http_fails[method]
        return queue.popleft() if queue else None

    def take_fail(self, method: str) -> int | None:
        queue = self.fails[method]
        return queue.popleft() if queue else None

    def take_delay(self, method: str) -> float:
        queue = self.delays[method]
        return queue.popleft() if queue else 0.0

    def take_drop(self, method: str) -> bool:
        if self.drops[method] <= 0:
            return False
        self.drops[method] -= 1
        return True


def _json(data: Any) -> web.Response:
    return web.json_response(data, dumps=dumps)


def _drop(request: web.Request) -> web.Response:
    """Cut the connection mid-answer so the client sees a network error.

    Headers go out first on purpose: a connection closed before any byte makes aiohttp's client
    silently retry idempotent requests (GET long polls), hiding the fault from the bot.
    """
    transport = request.transport
    if transport is not None:
        transport.write(_TRUNCATED_ANSWER)
        transport.close()
    return web.Response()


async def _read_params(request: web.Request) -> dict[str, str]:
    """Query string and form body merged (body wins), as VK accepts both."""
    params = dict(request.query.items())
    if request.method == "POST" and request.can_read_body:
        form = await request.post()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


class VkEmulator:
    """The VK side of the world: one community, its users and chats, served over HTTP."""

    def __init__(
        self,
        *,
        group_id: int = 1,
        group_name: str = "МБОУ «СШ № 56»",
        screen_name: str = "school56",
        token: str = "sandbox-token",
        rate_limit: int = 20,
        callback_retry_delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self._state = EmulatorState(group_id=group_id, group_name=group_name, screen_name=screen_name)
        self._callback = CallbackSender(group_id, retry_delays=callback_retry_delays)
        self._state.event_hooks.append(self._callback.hook)
        self._token = token
        self.rate_limit = rate_limit
        self.requests: list[RecordedRequest] = []
        self._faults = _FaultPlan()
        self._call_times: dict[str, deque[float]] = defaultdict(deque)
        self._wait_cursor: dict[int, int] = defaultdict(int)
        self._runner: web.AppRunner | None = None
        self._user_files: dict[str, UploadedFile] = {}

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._state.events.closed = False  # a stopped emulator may be started again
        app = web.Application()
        app.router.add_route("*", "/method/{method}", self._handle_api)
        app.router.add_route("*", "/lp/{group_id}", self._handle_longpoll)
        app.router.add_post("/upload/{kind}", self._handle_upload)
        app.router.add_get(r"/doc{owner:\d+}_{doc_id:\d+}", self._handle_user_doc)
        app.router.add_get("/_emulator/media/{token}", self._handle_media)
        app.router.add_get("/_emulator/messages", self._handle_control_messages)
        app.router.add_get("/_emulator/requests", self._handle_control_requests)
        app.router.add_post("/_emulator/{action}", self._handle_control)
        # access_log=None: the access log would print access_token from query strings.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self._state.base_url = f"http://{bound_host}:{bound_port}"

    async def stop(self) -> None:
        self._state.events.close()  # release held long polls so shutdown is immediate
        await self._callback.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> VkEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        if not self._state.base_url:
            raise RuntimeError("the emulator is not started")
        return f"{self._state.base_url}/method/"

    @property
    def group_id(self) -> int:
        return self._state.group_id

    @property
    def event_answers(self) -> list[dict[str, str]]:
        return self._state.event_answers

    @property
    def uploads(self) -> list[UploadedFile]:
        return self._state.uploads

    # --- world setup --------------------------------------------------------------------
    def add_user(self, user_id: int, first_name: str, last_name: str, *, allows_messages: bool = True,
                 sex: int = 0) -> None:
        """`sex` as VK's users.get gives it: 1 female, 2 male, 0 not given."""
        user = self._state.ensure_user(user_id)
        user.first_name, user.last_name, user.allows_messages, user.sex = first_name, last_name, allows_messages, sex

    def add_chat(self, title: str, members: list[int], *, admins: Sequence[int] = (), bot_is_admin: bool = True) -> int:
        """A chat with the bot in it; returns its peer_id. The first admin (else member) owns it."""
        return self._state.create_chat(title, list(members), list(admins), bot_is_admin).peer_id

    def set_bot_admin(self, peer_id: int, is_admin: bool) -> None:
        chat = self._state.chat(peer_id)
        member = chat.members.get(self._state.bot_id)
        if member is None:
            raise ValueError(f"the bot is not in chat {peer_id}")
        member.is_admin = is_admin

    def expire_key(self) -> None:
        """The next long poll with the current key answers {"failed": 2}."""
        self._state.events.rotate_key()

    # --- people act ---------------------------------------------------------------------
    async def user_writes(
        self,
        user_id: int,
        text: str,
        *,
        peer_id: int | None = None,
        payload: dict | None = None,
        ref: str | None = None,
        ref_source: str | None = None,
        reply_to_cmid: int | None = None,
        fwd_cmids: list[int] | None = None,
        raw_fields: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        fwd_from_peer: int | None = None,
    ) -> dict:
        """`raw_fields` go into the message as they are (attachments or forwards of any shape)."""
        st = self._state
        peer = user_id if peer_id is None else peer_id
        self._require_member(peer, user_id)
        if peer == user_id:
            st.ensure_user(user_id).allows_messages = True  # writing to a community allows replies
        fields: dict[str, Any] = {}
        if payload is not None:
            fields["payload"] = dumps(payload)
        if ref is not None:
            fields["ref"] = ref
        if ref_source is not None:
            fields["ref_source"] = ref_source
        if reply_to_cmid is not None:
            fields["reply_message"] = st.quoted(peer, [reply_to_cmid])[0]
        if fwd_cmids:
            fields["fwd_messages"] = st.quoted(peer if fwd_from_peer is None else fwd_from_peer, fwd_cmids)
        if attachments:
            fields["attachments"] = attachments
        fields.update(raw_fields or {})
        message = st.store_message(peer, user_id, text, **fields)
        st.deliver_message_new(message)
        return public_message(message)

    def user_attachment(self, user_id: int, kind: str, data: bytes | str, filename: str) -> dict[str, Any]:
        """A photo («photo») or a document a person attaches (pass it to user_writes), in VK's shape.

        A document's `url` is a vk.com/doc… link whose hash is the only key, as at VK (no token); a photo's
        is the picture itself. Both are served by the emulator."""
        st = self._state
        raw = data.encode("utf-8") if isinstance(data, str) else data
        number = st.next_object_id()
        token = secrets.token_hex(16)
        if kind == "photo":
            self._user_files[token] = UploadedFile("photo", filename, len(raw), "image/png", raw, token=token, saved=True)
            size = {"type": "x", "url": f"{st.base_url}/_emulator/media/{token}", "width": 640, "height": 480}
            return {"type": "photo", "photo": {"id": number, "owner_id": user_id, "sizes": [size]}}
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        st.user_docs[(user_id, number)] = UploadedFile("doc", filename, len(raw), content_type, raw, token=token)
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return {"type": "doc", "doc": {"id": number, "owner_id": user_id, "title": filename, "size": len(raw),
                                       "ext": ext, "date": int(time.time()), "type": 1,
                                       "url": f"{st.base_url}/doc{user_id}_{number}?hash={token}&dl=1"}}

    async def user_edits(self, user_id: int, peer_id: int, cmid: int, text: str) -> dict:
        message = self._state.find_message(peer_id, cmid=cmid)
        if message is None or message["from_id"] != user_id:
            raise ValueError(f"user {user_id} has no message {cmid} in peer {peer_id}")
        message["text"] = text
        message["update_time"] = int(time.time())
        if self._state.bot_sees(peer_id):
            self._state.push_event("message_edit", public_message(message))
        return public_message(message)

    async def user_joins_by_link(self, user_id: int, link: str) -> int:
        st = self._state
        chat = st.chat_by_link(link)
        if chat is None:
            raise ValueError(f"invite link is dead or unknown: {link}")
        if user_id not in chat.members:
            self._add_member(chat.peer_id, user_id, invited_by=st.bot_id)
            action = {"type": "chat_invite_user_by_link", "member_id": user_id}
            st.deliver_message_new(st.store_message(chat.peer_id, user_id, "", action=action))
        return chat.peer_id

    async def user_added(self, peer_id: int, user_id: int, *, by: int) -> None:
        if user_id in self._state.chat(peer_id).members:
            return  # VK emits nothing when adding someone already there
        self._add_member(peer_id, user_id, invited_by=by)
        action = {"type": "chat_invite_user", "member_id": user_id}
        self._state.deliver_message_new(self._state.store_message(peer_id, by, "", action=action))

    async def user_leaves(self, peer_id: int, user_id: int) -> None:
        self._require_member(peer_id, user_id)
        del self._state.chat(peer_id).members[user_id]
        action = {"type": "chat_kick_user", "member_id": user_id}
        self._state.deliver_message_new(self._state.store_message(peer_id, user_id, "", action=action))

    async def press_button(self, user_id: int, peer_id: int, cmid: int, payload: dict | str) -> str:
        st = self._state
        self._require_member(peer_id, user_id)
        event_id = secrets.token_hex(6)
        st.pending_callbacks[event_id] = (user_id, peer_id)
        obj = {
            "user_id": user_id,
            "peer_id": peer_id,
            "event_id": event_id,
            "payload": _button_payload(payload),
            "conversation_message_id": cmid,
        }
        st.push_event("message_event", obj)
        return event_id

    def _require_member(self, peer_id: int, user_id: int) -> None:
        """Catch test mistakes early: people can only act in chats they belong to."""
        if peer_id > CHAT_PEER_BASE and user_id not in self._state.chat(peer_id).members:
            raise ValueError(f"user {user_id} is not a member of chat {peer_id}")

    def _add_member(self, peer_id: int, user_id: int, *, invited_by: int) -> None:
        self._state.ensure_user(user_id)
        self._state.chat(peer_id).members[user_id] = Member(user_id, invited_by, int(time.time()))

    # --- fault injection ----------------------------------------------------------------
    def fail_next(self, method: str, error_code: int, times: int = 1) -> None:
        """Next `times` calls answer with that error; for "longpoll", with {"failed": error_code}."""
        self._faults.fails[method].extend([error_code] * times)

    def http_error_next(self, method: str, status: int, times: int = 1) -> None:
        """Next `times` calls get an HTTP error page (a proxy's 502, 503…) instead of VK's JSON;
        nothing happens on the VK side."""
        self._faults.http_fails[method].extend([status] * times)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Next `times` calls wait `seconds` before being processed (a slow server)."""
        self._faults.delays[method].extend([seconds] * times)

    def drop_next(self, method: str, times: int = 1) -> None:
        """Next `times` calls are processed, then the connection closes without an answer.

        Processing first is the nasty case that proves retries are idempotent (random_id).
        """
        self._faults.drops[method] += times

    def push_raw_event(self, event_type: str, obj: dict[str, Any]) -> None:
        """An event of any shape, as a broken client or a future API version might produce."""
        self._state.push_event(event_type, obj)

    def duplicate_next_event(self) -> None:
        """The next event is delivered twice (long poll and Callback API alike): at-least-once delivery."""
        self._state.duplicate_next = True

    # --- Callback API -------------------------------------------------------------------
    async def set_callback_server(self, url: str, secret: str, confirmation: str | None = None) -> bool:
        """Set and confirm the community's callback server; False if it did not answer the code.

        `confirmation` defaults to the community's code (groups.getCallbackConfirmationCode).
        """
        code = confirmation if confirmation is not None else self._state.callback_confirmation_code
        return await self._callback.set_server(url, secret, code)

    @property
    def callback_confirmation_code(self) -> str:
        return self._state.callback_confirmation_code

    def remove_callback_server(self) -> None:
        self._callback.remove_server()

    @property
    def callback_deliveries(self) -> list[CallbackDelivery]:
        return self._callback.deliveries

    async def wait_for_callbacks(self, count: int = 1, timeout: float = 5.0) -> list[CallbackDelivery]:
        """Until `count` callback deliveries have finished (delivered or given up after retries)."""
        return await self._callback.wait_for(count, timeout)

    # --- inspection ---------------------------------------------------------------------
    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method]

    def messages(self, peer_id: int) -> list[dict]:
        return [_history_view(m) for m in self._state.conversation(peer_id).messages]

    def bot_messages(self, peer_id: int) -> list[dict]:
        """Everything the bot authored here, its service messages (e.g. a kick's action) included."""
        bot_id = self._state.bot_id
        return [m for m in self.messages(peer_id) if m["from_id"] == bot_id]

    async def wait_for_bot_message(
        self, peer_id: int, *, predicate: Callable[[dict], bool] | None = None, timeout: float = 5.0
    ) -> dict:
        """The next bot message matching `predicate`; everything before it counts as consumed."""
        async with asyncio.timeout(timeout):
            while True:
                found = self._next_bot_message(peer_id, predicate)
                if found is not None:
                    return found
                await self._state.wait_history_change(timeout)

    def _next_bot_message(self, peer_id: int, predicate: Callable[[dict], bool] | None) -> dict | None:
        sent = self.bot_messages(peer_id)
        for index in range(self._wait_cursor[peer_id], len(sent)):
            if predicate is None or predicate(sent[index]):
                self._wait_cursor[peer_id] = index + 1
                return sent[index]
        return None

    def chat_members(self, peer_id: int) -> set[int]:
        """Member ids of a chat, the bot (-group_id) included while it is in the chat."""
        return set(self._state.chat(peer_id).members)

    # --- HTTP: API methods --------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        token = params.pop("access_token", None)
        self.requests.append(RecordedRequest(method, dict(params), time.monotonic(), token,
                                             frozenset(request.query.keys())))
        status = self._faults.take_http_fail(method)
        if status is not None:
            return web.Response(status=status, text=f"<html><body><h1>{status} Bad Gateway</h1></body></html>",
                                content_type="text/html")
        try:
            self._check_access(token, params)
            delay = self._faults.take_delay(method)
            if delay:
                await asyncio.sleep(delay)
            code = self._faults.take_fail(method)
            if code is not None:
                raise VkApiError(code)
            if method == "execute":
                result, errors = run_execute(self._state, params.get("code", ""), METHODS)
            else:
                result, errors = self._call(method, params), []
        except VkApiError as err:
            return _json(_error_body(err, method, params))
        if self._faults.take_drop(method):
            return _drop(request)
        return _json({"response": result, **({"execute_errors": errors} if errors else {})})

    def _check_access(self, token: str | None, params: dict[str, str]) -> None:
        if not token:
            raise VkApiError(5, msg=_NO_TOKEN_MSG)
        if token != self._token:
            raise VkApiError(5)
        if not params.get("v"):
            raise VkApiError(8, msg="Invalid request: v (version) is required")
        self._count_call(token)

    def _count_call(self, token: str) -> None:
        """Sliding one-second window per token, like VK's 20 requests/second for communities."""
        now = time.monotonic()
        window = self._call_times[token]
        while window and now - window[0] >= RATE_WINDOW:
            window.popleft()
        if len(window) >= self.rate_limit:
            raise VkApiError(6)
        window.append(now)

    def _call(self, method: str, params: dict[str, str]) -> Any:
        handler = METHODS.get(method)
        if handler is None:
            raise VkApiError(3)
        return handler(self._state, Params(params))

    # --- HTTP: long poll ----------------------------------------------------------------
    async def _handle_longpoll(self, request: web.Request) -> web.Response:
        params = await _read_params(request)
        events = self._state.events
        delay = self._faults.take_delay(LONGPOLL)
        if delay:
            await asyncio.sleep(delay)
        if self._faults.take_drop(LONGPOLL):
            return _drop(request)
        injected = self._faults.take_fail(LONGPOLL)
        if injected is not None:
            return _json(self._injected_longpoll_failure(injected))
        if request.match_info["group_id"] != str(self._state.group_id) or params.get("key") != events.key:
            return _json({"failed": 2})
        ts = _parse_int(params.get("ts"))
        if ts is None or not events.ts_is_valid(ts):
            return _json({"failed": 1, "ts": str(events.next_ts)})
        updates = await events.wait(ts, _parse_wait(params.get("wait")), events.key)
        if updates is None:
            return _json({"failed": 2})
        return _json({"ts": str(events.next_ts), "updates": updates})

    def _injected_longpoll_failure(self, failed: int) -> dict[str, Any]:
        events = self._state.events
        if failed in (2, 3):
            events.rotate_key()  # a real failed 2/3 means the key really is gone
        if failed == 1:
            return {"failed": 1, "ts": str(events.next_ts)}
        return {"failed": failed}

    # --- HTTP: uploads ------------------------------------------------------------------
    async def _handle_upload(self, request: web.Request) -> web.Response:
        kind = request.match_info["kind"]
        field_name = "photo" if kind == "photo" else "file"
        upload = None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            field = form.get(field_name)
            if isinstance(field, web.FileField):
                data = field.file.read()
                upload = UploadedFile(kind, field.filename or "", len(data), field.content_type, data)
        return _json(receive_upload(self._state, kind, request.query.get("key", ""), upload))

    async def _handle_user_doc(self, request: web.Request) -> web.Response:
        """A person's document by its link; the hash in the link is the only key, as at VK."""
        key = (int(request.match_info["owner"]), int(request.match_info["doc_id"]))
        upload = self._state.user_docs.get(key)
        if upload is None or request.query.get("hash") != upload.token:
            return web.Response(status=404, text="File not found")
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")
    async def _handle_media(self, request: web.Request) -> web.Response:
        """Files at their URLs: what people attached, and what the bot uploaded (to check it opens)."""
        token = request.match_info["token"]
        found = self._user_files.get(token) or next((u for u in self._state.uploads if u.token == token), None)
        if found is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=found.data, content_type=found.content_type or "application/octet-stream")

    # --- HTTP: control API (standalone sandbox) -----------------------------------------
    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action not in _CONTROL_ACTIONS:
            return web.json_response({"error": f"unknown action {action}"}, status=404)
        try:
            body = await request.json() if request.can_read_body else {}
            result = getattr(self, action)(**body)
            if inspect.isawaitable(result):
                result = await result
        except (TypeError, ValueError, KeyError) as err:
            return web.json_response({"error": str(err)}, status=400)
        return _json({"result": result})

    async def _handle_control_messages(self, request: web.Request) -> web.Response:
        peer_id = _parse_int(request.query.get("peer_id"))
        if peer_id is None:
            return web.json_response({"error": "peer_id is required"}, status=400)
        return _json({"items": self.messages(peer_id)})

    async def _handle_control_requests(self, request: web.Request) -> web.Response:
        return _json({"items": [{"method": r.method, "params": r.params, "at": r.at} for r in self.requests]})


def _history_view(message: dict[str, Any]) -> dict[str, Any]:
    view = json.loads(dumps(message))  # a deep copy tests may mutate freely
    view.pop("random_id", None)
    return view


def _button_payload(payload: dict | str) -> Any:
    """VK hands the bot the button's payload as an object; a string is the raw JSON."""
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _error_body(err: VkApiError, method: str, params: dict[str, str]) -> dict[str, Any]:
    echoed = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    echoed += [{"key": key, "value": value} for key, value in params.items()]
    return {"error": {"error_code": err.code, "error_msg": err.msg, "request_params": echoed, **err.extra}}


def _parse_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _parse_wait(text: str | None) -> float:
    try:
        wait = float(text) if text else MAX_WAIT
    except ValueError:
        wait = MAX_WAIT
    return max(0.0, min(wait, MAX_WAIT))


def _seed_demo(emulator: VkEmulator) -> None:
    """A couple of people and a class chat so the sandbox is usable right away."""
    emulator.add_user(101, "Анна", "Иванова")
    emulator.add_user(102, "Пётр", "Смирнов")
    emulator.add_user(103, "Мария", "Кузнецова")
    emulator.add_chat("5А класс", [101, 102, 103], admins=[101])


async def _serve(args: argparse.Namespace) -> None:
    emulator = VkEmulator(group_id=args.group_id, token=args.token)
    if args.demo:
        _seed_demo(emulator)
    await emulator.start(args.host, args.port)
    base = emulator.api_url.removesuffix("/method/")
    print(f"VK emulator: api_url={emulator.api_url} group_id={args.group_id} (token: the --token value)")
    print(f"try: curl -X POST {base}/_emulator/user_writes -d '{{\"user_id\": 101, \"text\": \"/start\"}}'")
    print(f"     curl '{base}/_emulator/messages?peer_id=101'")
    try:
        await asyncio.Event().wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local emulator of the VK Bots API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--group-id", type=int, default=1)
    parser.add_argument("--token", default="sandbox-token")
    parser.add_argument("--demo", action="store_true", help="seed three users and a class chat")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
