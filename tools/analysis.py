"""Per-article NLP analysis (entities, quotes, claims) computed once from one parse and kept in the index."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pydantic import BaseModel, Field

from .extract.claims import CLAIM_EXTRACTOR_VERSION, extract_claims
from .extract.entities import ENTITY_EXTRACTOR_VERSION, extract_entities
from .extract.entity_linking import link_ids, merge_corpus
from .extract.nlp import parse
from .extract.quotes import QUOTE_EXTRACTOR_VERSION, extract_quotes
from .index import Index
from .models import Article, Claim, Entity, Quote

log = logging.getLogger(__name__)

ANALYSIS_KIND = "nlp"


class ArticleAnalysis(BaseModel):
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)


def analysis_version(model: str) -> str:
    """Rows made by other rules or another pipeline are recomputed."""
    return f"{ENTITY_EXTRACTOR_VERSION}/{QUOTE_EXTRACTOR_VERSION}/{CLAIM_EXTRACTOR_VERSION}/{model}"


def analyse_article(article: Article, model: str) -> ArticleAnalysis:
    doc = parse(article.body, model)
    entities = extract_entities(doc, article.id, article.title)
    quotes = extract_quotes(doc, article.id, entities)
    claims = extract_claims(doc, article.id, entities, quotes)
    return ArticleAnalysis(entities=entities, quotes=quotes, claims=claims)


class Analyses:
    """Reads analyses from the index, computing (and storing) the missing ones; caches the corpus merge."""

    def __init__(self, index: Index, model: str) -> None:
        self.index = index
        self.model = model
        self.version = analysis_version(model)
        self._lock = threading.Lock()
        self._corpus: tuple[tuple[str, ...], list[Entity], dict[tuple[str, str], str]] | None = None

    def of(self, article_id: str) -> ArticleAnalysis | None:
        """The stored analysis, computed first if missing; None for an id the index does not hold.
        The article itself is loaded only when it must be analysed."""
        stored = self.index.get_analysis(article_id, ANALYSIS_KIND, self.version)
        if stored is not None:
            return ArticleAnalysis.model_validate(stored)
        article = self.index.get(article_id)
        if article is None:
            return None
        analysis = analyse_article(article, self.model)
        self.index.put_analysis(article.id, ANALYSIS_KIND, self.version, analysis.model_dump(mode="json"))
        return analysis

    def ensure_all(self, progress: Callable[[int, int, str], None] | None = None) -> int:
        todo = self.index.missing_analyses(ANALYSIS_KIND, self.version)
        for n, article_id in enumerate(todo, 1):
            self.of(article_id)
            if progress:
                progress(n, len(todo), article_id)
        return len(todo)

    def all(self) -> dict[str, ArticleAnalysis]:
        return {i: a for i in self.index.ids() if (a := self.of(i)) is not None}

    def corpus_entities(self) -> tuple[list[Entity], dict[tuple[str, str], str]]:
        """Entities merged over the corpus, and a map (article id, article entity id) -> corpus entity id."""
        with self._lock:
            key = tuple(f"{a}:{d}" for a, d in self.index.digests())
            if self._corpus is None or self._corpus[0] != key:
                per_article = {a: an.entities for a, an in self.all().items()}
                merged = merge_corpus(per_article)
                self._corpus = (key, merged, link_ids(per_article))
            return self._corpus[1], self._corpus[2]

