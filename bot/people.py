"""A person as the bot sees them: a platform-qualified id, display name, roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.grammar import infer_gender
from bot.port.gateway import Gender
from bot.port.ids import PersonId
from bot.roles import ROLE_TITLES, Role


@dataclass(frozen=True, kw_only=True)
class Person:
    id: PersonId
    """«vk:123», «max:456»."""
    display_name: str = ""
    """«Имя Фамилия» from the platform's profile; may be empty for someone never looked up."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    """Roles from the database plus ADMIN when the config names them."""
    gender: Gender = Gender.UNKNOWN
    """From the profile, for past tenses."""

    def role_titles(self) -> str:
        if not self.roles:
            return "пока без роли"
        return ", ".join(ROLE_TITLES[r] for r in sorted(self.roles, key=list(Role).index))

    @property
    def likely_gender(self) -> Gender:
        """The profile's gender, or what the name tells (MAX profiles have none)."""
        return infer_gender(self.display_name, self.gender)

    @property
    def first_name(self) -> str:
        return self.display_name.split()[0] if self.display_name.strip() else ""
