"""The stdio transport: the SDK's, except that a line which is not a valid JSON-RPC message gets an error
reply (the SDK drops it, and the client waits for ever). Its id is read from the line when the line is
JSON at all (a lone surrogate, params of the wrong type); otherwise the reply has id null, as JSON-RPC
says. While serving, fd 0 reads from the null device and fd 1 writes to stderr, so stray output from a
library never corrupts the wire."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from io import TextIOWrapper
from typing import Any

import anyio
import mcp_types as types
from mcp.shared._context_streams import create_context_streams
from mcp.shared.message import SessionMessage

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
_ID = re.compile(r'"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")')


def error_for(line: str, exc: Exception) -> types.JSONRPCError | None:
    """The reply to a line the SDK cannot read, or None for a blank line or a notification."""
    if not line.strip():
        return None
    try:
        data: Any = json.loads(line)
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        if "id" not in data:  # a notification gets no reply, even a malformed one
            return None
        request_id = data["id"] if isinstance(data["id"], str | int) and not isinstance(data["id"], bool) else None
        code, what = INVALID_REQUEST, "not a valid JSON-RPC request"
    else:
        found = _ID.search(line[:10_000])
        request_id = json.loads(found.group(1)) if found else None
        code, what = PARSE_ERROR, "not a JSON object this server can read"
    reason = type(exc).__name__
    return types.JSONRPCError(jsonrpc="2.0", id=request_id,
                              error=types.ErrorData(code=code, message=f"The message is {what} ({reason})."))


@asynccontextmanager
async def stdio_transport() -> AsyncIterator[tuple[Any, Any]]:
    wire_in, wire_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # print() and friends now reach stderr, not the client
    stdin = anyio.wrap_file(TextIOWrapper(os.fdopen(wire_in, "rb"), encoding="utf-8", errors="replace"))
    stdout = anyio.wrap_file(TextIOWrapper(os.fdopen(wire_out, "wb"), encoding="utf-8"))
    read_writer, read_stream = create_context_streams[SessionMessage | Exception](0)
    write_stream, write_reader = create_context_streams[SessionMessage](0)

    async def reader() -> None:
        async with read_writer, write_stream.clone() as replies:
            async for line in stdin:
                try:
                    message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:
                    reply = error_for(line, exc)
                    log.info("unreadable message: %s", type(exc).__name__)
                    if reply is not None:
                        await replies.send(SessionMessage(reply))
                    continue
                await read_writer.send(SessionMessage(message))

    async def writer() -> None:
        async with write_reader:
            async for item in write_reader:
                await stdout.write(item.message.model_dump_json(by_alias=True, exclude_unset=True) + "\n")
                await stdout.flush()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(reader)
            tg.start_soon(writer)
            yield read_stream, write_stream
    finally:
        sys.stdout.flush()


async def serve_stdio(mcp: Any) -> None:
    """Run an MCPServer over stdio with this transport."""
    lowlevel = mcp._lowlevel_server
    async with stdio_transport() as (read_stream, write_stream):
        await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
