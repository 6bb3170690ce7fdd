"""Configuration: a TOML file, every value overridable from SCHOOLBOT_* environment variables.

Secrets are SecretStr so that they never reach a log or a repr. The token may also
come from a file outside the repository (`vk.token_file`).
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config_errors import merge_union_branches, ru_message, toml_error
from bot.errors import ConfigError
from bot.port.ids import PersonId
from bot.roles import Role

REAL_VK_API_URL = "https://api.vk.ru/method/"
REAL_MAX_API_URL = "https://platform-api2.max.ru"
Mode = Literal["longpoll", "webhook"]
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{5,256}$")  # MAX's rule for a subscription secret


def _local_path(value: str) -> str:
    if not value.startswith("/") or any(c.isspace() for c in value):
        raise ValueError("must be a path starting with / (e.g. /vk/callback)")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VkConfig(_Section):
    token: SecretStr = SecretStr("")
    token_file: Path | None = None  # a file outside the repo holding the token
    group_id: int = Field(default=0, ge=0)  # 0 = ask VK (groups.getById) on start
    api_url: str = REAL_VK_API_URL
    api_version: str = "5.199"
    rate_limit: int = Field(default=20, ge=1, le=20)  # VK allows 20 requests/s per community token
    longpoll_wait: int = Field(default=25, ge=1, le=90)
    retry_attempts: int = Field(default=5, ge=1, le=20)
    retry_base_delay: float = Field(default=0.5, gt=0, le=30)
    mode: Mode = "longpoll"
    # Callback API (mode = "webhook"): VK POSTs events to server.host:server.port + callback_path.
    callback_path: str = "/vk/callback"
    callback_secret: SecretStr = SecretStr("")  # «Секретный ключ» in the community's Callback API settings
    callback_confirmation: str = ""  # the string VK asks to return; empty = ask VK for it at start

    _callback_path = field_validator("callback_path")(_local_path)

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> VkConfig:
        if self.mode == "webhook" and len(self.callback_secret.get_secret_value()) < 8:
            raise ValueError("mode = \"webhook\" needs callback_secret (at least 8 characters), the same as in "
                             "the community's Callback API settings")
        return self

    @field_validator("api_url")
    @classmethod
    def _url_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("адрес должен начинаться с http:// или https://")
        return value if value.endswith("/") else value + "/"

    def resolved_token(self) -> SecretStr:
        return _read_token(self.token, self.token_file, "vk")


def _read_token(token: SecretStr, token_file: Path | None, key: str) -> SecretStr:
    """The token from `token`, else from `token_file`; empty when neither is set."""
    if token.get_secret_value():
        return token
    if token_file is not None:
        try:
            return SecretStr(token_file.read_text(encoding="utf-8").strip())
        except OSError as error:
            raise ConfigError([f"{key}.token_file: не удалось прочитать файл ({error.strerror})"]) from error
    return SecretStr("")


class MaxConfig(_Section):
    token: SecretStr = SecretStr("")
    token_file: Path | None = None  # a file outside the repo holding the token
    api_url: str = REAL_MAX_API_URL
    ca_bundle: Path | None = None  # extra trusted root certificates (the Минцифры CA), PEM
    rate_limit: int = Field(default=30, ge=1, le=30)  # MAX allows 30 requests/s (429 beyond)
    longpoll_timeout: int = Field(default=30, ge=1, le=90)
    poll_interval: float = Field(default=0.5, ge=0.0, le=10)  # MAX allows 2 long polls a second
    retry_attempts: int = Field(default=5, ge=1, le=20)
    retry_base_delay: float = Field(default=0.5, gt=0, le=30)
    mode: Mode = "longpoll"  # MAX calls long polling a development mode: production uses "webhook"
    # mode = "webhook": MAX POSTs updates to webhook_url (public HTTPS on port 443, through a reverse proxy),
    # which must lead to server.host:server.port + webhook_path.
    webhook_url: str = ""
    webhook_path: str = "/max/webhook"
    webhook_secret: SecretStr = SecretStr("")  # empty = a new random one at every start

    _webhook_path = field_validator("webhook_path")(_local_path)

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value() and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("5–256 characters: Latin letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_url(self) -> MaxConfig:
        if self.mode == "webhook" and not self.webhook_url.startswith(("https://", "http://")):
            raise ValueError("mode = \"webhook\" needs webhook_url: the public https:// address MAX will call")
        if self.mode == "webhook" and self.api_url == REAL_MAX_API_URL and not self.webhook_url.startswith("https://"):
            raise ValueError("MAX delivers webhooks only over https:// (port 443, a trusted certificate)")
        return self

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("адрес должен начинаться с http:// или https://")
        return value.rstrip("/")

    def resolved_token(self) -> SecretStr:
        return _read_token(self.token, self.token_file, "max")


_ADMIN_ID = re.compile(r"^(?:(vk|max):)?([1-9]\d{0,18})$")


class SchoolConfig(_Section):
    name: str = "МБОУ «СШ № 56»"
    # Administrators named in the director's order (3.1): "vk:123", "max:456"; a bare number is a VK id.
    admins: list[int | str] = Field(default_factory=list)
    admin_contact: str = ""  # shown by /support: how to reach the school's administrator
    timezone: str = "Europe/Moscow"

    @field_validator("admins")
    @classmethod
    def _account_ids(cls, value: list[int | str]) -> list[int | str]:
        bad = [v for v in value if _ADMIN_ID.match(str(v).strip().lower()) is None]
        if bad:
            raise ValueError(f"id пишутся так: \"vk:123\" или \"max:456\" (просто число — id ВКонтакте); "
                             f"неверно: {', '.join(map(str, bad))}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("неизвестный часовой пояс; пишется так: \"Europe/Moscow\", \"Asia/Yekaterinburg\"") from None
        return value

    def admin_ids(self) -> tuple[PersonId, ...]:
        """The administrators as platform-qualified ids."""
        found = []
        for value in self.admins:
            match = _ADMIN_ID.match(str(value).strip().lower())
            assert match is not None  # validated above
            found.append(PersonId(f"{match[1] or 'vk'}:{match[2]}"))
        return tuple(found)


class StorageConfig(_Section):
    path: Path = Path("schoolbot.sqlite3")


_DAILY_AT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class BackupConfig(_Section):
    dir: Path = Path("backups")  # a relative path is beside the database
    daily_at: str = "03:30"  # local time (school.timezone) of the daily copy, HH:MM; "" = none
    keep: int = Field(default=7, ge=1, le=366)  # daily copies kept; older ones are deleted

    @field_validator("daily_at")
    @classmethod
    def _hh_mm(cls, value: str) -> str:
        value = value.strip()
        if value and _DAILY_AT.match(value) is None:
            raise ValueError('write the time as "HH:MM", e.g. "03:30", or "" for no daily copy')
        return value

    def daily_time(self) -> time | None:
        match = _DAILY_AT.match(self.daily_at)
        return time(int(match[1]), int(match[2])) if match else None

    def directory(self, database: Path) -> Path:
        return self.dir if self.dir.is_absolute() else database.parent / self.dir


class InvitesConfig(_Section):
    ttl_days: float = Field(default=7, gt=0, le=90)
    single_use_roles: list[Role] = Field(
        default_factory=lambda: [Role.TEACHER, Role.ADMINISTRATION, Role.CLASS_TEACHER]
    )
    needs_approval: bool = True
    remove_strangers: bool = False  # remove people who enter a bound chat without a membership


class RegistryConfig(_Section):
    path: Path | None = None  # None = the built-in list of the 13 services


LabelName = Literal["profanity", "insult", "personal_data", "account_sharing"]
AuthorGroupName = Literal["student", "parent", "staff", "unknown"]
ActName = Literal["delete", "notice", "dm", "warn"]
ModerationActs = dict[LabelName, dict[AuthorGroupName, list[ActName]]]
_EVERY_ACT: list[ActName] = ["delete", "notice", "dm", "warn"]


def _default_moderation_acts() -> ModerationActs:
    # The regulation binds every participant alike (4.5, 4.6): same default for all.
    groups: tuple[AuthorGroupName, ...] = ("student", "parent", "staff", "unknown")
    labels: tuple[LabelName, ...] = ("profanity", "insult", "personal_data", "account_sharing")
    return {label: {group: list(_EVERY_ACT) for group in groups} for label in labels}


class ModerationConfig(_Section):
    enabled: bool = True
    warning_ttl_days: float = Field(default=30, gt=0, le=365)
    warn_threshold: int = Field(default=3, ge=1, le=100)
    remove_adults_at_threshold: bool = False  # parents/strangers only; children and staff are never removed
    blocked_words: list[str] = Field(default_factory=list)  # the school's own words to flag
    allowed_words: list[str] = Field(default_factory=list)  # the school's own words never to flag
    # label -> author group (student, parent, staff, unknown) -> acts (delete, notice, dm, warn)
    actions: ModerationActs = Field(default_factory=_default_moderation_acts)


class ReportsConfig(_Section):
    max_per_hour: int = Field(default=3, ge=1, le=100)  # /жалоба and /взлом per person, so the staff chat is not flooded


class ServerConfig(_Section):
    """The bot's own HTTP server: webhooks (VK Callback API, MAX) and GET /health.

    It runs when a platform's mode is "webhook" or `enabled` is set (for /health alone). Keep it on
    127.0.0.1 behind a reverse proxy that holds the certificate (see README).
    """

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)


class ConsentConfig(_Section):
    path: Path | None = None  # the school's own consent text (UTF-8); None = the bundled template
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class DirectorConfig(_Section):
    digest_enabled: bool = True
    digest_weekday: int = Field(default=1, ge=1, le=7)  # 1 = Monday … 7 = Sunday, in the school's time zone
    digest_time: str = "08:00"  # HH:MM, the school's time zone
    # Where the digest goes: people's ids ("vk:123", "max:456") for DMs; empty = the administration chat(s),
    # and without one the order's administrators.
    digest_to: list[str] = Field(default_factory=list)
    late_grace_minutes: int = Field(default=60, ge=0, le=24 * 60)  # a scheduled announcement later than this is missed

    @field_validator("digest_time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if _CLOCK.match(value.strip()) is None:
            raise ValueError("write the time as HH:MM, e.g. \"08:00\"")
        return value.strip()

    @field_validator("digest_to")
    @classmethod
    def _people(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if _ADMIN_ID.match(str(v).strip().lower()) is None or ":" not in str(v)]
        if bad:
            raise ValueError(f"ids are written \"vk:123\" or \"max:456\", got {bad}")
        return [str(v).strip().lower() for v in value]

    def digest_clock(self) -> tuple[int, int]:
        match = _CLOCK.match(self.digest_time)
        assert match is not None  # validated above
        return int(match[1]), int(match[2])

    def digest_people(self) -> tuple[PersonId, ...]:
        return tuple(PersonId(v) for v in self.digest_to)


class LoggingConfig(_Section):
    level: str = "INFO"
    format: Literal["text", "json"] = "text"  # json: one JSON object a line, for a log collector


class Settings(BaseSettings):
    """The whole configuration. Environment (SCHOOLBOT_VK__TOKEN, …) wins over the file."""

    model_config = SettingsConfigDict(
        env_prefix="SCHOOLBOT_", env_nested_delimiter="__", extra="forbid", nested_model_default_partial_update=True
    )

    vk: VkConfig = Field(default_factory=VkConfig)
    max: MaxConfig = Field(default_factory=MaxConfig)
    school: SchoolConfig = Field(default_factory=SchoolConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    backup: BackupConfig = Field(default_factory=BackupConfig)
    invites: InvitesConfig = Field(default_factory=InvitesConfig)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    moderation: ModerationConfig = Field(default_factory=ModerationConfig)
    consent: ConsentConfig = Field(default_factory=ConsentConfig)
    director: DirectorConfig = Field(default_factory=DirectorConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)

    @property
    def serves_http(self) -> bool:
        return self.server.enabled or "webhook" in (self.vk.mode, self.max.mode)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init kwargs; the environment must override it.
        return (env_settings, init_settings)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError as error:
        raise ConfigError([f"{path}: файл не найден"]) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{path}: {toml_error(str(error))}"]) from error


def load_settings(path: Path | None) -> Settings:
    """Load the file (if any) plus the environment; ConfigError lists every problem."""
    data = read_toml(path) if path is not None else {}
    try:
        return Settings(**data)
    except ValidationError as error:
        text = path.read_text(encoding="utf-8") if path is not None else ""
        raise ConfigError(describe_validation_error(error, path, text)) from None


def describe_validation_error(error: ValidationError, path: Path | None, text: str = "") -> list[str]:
    """Every problem on its own line, in Russian, with the file's line number (never a token's value)."""
    lines = []
    for item in merge_union_branches([dict(e) for e in error.errors()]):
        key = ".".join(str(part) for part in item["loc"])
        line = line_of_key(text, [str(part) for part in item["loc"]])
        where = f"{path}:{line}: " if path is not None and line else (f"{path}: " if path is not None else "")
        given = item.get("input")
        # A whole section (a model-level check) may hold the token: only single values are shown.
        hidden = "token" in key or "secret" in key or isinstance(given, dict | list)
        shown = "" if hidden or item["type"] in ("missing", "extra_forbidden") else f" (сейчас: {given!r})"
        lines.append(f"{where}{key}: {ru_message(item)}{shown}")
    return lines


_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def line_of_key(text: str, loc: list[str]) -> int | None:
    """The 1-based line of the TOML file that sets the key at `loc` (or its nearest parent)."""
    table: list[str] = []
    found: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            table = [part.strip() for part in match[1].split(".")]
            found.setdefault(tuple(table), number)
        elif match := _KEY.match(line):
            found.setdefault((*table, match[1]), number)
    for size in range(len(loc), 0, -1):
        if tuple(loc[:size]) in found:
            return found[tuple(loc[:size])]
    return None
