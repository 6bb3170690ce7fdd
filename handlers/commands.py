"""Every declared command's flow. A test checks that each declaration has one and only one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.flows import (
    announcements,
    audit,
    binding,
    classlist,
    consent,
    help,
    invites,
    joining,
    members,
    moderation_admin,
    mydata,
    people,
    reports,
    requests,
    school_year,
    stats,
)
from bot.flows.context import Context
from bot.flows.destruction import show_destruction_log

Flow = Callable[[Context, Any], Awaitable[None]]

FLOWS: dict[str, Flow] = {
    "help": help.show_help,
    "join": joining.join,
    "registry": help.show_registry,
    "rules": help.show_rules,
    "rights": help.show_rights,
    "support": help.show_support,
    "hacked": reports.hacked,
    "report": reports.abuse,
    "appeal": moderation_admin.appeal,
    "mydata": mydata.show_mydata,
    "forget": mydata.forget,
    "withdraw_consent": consent.withdraw,
    "bind": binding.bind,
    "chats": binding.list_chats,
    "unbind": binding.unbind,
    "classlist": classlist.class_list,
    "invite": invites.invite,
    "invites": invites.list_invites,
    "revoke": invites.revoke,
    "requests": requests.list_requests,
    "approve": requests.approve,
    "reject": requests.reject,
    "resetlink": invites.reset_link,
    "verify": people.verify,
    "classteacher": people.class_teacher,
    "admin": people.admin,
    "move": people.move,
    "graduate": school_year.graduate,
    "remove": people.remove,
    "members": members.members,
    "warns": moderation_admin.warnings_of,
    "pardon": moderation_admin.pardon,
    "modlog": moderation_admin.modlog,
    "filter": moderation_admin.filter_words,
    "allow": moderation_admin.allow_word,
    "reports": reports.list_reports,
    "close": reports.close_report,
    "destruction": show_destruction_log,
    "stats": stats.statistics,
    "announce": announcements.announce,
    "announcements": announcements.list_announcements,
    "cancel": announcements.cancel,
    "audit": audit.audit_log,
}
