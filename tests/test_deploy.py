"""deploy/: the Dockerfile, the compose file, the Caddyfile and the systemd unit agree with the code
(commands that exist, stop timeouts that fit the bot's finish and flush, exit codes not worth a
restart) and keep secrets out. Where the machine has the tools (hadolint, Compose v2, caddy,
systemd-analyze) they check the files too; the image itself is built elsewhere (no Docker engine here)."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import STOP_FINISH_SECONDS, STOP_FLUSH_SECONDS
from bot.cli import EXIT_ACCESS, EXIT_BAD_TOKEN, EXIT_CONFIG, EXIT_IN_USE, build_parser

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
MARGIN = 5  # closing the adapters and the database after the flush


def final_stage() -> str:
    text = re.sub(r"\\\n\s*", " ", (DEPLOY / "Dockerfile").read_text(encoding="utf-8"))
    return text.split("\nFROM ")[-1]


def subcommands() -> set[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)  # type: ignore[arg-type]


def test_the_image_runs_a_known_command_as_an_unprivileged_user_with_data_on_a_volume() -> None:
    stage = final_stage()
    assert stage.startswith("${PYTHON_IMAGE}") and "ARG PYTHON_IMAGE=python:3.11-slim" in (
        DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    user = re.search(r"^USER (\S+)$", stage, re.M)
    assert user is not None and user[1].split(":")[0] not in ("root", "0")
    assert f"--uid {user[1].split(':')[0]}" in stage
    assert 'VOLUME ["/data"]' in stage and "SCHOOLBOT_STORAGE__PATH=/data/" in stage
    assert "SCHOOLBOT_BACKUP__DIR=/data/" in stage
    entry = re.search(r'^ENTRYPOINT \["schoolbot"\]$', stage, re.M)
    cmd = re.search(r'^CMD \["(\w+)"\]$', stage, re.M)
    health = re.search(r'^HEALTHCHECK .* CMD \["schoolbot", "(\w+)"\]$', stage, re.M)
    assert entry and cmd and health
    assert {cmd[1], health[1]} <= subcommands() and (cmd[1], health[1]) == ("run", "status")
    assert re.search(r"^STOPSIGNAL SIGTERM$", stage, re.M)


def test_no_secret_is_baked_into_any_deployment_file() -> None:
    for path in sorted(p for p in DEPLOY.iterdir() if p.is_file() and p.suffix != ".md"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if re.search(r"TOKEN\w*\s*[=:]\s*\S", line) and not line.lstrip().startswith("#"):
                raise AssertionError(f"{path.name}: {line}")
    example = (DEPLOY / "schoolbot.env.example").read_text(encoding="utf-8")
    assert "SCHOOLBOT_VK__TOKEN=\n" in example and "SCHOOLBOT_MAX__TOKEN=\n" in example


def test_compose_gives_the_bot_time_to_finish_and_keeps_tokens_in_a_file_outside() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    grace = re.search(r"stop_grace_period: (\d+)s", text)
    assert grace is not None and int(grace[1]) >= STOP_FINISH_SECONDS + STOP_FLUSH_SECONDS + MARGIN
    assert "stop_signal: SIGTERM" in text and "dockerfile: deploy/Dockerfile" in text
    assert "env_file:" in text and "${SCHOOLBOT_ENV_FILE:-/etc/schoolbot/schoolbot.env}" in text
    assert "schoolbot-data:/data" in text and "read_only: true" in text
    assert 'profiles: ["webhook"]' in text and '"443:443"' in text


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "schoolbot.service", encoding="utf-8")
    return parser


def test_the_systemd_unit_restarts_on_failure_but_not_on_what_a_restart_cannot_mend() -> None:
    service = unit()["Service"]
    assert service["User"] == "schoolbot" and service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].startswith("/etc/schoolbot/")
    assert service["ExecStart"].endswith("/schoolbot run")
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= STOP_FINISH_SECONDS + STOP_FLUSH_SECONDS + MARGIN
    assert set(service["RestartPreventExitStatus"].split()) == {
        str(code) for code in (EXIT_CONFIG, EXIT_BAD_TOKEN, EXIT_ACCESS, EXIT_IN_USE)}
    assert service["StateDirectory"] == "schoolbot" and service["UMask"] == "0077"


def tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
        if found:
            return found
    pytest.skip(f"{names[0]} is not installed on this machine")


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    schoolbot = Path(sys.executable).with_name("schoolbot")
    text = (DEPLOY / "schoolbot.service").read_text(encoding="utf-8")
    copy = tmp_path / "schoolbot.service"  # the same unit, pointing at this checkout's installed command
    copy.write_text(text.replace("/opt/schoolbot/venv/bin/schoolbot", str(schoolbot)), encoding="utf-8")
    result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_hadolint_accepts_the_dockerfile() -> None:
    hadolint = tool("hadolint")
    result = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stdout


def test_caddy_accepts_the_caddyfile(tmp_path: Path) -> None:
    caddy = tool("caddy")
    env = {"SCHOOLBOT_DOMAIN": "bot.school56.ru", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([caddy, "adapt", "--config", str(DEPLOY / "Caddyfile")], capture_output=True, text=True,
                            timeout=60, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert '"dial":"bot:8080"' in result.stdout
    assert '"path":["/vk/callback","/max/webhook"]' in result.stdout


def test_compose_v2_parses_the_compose_file(tmp_path: Path) -> None:
    compose = tool("docker-compose")
    version = subprocess.run([compose, "version"], capture_output=True, text=True, timeout=60, check=False).stdout
    if "v2" not in version and " 2." not in version:
        pytest.skip(f"Compose v2 is needed, found: {version.strip()}")
    secrets = tmp_path / "schoolbot.env"
    secrets.write_text("SCHOOLBOT_VK__TOKEN=not-a-real-token\n", encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {"SCHOOLBOT_ENV_FILE": str(secrets), "SCHOOLBOT_CONFIG_FILE": str(config), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    result = subprocess.run([compose, "-f", str(DEPLOY / "compose.yaml"), "--profile", "webhook", "config", "--services"],
                            capture_output=True, text=True, timeout=60, check=False, env=env)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"bot", "caddy"}


async def test_caddy_serves_https_and_passes_only_the_webhook_path(tmp_path: Path) -> None:
    """The real Caddyfile, imported with a local certificate authority (no public CA here) on free
    loopback ports, in front of a stand-in for the bot's HTTP server."""
    import asyncio
    import socket
    import ssl

    import aiohttp
    from aiohttp import web

    caddy = tool("caddy")

    def free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])

    async def answer(request: web.Request) -> web.Response:
        return web.Response(text=f"bot got {request.path}")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    upstream, https, http = free_port(), free_port(), free_port()
    await web.TCPSite(runner, "127.0.0.1", upstream).start()
    wrapper = tmp_path / "Caddyfile"
    wrapper.write_text(f"{{\n\tskip_install_trust\n\tadmin off\n\thttp_port {http}\n}}\n"
                       f"import {DEPLOY / 'Caddyfile'}\n", encoding="utf-8")
    env = {"SCHOOLBOT_DOMAIN": f"https://localhost:{https}", "SCHOOLBOT_UPSTREAM": "127.0.0.1",
           "SCHOOLBOT_WEBHOOK_PORT": str(upstream), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    process = await asyncio.create_subprocess_exec(caddy, "run", "--config", str(wrapper), env=env,
                                                   stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE  # Caddy's local CA, not installed
    try:
        async with aiohttp.ClientSession() as session:
            got: dict[str, tuple[int, str]] = {}
            for _ in range(100):
                try:
                    for path in ("/max/webhook", "/vk/callback", "/max/webhookX", "/health", "/"):
                        async with session.post(f"https://localhost:{https}{path}", ssl=insecure) as response:
                            got[path] = (response.status, await response.text())
                    break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
        assert got["/max/webhook"] == (200, "bot got /max/webhook")
        assert got["/vk/callback"] == (200, "bot got /vk/callback")
        assert all(got[path][0] == 404 for path in ("/max/webhookX", "/health", "/"))
    finally:
        process.terminate()
        await process.wait()
        await runner.cleanup()
