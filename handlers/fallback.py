"""Loaded last: a hint for unknown commands and for plain text in a DM, never silence."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.commands import parse_command
from bot.help import unknown_command_text
from bot.services import Services


def fallback_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()

    @labeler.message()
    async def hint(message: Message) -> None:
        if message.action is not None:
            return  # service messages (joins, kicks) are not questions
        command = parse_command(message.text or "")
        if command is not None:
            await message.answer(unknown_command_text(command.name))
        elif message.peer_id == message.from_id:
            await message.answer("Я не понял вопрос. Напишите /помощь — покажу, что я умею.")

    return labeler
