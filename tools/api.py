"""The tools as plain Python: a Desk answers every question from the index."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from typing import Literal

from .errors import ArticleNotFound, BadArgument
from .index import Index, Progress
from .models import Article, ArticleList, ArticleMeta, ArticleText, CorpusOverview, IndexReport
from .settings import Settings

log = logging.getLogger(__name__)

MAX_LIMIT = 100


def decode_cursor(cursor: str | None) -> int:
    """Cursors are opaque to callers; here they are a decimal offset."""
    if cursor in (None, ""):
        return 0
    if not str(cursor).isdigit():
        raise BadArgument("cursor", "not a cursor this server returned; omit it to start from the first page")
    return int(str(cursor))


def page_window(total: int, offset: int, limit: int) -> tuple[int, int, str | None]:
    end = min(total, offset + limit)
    return offset, end, (str(end) if end < total else None)


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadArgument("limit", f"must be between 1 and {MAX_LIMIT}, got {limit}")


class Desk:
    """A corpus opened over its index. Usable without MCP."""

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index
        self._nlp = None

    @classmethod
    def open(cls, settings: Settings | None = None, sync: bool = True, progress: Progress | None = None) -> Desk:
        settings = settings or Settings.from_env()
        desk = cls(settings, Index(settings.index_path))
        if sync:
            desk.refresh(progress)
        return desk

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        report = self.index.sync(self.settings.roots(), self.settings.max_file_bytes, progress)
        log.info(
            "index %s: %d articles (%d added, %d updated, %d removed, %d rejected)",
            self.index.path, report.articles, report.added, report.updated, report.removed, len(report.rejected),
        )
        return report

    def close(self) -> None:
        self.index.close()

    def analyse_all(self, progress: Progress | None = None) -> int:
        """Compute every missing NLP analysis now, so the server never waits for spaCy."""
        return 0

    # -- articles -------------------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        article = self.index.get(article_id.strip())
        if article is None:
            raise ArticleNotFound(article_id, self._suggest(article_id))
        return article

    def _suggest(self, article_id: str) -> list[str]:
        ids = self.index.ids()
        close = difflib.get_close_matches(article_id.lower(), ids, n=3, cutoff=0.5)
        if not close:
            words = [w for w in article_id.replace("-", " ").replace("_", " ").split() if len(w) > 3]
            for meta in self.index.list_meta(" ".join(words[:3])) if words else []:
                close.append(meta.id)
        return close[:3]

    def list_articles(self, query: str | None = None, limit: int = 20, cursor: str | None = None) -> ArticleList:
        check_limit(limit)
        metas = self.index.list_meta(query)
        start, end, next_cursor = page_window(len(metas), decode_cursor(cursor), limit)
        return ArticleList(articles=metas[start:end], total=len(metas), next_cursor=next_cursor)

    def get_article(
        self,
        article_id: str,
        format: Literal["text", "paragraphs"] = "paragraphs",
        max_chars: int = 20_000,
        start_index: int = 0,
    ) -> ArticleText:
        if format not in ("text", "paragraphs"):
            raise BadArgument("format", "must be 'text' or 'paragraphs'")
        if max_chars < 1:
            raise BadArgument("max_chars", "must be at least 1")
        article = self.article(article_id)
        total = len(article.body)
        if start_index < 0 or (start_index >= total and total > 0):
            raise BadArgument("start_index", f"must be between 0 and {max(total - 1, 0)} for this article")
        meta = article_meta(article)
        if format == "text":
            end = min(total, start_index + max_chars)
            return ArticleText(
                article=meta, format="text", total_chars=total, start_index=start_index,
                next_start_index=end if end < total else None, text=article.body[start_index:end],
            )
        chosen = []
        used = 0
        for paragraph in article.paragraphs:
            if paragraph.end <= start_index:
                continue
            size = len(paragraph.text) + 2
            if chosen and used + size > max_chars:
                break
            chosen.append(paragraph)
            used += size
        window_start = chosen[0].start if chosen else start_index
        last = chosen[-1].index if chosen else len(article.paragraphs) - 1
        following = article.paragraphs[last + 1] if last + 1 < len(article.paragraphs) else None
        return ArticleText(
            article=meta, format="paragraphs", total_chars=total, start_index=window_start,
            next_start_index=following.start if following else None, paragraphs=chosen,
        )

    def overview(self) -> CorpusOverview:
        return CorpusOverview(
            articles=self.index.count(),
            roots=[str(r) for r in self.settings.roots()],
            index_path=str(self.index.path),
            rejected=self.index.rejected(),
        )


def article_meta(article: Article) -> ArticleMeta:
    return ArticleMeta.model_validate(article.model_dump(include=set(ArticleMeta.model_fields)))


def open_desk(corpus_dirs: list[Path] | None = None, index_path: Path | None = None) -> Desk:
    """Convenience for library users: open the default corpus (plus extra folders)."""
    return Desk.open(Settings.from_env(corpus_dirs=corpus_dirs, index_path=index_path))

