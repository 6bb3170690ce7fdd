"""The bot's HTTP server: VK's Callback API and MAX's webhook on their paths, and GET /health.

A request is checked (the secret, the shape), its update stored (Intake), and only then answered
200, so an update answered is never lost; handling happens after, in the inbox worker. A refused
request gets 403/400 and one log line naming the platform and why, never the secret or the body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.config import ServerConfig
from bot.port.adapter import WebhookAdapter
from bot.runtime.intake import Intake

log = logging.getLogger(__name__)

Health = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]
"""(healthy, details) for GET /health."""


@dataclass(frozen=True)
class WebhookRoute:
    adapter: WebhookAdapter
    intake: Intake


class WebhookServer:
    def __init__(self, config: ServerConfig, routes: list[WebhookRoute], health: Health) -> None:
        self._config = config
        self._routes = routes
        self._health = health
        self._runner: web.AppRunner | None = None
        self.address = ""
        """"http://host:port" once listening."""

    async def start(self) -> None:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        for route in self._routes:
            app.router.add_post(route.adapter.webhook_path, self._receiver(route))
        app.router.add_get("/health", self._answer_health)
        # access_log=None: the access log would show query strings and client addresses per event.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._config.host, self._config.port).start()
        host, port = self._runner.addresses[0][:2]
        self.address = f"http://{host}:{port}"
        log.info("HTTP server listening on %s:%s", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _receiver(self, route: WebhookRoute) -> Callable[[web.Request], Awaitable[web.Response]]:
        platform = route.adapter.platform

        async def receive(request: web.Request) -> web.Response:
            body = await request.read()
            reply = route.adapter.read_webhook(request.headers, body)
            if reply.refused is not None:
                log.warning("%s webhook: request refused (%s)", platform, reply.refused)
                return web.Response(status=reply.status, text=reply.text)
            if reply.batch is not None and reply.batch.updates:
                stored = await route.intake.accept(reply.batch)
                # Not stored: held in memory. MAX, which retries for hours, is asked to come again;
                # VK, which pauses a failing server, is told ok unless memory is full too.
                if not stored and (route.adapter.redelivers or route.intake.full):
                    return web.Response(status=503, text="try later")
            return web.Response(status=reply.status, text=reply.text)

        return receive

    async def _answer_health(self, request: web.Request) -> web.Response:
        healthy, details = await self._health()
        return web.Response(status=200 if healthy else 503, content_type="application/json",
                            text=json.dumps(details, ensure_ascii=False))
