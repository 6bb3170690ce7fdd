"""The MAX messenger adapter: MaxAdapter (connect, poll) and its MaxGateway (effects, reads).

The runtime builds `MaxAdapter(settings.max)`, awaits `connect()`, iterates `poll(position)` and
uses `adapter.gateway`; `close()` on shutdown. See bot/max/api.py for what comes from maxapi.
"""

from bot.max.adapter import MaxAdapter
from bot.max.capabilities import MAX_CAPABILITIES
from bot.max.gateway import MaxGateway

__all__ = ["MAX_CAPABILITIES", "MaxAdapter", "MaxGateway"]
