"""The control HTTP API of the MAX emulator, under /_emulator/, for standalone (sandbox) use.

    POST /_emulator/<action>   JSON body = keyword arguments of the Python method of that name
    GET  /_emulator/messages?where=<chat_id or user_id>
    GET  /_emulator/requests   GET /_emulator/updates   GET /_emulator/chats
    GET  /_emulator/callback_answers   GET /_emulator/webhook_deliveries
    GET  /_emulator/media/<token>      the bytes of an upload

It needs no token and is neither rate-limited nor recorded: it is the people's side, not the bot's.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.sandbox.max_emulator_faults import json_response

if TYPE_CHECKING:
    from bot.sandbox.max_emulator import MaxEmulator

CONTROL_ACTIONS = (
    "add_user", "add_chat", "set_bot_permissions", "set_link", "reset_link", "bot_added_to_chat",
    "bot_removed_from_chat", "user_writes", "user_edits", "user_deletes", "user_starts_bot", "user_stops_bot",
    "user_joins_by_link", "user_added", "user_leaves", "admin_removes", "user_changes_title", "press_button",
    "fail_next", "delay_next", "drop_next", "duplicate_next_update", "attachment_not_ready", "user_attachment",
)


def add_control_routes(app: web.Application, emulator: MaxEmulator) -> None:
    control = _Control(emulator)
    app.router.add_get("/_emulator/messages", control.messages)
    app.router.add_get("/_emulator/requests", control.requests)
    app.router.add_get("/_emulator/updates", control.updates)
    app.router.add_get("/_emulator/chats", control.chats)
    app.router.add_get("/_emulator/callback_answers", control.callback_answers)
    app.router.add_get("/_emulator/webhook_deliveries", control.webhook_deliveries)
    app.router.add_get("/_emulator/media/{token}", control.media)
    app.router.add_post("/_emulator/{action}", control.act)


def _problem(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


class _Control:
    def __init__(self, emulator: MaxEmulator) -> None:
        self.emu = emulator

    async def act(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action not in CONTROL_ACTIONS:
            return _problem(f"unknown action {action}", 404)
        try:
            body = await request.json() if request.can_read_body else {}
            if not isinstance(body, dict):
                return _problem("the body must be a JSON object of keyword arguments")
            result = getattr(self.emu, action)(**body)
            if inspect.isawaitable(result):
                result = await result
        except (TypeError, ValueError, KeyError) as err:
            return _problem(str(err))
        return json_response({"result": result})

    async def messages(self, request: web.Request) -> web.Response:
        try:
            where = int(request.query.get("where", ""))
            return json_response({"items": self.emu.messages(where)})
        except ValueError as err:
            return _problem(f"where must be a chat_id or user_id: {err}")

    async def requests(self, request: web.Request) -> web.Response:
        items = [{"method": r.method, "path": r.path, "key": r.key, "query": r.query, "json": r.json, "at": r.at,
                  "status": r.status} for r in self.emu.requests]
        return json_response({"items": items})

    async def updates(self, request: web.Request) -> web.Response:
        return json_response({"items": self.emu.updates})

    async def chats(self, request: web.Request) -> web.Response:
        st = self.emu._state
        items: list[dict[str, Any]] = [
            {"chat_id": c.chat_id, "type": c.type, "title": c.title, "status": c.status, "link": c.link,
             "members": [m.user_id for m in c.ordered_members()], "blocked": sorted(c.blocked),
             "bot": _bot_view(c.members.get(st.bot_id))}
            for c in st.chats.values()
        ]
        return json_response({"items": items})

    async def callback_answers(self, request: web.Request) -> web.Response:
        return json_response({"items": self.emu.callback_answers})

    async def webhook_deliveries(self, request: web.Request) -> web.Response:
        items = [{"url": d.url, "update": d.update, "attempts": d.attempts, "delivered": d.delivered}
                 for d in self.emu.webhook_deliveries]
        return json_response({"items": items})

    async def media(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        upload = next((u for u in self.emu.uploads if u.token == token), None) or self.emu.user_files.get(token)
        if upload is None:
            return _problem("no such upload", 404)
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")


def _bot_view(member: Any) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"is_admin": member.is_admin, "permissions": list(member.permissions)}
