"""Account sharing: posted codes and passwords, offering an account, asking for secrets.

Shared access that is meant for the whole group (a conference ID and passcode,
a class code of an online platform, a test number, promo codes) is not a secret
of one person and is left alone, and so are warnings («никому не сообщайте коды»).
"""

from __future__ import annotations

import re
from itertools import islice

from bot.moderation.personal_data import MAX_MATCHES, Finding
from bot.moderation.sentences import sentence_at

_DIGIT_RE = re.compile(r"\d")
# Every pattern below needs one of these stems; most messages have none and skip them all.
_ACCESS_HINT_RE = re.compile(
    r"код|цифр|смс|sms|пин|pin|code|парол|pass|пасс|pwd|акк|уч[её]т|логин|вход|зайт|войт|зайд|заход|войд|пуст|пущ|профил"
)
# «код 640281», «цифры из сообщения: 5 0 9 3 8», «Код для входа: 73-19-52».
_CODE_RE = re.compile(
    r"(?<![а-я])(?:код\w*|цифр\w*|смс|sms|пин|pin|code)(?![а-я])[^\d.!?\n]{0,30}?(?<![\d\w])(\d(?:[ \-]?\d){3,7})(?![\d\w]|[.,:]\d)"
)
# A pasted message with the code first: «482913 — ваш код для входа в ВК».
_CODE_BEFORE_RE = re.compile(
    r"(?<![\d\w])(\d(?:[ \-]?\d){3,7})(?![\d\w]|[.,:]\d)\s*(?:[—–\-:]|это|is)?\s*(?:ваш|твой|your)?\s*(?:код|code|пароль)(?![а-я])"
)
_PASSWORD_RE = re.compile(r"(?<![а-я])(?:парол\w*|password|passwd|pass|пасс|pwd)(?![а-я])")
# A lesson or a warning about passwords shows examples, not anyone's secret.
_PASSWORD_LESSON_RE = re.compile(
    r"пример|вроде|вида(?![а-я])|надежн|сложн|простые|простой|слаб|плох|хорош|придума|не используйте|не ставьте|памятк|"
    r"должен|должны|взлома|символ"
)
# A token that looks like a secret: has a digit or a Latin letter.
_SECRET_TOKEN_RE = re.compile(r"[^\s,;«»\"'()]{4,}")
_UNIT_AFTER = re.compile(r"\s*(?:символ|знак|цифр|букв|раз|минут|час|дн|недел|мес|лет|год|попыт|%)")
# Access meant for the whole group, or numbers that are not secrets.
_SHARED_ACCESS = re.compile(
    r"(?<![а-я])(?:конференц|идентификатор|вебинар|(?<![а-я])id(?![a-z])|урок|курс|класс(?:а|у|ом)?(?![а-я])|тест|промо|скидк|купон|"
    r"регион|подразделени|ошибк|домофон|qr|штрих|товар|заказ|индекс|предмет|олимпиад|кпп|бик|wi-?fi|вай-?фа|"
    r"kahoot|кахут|quizizz|квизиз|игр[аыуеоя](?![а-я])|комнат|для всех|всем классом)"
)
_ACCOUNT_NOUN = r"(?:аккаунт\w*|акк(?![а-я])|акка\w*|акке|акком|уч[её]тк\w*|уч[её]тн\w* запис\w*|логин\w*|вход(?![а-я])|зайти|войти|профил[ья]\w*)"
# Giving, lending, selling, buying or swapping an account, in either order.
_OFFER_VERB = (
    r"(?:дам|даю|отдам|отдаю|одолжу|одолжи|одолжите|продам|продаю|продаем|куплю|покупаю|сдам|сдаю|меняю|обменяю|могу дать|"
    r"дать|даст|дадите|дашь|дай|дайте|поделюсь|поделись|поделитесь|пущу|пусти|пустить|могу пустить|скину|уступлю)"
)
_OFFER_RE = re.compile(rf"(?<![а-я]){_OFFER_VERB}(?![а-я])[^.!?\n]{{0,40}}?(?<![а-я]){_ACCOUNT_NOUN}")
_OFFER_AFTER_RE = re.compile(
    r"(?<![а-я])(?:аккаунт\w*|акк(?![а-я])|акка\w*|уч[её]тк\w*)[^.!?\n]{0,40}?(?<![а-я])"
    r"(?:могу пустить|пущу|дам|отдам|продам|продаю|поделюсь|могу дать|скину|сдам|сдаю|в аренду|на прокат|напрокат)(?![а-я])"
)
_ENTER_MINE_RE = re.compile(
    r"(?<![а-я])(?:зайди|зайдите|заходи|заходите|войди|войдите|входи)(?:те)?\s+(?:(?:с|со|под|через)\s+(?:мо(?:его|ей|им|й|ю)|сво(?:й|ю|ем|им|его|ей))|"
    r"в\s+(?:мо|сво)\w*\s+(?:аккаунт|акк|учетк|профил|дневник|госуслуг|почт|вк|контакт|телеграм|страниц))"
    r"|(?<![а-я])(?:пусти|пустите)\s+(?:меня\s+)?в\s+сво"
)
_ASK_VERB_RE = re.compile(
    r"(?<![а-я])(?:скинь|скиньте|пришли|пришлите|перешли|перешлите|продиктуй|продиктуйте|скажи|скажите|назови|назовите|"
    r"напиши|напишите|дай|дайте|кинь|киньте|отправь|отправьте|сообщи|сообщите|присылайте|пересылайте|диктуй|"
    r"подскажи|подскажите|одолжи|одолжите|скин)(?![а-я])"
)
_SECRET_NOUN_RE = re.compile(r"(?<![а-я])(?:код|коды|кода|кодом|парол\w*|цифр\w*|смс|sms)(?![а-я])")
_WHAT_PASSWORD_RE = re.compile(r"какой\s+[^.?!\n]{0,25}?(?:пароль|код)(?![а-я])[^.?!\n]{0,25}")
_YOURS_RE = re.compile(r"(?<![а-я])(?:у [а-я]{3,}|тво\w*|ваш\w*|сво\w*)(?![а-я])")
# «подскажите, как поменять пароль» asks how, not for the password.
_HOW_RE = re.compile(r"(?<![а-я])(?:как|где|почему|зачем|куда|что делать|можно ли)(?![а-я])")
_WARNING_RE = re.compile(r"(?<![а-я])(?:никому|никогда|не)\s+(?:\w+\s+)?$")


