"""VK's refusals as the port's problems: the outbox retries the transient ones, reports the rest."""

from __future__ import annotations

from vkbottle import VKAPIError

from bot.port.gateway import GatewayError, Problem
from bot.vk.api import RETRIED_ERROR_CODES, VkNetworkError

_PROBLEMS: dict[int, Problem] = {
    15: Problem.NOT_ADMIN,  # access denied (in a chat: the bot lacks the right)
    917: Problem.NOT_ADMIN,  # no access to the chat
    924: Problem.NOT_ADMIN,  # can't delete this message for everybody
    925: Problem.NOT_ADMIN,  # not an admin of the chat
    901: Problem.BLOCKED,  # the user has not allowed messages from the community
    902: Problem.BLOCKED,  # the user's privacy settings
    935: Problem.NOT_IN_CHAT,  # the user is not in the chat
    909: Problem.NOT_FOUND,  # the message is too old to edit
    920: Problem.NOT_FOUND,  # this kind of message can't be edited
    927: Problem.NOT_FOUND,  # the chat does not exist
    29: Problem.TRANSIENT,  # the method's rate limit: later
}


def problem_of(error: VKAPIError | VkNetworkError) -> Problem:
    if isinstance(error, VkNetworkError):
        return Problem.TRANSIENT
    code = int(getattr(error, "code", 0) or 0)
    if code in RETRIED_ERROR_CODES:
        return Problem.TRANSIENT  # still failing after the transport's own retries
    return _PROBLEMS.get(code, Problem.REJECTED)


def gateway_error(error: VKAPIError | VkNetworkError) -> GatewayError:
    return GatewayError(problem_of(error), f"VK error {getattr(error, 'code', 'network')}")


def code_problem(code: int) -> GatewayError:
    """A per-peer error inside a messages.send answer (peer_ids)."""
    problem = Problem.TRANSIENT if code in RETRIED_ERROR_CODES else _PROBLEMS.get(code, Problem.REJECTED)
    return GatewayError(problem, f"VK error {code}")
