"""What the MAX adapter learns from traffic and cannot ask for later, in bounded memory.

MAX has no users.get: a person's name is known only from updates and member lists. A DM's
dialog chat_id (needed to look for an already sent message) is known only from updates and send
answers. Usernames map `@username` mentions to ids. All of it is a cache: losing it on restart
costs names shown as empty and, rarely, a resend (see MaxApi.send_message), never correctness.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

from bot.max.models import MaxUser

K = TypeVar("K")
V = TypeVar("V")

NAMES_KEPT = 50_000
DIALOGS_KEPT = 50_000
USERNAMES_KEPT = 50_000


class Bounded(Generic[K, V]):
    """A dict that forgets the least recently written entries beyond `capacity`."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


class Directory:
    def __init__(self) -> None:
        self._names: Bounded[int, str] = Bounded(NAMES_KEPT)
        self._dialogs: Bounded[int, int] = Bounded(DIALOGS_KEPT)
        self._usernames: Bounded[str, int] = Bounded(USERNAMES_KEPT)

    def learn_user(self, user: MaxUser | None) -> None:
        if user is None or user.user_id is None or user.user_id <= 0:
            return
        name = user.full_name
        if name:
            self._names.put(user.user_id, name)
        if user.username:
            self._usernames.put(user.username.lstrip("@").lower(), user.user_id)

    def learn_dialog(self, user_id: int | None, dialog_chat_id: int | None) -> None:
        if user_id is not None and user_id > 0 and dialog_chat_id is not None:
            self._dialogs.put(user_id, dialog_chat_id)

    def name_of(self, user_id: int) -> str | None:
        return self._names.get(user_id)

    def dialog_of(self, user_id: int) -> int | None:
        return self._dialogs.get(user_id)

    def user_by_username(self, username: str) -> int | None:
        return self._usernames.get(username.lstrip("@").lower())