def find_account_sharing(text: str) -> list[Finding]:
    """Account-sharing findings in a normalised message."""
    found: list[Finding] = []
    if not _ACCESS_HINT_RE.search(text):
        return found
    if _DIGIT_RE.search(text):
        found += _codes(text)
    found += _passwords(text)
    found += _offers(text)
    found += _asks(text)
    return found


def _shared(text: str, start: int, end: int) -> bool:
    """Group-access words next to the keyword («ID конференции …, код доступа», «пароль конференции»)."""
    sentence = sentence_at(text, start)
    return bool(_SHARED_ACCESS.search(text, max(sentence.start, start - 45), min(sentence.end, end + 25)))


def _codes(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in [*islice(_CODE_RE.finditer(text), MAX_MATCHES), *islice(_CODE_BEFORE_RE.finditer(text), MAX_MATCHES)]:
        start, end = m.span(1)
        if _shared(text, m.start(), m.start() + 4) or _UNIT_AFTER.match(text, end):
            continue
        out.append(Finding(start, end, "posted one-time/login code"))
    return out


def _passwords(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_PASSWORD_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        if _shared(text, m.start(), m.end()) or _PASSWORD_LESSON_RE.search(sentence.text):
            continue
        secret = _secret_after(text, m.end(), sentence.end)
        if secret:
            out.append(Finding(secret[0], secret[1], "posted password"))
    return out


def _secret_after(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """Span of the first secret-looking token among the next few words."""
    for count, m in enumerate(_SECRET_TOKEN_RE.finditer(text, pos, limit)):
        if count >= 9:
            break
        token = m.group().rstrip(".!?:")
        has_digit = any(ch.isdigit() for ch in token)
        has_latin = any("a" <= ch <= "z" for ch in token)
        if not (has_digit or has_latin) or "://" in token or "@" in token:
            continue
        digits = sum(ch.isdigit() for ch in token)
        if token.isdigit() and (digits < 4 or _UNIT_AFTER.match(text, m.end())):
            continue
        if has_latin and not has_digit and count > 1 and text[pos : m.start()].strip(" :—-") != "":
            continue  # a Latin word far from «пароль» is more likely a service name
        return m.start(), m.start() + len(token)
    return None


def _offers(text: str) -> list[Finding]:
    out: list[Finding] = []
    for pattern in (_OFFER_RE, _OFFER_AFTER_RE, _ENTER_MINE_RE):
        for m in islice(pattern.finditer(text), MAX_MATCHES):
            if _WARNING_RE.search(text[sentence_at(text, m.start()).start : m.start()]):
                continue
            out.append(Finding(m.start(), m.end(), "offering or asking for access to an account"))
    return out


def _asks(text: str) -> list[Finding]:
    out: list[Finding] = []
    for m in islice(_ASK_VERB_RE.finditer(text), MAX_MATCHES):
        sentence = sentence_at(text, m.start())
        noun = _SECRET_NOUN_RE.search(text, sentence.start, sentence.end)
        # Only access words right after the noun make it shared («код класса», «пароль конференции»).
        if not noun or _SHARED_ACCESS.search(text, noun.end(), min(sentence.end, noun.end() + 25)):
            continue
        head = text[sentence.start : m.start()]
        if _WARNING_RE.search(head) or "никому" in sentence.text:
            continue
        if _HOW_RE.search(text, min(m.end(), noun.start()), max(m.start(), noun.start())):
            continue
        start, end = min(m.start(), noun.start()), max(m.end(), noun.end())
        out.append(Finding(start, end, "asking for someone's code or password"))
    for m in islice(_WHAT_PASSWORD_RE.finditer(text), MAX_MATCHES):
        if _YOURS_RE.search(m.group()) and not _SHARED_ACCESS.search(m.group()):
            out.append(Finding(m.start(), m.end(), "asking for someone's password"))
    return out
