import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadCommand
from bot.membership.users import parse_user_ref, split_user_and_rest, take_user


@pytest.mark.parametrize(
    "token",
    [
        "[id123|Имя]",
        "[id123|Иван Петров]",
        "@id123",
        "*id123",
        "id123",
        "ID123",
        "vk.com/id123",
        "https://vk.com/id123",
        "http://vk.com/id123/",
        "https://vk.ru/id123",
        "m.vk.com/id123",
        "https://m.vk.com/id123",
        "123",
    ],
)
def test_parse_user_ref_forms(token: str) -> None:
    assert parse_user_ref(token) == 123


@pytest.mark.parametrize(
    "token",
    ["@ivanov", "vk.com/ivanov", "ivanov", "", "id", "id0", "0", "-5", "[club1|Школа]", "vk.com/id12x", "[id1|a"],
)
def test_parse_user_ref_refuses(token: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_user_ref(token)
    assert "id123456" in caught.value.text


def test_community_mention_is_explained() -> None:
    with pytest.raises(BadCommand) as caught:
        parse_user_ref("[club1|Школа]")
    assert "сообщество" in caught.value.text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("[id1|Иван Петров] спам в чате", (1, "спам в чате")),
        ("@id7 причина", (7, "причина")),
        ("https://vk.com/id7", (7, "")),
        ("7 причина", (7, "причина")),
        ("причина без пользователя", (None, "причина без пользователя")),
        ("", (None, "")),
    ],
)
def test_split_user_and_rest(args: str, expected: tuple[int | None, str]) -> None:
    assert split_user_and_rest(args) == expected


def test_reply_user_is_used_when_text_names_nobody() -> None:
    assert split_user_and_rest("спам", reply_user_id=5) == (5, "спам")
    assert split_user_and_rest("3 дня", reply_user_id=5) == (5, "3 дня")  # a number is not a user here
    assert split_user_and_rest("id9 спам", reply_user_id=5) == (9, "спам")  # explicit wins


def test_screen_name_in_arguments_is_refused() -> None:
    with pytest.raises(BadCommand):
        split_user_and_rest("@ivanov спам")


def test_take_user_requires_someone() -> None:
    assert take_user("id3 x", None, "Формат: /x") == (3, "x")
    with pytest.raises(BadCommand) as caught:
        take_user("x", None, "Формат: /x <пользователь>")
    assert "Формат: /x" in caught.value.text


@given(st.text(max_size=60), st.one_of(st.none(), st.integers(1, 10**9)))
def test_split_raises_only_bad_command(args: str, reply: int | None) -> None:
    try:
        split_user_and_rest(args, reply)
    except BadCommand:
        pass
