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
    byline: str | None = Field(None, description="The article's own author name(s), comma-separated, when the "
                               "page names them (never a guess).")
    agency: str | None = Field(None, description="News agency credited (Associated Press, Reuters...), when any.")
    date_source: str | None = Field(None, description="Where the date was read: json-ld datePublished, a meta "
                                    "tag, a time element, htmldate, the url, the file header or the record.")
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


class Coverage(BaseModel):
    """How much of the corpus a corpus-wide answer covers while analysis is still running."""

    analysed: int = Field(description="Articles analysed so far.")
    articles: int = Field(description="Articles in the corpus.")
    failed: int = Field(0, description="Articles that cannot be analysed (corpus://overview says why).")

    @property
    def complete(self) -> bool:
        return self.analysed + self.failed >= self.articles


class FailedAnalysis(BaseModel):
    """An article whose text is served but which could not be analysed."""

    article_id: str
    reason: str


class ArticleHit(ArticleMeta):
    snippet: str | None = Field(None, description="With a query: the best matching words, [marked].")


class ArticleList(BaseModel):
    articles: list[ArticleHit]
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
    roots: list[str] = Field(description="Corpus folders served (names only unless NEWSDESK_SHOW_PATHS=1).")
    missing: list[str] = Field(default_factory=list, description="Configured folders that do not exist.")
    index_path: str
    rejected: list[RejectedFileInfo] = Field(default_factory=list)
    failed: list[FailedAnalysis] = Field(default_factory=list, description="Articles that cannot be analysed.")
    coverage: Coverage | None = None


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
    failed: list[FailedAnalysis] = Field(default_factory=list, description="Articles that cannot be analysed.")


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


Detail = Literal["brief", "full"]
ARTICLES_SHOWN = 5  # an entity lists the articles naming it most; list_articles(entity=id) pages them all
MENTIONS_SHOWN = 5  # with include_mentions, an entity's first mentions; list_mentions pages them all
BRIEF_CHARS = 160  # a brief item's text is cut at a word boundary past this


def shorten(text: str, limit: int = BRIEF_CHARS) -> str:
    """Text cut at a word boundary, with "..." when it was longer than `limit`."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return (cut or text[:limit]) + "..."


class Entity(BaseModel):
    id: str = Field(description="Stable entity id, the same in every article.")
    name: str = Field(description="Canonical name.")
    type: EntityType
    aliases: list[str] | None = Field(None, description="Other surface forms seen (surname, Mr X, variants, "
                                      "demonyms); left out with detail=brief.")
    mention_count: int
    article_count: int
    articles: list[ArticleCount] | None = Field(
        None, description=f"Per-article mention counts, most first: the {ARTICLES_SHOWN} articles naming it most "
        "(list_articles with entity=id pages them all); left out with detail=brief.")
    salience: float = Field(description="Ranking score: mentions, early and headline mentions.")
    mentions: list[Mention] | None = Field(
        None, description=f"With include_mentions=true: its first {MENTIONS_SHOWN} mentions (list_mentions pages "
        "them all).")

    def brief(self) -> Entity:
        return self.model_copy(update={"aliases": None, "articles": None, "mentions": None})


class EntityList(BaseModel):
    entities: list[Entity]
    total: int
    next_cursor: str | None = None
    related_to: str | None = Field(None, description="The entity whose co-occurring entities these are.")
    coverage: Coverage | None = Field(None, description="Corpus-wide: how many articles the answer covers.")


class EntityMatch(BaseModel):
    entity: Entity = Field(description="The entity (brief: id, name, type, counts).")
    matched: Literal["id", "name", "alias", "part"] = Field(
        description="id, canonical name or alias equal to the query (case-insensitive), or the start of a "
        "name or surname.")
    name: str = Field(description="The name or alias that matched.")


class EntityLookup(BaseModel):
    """lookup_entity's answer: the entities a name can mean, the exact matches first."""

    query: str
    matches: list[EntityMatch]


class MentionList(BaseModel):
    entity_id: str
    name: str
    mentions: list[Mention]
    total: int = Field(description="The entity's mentions (in the article asked, or the corpus) over all pages.")
    next_cursor: str | None = None


# -- quotes (find_quotes) -------------------------------------------------------------------------

QuoteKind = Literal["direct", "partial", "indirect"]
Resolution = Literal[
    "named", "alias", "pronoun", "role", "first-person", "continuation", "transcript", "unresolved"
]


class Speaker(BaseModel):
    entity_id: str | None = Field(None, description="Canonical entity id, or null when unresolved.")
    name: str | None = Field(None, description="Canonical entity name, or the group as written.")
    mention: Span | None = Field(None, description="The speaker as written near the quote.")
    resolution: Resolution = Field(description="How the speaker was found.")
    evidence: str | None = Field(None, description="Why the resolver chose this entity (or none).")


