"""Lenient models of the MAX JSON the bot reads: users, messages, chats, members.

maxapi's own models are strict: one unknown attachment type, a missing `first_name` or a new
permission value fails the whole object, and with it an update or a members page. Here every field
is optional and a field that does not fit becomes None on its own (`Soft`), so a malformed part
never loses the rest. Unknown fields are kept (extra="allow") but never relied upon.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WrapValidator
from pydantic_core.core_schema import ValidatorFunctionWrapHandler


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A field that does not validate is treated as absent instead of failing its parent."""
    try:
        return handler(value)
    except ValidationError:
        return None


def _scalar_text(value: Any) -> Any:
    """Ids that should be strings sometimes arrive as numbers; accept both."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


Soft = WrapValidator(_or_none)
SoftText = Annotated[str | None, BeforeValidator(_scalar_text), Soft]
SoftInt = Annotated[int | None, Soft]
SoftBool = Annotated[bool | None, Soft]


class Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class MaxUser(Lenient):
    user_id: SoftInt = None
    first_name: SoftText = None
    last_name: SoftText = None
    name: SoftText = None
    """Deprecated by MAX but still sent; used when first/last name are missing."""
    username: SoftText = None
    is_bot: SoftBool = None

    @property
    def full_name(self) -> str:
        joined = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return joined or (self.name or "").strip()


class Recipient(Lenient):
    chat_id: SoftInt = None
    chat_type: SoftText = None
    """«dialog», «chat» or «channel»."""
    user_id: SoftInt = None


class Markup(Lenient):
    """One text markup element; only `user_mention` matters to the bot."""

    type: SoftText = None
    start: SoftInt = Field(default=None, alias="from")
    length: SoftInt = None
    user_id: SoftInt = None
    user_link: SoftText = None
    """«@username» of the mentioned person (MAX gives user_id only to people without a username)."""


class Body(Lenient):
    mid: SoftText = None
    seq: SoftInt = None
    text: SoftText = None
    attachments: Any = None
    """Kept raw: read one by one in updates.py so that one odd attachment spoils only itself."""
    markup: Any = None
    """Kept raw for the same reason."""


class LinkedMessage(Lenient):
    type: SoftText = None
    """«reply» or «forward»."""
    sender: Annotated[MaxUser | None, Soft] = None
    chat_id: SoftInt = None
    message: Annotated[Body | None, Soft] = None


class Message(Lenient):
    sender: Annotated[MaxUser | None, Soft] = None
    recipient: Annotated[Recipient | None, Soft] = None
    timestamp: SoftInt = None
    link: Annotated[LinkedMessage | None, Soft] = None
    body: Annotated[Body | None, Soft] = None

    @property
    def mid(self) -> str | None:
        return self.body.mid if self.body is not None else None

    @property
    def text(self) -> str:
        return (self.body.text or "") if self.body is not None else ""


class Callback(Lenient):
    timestamp: SoftInt = None
    callback_id: SoftText = None
    payload: SoftText = None
    user: Annotated[MaxUser | None, Soft] = None


class ChatInfo(Lenient):
    """GET /chats/{chatId}: only what the gateway reads."""

    chat_id: SoftInt = None
    type: SoftText = None
    status: SoftText = None
    title: SoftText = None
    link: SoftText = None


class Member(MaxUser):
    """A chat member: a user plus membership flags; `permissions` tolerate values MAX adds later."""

    is_owner: SoftBool = None
    is_admin: SoftBool = None
    permissions: Any = None

    @property
    def permission_set(self) -> frozenset[str]:
        if not isinstance(self.permissions, list):
            return frozenset()
        return frozenset(p for p in self.permissions if isinstance(p, str))


M = TypeVar("M", bound=Lenient)


def read(model: type[M], raw: Any) -> M | None:
    """`model` from raw JSON, or None when it is not even an object."""
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
