"""What clients on a handshake-era protocol (2025-11-25 and before) ask to hear from the server.

- `logging/setLevel`: the server's own log records (the `newsdesk` loggers: files rejected, analyses that
  failed, index warnings) at that level and above are sent to that client as notifications/message.
- `resources/subscribe` / `resources/unsubscribe`: a client subscribed to a URI gets
  notifications/resources/updated when it changes (the corpus overview, whenever the corpus does).
  Any URI may be subscribed (the spec leaves its meaning to the server); only ours ever change.

At 2026-07-28 these methods are gone: changes reach clients through subscriptions/listen (the SDK's bus)
and log records ride the request that opted in. Sessions are held weakly: a closed one is forgotten.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from mcp import types
from mcp.server.lowlevel.server import Server
from mcp.shared.exceptions import MCPError

log = logging.getLogger(__name__)

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "notice": logging.INFO + 5, "warning": logging.WARNING,
          "error": logging.ERROR, "critical": logging.CRITICAL, "alert": logging.CRITICAL + 5,
          "emergency": logging.CRITICAL + 10}
MAX_SUBSCRIPTIONS = 100  # URIs per session
MAX_URI = 400


def level_name(levelno: int) -> str:
    """The MCP level of a Python log record."""
    for name, value in sorted(LEVELS.items(), key=lambda kv: -kv[1]):
        if levelno >= value:
            return name
    return "debug"


class Sessions(logging.Handler):
    """The handshake-era sessions that set a log level or subscribed to resources."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.levels: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self.subscribed: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
        self.loop: asyncio.AbstractEventLoop | None = None

    def install(self, server: Server[Any]) -> None:
        server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, self.set_level)
        server.add_request_handler("resources/subscribe", types.SubscribeRequestParams, self.subscribe)
        server.add_request_handler("resources/unsubscribe", types.UnsubscribeRequestParams, self.unsubscribe)
        advertised = server.get_capabilities

        def capabilities(*args: Any, **kwargs: Any) -> types.ServerCapabilities:
            """What is implemented: the tools and prompts never change, so no list-changed for them."""
            found = advertised(*args, **kwargs)
            for part in (found.tools, found.prompts):
                if part is not None:
                    part.list_changed = False
            return found

        server.get_capabilities = capabilities  # type: ignore[method-assign]

    def attach(self) -> None:
        logging.getLogger("newsdesk").addHandler(self)

    def detach(self) -> None:
        logging.getLogger("newsdesk").removeHandler(self)
        self.loop = None

    async def set_level(self, ctx: Any, params: types.SetLevelRequestParams) -> types.EmptyResult:
        self.loop = asyncio.get_running_loop()
        self.levels[ctx.session] = LEVELS[params.level]
        return types.EmptyResult()

    async def subscribe(self, ctx: Any, params: types.SubscribeRequestParams) -> types.EmptyResult:
        uri = str(params.uri)
        if len(uri) > MAX_URI:
            raise MCPError(-32602, f"A URI of {len(uri):,} characters (at most {MAX_URI}).")
        uris = self.subscribed.setdefault(ctx.session, set())
        if uri not in uris and len(uris) >= MAX_SUBSCRIPTIONS:
            raise MCPError(-32602, f"At most {MAX_SUBSCRIPTIONS} subscriptions per session.")
        self.loop = asyncio.get_running_loop()
        uris.add(uri)
        return types.EmptyResult()

    async def unsubscribe(self, ctx: Any, params: types.UnsubscribeRequestParams) -> types.EmptyResult:
        self.subscribed.get(ctx.session, set()).discard(str(params.uri))
        return types.EmptyResult()

    async def updated(self, uri: str) -> None:
        """Tell every session subscribed to `uri` that it changed."""
        for session, uris in list(self.subscribed.items()):
            if uri in uris:
                try:
                    await session.send_resource_updated(uri)
                except Exception:  # a closed session: forget it
                    self.subscribed.pop(session, None)

    def emit(self, record: logging.LogRecord) -> None:
        """Forward a newsdesk log record to the sessions whose level it reaches (from any thread)."""
        if record.name.startswith(__name__) or self.loop is None or self.loop.is_closed():
            return
        wanting = [s for s, level in list(self.levels.items()) if record.levelno >= level]
        if not wanting:
            return
        data = {"message": record.getMessage()[:2_000]}
        for session in wanting:
            try:
                asyncio.run_coroutine_threadsafe(self._send(session, level_name(record.levelno), data, record.name),
                                                 self.loop)
            except RuntimeError:  # the loop is stopping
                return

    async def _send(self, session: Any, level: str, data: dict, logger: str) -> None:
        try:
            await session.send_log_message(level, data, logger=logger)
        except Exception:
            self.levels.pop(session, None)