class Quote(BaseModel):
    id: str
    article_id: str
    kind: QuoteKind
    text: str = Field(description="The quoted (or reported) words; fragments joined by ' ... ' (with "
                      "detail=brief, cut after about 160 characters).")
    fragments: list[Span] | None = Field(None, description="Every piece of the quotation with its offsets; left "
                                         "out with detail=brief.")
    speaker: Speaker
    cue: Span | None = Field(None, description="The speech verb or phrase (said, added, according to).")
    paragraph_index: int
    sentence: str | None = Field(None, description="The sentence (or sentences) holding the quote and cue.")
    # -- added by the quote extractor (quotes-1) --
    quoted: list[Span] | None = Field(
        default_factory=list,
        description="The words inside quotation marks. For a direct quote the same as fragments; for a "
        "partial quote the marked pieces of the reported clause that fragments hold; empty for indirect "
        "speech and for an interview transcript's turns (PENCE: ...), which are verbatim without marks.",
    )


    def brief(self) -> Quote:
        """id, kind, the words cut short, the speaker's entity and resolution, where it stands."""
        speaker = self.speaker.model_copy(update={"mention": None, "evidence": None})
        return self.model_copy(update={"text": shorten(self.text), "fragments": None, "cue": None,
                                       "sentence": None, "quoted": None, "speaker": speaker})


class QuoteList(BaseModel):
    quotes: list[Quote]
    total: int
    next_cursor: str | None = None
    coverage: Coverage | None = Field(None, description="Corpus-wide: how many articles the answer covers.")


# -- claims (summarize_claims) ----------------------------------------------------------------------
# Everything below is extractive: each field points back to words of the article (offsets into the body).

ClaimStance = Literal[
    "asserts", "claims", "warns", "predicts", "denies", "disputes", "argues", "concedes", "promises",
    "demands", "believes", "reports", "asks", "describes", "refuses",
]
ClaimCertainty = Literal["unhedged", "hedged", "conditional"]
ClaimType = Literal[
    "quantity", "causal", "prediction", "demand", "comparison", "opinion", "event", "statement"
]
ClaimForm = Literal["direct", "partial", "indirect", "unattributed"]
ClaimantKind = Literal["entity", "group", "unnamed", "unresolved", "article"]
ClaimantResolution = Literal[
    "named", "alias", "pronoun", "role", "first-person", "continuation", "transcript", "unresolved", "as-written",
    "article",
]


class Claimant(BaseModel):
    entity_id: str | None = Field(None, description="Canonical entity id, or null for a group, an unresolved "
                                  "source or the article itself.")
    name: str = Field(description="Canonical entity name; the group as written ('some military experts'); "
                      "the source as written when unresolved; 'the article' for the article's own "
                      "assertions.")
    kind: ClaimantKind = Field(
        description="entity | group (plural unnamed source: 'some experts') | unnamed (singular unnamed "
        "source: 'a spokesman') | unresolved (a pronoun nobody could be found for) | article."
    )
    mention: Span | None = Field(None, description="The claimant as written near the claim.")
    resolution: ClaimantResolution = Field(
        description="How the claimant was found from the mention: as for quote speakers, plus 'as-written' "
        "(an unnamed source kept as the text has it) and 'article'."
    )
    evidence: str | None = Field(None, description="Why the resolver chose this entity (or none).")


class Dispute(BaseModel):
    """Someone in the article casting doubt on a claim."""

    by: Claimant = Field(description="Who disputes the claim.")
    cue: Span = Field(description="The disputing words ('dispute', 'cast doubt on').")
    sentence: Span = Field(description="The disputing sentence.")
    claim_id: str | None = Field(
        None, description="The disputing claim (its counter-argument), when extracted."
    )
    argument: Span | None = Field(None, description="The counter-argument, when the text gives one "
                                  "('arguing that ...', 'citing ...').")


