"""Every action the bot writes to the audit log reads as Russian in /действия, and a command's filter
finds the actions that command records: a new audited action without a title would show its identifier."""

import re
from pathlib import Path

from bot.commands.table import COMMANDS
from bot.director.audit_view import ACTION_TITLES, COMMAND_ACTIONS

ROOT = Path(__file__).resolve().parents[1]
# action="…" passed to the audit log, and flows' _audit(ctx, "…", …) helper.
_RECORDED = re.compile(r"""(?:action=|_audit\(ctx, )"([a-z_]+)\"""")
NOT_AUDIT = {"store_true", "help", "daily", "manual"}  # argparse, help texts and backup kinds caught by the pattern


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]:
        found |= set(_RECORDED.findall(path.read_text(encoding="utf-8")))
    return found - NOT_AUDIT


def test_every_recorded_action_has_a_russian_title() -> None:
    actions = recorded_actions()
    assert {"bind_chat", "consent_given", "class_graduated"} <= actions  # the scan sees the flows
    missing = sorted(a for a in actions if a not in ACTION_TITLES)
    assert missing == []


def test_command_filters_name_real_commands_and_titled_actions() -> None:
    keys = {spec.key for spec in COMMANDS}
    assert set(COMMAND_ACTIONS) <= keys
    assert all(action in ACTION_TITLES for actions in COMMAND_ACTIONS.values() for action in actions)

