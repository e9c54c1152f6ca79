"""Offsets of a parsed article: its text, which token is at a character offset, and whether an offset lies
inside quotation marks. Shared by the quote finder, the resolver and the claims."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CharSpan = tuple[int, int]
_TEXT_KEY = "newsdesk_text"
_LOW_KEY = "newsdesk_lowered_text"


def text_of(doc: Doc) -> str:
    """doc.text, computed once per Doc (spaCy rebuilds it from the tokens on every access; a Doc's text
    never changes, so the copy kept in user_data stays right)."""
    text = doc.user_data.get(_TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def lowered_text_of(doc: Doc) -> str:
    """text_of(doc) lower-cased, once per Doc, for `caseless` searches ("" when that changes its length)."""
    low = doc.user_data.get(_LOW_KEY)
    if not isinstance(low, str):
        text = text_of(doc)
        low = text.lower()
        low = doc.user_data[_LOW_KEY] = low if len(low) == len(text) else ""
    return low


class Positions:
    def __init__(self, doc: Doc, quoted: list[CharSpan] | None = None) -> None:
        self.doc = doc
        if "newsdesk_starts" not in doc.user_data:  # once per Doc: every stage asks
            doc.user_data["newsdesk_starts"] = [t.idx for t in doc]
        self.starts = doc.user_data["newsdesk_starts"]
        self.set_quoted(quoted or [])

    def set_quoted(self, quoted: list[CharSpan]) -> None:
        """The spans inside quotation marks (marks included)."""
        self.quoted = sorted(quoted)
        self._quoted_starts = [a for a, _ in self.quoted]

    def in_quote(self, offset: int) -> bool:
        i = bisect.bisect_right(self._quoted_starts, offset) - 1
        return i >= 0 and offset < self.quoted[i][1]

    def token_at(self, offset: int) -> Token | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None