class Claim(BaseModel):
    id: str = Field(description="Stable within the article: article id + position of the claim.")
    article_id: str
    attributed: bool = Field(description="False for the article's own factual assertions.")
    claimant: Claimant | None = Field(None, description="Who makes the claim; with detail=brief, left out "
                                      "(it is the group's claimant).")
    cue: Span | None = Field(None, description="The reporting words (claimed, said, warned, according to).")
    stance: ClaimStance = Field(description="What the claimant does with the content, from the cue.")
    certainty: ClaimCertainty = Field(description="unhedged | hedged (could, may, reportedly, I think...) | "
                                      "conditional (if, unless).")
    certainty_cues: list[Span] | None = Field(default_factory=list, description="The words that decided the "
                                       "certainty; empty when unhedged.")
    form: ClaimForm = Field(description="direct or partial quotation, indirect (reported) speech, or "
                            "unattributed.")
    text: str = Field(description="The claim's content as written; fragments joined by ' ... '.")
    start: int = Field(description="Offset of the content's first character in the body.")
    end: int = Field(description="Offset just past the content's last character.")
    fragments: list[Span] | None = Field(None, description="Every piece of the content with its offsets.")
    evidence: Span | None = Field(None, description="The sentence (or sentences) holding claimant, cue and "
                                  "content.")
    paragraph_index: int
    type: ClaimType = Field(description="quantity | causal | prediction | demand | comparison | opinion | "
                            "event | statement.")
    type_cue: str | None = Field(None, description="The words that decided the type.")
    checkworthiness: float = Field(description="0..1: how much the claim is worth checking.")
    checkworthiness_reasons: list[str] | None = Field(default_factory=list, description="The rules that fired.")
    disputed: bool = False
    disputed_by: list[Dispute] | None = Field(default_factory=list)
    disputes: list[str] | None = Field(default_factory=list, description="Ids of the claims this claim disputes.")
    responds_to: list[str] | None = Field(default_factory=list, description="Ids of the claims this claim answers "
                                   "(counter-arguments, replies).")
    parent_id: str | None = Field(None, description="The claim whose content holds this one (nested "
                                  "attribution: 'X said that Y claimed ...').")
    quote_id: str | None = Field(None, description="The find_quotes quote with the same words, if any.")

    def brief(self) -> Claim:
        """Who, how, the words cut short, the scores and flags; no spans, reasons or dispute details."""
        claimant = self.claimant.model_copy(update={"mention": None, "evidence": None})
        return self.model_copy(update={
            "text": shorten(self.text), "claimant": claimant, "cue": None, "certainty_cues": None,
            "fragments": None, "evidence": None, "type_cue": None, "checkworthiness_reasons": None,
            "disputed_by": None, "disputes": None, "responds_to": None})


class ClaimantGroup(BaseModel):
    claimant: Claimant = Field(description="The claimant (its first mention in the group).")
    total: int = Field(description="This claimant's claims over all pages.")
    top_checkworthiness: float
    claims: list[Claim] = Field(description="This claimant's claims on this page, most check-worthy first.")


class DisputeLink(BaseModel):
    claim_id: str
    article_id: str
    claimant: str = Field(description="Who made the disputed claim.")
    claim: str = Field(description="The disputed claim's text.")
    disputed_by: str = Field(description="Who disputes it.")
    sentence: Span = Field(description="The disputing sentence.")
    counter_claim_id: str | None = None
    argument: str | None = Field(None, description="The counter-argument, when given.")


class ClaimCounts(BaseModel):
    claims: int = Field(description="Matching claims over all pages.")
    counted: int = Field(description="How many of them the other counts cover: all, or across the corpus at "
                         "most the 200 most check-worthy, so a large answer stays fast.")
    attributed: int
    unattributed: int
    claimants: int
    disputed: int
    hedged: int
    conditional: int
    by_type: dict[str, int]
    by_stance: dict[str, int]
    articles: int = Field(description="Articles with at least one matching claim.")


class ClaimSummary(BaseModel):
    """summarize_claims' answer: claims grouped by claimant, most check-worthy first, with their disputes."""

    article_id: str | None = Field(None, description="The article summarised, or null across the corpus.")
    summary: list[str] = Field(description="A few extractive lines: claimant: claim [certainty; disputes].")
    groups: list[ClaimantGroup] = Field(description="This page's claims, grouped by claimant.")
    disputes: list[DisputeLink] = Field(description="Disputes of the claims on this page.")
    counts: ClaimCounts
    total: int = Field(description="Matching claims over all pages.")
    next_cursor: str | None = Field(None, description="Pass as cursor to get the next page; null at the end.")
    coverage: Coverage | None = Field(None, description="Corpus-wide: how many articles the answer covers.")


class ArticleAnnotations(BaseModel):
    """One article with everything found in it, whole (no paging): for the annotated view."""

    article: ArticleMeta
    body: str
    paragraphs: list[Paragraph]
    entities: list[Entity] = Field(description="The article's entities with all their mentions.")
    quotes: list[Quote]
    claims: list[Claim] = Field(description="Every claim, the article's own assertions included, in text order.")


class ArticleAnalysis(BaseModel):
    """Everything the NLP layer extracts from one article, as the store writes it."""

    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)


CorpusOverview.model_rebuild()
