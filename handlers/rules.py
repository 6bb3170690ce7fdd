"""/правила, /права, /поддержка: the regulation's section 4 in plain words."""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.help import CommandHelp, register
from bot.people import Person
from bot.roles import Action
from bot.services import Services
from bot.texts import rights_text, rules_text, support_text
from handlers.common import CommandRule, PhraseRule, polite
from handlers.help import RULES_BUTTON



def rules_labeler(services: Services) -> BotLabeler:
    labeler = BotLabeler()
    register(
        CommandHelp(action=Action.USE_HELP, usage="/правила", what="правила общения в чатах (п. 4.5, 4.6)"),
        CommandHelp(action=Action.USE_HELP, usage="/права", what="ваши права (п. 4.1–4.4)"),
        CommandHelp(action=Action.USE_HELP, usage="/поддержка", what="куда обратиться за помощью"),
    )

    @labeler.message(CommandRule(services, "rules", "правила"))
    @labeler.message(PhraseRule(services, RULES_BUTTON))
    @polite
    async def rules(message: Message, actor: Person, args: str) -> None:
        await message.answer(rules_text())

    @labeler.message(CommandRule(services, "rights", "права"))
    @labeler.message(PhraseRule(services, "права", "мои права"))
    @polite
    async def rights(message: Message, actor: Person, args: str) -> None:
        await message.answer(rights_text())

    @labeler.message(CommandRule(services, "support", "поддержка"))
    @labeler.message(PhraseRule(services, "поддержка", "техподдержка"))
    @polite
    async def support(message: Message, actor: Person, args: str) -> None:
        school = services.config.school
        await message.answer(support_text(school.admin_contact, school.name))

    return labeler
