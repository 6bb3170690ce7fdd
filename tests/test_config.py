import argparse
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("SCHOOLBOT_"):
            monkeypatch.delenv(key)


def test_example_config_is_valid() -> None:
    settings = load_settings(Path(__file__).parent.parent / "config.example.toml")
    assert settings.vk.api_url == "https://api.vk.ru/method/"
    assert settings.vk.rate_limit == 20
    assert settings.school.name == "МБОУ «СШ № 56»"


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[vk]\ngroup_id = 5\ntoken = "from-file"\n[school]\nadmins = [1]\n')
    monkeypatch.setenv("SCHOOLBOT_VK__TOKEN", "from-env")
    monkeypatch.setenv("SCHOOLBOT_SCHOOL__ADMINS", "[7, 8]")
    settings = load_settings(path)
    assert settings.vk.token.get_secret_value() == "from-env"
    assert settings.vk.group_id == 5  # the rest of the section survives a partial override
    assert settings.school.admins == [7, 8]


def test_token_never_in_repr(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[vk]\ntoken = "vk1.a.supersecret"\n'))
    assert "supersecret" not in repr(settings)
    assert "supersecret" not in str(settings.model_dump())


def test_token_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("vk1.a.fromfile\n")
    settings = load_settings(write(tmp_path, f'[vk]\ntoken_file = "{secret}"\n'))
    assert settings.vk.resolved_token().get_secret_value() == "vk1.a.fromfile"


def test_missing_token_file_is_a_config_error(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, f'[vk]\ntoken_file = "{tmp_path / "nope"}"\n'))
    with pytest.raises(ConfigError) as error:
        settings.vk.resolved_token()
    assert "vk.token_file" in error.value.lines[0]


def test_every_problem_reported_line_by_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[vk]\ngroup_id = -1\napi_url = "ftp://x"\ncolour = 1\n[school]\nadmins = [-3]\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    text = "\n".join(error.value.lines)
    assert len(error.value.lines) == 4
    assert "vk.group_id" in text and "vk.api_url" in text and "vk.colour" in text and "school.admins" in text


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, "[vk]\ntoken = \n"))
    assert "строка 2, столбец 9: ошибка синтаксиса TOML" in error.value.lines[0]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(tmp_path / "absent.toml")
    assert "не найден" in error.value.lines[0]


def test_api_url_gets_trailing_slash(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[vk]\napi_url = "http://127.0.0.1:8080/method"\n'))
    assert settings.vk.api_url == "http://127.0.0.1:8080/method/"


def test_rate_limit_cannot_exceed_vk_limit(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(write(tmp_path, "[vk]\nrate_limit = 50\n"))


def test_errors_name_the_file_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[vk]\ngroup_id = 1\n\n[school]\nname = "x"\nadmins = ["x"]\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert error.value.lines[0].startswith(f"{path}:6: school.admins")


def test_moderation_actions_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, '[moderation.actions.profanity]\nstaff = ["dm", "shout"]\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    assert ":2: moderation.actions.profanity.staff" in error.value.lines[0]


_ENGLISH = ("Input should", "Value error", "unable to", "unknown key", "configuration", "Field required")


def test_errors_are_in_russian(tmp_path: Path) -> None:
    path = write(tmp_path, '[vk]\nrate_limit = 50\nlongpoll_wait = "много"\napi_url = "ftp://x"\nunknown = 1\n'
                           '[school]\nadmins = ["tg:5", 1.5]\ntimezone = "Mars/Olympus"\n'
                           '[moderation]\nwarn_threshold = 0\nenabled = "maybe"\n'
                           '[moderation.actions.profanity]\nstudent = ["delete", "shout"]\n'
                           '[invites]\nttl_days = -1\n')
    with pytest.raises(ConfigError) as error:
        load_settings(path)
    text = "\n".join(error.value.lines)
    for part in ("vk.rate_limit: должно быть не больше 20 (сейчас: 50)", "vk.longpoll_wait: нужно целое число",
                 "vk.api_url: адрес должен начинаться с http:// или https://", "vk.unknown: неизвестный ключ",
                 "school.admins.1: нужно: целое число или строка в кавычках", "неизвестный часовой пояс",
                 "moderation.warn_threshold: должно быть не меньше 1", "moderation.enabled: нужно true или false",
                 "допустимые значения: 'delete', 'notice', 'dm' или 'warn'", "invites.ttl_days: должно быть больше 0"):
        assert part in text, part
    for english in _ENGLISH:
        assert english not in text, english


def test_admin_ids_are_explained_in_russian(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, '[school]\nadmins = ["tg:5"]\n'))
    assert 'id пишутся так: "vk:123" или "max:456"' in error.value.lines[0] and "tg:5" in error.value.lines[0]


def test_token_values_are_never_shown_in_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, "[vk]\ntoken = 12345\n"))
    assert "12345" not in "\n".join(error.value.lines)


def test_cli_help_and_errors_are_in_russian(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import build_parser, main

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    shown = capsys.readouterr().out
    assert "Использование: schoolbot" in shown and "команды:" in shown and "показать эту справку" in shown
    assert "usage" not in shown and "show this help" not in shown and "positional arguments" not in shown
    with pytest.raises(SystemExit):
        main(["sandbox", "--platform", "tg"])
    error = capsys.readouterr().err
    assert "ошибка: --platform: неизвестное значение 'tg'" in error and "invalid choice" not in error
    with pytest.raises(SystemExit):
        main([])
    assert "не хватает аргументов" in capsys.readouterr().err


def test_every_subcommands_help_is_in_russian(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import build_parser

    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    paths = [[name] for name in commands.choices] + [["roster", "import"]]
    for path in paths:
        with pytest.raises(SystemExit):
            build_parser().parse_args([*path, "--help"])
        shown = capsys.readouterr().out
        assert shown.startswith("Использование: schoolbot " + " ".join(path)), path
        for english in ("usage:", "positional arguments", "options:", "show this help"):
            assert english not in shown, (path, english)


def test_check_config_says_it_in_russian(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    assert main(["check-config", str(write(tmp_path, "[vk]\nrate_limit = 50\n"))]) == 2
    assert "Ошибки в конфигурации:" in capsys.readouterr().err
    assert main(["check-config", str(write(tmp_path, '[school]\nname = "Школа"\n'))]) == 0
    out = capsys.readouterr().out
    assert "Конфигурация в порядке." in out and "configuration" not in out
