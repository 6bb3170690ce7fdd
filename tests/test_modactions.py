"""The pure decisions around a flagged message: who gets what, and what is said."""

from datetime import UTC, datetime, timedelta

import pytest

from bot.moderation.actions import (
    ALL_ACTS,
    Act,
    AuthorGroup,
    Policy,
    author_dm_text,
    author_group,
    escalation,
    notice_text,
    staff_log_line,
    warning_expiry,
    warnings_phrase,
)
from bot.moderation.verdict import Label
from bot.roles import Role

DEFAULT = Policy(acts={})


@pytest.mark.parametrize(
    ("roles", "group"),
    [
        ({Role.STUDENT}, AuthorGroup.STUDENT),
        ({Role.PARENT}, AuthorGroup.PARENT),
        ({Role.PARENT, Role.TEACHER}, AuthorGroup.STAFF),
        ({Role.ADMIN}, AuthorGroup.STAFF),
        (set(), AuthorGroup.UNKNOWN),
    ],
)
def test_author_group(roles: set[Role], group: AuthorGroup) -> None:
    assert author_group(roles) is group


def test_missing_policy_entries_mean_everything() -> None:
    assert DEFAULT.acts_for([Label.PROFANITY], AuthorGroup.PARENT) == ALL_ACTS


def test_policy_per_label_and_group_unions_over_labels() -> None:
    policy = Policy(acts={
        Label.PROFANITY: {AuthorGroup.STAFF: frozenset({Act.DM})},
        Label.PERSONAL_DATA: {AuthorGroup.STAFF: frozenset({Act.DELETE})},
    })
    assert policy.acts_for([Label.PROFANITY], AuthorGroup.STAFF) == {Act.DM}
    assert policy.acts_for([Label.PROFANITY, Label.PERSONAL_DATA], AuthorGroup.STAFF) == {Act.DM, Act.DELETE}
    assert policy.acts_for([Label.PROFANITY], AuthorGroup.STUDENT) == ALL_ACTS


def test_no_escalation_below_threshold() -> None:
    assert escalation(2, AuthorGroup.STUDENT, DEFAULT) is None


def test_student_at_threshold_goes_to_class_teacher_and_is_never_removed() -> None:
    policy = Policy(acts={}, remove_adults_at_threshold=True)
    decision = escalation(3, AuthorGroup.STUDENT, policy)
    assert decision is not None and decision.tell_staff and decision.tell_class_teacher
    assert not decision.remove_from_chat


@pytest.mark.parametrize("switch", [True, False])
def test_parent_removal_is_a_switch(switch: bool) -> None:
    decision = escalation(4, AuthorGroup.PARENT, Policy(acts={}, remove_adults_at_threshold=switch))
    assert decision is not None and decision.remove_from_chat is switch
    assert not decision.tell_class_teacher


def test_staff_is_never_removed_automatically() -> None:
    decision = escalation(5, AuthorGroup.STAFF, Policy(acts={}, remove_adults_at_threshold=True))
    assert decision is not None and not decision.remove_from_chat


def test_warning_expiry() -> None:
    now = datetime(2026, 9, 1, tzinfo=UTC)
    assert warning_expiry(now, DEFAULT) == now + timedelta(days=30)


def test_notice_names_the_clause_not_the_words() -> None:
    text = notice_text([Label.PROFANITY], deleted=True)
    assert text.startswith("Сообщение удалено: п. 4.5")
    assert "4.6" in notice_text([Label.PERSONAL_DATA], deleted=False)


def test_dm_for_account_sharing_says_what_to_do_now() -> None:
    text = author_dm_text([Label.ACCOUNT_SHARING], chat_title="5А", deleted=True, warnings=1, threshold=3)
    assert "смените пароль" in text and "сеансы" in text and "1 из 3" in text and "/обжаловать" in text


def test_staff_log_line_carries_only_the_excerpt() -> None:
    line = staff_log_line([Label.INSULT, Label.PROFANITY], chat_title="5А — родители", author="[id5|Имя]",
                          excerpt="п****ц", done=["удалено"])
    assert "нецензурная лексика (п. 4.5)" in line and "оскорбление" in line and "«п****ц»" in line


@pytest.mark.parametrize(("n", "text"), [(1, "1 предупреждение"), (3, "3 предупреждения"), (5, "5 предупреждений"),
                                         (11, "11 предупреждений"), (21, "21 предупреждение"), (112, "112 предупреждений")])
def test_warnings_phrase(n: int, text: str) -> None:
    assert warnings_phrase(n) == text


def test_dm_beyond_the_threshold_reads_naturally() -> None:
    text = author_dm_text([Label.PROFANITY], chat_title="5А", deleted=True, warnings=4, threshold=3)
    assert "4-е предупреждение" in text and "4 из 3" not in text
