"""Pydantic models: the contract between the extraction layer and the MCP surface.

Every offset is a character offset into the article body as `get_article` returns it
(paragraphs joined by a blank line), end exclusive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ArticleFormat = Literal["seed-text", "plain-text", "html", "json"]


class ArticleMeta(BaseModel):
    id: str = Field(description="Stable article id; pass it to the other tools.")
    title: str = Field(description="Headline.")
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD, when known.")
    byline: str | None = Field(None, description="Author name(s), when known.")
    source: str | None = Field(None, description="Publisher or site name, when known.")
    url: str | None = Field(None, description="Original URL, when known.")
    word_count: int = Field(description="Words in the clean body.")


class Paragraph(BaseModel):
    index: int = Field(description="0-based paragraph number.")
    start: int = Field(description="Offset of the paragraph's first character in the body text.")
    end: int = Field(description="Offset just past the paragraph's last character.")
    text: str


class Article(ArticleMeta):
    """A fully extracted article as stored in the index."""

    format: ArticleFormat = Field(description="How the file was read.")
    path: str = Field(description="The corpus file the article came from.")
    body: str = Field(description="Clean body text: paragraphs joined by a blank line.")
    paragraphs: list[Paragraph]


class ArticleList(BaseModel):
    articles: list[ArticleMeta]
    total: int = Field(description="How many articles match, over all pages.")
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page; null at the end.")


class ArticleText(BaseModel):
    """get_article's answer: metadata plus one window of the body."""

    article: ArticleMeta
    format: Literal["text", "paragraphs"]
    total_chars: int = Field(description="Length of the whole body text.")
    start_index: int = Field(description="Offset in the body where this window starts.")
    next_start_index: int | None = Field(
        None, description="Pass as start_index to read on; null when the body is complete."
    )
    text: str | None = Field(None, description="The body window (format=text).")
    paragraphs: list[Paragraph] | None = Field(
        None, description="Whole paragraphs in the window with their body offsets (format=paragraphs)."
    )


class CorpusOverview(BaseModel):
    articles: int
    roots: list[str] = Field(description="Corpus folders served.")
    index_path: str
    rejected: list[RejectedFileInfo] = Field(default_factory=list)


class RejectedFileInfo(BaseModel):
    path: str
    reason: str


class IndexReport(BaseModel):
    """What one index update did."""

    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    articles: int = Field(0, description="Articles in the index after the update.")
    rejected: list[RejectedFileInfo] = Field(default_factory=list)
    analysed: int = Field(0, description="Articles whose NLP analysis was (re)computed.")


# -- entities (list_entities) ---------------------------------------------------------------------

EntityType = Literal[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "PRODUCT", "EVENT", "FAC", "WORK_OF_ART", "LAW", "LANGUAGE", "OTHER"
]
MentionKind = Literal["name", "alias", "demonym", "role"]


class Span(BaseModel):
    start: int = Field(description="Offset in the get_article body text.")
    end: int = Field(description="Offset just past the span.")
    text: str


class Mention(Span):
    article_id: str
    kind: MentionKind = Field(description="name | alias (surname, title + surname, variant) | demonym | role.")
    sentence: str = Field(description="The sentence the mention occurs in.")
    sentence_start: int
    sentence_end: int


class ArticleCount(BaseModel):
    article_id: str
    mentions: int


class Entity(BaseModel):
    id: str = Field(description="Stable entity id, the same in every article.")
    name: str = Field(description="Canonical name.")
    type: EntityType
    aliases: list[str] = Field(description="Other surface forms seen (surname, Mr X, variants, demonyms).")
    mention_count: int
    article_count: int
    articles: list[ArticleCount] = Field(description="Per-article mention counts, most first.")
    salience: float = Field(description="Ranking score: mentions, early and headline mentions.")
    mentions: list[Mention] | None = Field(None, description="Present when include_mentions=true.")


class EntityList(BaseModel):
    entities: list[Entity]
    total: int
    next_cursor: str | None = None
    related_to: str | None = Field(None, description="The entity whose co-occurring entities these are.")


# -- quotes (find_quotes) -------------------------------------------------------------------------

QuoteKind = Literal["direct", "partial", "indirect"]
Resolution = Literal["named", "alias", "pronoun", "role", "first-person", "continuation", "unresolved"]


class Speaker(BaseModel):
    entity_id: str | None = Field(None, description="Canonical entity id, or null when unresolved.")
    name: str | None = Field(None, description="Canonical entity name, or the group as written.")
    mention: Span | None = Field(None, description="The speaker as written near the quote.")
    resolution: Resolution = Field(description="How the speaker was found.")


class Quote(BaseModel):
    id: str
    article_id: str
    kind: QuoteKind
    text: str = Field(description="The quoted (or reported) words; fragments joined by ' ... '.")
    fragments: list[Span] = Field(description="Every piece of the quotation with its offsets.")
    speaker: Speaker
    cue: Span | None = Field(None, description="The speech verb or phrase (said, added, according to).")
    paragraph_index: int
    sentence: str = Field(description="The sentence (or sentences) holding the quote and cue.")


class QuoteList(BaseModel):
    quotes: list[Quote]
    total: int
    next_cursor: str | None = None


CorpusOverview.model_rebuild()
