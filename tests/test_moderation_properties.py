"""Property tests: the normaliser and the checker accept any text and keep spans in range."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.moderation import default_checker, masked_excerpt
from bot.moderation.normalise import normalise

ALPHABET = st.sampled_from(
    [*list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁХУЙПИЗabcdehkmopstuxy0123456789 .,-*_!?«»\"'\n"), "\u200b", "\xad", "́", "̶", "🙈", "ﬁ", "Ａ", "ǅ", "İ", "ß", "️", "№", "+", "(", ")"]
)
TEXTS = st.text(alphabet=ALPHABET, max_size=300) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_normaliser_never_crashes_and_maps_into_the_original(text: str) -> None:
    norm = normalise(text)
    assert norm.origin is None or len(norm.origin) == len(norm.text)
    for start in range(len(norm.text)):
        a, b = norm.span(start, start + 1)
        assert 0 <= a < b <= len(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_check_spans_stay_within_the_original(text: str) -> None:
    verdict = default_checker().check(text)
    for hit in verdict.hits:
        assert 0 <= hit.start < hit.end <= len(text)
    masked_excerpt(text, verdict)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=3000, max_size=4096))
def test_long_messages_are_handled(text: str) -> None:
    # Timings are measured in bench/moderation_bench.py; here only that long input works.
    verdict = default_checker().check(text)
    assert all(0 <= h.start < h.end <= len(text) for h in verdict.hits)


def test_adversarial_shapes() -> None:
    checker = default_checker()
    for text in [
        "я" * 4096, "п*" * 2048, "х " * 2048, "." * 4096, "1 " * 2048, "9" * 4096, "*" * 4096,
        "пароль " * 585, "код 1234 " * 455, "ул. Ленина, 5, кв. 7 " * 190, "п\u200b" * 2048, "«" * 4096,
    ]:
        verdict = checker.check(text)
        assert all(0 <= h.start < h.end <= len(text) for h in verdict.hits)



def test_account_sharing_prefilter_never_changes_the_result() -> None:
    """The cheap stem filter only skips messages on which no pattern could match: on every
    labelled message (1,800+), results with and without it are the same."""
    import json
    import re
    from pathlib import Path

    import bot.moderation.account_sharing as account_sharing

    data = Path(__file__).parent / "data"
    texts = [json.loads(line)["text"] for name in ("moderation_set", "moderation_holdout", "moderation_fresh")
             for line in (data / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    normalised = [normalise(text).text for text in texts]
    filtered = [account_sharing.find_account_sharing(text) for text in normalised]
    hint = account_sharing._ACCESS_HINT_RE
    try:
        account_sharing._ACCESS_HINT_RE = re.compile("")  # matches everywhere: no filtering
        unfiltered = [account_sharing.find_account_sharing(text) for text in normalised]
    finally:
        account_sharing._ACCESS_HINT_RE = hint
    assert sum(map(bool, unfiltered)) > 50
    assert filtered == unfiltered


def test_gates_never_change_the_result() -> None:
    """The word-level gates (gates.py) only skip rules that cannot match: on every labelled
    message, and on the same messages with their words shuffled, the verdict is the same
    whether the gates say «run everything» or not."""
    import json
    import random
    from pathlib import Path

    from bot.moderation import ModerationChecker

    data = Path(__file__).parent / "data"
    names = ("moderation_set", "moderation_holdout", "moderation_fresh", "moderation_own_dev", "moderation_own_aside", "moderation_own_aside2")
    texts = [json.loads(line)["text"] for name in names
             for line in (data / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    shuffled = []
    for text in texts[:600]:
        words = text.split()
        rng.shuffle(words)
        shuffled.append(" ".join(words))
    gated = ModerationChecker()
    ungated = ModerationChecker()
    everything = (1 << 20) - 1
    ungated._message_bits = lambda text: (everything, everything)  # type: ignore[method-assign]
    differ = [text for text in texts + shuffled if gated.check(text) != ungated.check(text)]
    assert differ == []
