"""Reply texts: the registry list, results, nothing found, and the regulation's texts."""

from __future__ import annotations

import pytest

from bot.registry import Match, Registry, RegistrySearch, format_list, format_matches, format_no_match, load_registry
from bot.registry.format import VK_MESSAGE_LIMIT
from bot.texts import rights_text, rules_text, support_text

PHONE_SCREEN = 900  # characters; a rough «fits without much scrolling»


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_list_has_all_services_with_links(registry: Registry) -> None:
    text = format_list(registry)
    assert len(text) <= VK_MESSAGE_LIMIT
    for service in registry.services:
        assert f"{service.number}. {service.short} — {service.url}" in text


def test_matches_show_name_link_and_description(registry: Registry) -> None:
    matches = RegistrySearch(registry).search("демоверсии огэ")
    text = format_matches(matches)
    fipi = registry.by_number(10)
    assert fipi is not None
    assert fipi.name in text and fipi.url in text and fipi.description in text
    assert len(text) <= VK_MESSAGE_LIMIT


def test_all_services_as_matches_still_fit(registry: Registry) -> None:
    text = format_matches([Match(s, 1.0) for s in registry.services])
    assert len(text) <= VK_MESSAGE_LIMIT


def test_no_match_is_polite_and_lists_everything(registry: Registry) -> None:
    text = format_no_match("погода", registry)
    assert text.startswith("По запросу «погода» ничего не нашлось.")
    assert all(s.url in text for s in registry.services)
    assert len(text) <= VK_MESSAGE_LIMIT


def test_no_match_does_not_echo_a_huge_query(registry: Registry) -> None:
    text = format_no_match("ы" * 4000, registry)
    assert "ы" * 41 not in text
    assert "…»" in text
    assert len(text) <= VK_MESSAGE_LIMIT


def test_no_match_does_not_echo_mentions(registry: Registry) -> None:
    text = format_no_match("[id1|Иван] @all", registry)
    assert "@" not in text and "[id1" not in text


def test_no_match_with_empty_query(registry: Registry) -> None:
    assert "«»" not in format_no_match("  ", registry)


def test_a_grown_registry_is_cut_to_one_message(registry: Registry) -> None:
    template = registry.services[0]
    many = tuple(
        template.model_copy(update={"number": n, "name": f"Сервис {n}", "short": "Очень длинное название " * 5})
        for n in range(1, 200)
    )
    text = format_list(Registry(services=many))
    assert len(text) <= VK_MESSAGE_LIMIT
    assert text.endswith("…и другие. Полный список — у администратора.")


def test_rules_name_the_clauses() -> None:
    text = rules_text()
    for needle in ("4.5", "4.6", "/взлом", "персональные данные", "доступ к своему аккаунту", "оскорблений"):
        assert needle in text
    assert len(text) <= PHONE_SCREEN


def test_rights_name_the_clauses_and_support() -> None:
    text = rights_text()
    for needle in ("4.1", "4.2", "4.3", "4.4", "info@sferum.ru", "бесплатн", "круглосуточно", "вебинар"):
        assert needle in text
    assert len(text) <= PHONE_SCREEN


def test_support_with_admin_contact() -> None:
    text = support_text("Иванова Мария Петровна, ivanova@school56.ru", "МБОУ «СШ № 56»")
    assert "info@sferum.ru" in text and "4.2" in text
    assert "ivanova@school56.ru" in text


@pytest.mark.parametrize("contact", [None, "", "   "])
def test_support_without_admin_contact(contact: str | None) -> None:
    text = support_text(contact, "МБОУ «СШ № 56»")
    assert "info@sferum.ru" in text
    assert "классному руководителю" in text and "МБОУ «СШ № 56»" in text
