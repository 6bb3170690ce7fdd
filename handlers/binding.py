"""/bind (/привязать): make a group chat the staff chat or another bound chat; audited."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.binding import decide_bind
from bot.errors import PermissionDenied
from bot.people import Person
from bot.services import Services
from handlers.common import CommandRule, polite


def binding_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()

    @labeler.message(CommandRule(services, "bind", "привязать"))
    @polite
    async def bind(message: Message, actor: Person, args: str) -> None:
        try:
            binding = decide_bind(actor, message.peer_id, args)
        except PermissionDenied:
            await services.audit.record(
                actor_id=actor.vk_id, action="bind_chat_denied", now=services.now(),
                peer_id=message.peer_id, details={"args": args[:100]},
            )
            raise
        before = await services.chats.get(message.peer_id)
        displaced = await services.chats.bind(message.peer_id, binding, actor.vk_id, services.now())
        await services.audit.record(
            actor_id=actor.vk_id, action="bind_chat", now=services.now(), peer_id=message.peer_id,
            details={
                "purpose": binding.purpose.value, "class": binding.class_label, "subject": binding.subject,
                "previous_purpose_of_chat": before.binding.purpose.value if before else None,
                "unbound_peer": displaced.peer_id if displaced else None,
            },
        )
        text = f"Готово: этот чат теперь — {binding.title()}."
        if before is not None and before.binding != binding:
            text += f" Раньше он был привязан как {before.binding.title()}."
        if displaced is not None:
            text += " Прежний чат с этой ролью отвязан."
        await message.answer(text)

    return labeler
