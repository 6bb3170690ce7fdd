"""State features share, built once by the app and handed to the flows through Services.

Never one flow module reaching into another: the moderation check with the school's own words
is used by the moderation flow and changed by /фильтр, so it lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.classlist.fetch import FileFetcher
from bot.config import Settings
from bot.consent import ConsentText, load_consent
from bot.membership.codes import WrongCodeThrottle
from bot.membership.member_lists import MemberLists
from bot.moderation.actions import Act, AuthorGroup, Policy
from bot.moderation.check import ModerationChecker
from bot.moderation.verdict import Label
from bot.registry.index import RegistryIndex, registry_index
from storage.moderation import ModerationRepo


def policy_from_config(config: Settings) -> Policy:
    moderation = config.moderation
    acts = {
        Label(label): {AuthorGroup(group): frozenset(Act(a) for a in chosen) for group, chosen in groups.items()}
        for label, groups in moderation.actions.items()
    }
    return Policy(acts=acts, warn_threshold=moderation.warn_threshold,
                  warning_ttl=timedelta(days=moderation.warning_ttl_days),
                  remove_adults_at_threshold=moderation.remove_adults_at_threshold)


class CheckerHolder:
    """The checker with the school's own words; rebuilt when /фильтр or /разрешить change them."""

    def __init__(self, config: Settings, repo: ModerationRepo) -> None:
        self._config = config
        self._repo = repo
        self._checker: ModerationChecker | None = None

    async def get(self) -> ModerationChecker:
        if self._checker is None:
            await self.reload()
        assert self._checker is not None
        return self._checker

    async def reload(self) -> None:
        blocked, allowed = await self._repo.words()
        config = self._config.moderation
        self._checker = ModerationChecker(extra_blocked=[*config.blocked_words, *blocked],
                                          extra_allowed=[*config.allowed_words, *allowed])


@dataclass(kw_only=True)
class Features:
    checker: CheckerHolder
    policy: Policy
    registry: RegistryIndex
    code_throttle: WrongCodeThrottle
    """In memory: a restart forgiving a few mistyped codes is harmless."""
    consent: ConsentText
    """The consent text parents are shown before anything about a child is stored (152-ФЗ)."""
    files: FileFetcher
    """Downloads of attached files (class lists)."""
    member_lists: MemberLists
    """Bound chats' member lists as last read (in memory), kept current by join and leave events."""

    @classmethod
    def build(cls, config: Settings, moderation: ModerationRepo) -> Features:
        return cls(checker=CheckerHolder(config, moderation), policy=policy_from_config(config),
                   registry=registry_index(config.registry.path), code_throttle=WrongCodeThrottle(),
                   consent=load_consent(config.consent.path, config.school.name), files=FileFetcher(),
                   member_lists=MemberLists())
