"""Multiplied corpora, for benchmarks and answer-size tests: copies of analysed articles written through
the store's normal write path (corpus entities linked incrementally), without parsing again.

Copy c of an article gets its own id ("<id>-c<c>"), a title with "[c]" and a last paragraph "Copy c."
(distinct ids and contents), and the article's own analysis with its ids renamed. Copy 0 is the original.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Article, ArticleAnalysis, Paragraph
from .store import FileRow, Store

BATCH = 500


def copy_of(article: Article, analysis: ArticleAnalysis, copy: int) -> tuple[Article, ArticleAnalysis]:
    if not copy:
        return article, analysis
    extra = f"Copy {copy}."
    body = f"{article.body}\n\n{extra}"
    paragraphs = [*article.paragraphs, Paragraph(index=len(article.paragraphs), start=len(body) - len(extra),
                                                 end=len(body), text=extra)]
    new = article.model_copy(update={"id": f"{article.id}-c{copy}", "title": f"{article.title} [{copy}]",
                                     "body": body, "paragraphs": paragraphs})

    def rename(item_id: str) -> str:
        return item_id.replace(article.id, new.id, 1)

    quotes = [q.model_copy(update={"id": rename(q.id), "article_id": new.id}) for q in analysis.quotes]
    claims = [c.model_copy(update={
        "id": rename(c.id), "article_id": new.id, "disputes": [rename(d) for d in c.disputes or []],
        "responds_to": [rename(d) for d in c.responds_to or []],
        "parent_id": rename(c.parent_id) if c.parent_id else None}) for c in analysis.claims]
    return new, analysis.model_copy(update={"quotes": quotes, "claims": claims})


def write_copies(store: Store, originals: Sequence[tuple[Article, ArticleAnalysis]], size: int, version: str,
                 start: int = 0) -> None:
    """Articles start..size-1 of the multiplied corpus: article n is copy n // len(originals) of original
    n % len(originals), filed as /copies/<n>.txt (a folder no sync prunes)."""
    for first in range(start, size, BATCH):
        with store.transaction():
            for n in range(first, min(size, first + BATCH)):
                article, analysis = copy_of(*originals[n % len(originals)], n // len(originals))
                store.put_file(FileRow(f"/copies/{n}.txt", "/copies", f"copy-{n}", 0, 0.0, "copy", "ok", None),
                               [(article, 0)])
                store.put_analysis(article.id, store.stamp(article.id), version, analysis)
