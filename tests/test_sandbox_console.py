"""The sandbox console: what a typed line does, and (in a real terminal) Ctrl-C and typing ahead."""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable

import pytest

from bot.sandbox.console import Console
from bot.sandbox.script import ScriptError


@pytest.fixture
def console() -> Console:
    return Console("vk")  # the world is built, not started: step_of needs no bot


def test_a_colon_line_is_never_a_message(console: Console) -> None:
    for line in (":foo", ":foo bar", ":as", ":press"):
        with pytest.raises(ScriptError):
            console.step_of(line)
    assert console.step_of(":help") is None and console.step_of(":quit") is None


def test_console_commands_and_script_lines(console: Console) -> None:
    assert console.step_of(":as parent") is None and console.here.who == "parent"
    press = console.step_of(":press Принять")
    assert press is not None and (press.kind, press.who, press.text) == ("press", "parent", "Принять")
    enters = console.step_of("stranger enters 5a-parents")  # the documented step, typed as it is
    assert enters is not None and (enters.kind, enters.who, enters.where) == ("enter", "stranger", "5a-parents")
    said = console.step_of("admin @ staff: /привязать учительская")
    assert said is not None and (said.kind, said.who, said.where, said.text) == ("say", "admin", "staff",
                                                                                "/привязать учительская")
    via_step = console.step_of(":step student leaves 5a-students")
    assert via_step is not None and via_step.kind == "leave"


def test_anything_else_is_a_message_from_the_current_participant(console: Console) -> None:
    for line in ("привет", "kim joins https://x", "Маша @ дома: привет", "stranger enters"):
        step = console.step_of(line)
        assert step is not None and (step.kind, step.who, step.where, step.text) == ("say", "admin", "dm", line)


def _exit_status_within(pid: int, seconds: float) -> int | None:
    """The child's exit status, or None if it is still running after `seconds` (never waits forever)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    return None


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs a POSIX terminal")
def test_in_a_terminal_lines_typed_ahead_come_in_order_and_ctrl_c_exits_at_once() -> None:
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real console, started as a script's background job is (SIGINT ignored)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "sandbox"])
    out = b""

    def until_true(condition: Callable[[], bool], seconds: float = 30) -> bool:
        nonlocal out
        end = time.monotonic() + seconds
        while time.monotonic() < end and not condition():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        return condition()

    def until(text: str) -> bool:
        return until_true(lambda: text.encode() in out)

    def until_prompt_after(prompt: str, text: str) -> bool:
        return until_true(lambda: out.rfind(prompt.encode()) > out.find(text.encode()) >= 0)

    try:
        assert until("admin @ dm>")
        os.write(fd, ":in staff\n/привязать учительская\n:as parent\n:in dm\nпривет\n".encode())  # all at once
        assert until("Здравствуйте, Ольга!")
        text = out.decode(errors="replace")
        assert text.index("Готово: этот чат") < text.index("parent @ dm> привет") < text.index("Здравствуйте, Ольга!")
        assert "«/привязать" not in text  # nothing typed ahead was lost or sent to the wrong place
        # Ctrl-C at the prompt, as a person presses it. (A signal that lands in the microseconds between
        # the reply and readline's wait is only seen at the next key: a second Ctrl-C, or Enter, ends it.)
        assert until_prompt_after("parent @ dm> ", "Здравствуйте, Ольга!")
        time.sleep(0.3)
        os.kill(pid, signal.SIGINT)
        status = _exit_status_within(pid, seconds=5)
        assert status is not None and os.WIFEXITED(status), "Ctrl-C did not end the console within 5 s"
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)  # SIGKILL cannot be ignored: this returns
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)

