"""`newsdesk demo`: start the real server, call every tool through the SDK's MCP client, print the answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from ..tools.settings import Settings

# The other tools' demo calls: (tool, extra arguments beyond article_id).
DEMO_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("list_entities", {"limit": 8}),
    ("find_quotes", {"limit": 5}),
    ("summarize_claims", {"limit": 5}),
]


def server_command(settings: Settings, transport: str, port: int = 0) -> list[str]:
    cmd = [sys.executable, "-m", "newsdesk.server", "-q", "serve", "--index", str(settings.index_path),
           "--model", settings.spacy_model]
    for folder in settings.corpus_dirs:
        cmd += ["--corpus", str(folder)]
    if not settings.include_seeds:
        cmd.append("--no-seeds")
    if transport == "http":
        cmd += ["--transport", "http", "--port", str(port)]
    return cmd


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def connect(settings: Settings, transport: str) -> AsyncIterator[Client]:
    """A connected client to a freshly started server process."""
    if transport == "stdio":
        cmd = server_command(settings, "stdio")
        params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=dict(os.environ))
        async with Client(params) as client:
            yield client
        return
    port = free_port()
    process = await anyio.to_thread.run_sync(start_http_server, settings, port)
    try:
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=10)


def start_http_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(server_command(settings, "http", port), stdin=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
    except BaseException:
        process.kill()
        raise
    return process


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the HTTP server exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the HTTP server did not listen on port {port} within {timeout:.0f} s")


def show(title: str, result: Any) -> None:
    print(f"\n===== {title} =====")
    if getattr(result, "is_error", False):
        print("(error) ", end="")
    for item in getattr(result, "content", []) or []:
        print(getattr(item, "text", item))


async def demo(settings: Settings, transport: str) -> int:
    started = time.monotonic()
    async with connect(settings, transport) as client:
        tools = await client.list_tools()
        names = [t.name for t in tools.tools]
        print(f"connected over {transport} in {time.monotonic() - started:.1f} s; tools: {', '.join(names)}")
        listing = await client.call_tool("list_articles", {"limit": 5})
        show("list_articles(limit=5)", listing)
        articles = (listing.structured_content or {}).get("articles", [])
        if not articles:
            print("the corpus is empty", file=sys.stderr)
            return 1
        article_id = articles[0]["id"]
        show(f"get_article({article_id!r}, max_chars=1500)",
             await client.call_tool("get_article", {"article_id": article_id, "max_chars": 1500}))
        for name, extra in DEMO_CALLS:
            if name in names:
                show(f"{name}(article_id={article_id!r}, {extra})",
                     await client.call_tool(name, {"article_id": article_id, **extra}))
    return 0


def run_demo(settings: Settings, transport: str) -> int:
    return anyio.run(demo, settings, transport)
