"""User references in command arguments: typed ids, profile links, mention spans, the replied-to author.

Mention markup («[id123|Имя]») is read by the VK adapter (bot/vk/translate.read_markup), which
hands the core the shown name plus a Mention span; profile links are the VK gateway's parser.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import BadCommand
from bot.membership.users import UserRefContext, parse_user_ref, split_user_and_rest, take_user
from bot.port.events import Mention
from bot.port.ids import PersonId, Platform, is_qualified, person_id, platform_of, raw_id
from bot.vk.gateway import VkGateway
from bot.vk.translate import read_markup

GROUP_ID = 56  # the school's community; «[club56|…]» addresses the bot itself
# parse_profile_link is a pure regex: it touches no API, so no API is given.
GATEWAY = VkGateway(api=None, group_id=GROUP_ID, screen_name="x")  # type: ignore[arg-type]
VK = UserRefContext(platform=Platform.VK, profile_link=GATEWAY.parse_profile_link)
MAX = UserRefContext(platform=Platform.MAX)


def vk(raw: int) -> PersonId:
    return person_id(Platform.VK, raw)


def with_markup(raw: str, reply_author: PersonId | None = None) -> tuple[str, UserRefContext]:
    """The arguments as the VK adapter hands them to the core: markup read into mention spans."""
    text, mentions = read_markup(raw, group_id=GROUP_ID)
    return text, UserRefContext(platform=Platform.VK, mentions=mentions, reply_author=reply_author,
                                profile_link=GATEWAY.parse_profile_link)


@pytest.mark.parametrize(
    "token",
    [
        "@id123",
        "*id123",
        "id123",
        "ID123",
        " id123 ",
        "vk:123",
        "VK:123",
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
    assert parse_user_ref(token, VK) == vk(123)


def test_typed_ids_mean_the_platform_of_the_command_unless_qualified() -> None:
    assert parse_user_ref("id5", MAX) == PersonId("max:5")
    assert parse_user_ref("5", MAX) == PersonId("max:5")
    assert parse_user_ref("vk:5", MAX) == vk(5)  # taken as it is
    assert parse_user_ref("max:5", VK) == PersonId("max:5")


@pytest.mark.parametrize(
    "token",
    ["@ivanov", "vk.com/ivanov", "ivanov", "", "id", "id0", "0", "-5", "[club1|Школа]", "vk.com/id12x", "[id1|a",
     "vk:0", "vk:-5", "tg:5", "vk:"],
)
def test_parse_user_ref_refuses(token: str) -> None:
    with pytest.raises(BadCommand) as caught:
        parse_user_ref(token, VK)
    assert "id123456" in caught.value.text


def test_community_mention_is_explained() -> None:
    with pytest.raises(BadCommand) as caught:
        parse_user_ref("[club1|Школа]", VK)
    assert "сообщество" in caught.value.text
    with pytest.raises(BadCommand) as caught:
        split_user_and_rest("[club1|Школа] спам", VK)
    assert "сообщество" in caught.value.text


def test_the_adapter_turns_mention_markup_into_a_span_of_the_shown_name() -> None:
    text, ctx = with_markup("[id123|Иван Петров] спам")
    assert text == "Иван Петров спам"
    assert list(ctx.mentions) == [Mention(person=vk(123), start=0, end=len("Иван Петров"))]
    text, ctx = with_markup("[club1|Школа] [id1|a")  # a community is no person; broken markup stays text
    assert (text, list(ctx.mentions)) == ("Школа [id1|a", [])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[id123|Имя]", (123, "")),
        ("[id123|Иван Петров]", (123, "")),
        ("[id1|Иван Петров] спам в чате", (1, "спам в чате")),
        ("  [id1|Иван] спам", (1, "спам")),
        ("[id9|Катя] 3 дня", (9, "3 дня")),
    ],
)
def test_a_leading_mention_names_the_user(raw: str, expected: tuple[int, str]) -> None:
    args, ctx = with_markup(raw)
    user, rest = expected
    assert split_user_and_rest(args, ctx) == (vk(user), rest)


def test_a_mention_later_in_the_text_is_part_of_the_rest() -> None:
    args, ctx = with_markup("спам про [id1|Ивана]")
    assert split_user_and_rest(args, ctx) == (None, "спам про Ивана")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("@id7 причина", (vk(7), "причина")),
        ("https://vk.com/id7", (vk(7), "")),
        ("7 причина", (vk(7), "причина")),
        ("max:7 причина", (PersonId("max:7"), "причина")),
        ("причина без пользователя", (None, "причина без пользователя")),
        ("", (None, "")),
    ],
)
def test_split_user_and_rest(args: str, expected: tuple[PersonId | None, str]) -> None:
    assert split_user_and_rest(args, VK) == expected


def test_reply_user_is_used_when_text_names_nobody() -> None:
    replying = UserRefContext(platform=Platform.VK, reply_author=vk(5), profile_link=GATEWAY.parse_profile_link)
    assert split_user_and_rest("спам", replying) == (vk(5), "спам")
    assert split_user_and_rest("3 дня", replying) == (vk(5), "3 дня")  # a number is not a user here
    assert split_user_and_rest("id9 спам", replying) == (vk(9), "спам")  # explicit wins
    assert split_user_and_rest("vk.com/id9 спам", replying) == (vk(9), "спам")
    args, ctx = with_markup("[id9|Катя] спам", reply_author=vk(5))
    assert split_user_and_rest(args, ctx) == (vk(9), "спам")  # a mention wins too


def test_screen_name_in_arguments_is_refused() -> None:
    with pytest.raises(BadCommand):
        split_user_and_rest("@ivanov спам", VK)
    with pytest.raises(BadCommand):
        split_user_and_rest("vk.com/ivanov спам", VK)


def test_take_user_requires_someone() -> None:
    assert take_user("id3 x", VK, "Формат: /x") == (vk(3), "x")
    with pytest.raises(BadCommand) as caught:
        take_user("x", VK, "Формат: /x <пользователь>")
    assert "Формат: /x" in caught.value.text


@pytest.mark.parametrize("token", ["vk:0123", "vk:١٢٣"])  # a leading zero; Arabic-Indic digits
def test_a_typed_qualified_id_comes_out_in_the_one_canonical_form(token: str) -> None:
    """«vk:0123» must name vk:123 (or be refused), never a second id for the same account.

    «id0123» and «0123» are refused, and every other form goes through int(); only the qualified form
    is kept as typed (bot.port.ids.parse_person_id returns PersonId(text)).
    """
    try:
        found = parse_user_ref(token, VK)
    except BadCommand:
        return
    assert found == vk(123), f"{token!r} gave the non-canonical id {found!r}"


_MARKUP_PIECES = st.sampled_from(["[id1|Иван Петров]", "[id42|a]", "[club1|Школа]", "[id1|a", "@id7", "vk.com/id3",
                                  "max:5", "vk:0", "7", " ", "спам"])


@given(st.lists(st.one_of(st.text(max_size=20), _MARKUP_PIECES), max_size=5).map("".join),
       st.one_of(st.none(), st.integers(1, 10**9)))
def test_split_raises_only_bad_command(raw: str, reply: int | None) -> None:
    args, ctx = with_markup(raw, reply_author=vk(reply) if reply is not None else None)
    try:
        user, rest = split_user_and_rest(args, ctx)
    except BadCommand:
        return
    assert rest == rest.strip()
    if user is not None:
        assert is_qualified(user) and raw_id(user) > 0 and platform_of(user) in set(Platform)
