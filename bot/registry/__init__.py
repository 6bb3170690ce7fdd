"""The registry of recommended digital services: data, loader, search and reply texts."""

from __future__ import annotations

from bot.registry.format import format_list, format_matches, format_no_match
from bot.registry.model import Registry, RegistryFileError, Service, load_registry
from bot.registry.search import Match, RegistrySearch

__all__ = [
    "Match",
    "Registry",
    "RegistryFileError",
    "RegistrySearch",
    "Service",
    "format_list",
    "format_matches",
    "format_no_match",
    "load_registry",
]
