"""Serving over streamable HTTP: loopback by default, DNS-rebinding checks for the bound names, an optional
bearer token (required before binding beyond loopback), and "serving at" said once the port is bound."""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import logging
import socket
import sys
from typing import Any

from mcp.server.transport_security import TransportSecuritySettings

from ..tools.errors import NewsdeskError
from ..tools.settings import ENV_TOKEN

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN_CHARS = 16


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_names(host: str, extra: list[str]) -> list[str]:
    """The host names a client may use for this server: loopback, the bound address, and for a wildcard
    bind (0.0.0.0, ::) this machine's name and addresses; plus the names given with --allow-host."""
    names = list(LOOPBACK_NAMES)
    if host in ("0.0.0.0", "::", ""):
        hostname = socket.gethostname()
        names += [hostname, socket.getfqdn()]
        with contextlib.suppress(OSError):  # a machine whose own name does not resolve
            names += [info[4][0] for info in socket.getaddrinfo(hostname, None)]
    else:
        names.append(host)
    names += extra
    return list(dict.fromkeys(n for n in names if n))


def security_settings(host: str, extra: list[str]) -> TransportSecuritySettings:
    """Host and Origin headers are checked against the names this server is reached by (DNS rebinding)."""
    hosts: list[str] = []
    origins: list[str] = []
    for name in served_names(host, extra):
        shown = f"[{name}]" if ":" in name else name
        hosts += [shown, f"{shown}:*"]
        origins += [f"{scheme}://{shown}{port}" for scheme in ("http", "https") for port in ("", ":*")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


class BearerToken:
    """ASGI middleware: every HTTP request needs `Authorization: Bearer <token>` (compared in constant time)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = json.dumps({"error": "unauthorized", "error_description": "send Authorization: Bearer "
                                   "<token> (the server's --token / NEWSDESK_TOKEN)"}).encode()
                await send({"type": "http.response.start", "status": 401, "headers": [
                    (b"content-type", b"application/json"), (b"www-authenticate", b'Bearer realm="newsdesk"'),
                    (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def check_exposure(host: str, token: str | None) -> None:
    """Beyond loopback the corpus is open to the network: a token is required, and a warning is printed."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise NewsdeskError(f"the token is too short: use at least {MIN_TOKEN_CHARS} characters "
                            "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)")
    if is_loopback(host):
        return
    if token is None:
        raise NewsdeskError(f"binding to {host} exposes the corpus to the network: set a bearer token with "
                            f"--token or {ENV_TOKEN} first (clients send Authorization: Bearer <token>)")
    print(f"newsdesk: WARNING: serving on {host}, reachable from other machines; every request needs the "
          "bearer token", file=sys.stderr)


def serve_http(mcp: Any, host: str, port: int, token: str | None, allow_hosts: list[str]) -> None:
    import anyio
    import uvicorn

    check_exposure(host, token)
    app = mcp.streamable_http_app(host=host, transport_security=security_settings(host, allow_hosts))
    if token is not None:
        app = BearerToken(app, token)
    url_host = f"[{host}]" if ":" in host else host

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(f"newsdesk: serving MCP over streamable HTTP at http://{url_host}:{port}/mcp; annotated "
                      f"articles at http://{url_host}:{port}/view/", file=sys.stderr)

    level = logging.getLevelName(logging.getLogger("newsdesk").getEffectiveLevel()).lower()
    config = uvicorn.Config(app, host=host, port=port, log_level=level if level != "notset" else "warning")
    anyio.run(Server(config).serve)
