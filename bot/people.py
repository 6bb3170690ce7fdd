"""A person as the bot sees them: VK id, display name, roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.roles import ROLE_TITLES, Role


@dataclass(frozen=True, kw_only=True)
class Person:
    vk_id: int
    """VK user id."""
    display_name: str = ""
    """«Имя Фамилия» from users.get; may be empty for someone never looked up."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    """Roles from the database plus ADMIN when the config names them."""

    def role_titles(self) -> str:
        if not self.roles:
            return "пока без роли"
        return ", ".join(ROLE_TITLES[r] for r in sorted(self.roles, key=list(Role).index))

    def link(self) -> str:
        """«Имя Фамилия (vk.com/id123)»: for staff messages; unlike a mention it never pings anyone."""
        return profile(self.vk_id, self.display_name)

    def mention(self) -> str:
        """A VK mention that renders as the name and links to the profile."""
        return f"[id{self.vk_id}|{self.display_name or 'id' + str(self.vk_id)}]"


def profile(vk_id: int, name: str) -> str:
    """«Имя Фамилия (vk.com/id123)»: readable and checkable in one tap, never a ping."""
    return f"{name or 'без имени'} (vk.com/id{vk_id})"
