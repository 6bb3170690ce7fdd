"""Fixed texts of the regulation for users: rules (4.5, 4.6), rights (4.1–4.4), support (4.2).

Short enough to read on a phone without scrolling much; clause numbers are named so anyone can
check the wording in the regulation itself.
"""

from __future__ import annotations

SFERUM_SUPPORT_EMAIL = "info@sferum.ru"  # the only support address the regulation gives (4.2)


def rules_text() -> str:
    """Duties (4.5) and prohibitions (4.6) in plain words."""
    return (
        "Правила общения в учебном профиле (Положение, п. 4.5 и 4.6)\n"
        "\n"
        "Нужно (п. 4.5):\n"
        "• писать вежливо, без нецензурных слов и оскорблений;\n"
        "• указывать о себе только правдивые данные;\n"
        "• если в ваш аккаунт кто-то вошёл без вас — сразу сообщить администратору "
        "(команда /взлом).\n"
        "\n"
        "Нельзя (п. 4.6):\n"
        "• собирать и публиковать чужие персональные данные (телефоны, адреса, фото документов);\n"
        "• размещать то, что нарушает права других людей или закон;\n"
        "• давать кому-либо доступ к своему аккаунту и сообщать коды из СМС."
    )


def rights_text() -> str:
    """What every participant may rely on (4.1–4.4)."""
    return (
        "Ваши права (Положение, п. 4.1–4.4)\n"
        "\n"
        "• п. 4.1: учебный профиль бесплатный и доступен круглосуточно;\n"
        f"• п. 4.2: техническая поддержка — {SFERUM_SUPPORT_EMAIL};\n"
        "• п. 4.3: инструкции и материалы — на сайте платформы;\n"
        "• п. 4.4: учителя могут посещать семинары и вебинары о работе с платформой."
    )


def support_text(admin_contact: str | None, school_name: str) -> str:
    """Where to ask for help: the platform's support (4.2) and the school's administrator."""
    contact = (admin_contact or "").strip()
    school_help = (
        f"Администратор платформы в {school_name}: {contact}."
        if contact
        else f"По вопросам школы напишите классному руководителю или в {school_name}."
    )
    return (
        "Куда обратиться за помощью\n"
        "\n"
        f"• Техническая поддержка «Сферума» (п. 4.2 Положения): {SFERUM_SUPPORT_EMAIL}\n"
        f"• {school_help}"
    )
