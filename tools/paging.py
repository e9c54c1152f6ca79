"""Limits and opaque cursors, the same for every list the tools return."""

from __future__ import annotations

from .errors import BadArgument

MAX_LIMIT = 100


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> None:
    if not 1 <= limit <= maximum:
        raise BadArgument("limit", f"must be between 1 and {maximum}, got {limit}")


def decode_cursor(cursor: str | None, total: int | None = None) -> int:
    """Cursors are opaque to callers; here they are a decimal offset into the result list."""
    if cursor is None or cursor == "":
        return 0
    text = str(cursor)
    if not (text.isascii() and text.isdigit()):
        raise BadArgument("cursor", "not a cursor this server returned; omit it to start from the first page")
    offset = int(text)
    if total is not None and offset > total:
        raise BadArgument("cursor", f"points past the end of the {total} results; omit it to start again")
    return offset


def page_window(total: int, offset: int, limit: int) -> tuple[int, int, str | None]:
    end = min(total, offset + limit)
    return offset, end, (str(end) if end < total else None)


def blank_to_none(value: str | None) -> str | None:
    """An empty or blank optional filter means no filter."""
    return value.strip() or None if value is not None else None
