"""The VK request body: what a form decoder reads back is exactly what was sent."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st

from bot.vk.form import form_encode, quote_plus

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(st.dictionaries(_TEXT, st.one_of(_TEXT, st.integers()), max_size=6))
def test_a_decoder_reads_back_every_field(fields: dict[str, object]) -> None:
    body = form_encode(fields)
    assert body.isascii()
    assert parse_qsl(body.decode(), keep_blank_values=True) == [(k, str(v)) for k, v in fields.items()]


def test_lists_repeat_their_key() -> None:
    assert parse_qsl(form_encode({"ids": [1, 2], "q": "да"}).decode()) == [("ids", "1"), ("ids", "2"), ("q", "да")]


def test_ascii_is_quoted_as_urllib_quotes_it() -> None:
    assert quote_plus("peer_id") == "peer_id"
    assert quote_plus("a b&c=d/é"[:-1]) == "a+b%26c%3Dd%2F"


def test_cyrillic_is_escaped_byte_by_byte() -> None:
    assert quote_plus("Да ") == "%D0%94%D0%B0%20"


def test_a_lone_surrogate_becomes_a_question_mark_instead_of_failing() -> None:
    assert parse_qsl(form_encode({"message": "ой \ud83d"}).decode()) == [("message", "ой ?")]
