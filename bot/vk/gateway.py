"""The VK side of the gateway port: every effect and read the bot needs, as VK API calls."""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from datetime import datetime
from typing import Any, Literal

from vkbottle import VKAPIError

from bot.port.effects import Buttons
from bot.port.events import MessageRef
from bot.port.gateway import (
    BotRights,
    Capabilities,
    Gateway,
    GatewayError,
    Gender,
    MembersPage,
    Problem,
    Profile,
)
from bot.port.ids import ChatId, PersonId, Platform, person_id, raw_id
from bot.port.ratelimit import URGENT
from bot.vk.api import VkApi, VkNetworkError
from bot.vk.errors import code_problem, gateway_error
from bot.vk.translate import CHAT_PEER_BASE
from bot.vk.uploads import VkFiles

MESSAGE_LIMIT = 4096
SNACKBAR_LIMIT = 90
LABEL_LIMIT = 40
MEMBERS_PAGE = 200  # VK's default count is 20: without paging big chats look almost empty
USERS_PER_CALL = 1000
EXECUTE_CALLS = 25  # VK runs at most 25 API calls in one `execute`
UPLOADS_KEPT = 200
"""Attachments uploaded this run, by content: a broadcast uploads its picture once, not per chat."""
_MARKUP = re.compile(r"\[(?:id|club|public|event)\d{1,12}\|([^\[\]]{0,200})\]", re.IGNORECASE)
_PING = re.compile(r"(?<![\w@*])([@*])(?=[A-Za-z0-9_])")
_PROFILE = re.compile(r"(?:https?://)?(?:www\.|m\.)?vk\.(?:com|ru)/id([1-9]\d{0,11})/?", re.IGNORECASE)

VK_CAPABILITIES = Capabilities(
    title="ВКонтакте",
    reset_link=True,
    block_on_remove=False,
    edit_messages=True,
    menu_keyboard=True,
    message_limit=MESSAGE_LIMIT,
    press_answer_limit=SNACKBAR_LIMIT,
    admin_steps=("Откройте настройки чата → «Участники» → сообщество школы → «Назначить администратором» "
                 "(или хотя бы дайте ему доступ ко всей переписке)."),
    link_reset_steps="Откройте настройки чата → «Ссылка на беседу» → «Сбросить ссылку».",
    sessions_hint="в настройках VK ID откройте «Безопасность» → «Устройства»",
)


def defang(text: str) -> str:
    """What the bot sends never pings anyone: mention markup becomes the name, «@all» stays text."""
    return _PING.sub(lambda m: m[1] + "\u2060", _MARKUP.sub(lambda m: m[1], text))


def keyboard_json(buttons: Buttons) -> str:
    rows = []
    for row in buttons.rows:
        out = []
        for button in row:
            label = button.label[:LABEL_LIMIT]
            if button.payload is not None:
                action: dict[str, Any] = {"type": "callback", "label": label,
                                          "payload": json.dumps(button.payload, ensure_ascii=False)}
            else:
                action = {"type": "text", "label": label}
            out.append({"action": action, "color": button.style})
        rows.append(out)
    if buttons.menu:
        return json.dumps({"one_time": False, "buttons": rows}, ensure_ascii=False)
    return json.dumps({"inline": True, "buttons": rows}, ensure_ascii=False)


def _profile(user: dict[str, Any]) -> Profile:
    name = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip()
    gender = {1: Gender.FEMALE, 2: Gender.MALE}.get(int(user.get("sex") or 0), Gender.UNKNOWN)
    return Profile(name=name, gender=gender)


def _members_page(result: Any, offset: int) -> MembersPage:
    items = result.get("items", []) if isinstance(result, dict) else []
    people = tuple(person_id(Platform.VK, int(i["member_id"])) for i in items if int(i.get("member_id", 0)) > 0)
    offset += len(items)
    total = int(result.get("count", 0)) if isinstance(result, dict) else 0
    profiles = {person_id(Platform.VK, int(p["id"])): _profile(p)
                for p in (result.get("profiles") or [] if isinstance(result, dict) else [])
                if isinstance(p, dict) and int(p.get("id") or 0) > 0}
    return MembersPage(members=people, cursor=str(offset) if items and offset < total else None,
                       profiles={pid: p for pid, p in profiles.items() if p.name})


