"""One error tree. Each error carries the polite Russian text the user is shown.

Handlers catch `BotError` in one place (handlers/common.py) and reply with `.text`.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error a user may be told about."""

    text: str = "Не получилось выполнить команду. Попробуйте ещё раз или напишите администратору."

    def __init__(self, detail: str = "", *, text: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if text is not None:
            self.text = text


class PermissionDenied(BotError):
    text = "Извините, эта команда доступна только администраторам, назначенным приказом директора (п. 3.1 Положения)."


class BadCommand(BotError):
    """A malformed command; `text` says the correct form."""

    text = "Не понял команду. Напишите /помощь, чтобы увидеть список команд."


class NotFound(BotError):
    text = "Не нашёл такого пользователя или запись."


class WrongPlace(BotError):
    text = "Эту команду нужно писать в другом чате."


class InviteError(BotError):
    text = "Эта ссылка-приглашение не работает. Попросите новую у классного руководителя или администратора."


class InviteExpired(InviteError):
    text = "Срок действия этой ссылки-приглашения истёк. Попросите новую у классного руководителя или администратора."


class InviteRevoked(InviteError):
    text = "Эта ссылка-приглашение аннулирована. Попросите новую у классного руководителя или администратора."


class InviteUsedUp(InviteError):
    text = "По этой ссылке-приглашению уже присоединились. Попросите новую у классного руководителя или администратора."


class InviteUnknown(InviteError):
    text = "Такой код приглашения не найден. Проверьте код или попросите новую ссылку у классного руководителя."


class TooManyAttempts(BotError):
    text = "Слишком много попыток. Подождите немного и попробуйте снова."


class InvalidTransition(BotError):
    """A state machine was asked for a transition that is not in its table."""

    text = "Это действие уже невозможно: заявка или ссылка в другом состоянии."


class ConfigError(Exception):
    """The config file or environment is invalid; `lines` says what, one problem a line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
