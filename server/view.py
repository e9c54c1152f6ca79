"""The annotated article view: one self-contained HTML template (view.html, no network, no CDN) served
three ways -- `newsdesk view ID` writes it to a file, the HTTP server serves it at /view/ID (with an index
page at /view/), and MCP Apps hosts render it inline from the ui:// resource with a tool result's data.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any
from urllib.parse import quote

from ..tools.models import ArticleAnnotations, ArticleMeta

APP_URI = "ui://newsdesk/article-view.html"
META_KEY = "newsdesk/annotations"  # a tool result's _meta key holding the annotations, for the app
_SLOT = '<script type="application/json" id="newsdesk-data">__DATA__</script>'


def template() -> str:
    return resources.files(__package__).joinpath("view.html").read_text(encoding="utf-8")


def embedded_json(data: Any) -> str:
    """JSON that cannot end its <script> element: every '<', '>' and '&' is a \\u escape."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_html(annotations: ArticleAnnotations) -> str:
    """The annotated page of one article, its data embedded."""
    page = template()
    data = annotations.model_dump(mode="json")
    return page.replace(_SLOT, _SLOT.replace("__DATA__", embedded_json(data)), 1)


def app_html() -> str:
    """The same page with no data: as an MCP App it draws the annotations a tool result brings."""
    return template()


def index_html(articles: list[ArticleMeta], total: int) -> str:
    """The corpus index page: one link per article."""
    rows = "\n".join(
        f'<li><a href="{quote(a.id, safe="")}">{html.escape(a.title)}</a> '
        f'<span>{html.escape(a.date or "undated")} · {html.escape(a.source or "")} · {a.word_count} words</span></li>'
        for a in articles)
    more = f"<p>{total - len(articles):,} more: use list_articles to find them.</p>" if total > len(articles) else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newsdesk corpus</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{{font:15px/1.6 system-ui,sans-serif;margin:24px auto;max-width:900px;color:#1d232a}}
li{{margin:4px 0}} span{{color:#5b6570;font-size:13px}} a{{color:#2457a6}}</style></head>
<body><h1>newsdesk corpus</h1><p>{total:,} article(s), newest first. Each page shows the article with its
entities, quotes (with resolved speakers), claims and disputes.</p><ul>
{rows}
</ul>{more}</body></html>
"""
