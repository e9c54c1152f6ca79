"""The HTML path: a saved news page's HTML to its article (title, date, byline, body paragraphs)."""

from __future__ import annotations

import logging
import re

from .page_text import PageText

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)


def _clean(value: object) -> str | None:
    text = str(value).strip() if value else ""
    return text or None


def extract_html(html: str, url: str | None = None) -> PageText:
    """Extract the article from HTML with trafilatura (precision-favouring); never raises on bad input.

    Junk, empty or unparsable HTML gives an empty PageText (logged at debug level).
    """
    logging.getLogger("trafilatura").setLevel(max(logging.getLogger("trafilatura").level, logging.CRITICAL))
    if not html or not html.strip():
        return PageText()
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
        )
    except Exception as exc:
        log.debug("trafilatura failed on %s: %r", url or "<html>", exc)
        return PageText()
    if doc is None:
        log.debug("trafilatura found no article in %s", url or "<html>")
        return PageText()
    body = getattr(doc, "text", None) or ""
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
    date = _clean(getattr(doc, "date", None))
    author = _clean(getattr(doc, "author", None))
    return PageText(
        title=_clean(getattr(doc, "title", None)),
        date=date[:10] if date and _ISO_DATE.match(date) else None,
        byline=_BY.sub("", author) if author else None,
        paragraphs=paragraphs,
        source=_clean(getattr(doc, "sitename", None)),
        url=_clean(getattr(doc, "url", None)) or url,
    )
