"""/help, /помощь, and «помощь»/«начать» in a DM."""

from __future__ import annotations

from vkbottle import Keyboard, KeyboardButtonColor, Text
from vkbottle.bot import BotLabeler, Message

from bot.help import help_text
from bot.people import Person
from bot.services import Services
from handlers.common import CommandRule, PhraseRule, polite

HELP_BUTTON = "Помощь"
# Labels are matched as plain DM phrases by the features (handlers/registry, rules, reports).
REGISTRY_BUTTON = "Реестр сервисов"
RULES_BUTTON = "Правила"
HACKED_BUTTON = "Сообщить о взломе"


def dm_keyboard() -> str:
    """The persistent keyboard of a DM with the bot: the things people ask most."""
    keyboard = Keyboard(one_time=False)
    keyboard.add(Text(REGISTRY_BUTTON), color=KeyboardButtonColor.PRIMARY)
    keyboard.add(Text(RULES_BUTTON), color=KeyboardButtonColor.SECONDARY)
    keyboard.row()
    keyboard.add(Text(HACKED_BUTTON), color=KeyboardButtonColor.NEGATIVE)
    keyboard.add(Text(HELP_BUTTON), color=KeyboardButtonColor.SECONDARY)
    return keyboard.get_json()


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
