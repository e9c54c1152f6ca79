"""Limits and opaque cursors, the same for every list the tools return.

A cursor is the last row's sort key (keyset pagination: the next page starts after it, as fast deep in
a list as on its first page), or ["o", offset] for orders that are recomputed per query (relevance);
base64 of JSON, opaque to callers.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .errors import BadArgument

MAX_LIMIT = 100
_NOT_OURS = "not a cursor this server returned; omit it to start from the first page"
_OTHER_LIST = "this cursor belongs to another list or ordering; omit it to start again"


def check_limit(limit: int, maximum: int = MAX_LIMIT) -> None:
    if not 1 <= limit <= maximum:
        raise BadArgument("limit", f"must be between 1 and {maximum}, got {limit}")


def encode_cursor(key: list[Any]) -> str:
    text = json.dumps(key, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def encode_offset(offset: int) -> str:
    return encode_cursor(["o", offset])


def _decode(cursor: str | None) -> list[Any] | None:
    if cursor is None or not str(cursor).strip():
        return None
    text = str(cursor).strip()
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, UnicodeDecodeError, RecursionError):
        key = None
    if not isinstance(key, list) or not key or not all(_scalar(v) for v in key):
        raise BadArgument("cursor", _NOT_OURS)
    return key


def _scalar(value: Any) -> bool:
    """What a sort key holds: text, a number SQLite can take, or null."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    return value is None or isinstance(value, str)


def decode_keyset(cursor: str | None, width: int) -> list[Any]:
    """The sort key a keyset cursor holds ([] for the first page)."""
    key = _decode(cursor)
    if key is None:
        return []
    if len(key) != width or key[0] == "o":
        raise BadArgument("cursor", _OTHER_LIST)
    return key


def decode_offset(cursor: str | None, total: int | None = None) -> int:
    """The offset an offset cursor holds (0 for the first page)."""
    key = _decode(cursor)
    if key is None:
        return 0
    if len(key) != 2 or key[0] != "o" or not isinstance(key[1], int) or key[1] < 0:
        raise BadArgument("cursor", _OTHER_LIST)
    if total is not None and key[1] > total:
        raise BadArgument("cursor", f"points past the end of the {total} results; omit it to start again")
    return key[1]


def blank_to_none(value: str | None) -> str | None:
    """An empty or blank optional filter means no filter."""
    return value.strip() or None if value is not None else None


# -- answer budgets ---------------------------------------------------------------------------------
# A page is sized for a model's context: besides `limit`, it stops before its items would pass
# `max_tokens` (estimated as TOKEN_CHARS characters of JSON per token), and next_cursor continues from the
# last item it holds. An item is never cut; the first item is always given.

TOKEN_CHARS = 3.5  # JSON and English text run 3-4 characters per token in current tokenizers
DEFAULT_TOKENS = 4_000
MAX_TOKENS = 20_000
PAGE_OVERHEAD_TOKENS = 300  # counts, summary lines and cursors around the items


def check_tokens(max_tokens: int) -> None:
    if not 500 <= max_tokens <= MAX_TOKENS:
        raise BadArgument("max_tokens", f"must be between 500 and {MAX_TOKENS}, got {max_tokens}")


def item_tokens(item: Any) -> int:
    """An item's estimated size in tokens as structured content (pydantic model or plain JSON)."""
    plain = item.model_dump(mode="json", exclude_none=True) if hasattr(item, "model_dump") else item
    text = json.dumps(plain, ensure_ascii=False)  # with the spaces a client's JSON has
    return int(len(text) / TOKEN_CHARS) + 1


def fit(items: list[Any], after: list[str], next_cursor: str | None, max_tokens: int,
        size: Any = item_tokens, overhead: int = PAGE_OVERHEAD_TOKENS) -> tuple[list[Any], str | None]:
    """The items that fit in max_tokens and the cursor of the page after them. `after[i]` is the cursor
    that continues after item i (store.Page.after)."""
    used = overhead
    for n, item in enumerate(items):
        used += size(item)
        if n and used > max_tokens:
            return items[:n], after[n - 1]
    return items, next_cursor
