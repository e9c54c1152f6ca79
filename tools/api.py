"""The tools as plain Python: a Desk answers every question from the index."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from .errors import ArticleNotFound, BadArgument
from .index import Index, Progress
from .models import (
    Article,
    ArticleList,
    ArticleMeta,
    ArticleText,
    ClaimSummary,
    CorpusOverview,
    Entity,
    EntityList,
    EntityType,
    IndexReport,
    Quote,
    QuoteKind,
    QuoteList,
)
from .paging import blank_to_none, check_limit, decode_cursor, page_window
from .settings import Settings

if TYPE_CHECKING:
    from .analysis import Analyses

log = logging.getLogger(__name__)
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
QUOTE_KINDS: tuple[str, ...] = get_args(QuoteKind)

class Desk:
    """A corpus opened over its index. Usable without MCP."""

    def __init__(self, settings: Settings, index: Index) -> None:
        self.settings = settings
        self.index = index
        self._analyses: Analyses | None = None

    @classmethod
    def open(cls, settings: Settings | None = None, sync: bool = True, progress: Progress | None = None) -> Desk:
        settings = settings or Settings.from_env()
        desk = cls(settings, Index(settings.index_path))
        if sync:
            desk.refresh(progress)
        return desk

    def roots(self) -> list[Path]:
        """The configured folders plus those remembered by the index (`newsdesk index DIR`)."""
        roots = self.settings.roots()
        return roots + [r for r in self.index.remembered_roots() if r not in roots]

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        report = self.index.sync(self.roots(), self.settings.max_file_bytes, progress)
        log.info(
            "index %s: %d articles (%d added, %d updated, %d removed, %d rejected)",
            self.index.path, report.articles, report.added, report.updated, report.removed, len(report.rejected),
        )
        return report

    def close(self) -> None:
        self.index.close()

    @property
    def analyses(self) -> Analyses:
        if self._analyses is None:
            from .analysis import Analyses

            self._analyses = Analyses(self.index, self.settings.spacy_model)
        return self._analyses

    def analyse_all(self, progress: Progress | None = None) -> int:
        """Compute every missing NLP analysis now, so the server never waits for spaCy."""
        return self.analyses.ensure_all(progress)

    # -- entities -------------------------------------------------------------------------------

    def list_entities(
        self,
        article_id: str | None = None,
        types: list[str] | None = None,
        query: str | None = None,
        min_mentions: int = 1,
        limit: int = 20,
        cursor: str | None = None,
        include_mentions: bool = False,
        related_to: str | None = None,
    ) -> EntityList:
        check_limit(limit)
        article_id, query, related_to = blank_to_none(article_id), blank_to_none(query), blank_to_none(related_to)
        wanted_types = check_types(types)
        merged, links = self.analyses.corpus_entities()
        by_id = {e.id: e for e in merged}
        if article_id is not None:
            article = self.article(article_id)
            local = self.analyses.of(article.id).entities
            view = [article_view(by_id[links.get((article.id, e.id), e.id)], e) for e in local
                    if links.get((article.id, e.id), e.id) in by_id]
        else:
            view = list(merged)
        anchor = None
        if related_to:
            anchor = self.find_entity(related_to, merged, argument="related_to")
            anchor_articles = {c.article_id for c in anchor.articles}
            shared = {e.id: len(anchor_articles & {c.article_id for c in e.articles}) for e in view}
            view = sorted((e for e in view if shared[e.id] and e.id != anchor.id),
                          key=lambda e: (-shared[e.id], -e.salience, e.name))
        if wanted_types:
            view = [e for e in view if e.type in wanted_types]
        if query:
            needle = query.casefold().strip()
            view = [e for e in view if needle in e.name.casefold() or any(needle in a.casefold() for a in e.aliases)]
        view = [e for e in view if e.mention_count >= min_mentions]
        start, end, next_cursor = page_window(len(view), decode_cursor(cursor, len(view)), limit)
        page = [e if include_mentions else e.model_copy(update={"mentions": None}) for e in view[start:end]]
        return EntityList(entities=page, total=len(view), next_cursor=next_cursor,
                          related_to=anchor.id if anchor else None)

    def find_entity(self, name_or_id: str, merged: list[Entity] | None = None, argument: str = "entity") -> Entity:
        """An entity by id, canonical name or alias (case-insensitive); the most salient wins a tie."""
        merged = merged if merged is not None else self.analyses.corpus_entities()[0]
        key = name_or_id.casefold().strip()
        for entity in merged:
            if entity.id.casefold() == key:
                return entity
        for entity in merged:  # merged is sorted by salience
            if entity.name.casefold() == key or key in (a.casefold() for a in entity.aliases):
                return entity
        close = difflib.get_close_matches(name_or_id, [e.name for e in merged], n=3, cutoff=0.6)
        hint = f" Close names: {', '.join(close)}." if close else ""
        raise BadArgument(argument, f"no entity {name_or_id!r} in the corpus.{hint} Use list_entities to see them.")

    # -- quotes ---------------------------------------------------------------------------------

    def find_quotes(
        self,
        article_id: str | None = None,
        speaker: str | None = None,
        query: str | None = None,
        kinds: list[str] | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> QuoteList:
        check_limit(limit)
        article_id, speaker, query = blank_to_none(article_id), blank_to_none(speaker), blank_to_none(query)
        wanted_kinds = set(kinds or [])
        if wanted_kinds - set(QUOTE_KINDS):
            raise BadArgument("kinds", f"allowed kinds are {', '.join(QUOTE_KINDS)}")
        merged, links = self.analyses.corpus_entities()
        ids = [self.article(article_id).id] if article_id else self.index.ids()
        speaker_id = self.find_entity(speaker, merged, argument="speaker").id if speaker else None
        by_id = {e.id: e for e in merged}
        found: list[Quote] = []
        for aid in ids:
            analysis = self.analyses.of(aid)
            for quote in analysis.quotes if analysis else []:
                quote = relink_speaker(quote, links, by_id)
                if wanted_kinds and quote.kind not in wanted_kinds:
                    continue
                if speaker_id and quote.speaker.entity_id != speaker_id:
                    continue
                if query and query.casefold() not in quote.text.casefold():
                    continue
                found.append(quote)
        start, end, next_cursor = page_window(len(found), decode_cursor(cursor, len(found)), limit)
        return QuoteList(quotes=found[start:end], total=len(found), next_cursor=next_cursor)

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
        start, end, next_cursor = page_window(len(metas), decode_cursor(cursor, len(metas)), limit)
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
        if start_index < 0 or (start_index >= total > 0):
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

    # -- claims ---------------------------------------------------------------------------------

    def summarize_claims(
        self,
        article_id: str | None = None,
        claimant: str | None = None,
        query: str | None = None,
        min_checkworthiness: float = 0.0,
        include_unattributed: bool = False,
        limit: int = 20,
        cursor: str | None = None,
    ) -> ClaimSummary:
        from . import claims as claim_queries

        article_id, claimant, query = blank_to_none(article_id), blank_to_none(claimant), blank_to_none(query)
        merged, links = self.analyses.corpus_entities()
        by_id = {e.id: e for e in merged}
        ids = [self.article(article_id).id] if article_id else self.index.ids()
        claims_by_article = {}
        for aid in ids:
            if (analysis := self.analyses.of(aid)) is not None:
                claims_by_article[aid] = claim_queries.relink_claims(analysis.claims, links, by_id)
        claimant_ids: list[str] = []
        if claimant:
            try:  # an entity matches by id only; anything else by the claimant's words as written
                claimant_ids, claimant = [self.find_entity(claimant, merged, argument="claimant").id], None
            except BadArgument as not_entity:
                written = [c for cs in claims_by_article.values() for c in cs]
                if not any(claim_queries.matches_claimant(c, claimant) for c in written):
                    raise not_entity
        return claim_queries.summarize_claims(
            claims_by_article, article_id=ids[0] if article_id else None, claimant=claimant,
            claimant_ids=claimant_ids, query=query, min_checkworthiness=min_checkworthiness,
            include_unattributed=include_unattributed, limit=limit, cursor=cursor,
        )

    def overview(self) -> CorpusOverview:
        return CorpusOverview(
            articles=self.index.count(),
            roots=[str(r) for r in self.roots()],
            index_path=str(self.index.path),
            rejected=self.index.rejected(),
        )


def check_types(types: list[str] | None) -> set[str]:
    wanted = {t.upper().strip() for t in types or []}
    unknown = wanted - set(ENTITY_TYPES)
    if unknown:
        raise BadArgument("types", f"unknown {sorted(unknown)}; allowed: {', '.join(ENTITY_TYPES)}")
    return wanted


def article_view(corpus_entity: Entity, local: Entity) -> Entity:
    """The corpus entity as seen in one article: that article's mentions, counts and salience."""
    return corpus_entity.model_copy(
        update={"mentions": local.mentions, "mention_count": local.mention_count, "salience": local.salience,
                "aliases": sorted(set(corpus_entity.aliases) | set(local.aliases))}
    )


def relink_speaker(quote: Quote, links: dict[tuple[str, str], str], by_id: dict[str, Entity]) -> Quote:
    """Article-level speaker ids become corpus entity ids (the same in every article)."""
    local_id = quote.speaker.entity_id
    if local_id is None:
        return quote
    corpus_id = links.get((quote.article_id, local_id), local_id)
    entity = by_id.get(corpus_id)
    speaker = quote.speaker.model_copy(update={"entity_id": corpus_id, "name": entity.name if entity else quote.speaker.name})
    return quote.model_copy(update={"speaker": speaker})


def article_meta(article: Article) -> ArticleMeta:
    return ArticleMeta.model_validate(article.model_dump(include=set(ArticleMeta.model_fields)))

