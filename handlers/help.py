"""/help, /помощь, and «помощь»/«начать» in a DM."""

from __future__ import annotations

from vkbottle import Keyboard, KeyboardButtonColor, Text
from vkbottle.bot import BotLabeler, Message

from bot.help import help_text
from bot.people import Person
from bot.services import Services
from handlers.common import CommandRule, PhraseRule, polite

HELP_BUTTON = "Помощь"


def dm_keyboard() -> str:
    """The persistent keyboard of a DM with the bot: the things people ask most."""
    return Keyboard(one_time=False).add(Text(HELP_BUTTON), color=KeyboardButtonColor.PRIMARY).get_json()


def help_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()

    @labeler.message(CommandRule(services, "help", "помощь", "start", "начать"))
    @labeler.message(PhraseRule(services, "помощь", "начать", "start", "help", "меню"))
    @polite
    async def show_help(message: Message, actor: Person, args: str) -> None:
        in_dm = message.peer_id == message.from_id
        text = help_text(actor, school_name=services.config.school.name, in_dm=in_dm)
        await message.answer(text, keyboard=dm_keyboard() if in_dm else None)

    return labeler
