"""The HTML path: a saved news page's HTML to its article (title, date, byline, body paragraphs)."""

from __future__ import annotations

import logging
import re

from .html_meta import PageMeta, clean_authors, page_metadata, shown_names, shown_text
from .page_text import PageText, drop_furniture

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _clean(value: object) -> str | None:
    text = str(value).strip() if value else ""
    return text or None


def extract_html(html: str, url: str | None = None) -> PageText:
    """The article of an HTML page: the body by trafilatura (precision-favouring, the best of the variants
    eval/pages.py measures) after hover cards are dropped and embedded posts kept, less the page furniture
    it keeps (`page_text.drop_furniture`); the metadata by html_meta (the displayed headline, the article's
    own authors as the page shows them, the published date); never raises on bad input.

    Junk, empty or unparsable HTML gives an empty PageText (logged at debug level).
    """
    logging.getLogger("trafilatura").setLevel(max(logging.getLogger("trafilatura").level, logging.CRITICAL))
    if not html or not html.strip():
        return PageText()
    try:
        import trafilatura

        tree = trafilatura.load_html(html)  # parsed once: the metadata reads it before trafilatura prunes it
        shown = shown_text(tree) if tree is not None else ""
        meta = page_metadata(html, url, tree, shown) if tree is not None else PageMeta(url=url)
        if tree is not None:
            _drop_popups(tree)
            _keep_social_posts(tree)
        doc = trafilatura.bare_extraction(
            tree if tree is not None else html,
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
    title = meta.title or _clean(getattr(doc, "title", None))
    paragraphs = drop_furniture([line.strip() for line in body.split("\n") if line.strip()], title)
    date, date_source = meta.date, meta.date_source
    if date is None and (date := _iso_date(_clean(getattr(doc, "date", None)))):
        date_source = "trafilatura"
    if meta.authors:
        byline = ", ".join(meta.authors)
    else:  # trafilatura's author only when it reads as names (fewer authors are better than bad ones)
        names, _ = clean_authors([_clean(getattr(doc, "author", None)) or ""], meta.site)
        names = shown_names(names, shown)
        byline = ", ".join(names) or None
    return PageText(
        title=title,
        date=date,
        byline=byline,
        paragraphs=paragraphs,
        source=meta.site or _clean(getattr(doc, "sitename", None)),
        agency=meta.agency,
        date_source=date_source,
        url=meta.url or _clean(getattr(doc, "url", None)) or url,
    )


_POPUP = re.compile(r"(?:^|[\s_-])(?:rollover|tooltip|popover|hovercard|popup)(?:$|[\s_-])")


def _drop_popups(tree) -> None:
    """Pop-up cards inside running text ("Ilhan Omar" followed by her photo and three headlines, shown on
    hover) are not the article's words: the innermost element inside a paragraph whose class names a
    rollover, tooltip, popover or hover card goes (not a link: the name it pops up from stays)."""
    marked = [el for el in tree.xpath("//p//*[@class]") if el.tag != "a" and _POPUP.search(el.get("class", "").lower())]
    inner = set(marked)
    for el in marked:
        if el.getparent() is not None and not any(d in inner for d in el.iterdescendants()):
            el.drop_tree()


_SOCIAL_POST = ("twitter-tweet", "instagram-media", "tiktok-embed", "bluesky-embed")


def _keep_social_posts(tree) -> None:
    """A post the article embeds (a tweet quoted as evidence) is part of what it reports: its blockquote,
    and the wrapper marking it as an embed, lose the class that makes extractors discard it."""
    for bq in tree.iter("blockquote"):
        classes = (bq.get("class") or "").split()
        if any(c in _SOCIAL_POST for c in classes):
            del bq.attrib["class"]
            parent = bq.getparent()
            if parent is not None and "embed" in (parent.get("class") or "").lower():
                del parent.attrib["class"]


def _iso_date(date: str | None) -> str | None:
    return date[:10] if date and _ISO_DATE.match(date) else None
