"""Loaded last: plain DM text is looked up in the registry; otherwise a hint, never silence.

Group chats get no answer to plain text: a bot replying to conversations would spam them.
"""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.commands import parse_command
from bot.help import unknown_command_text
from bot.services import Services
from handlers.common import polite
from handlers.registry import registry_index

NOT_UNDERSTOOD = "Я не понял вопрос. Напишите /помощь — покажу, что я умею."


def fallback_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    index = registry_index(services)

    @labeler.message()
    @polite
    async def hint(message: Message) -> None:
        if message.action is not None:
            return  # service messages (joins, kicks) are not questions
        command = parse_command(message.text or "")
        if command is not None:
            await message.answer(unknown_command_text(command.name))
        elif message.peer_id == message.from_id:
            await message.answer(index.answer_plain(message.text or "") or NOT_UNDERSTOOD)

    return labeler
