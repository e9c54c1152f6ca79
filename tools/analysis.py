"""Per-article NLP analysis (entities, quotes, claims), computed once from one parse. What shapes it is
named by `extract.analysis_version`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .extract import analysis_version
from .extract.claims import extract_claims
from .extract.entities import extract_entities
from .extract.nlp import parse
from .extract.quotes import extract_quotes
from .models import Article, ArticleAnalysis

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["analyse_article", "analyse_doc", "analysis_version"]


def analyse_doc(doc: Doc, article_id: str, title: str) -> ArticleAnalysis:
    entities = extract_entities(doc, article_id, title)
    quotes = extract_quotes(doc, article_id, entities)
    claims = extract_claims(doc, article_id, entities, quotes)
    return ArticleAnalysis(entities=entities, quotes=quotes, claims=claims)


def analyse_article(article: Article, model: str) -> ArticleAnalysis:
    return analyse_doc(parse(article.body, model), article.id, article.title)
