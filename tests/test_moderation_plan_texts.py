"""The threshold alerts of a moderation plan name people in the genitive and follow their gender."""

import pytest

from bot.moderation.actions import AuthorGroup, Policy
from bot.moderation.plan import Standing, plan_moderation
from bot.moderation.verdict import Label
from bot.port.gateway import Gender


def _plan(gender: Gender, gent: str):  # type: ignore[no-untyped-def]
    return plan_moderation([Label.INSULT], policy=Policy(acts={}), standing=Standing(
        group=AuthorGroup.STUDENT, active_warnings=2, protected=False, bot_can_delete=True),
        chat_title="чат учеников 5А", author_label="Петя Иванов (vk.com/id1004)", author_ref="id1004",
        excerpt="д***к", author_gent=gent, author_gender=gender)


@pytest.mark.parametrize(("gender", "gent", "teacher"), [
    (Gender.MALE, "Пети Иванова (vk.com/id1004)", "У вашего ученика Пети Иванова (vk.com/id1004) 3 предупреждения"),
    (Gender.FEMALE, "Маши Ивановой (vk.com/id1004)", "У вашей ученицы Маши Ивановой (vk.com/id1004) 3 предупреждения"),
    (Gender.UNKNOWN, "участника Ли Вэй (vk.com/id1004)", "У участника Ли Вэй (vk.com/id1004) из вашего класса 3"),
])
def test_alerts_decline_the_name_and_follow_the_gender(gender: Gender, gent: str, teacher: str) -> None:
    plan = _plan(gender, gent)
    assert plan.escalation_text is not None and plan.escalation_text.startswith(f"⚠️ У {gent} 3 предупреждения")
    assert plan.class_teacher_text is not None and teacher in plan.class_teacher_text
    assert "с ним" not in plan.class_teacher_text and "поговорите с ребёнком" in plan.class_teacher_text