def _peer(where: str) -> int:
    return raw_id(where)


class VkGateway(Gateway):
    platform = Platform.VK
    capabilities = VK_CAPABILITIES

    def __init__(self, api: VkApi, *, group_id: int, screen_name: str) -> None:
        self._api = api
        self._group_id = group_id
        self._screen_name = screen_name
        self._files = VkFiles(api, self._call)
        self._uploaded: OrderedDict[tuple[str, str], str] = OrderedDict()

    async def _call(self, method: str, params: dict[str, Any], *, priority: int | None = None) -> Any:
        try:
            response = await self._api.request(method, params, priority=priority)
        except (VKAPIError, VkNetworkError) as error:
            raise gateway_error(error) from None
        return response.get("response")

    async def send(self, to: str, text: str, *, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        return await self._send(to, text, buttons, dedup)

    async def _send(self, to: str, text: str, buttons: Buttons | None, dedup: int,
                    attachment: str | None = None) -> MessageRef | None:
        params: dict[str, Any] = {"peer_ids": str(_peer(to)), "message": defang(text)[:MESSAGE_LIMIT],
                                  "random_id": dedup}
        if attachment is not None:
            params["attachment"] = attachment
        if buttons is not None:
            params["keyboard"] = keyboard_json(buttons)
        result = await self._call("messages.send", params)
        first = result[0] if isinstance(result, list) and result and isinstance(result[0], dict) else {}
        if isinstance(first.get("error"), dict):
            raise code_problem(int(first["error"].get("code", 0)))
        cmid = first.get("conversation_message_id")
        return str(cmid) if cmid else None

    async def send_file(self, to: str, kind: Literal["photo", "document"], data: bytes, *, filename: str,
                        caption: str, buttons: Buttons | None, dedup: int) -> MessageRef | None:
        """Uploaded once per content and reused (VK lets the community attach its uploads anywhere);
        if VK refuses a reused one, it is uploaded again for this conversation."""
        key = (kind, hashlib.sha256(data).hexdigest())
        attachment = self._uploaded.get(key)
        if attachment is not None:
            try:
                return await self._send(to, caption, buttons, dedup, attachment)
            except GatewayError as error:
                if error.problem is not Problem.REJECTED:
                    raise
                self._uploaded.pop(key, None)
        attachment = await self._files.upload(kind, _peer(to), data, filename)
        self._uploaded[key] = attachment
        while len(self._uploaded) > UPLOADS_KEPT:
            self._uploaded.popitem(last=False)
        return await self._send(to, caption, buttons, dedup, attachment)

    def may_have_sent(self, dedup: int, since: datetime) -> None:
        """Nothing to do: VK drops a repeated random_id by itself."""

    async def download(self, url: str, *, limit: int) -> bytes:
        return await self._files.download(url, limit)

    async def edit(self, where: str, message: MessageRef, text: str, *, buttons: Buttons | None) -> None:
        params: dict[str, Any] = {"peer_id": _peer(where), "conversation_message_id": int(message),
                                  "message": defang(text)[:MESSAGE_LIMIT]}
        if buttons is not None:  # VK drops the keyboard on an edit that does not resend it
            params["keyboard"] = keyboard_json(buttons)
        await self._call("messages.edit", params)

    async def answer_press(self, press_id: str, presser: PersonId, where: str, text: str) -> None:
        data = {"type": "show_snackbar", "text": defang(text)[:SNACKBAR_LIMIT]}
        await self._call("messages.sendMessageEventAnswer", {
            "event_id": press_id, "user_id": raw_id(presser), "peer_id": _peer(where),
            "event_data": json.dumps(data, ensure_ascii=False)}, priority=URGENT)

    async def delete(self, chat: ChatId, message: MessageRef) -> None:
        await self._call("messages.delete", {"peer_id": _peer(chat), "cmids": int(message), "delete_for_all": 1},
                         priority=URGENT)

    async def remove_member(self, chat: ChatId, person: PersonId, *, block: bool) -> None:
        await self._call("messages.removeChatUser",
                         {"chat_id": _peer(chat) - CHAT_PEER_BASE, "member_id": raw_id(person)})

    async def chat_link(self, chat: ChatId, *, reset: bool = False) -> str:
        params: dict[str, Any] = {"peer_id": _peer(chat)}
        if reset:
            params["reset"] = 1
        result = await self._call("messages.getInviteLink", params)
        return str(result["link"])

    async def members(self, chat: ChatId, cursor: str | None = None) -> MembersPage:
        offset = int(cursor or 0)
        result = await self._call("messages.getConversationMembers",
                                  {"peer_id": _peer(chat), "count": MEMBERS_PAGE, "offset": offset})
        return _members_page(result, offset)

    async def first_pages(self, chats: list[ChatId]) -> dict[ChatId, MembersPage | GatewayError]:
        """VK's `execute` runs up to 25 calls in one request: 60 chats are 3 requests, not 60 (20/s)."""
        found: dict[ChatId, MembersPage | GatewayError] = {}
        for start in range(0, len(chats), EXECUTE_CALLS):
            batch = chats[start:start + EXECUTE_CALLS]
            calls = ",".join("API.messages.getConversationMembers(" + json.dumps(
                {"peer_id": _peer(chat), "count": MEMBERS_PAGE, "offset": 0}) + ")" for chat in batch)
            try:
                answer = await self._api.request("execute", {"code": f"return [{calls}];"})
            except (VKAPIError, VkNetworkError) as error:
                found.update(dict.fromkeys(batch, gateway_error(error)))
                continue
            results = answer.get("response")
            errors = iter(answer.get("execute_errors") or [])
            for chat, result in zip(batch, results if isinstance(results, list) else [], strict=False):
                if isinstance(result, dict):
                    found[chat] = _members_page(result, 0)
                else:
                    failed: dict[str, Any] = next(errors, {})
                    found[chat] = code_problem(int(failed.get("error_code") or 0))
            for chat in batch:
                found.setdefault(chat, GatewayError(Problem.REJECTED, "VK execute gave no answer"))
        return found


    async def _conversation(self, chat: ChatId) -> dict[str, Any]:
        result = await self._call("messages.getConversationsById", {"peer_ids": _peer(chat)})
        items = result.get("items", []) if isinstance(result, dict) else []
        return items[0] if items and isinstance(items[0], dict) else {}

    async def bot_rights(self, chat: ChatId) -> BotRights:
        settings = (await self._conversation(chat)).get("chat_settings") or {}
        admin = -self._group_id in (settings.get("admin_ids") or [])
        return BotRights(is_admin=admin, reads_all=admin, can_delete=admin, can_remove=admin)

    async def chat_title(self, chat: ChatId) -> str:
        settings = (await self._conversation(chat)).get("chat_settings") or {}
        return str(settings.get("title") or "")

    async def profiles(self, people: list[PersonId]) -> dict[PersonId, Profile]:
        found: dict[PersonId, Profile] = {}
        ids = [raw_id(p) for p in people]
        for start in range(0, len(ids), USERS_PER_CALL):
            chunk = ids[start:start + USERS_PER_CALL]
            result = await self._call("users.get", {"user_ids": ",".join(map(str, chunk)), "fields": "sex"})
            for user in result or []:
                found[person_id(Platform.VK, int(user["id"]))] = _profile(user)
        return found

    def profile_link(self, person: PersonId, name: str) -> str:
        return f"{name or 'без имени'} (vk.com/id{raw_id(person)})"

    def deep_link(self, payload: str) -> str:
        return f"https://vk.me/{self._screen_name}?ref={payload}"

    def parse_profile_link(self, text: str) -> PersonId | None:
        match = _PROFILE.fullmatch(text.strip())
        return person_id(Platform.VK, int(match[1])) if match else None
