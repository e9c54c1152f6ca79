"""The tools as plain Python: a Desk answers every question from the store."""

from __future__ import annotations

import difflib
import logging
import threading
from pathlib import Path
from typing import Literal, get_args

from . import claims as claim_queries
from .errors import AnalysisFailed, ArticleNotFound, BadArgument, shown
from .ingest import Progress, Workers, analyse_missing, sync
from .models import (
    MENTIONS_SHOWN,
    Article,
    ArticleAnnotations,
    ArticleHit,
    ArticleList,
    ArticleMeta,
    ArticleText,
    ClaimSummary,
    CorpusOverview,
    Coverage,
    Detail,
    Entity,
    EntityList,
    EntityLookup,
    EntityMatch,
    EntityType,
    FailedAnalysis,
    IndexReport,
    MentionList,
    QuoteKind,
    QuoteList,
)
from .paging import (
    DEFAULT_TOKENS,
    blank_to_none,
    check_limit,
    check_tokens,
    decode_offset,
    encode_offset,
    fit,
)
from .settings import Settings
from .store import Store, Within

log = logging.getLogger(__name__)
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)
QUOTE_KINDS: tuple[str, ...] = get_args(QuoteKind)
SORTS = ("newest", "relevance")
SUGGEST_CHARS = 200  # longer unknown names and ids get no "did you mean" (its cost grows with the length)
DETAILS = ("brief", "full")


class Desk:
    """A corpus opened over its store. Usable without MCP."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._analysing = threading.Lock()
        self._coverage: tuple[tuple[int, int], Coverage] | None = None

    @classmethod
    def open(cls, settings: Settings | None = None, sync: bool = True, progress: Progress | None = None) -> Desk:
        settings = settings or Settings.from_env()
        desk = cls(settings, Store(settings.index_path))
        if sync:
            desk.refresh(progress)
        return desk

    def roots(self) -> list[Path]:
        """The configured folders plus those remembered by the index (`newsdesk index DIR`)."""
        roots = self.settings.roots()
        return roots + [r for r in self.store.remembered_roots() if r not in roots]

    def refresh(self, progress: Progress | None = None) -> IndexReport:
        if self.store.read_only:  # served as it is
            log.warning("index %s is read-only: serving it as it is (no folder sync, no analysis)", self.store.path)
            return IndexReport(articles=self.store.count())
        report = sync(self.store, self.roots(), self.settings.max_file_bytes, progress,
                      self.settings.max_read_seconds)
        log.info(
            "index %s: %d articles (%d added, %d updated, %d removed, %d rejected)",
            self.store.path, report.articles, report.added, report.updated, report.removed, len(report.rejected),
        )
        return report

    def close(self) -> None:
        self.store.close()

    @property
    def version(self) -> str:
        from .extract import analysis_version

        return analysis_version(self.settings.spacy_model)

    def analyse_all(self, progress: Progress | None = None, jobs: int = 1,
                    stop: threading.Event | None = None, workers: Workers | None = None) -> int:
        """Compute every missing NLP analysis (in `jobs` worker processes, or in `workers`)."""
        if self.store.read_only:
            return 0
        with self._analysing:
            return analyse_missing(self.store, self.settings.spacy_model, jobs, progress, stop,
                                   self.settings.max_analysis_chars, workers)

    def ensure_analysed(self, article_id: str) -> Article:
        """The article, analysed now if it is not yet (one article: a fraction of a second)."""
        article = self.article(article_id)
        if self.store.is_analysed(article.id, self.version):
            return article
        if self.store.read_only:
            raise AnalysisFailed(article.id, "the index is read-only and holds no analysis of it by this version")
        if (reason := self.store.failure(article.id, self.version)) is None:
            from .ingest import analyse_batch

            stamp = self.store.stamp(article.id) or ""
            [(_, _, analysis)] = analyse_batch([(article.id, stamp, article.title, article.body)],
                                               self.settings.spacy_model, self.settings.max_analysis_chars)
            if isinstance(analysis, str):
                self.store.put_failure(article.id, stamp, self.version, analysis)
                reason = analysis
            else:
                self.store.put_analysis(article.id, stamp, self.version, analysis)
        if reason is not None:
            raise AnalysisFailed(article.id, reason)
        return article

    def coverage(self) -> Coverage:
        """How much of the corpus a corpus-wide answer covers (counted again only after a write)."""
        state = self.store.state()
        if self._coverage is None or self._coverage[0] != state:
            self._coverage = (state, Coverage(analysed=self.store.analysed(self.version),
                                              articles=self.store.count(), failed=self.store.failed(self.version)))
        return self._coverage[1]

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
        detail: Detail = "full",
        max_tokens: int = DEFAULT_TOKENS,
    ) -> EntityList:
        check_limit(limit)
        check_page(detail, max_tokens)
        article_id, query, related_to = blank_to_none(article_id), blank_to_none(query), blank_to_none(related_to)
        wanted_types = check_types(types)
        anchor = self.find_entity(related_to, argument="related_to") if related_to else None
        if article_id is None:
            page = self.store.corpus_entities(wanted_types, query, min_mentions,
                                              anchor.id if anchor else None, limit, cursor)
            entities, after, next_cursor, total = page.items, page.after, page.next_cursor, page.total
            if include_mentions:
                entities = [e.model_copy(update={"mentions": self.store.mentions_of(e.id, limit=MENTIONS_SHOWN).items})
                            for e in entities]
        else:
            article = self.ensure_analysed(article_id)
            view = [article_view(corpus, local) for local, corpus in
                    self.store.article_entities(article.id, include_mentions)]
            if anchor:
                shared = {e.id for e in self.store.corpus_entities(related_to=anchor.id, limit=100_000).items}
                view = [e for e in view if e.id in shared]
            if wanted_types:
                view = [e for e in view if e.type in wanted_types]
            if query:
                needle = query.casefold().strip()
                view = [e for e in view
                        if needle in e.name.casefold() or any(needle in a.casefold() for a in e.aliases or [])]
            view = [e for e in view if e.mention_count >= min_mentions]
            start = decode_offset(cursor, len(view))
            end = min(len(view), start + limit)
            entities, total = view[start:end], len(view)
            after = [encode_offset(start + n + 1) for n in range(len(entities))]
            next_cursor = encode_offset(end) if end < len(view) else None
        if detail == "brief":
            entities = [e.brief() for e in entities]
        entities, next_cursor = fit(entities, after, next_cursor, max_tokens)
        return EntityList(entities=entities, total=total, next_cursor=next_cursor,
                          related_to=anchor.id if anchor else None,
                          coverage=self.coverage() if article_id is None else None)

    def lookup_entity(self, name: str, types: list[str] | None = None, limit: int = 5) -> EntityLookup:
        """The entities a name can mean, exact matches (id, canonical name, alias) first, then names or
        surnames starting with it; each in brief. Cheap: indexed lookups only."""
        check_limit(limit, 20)
        wanted = blank_to_none(name)
        if wanted is None:
            raise BadArgument("name", "give a name, an alias or an entity id")
        found = self.store.entity_matches(wanted, check_types(types), limit)
        return EntityLookup(query=wanted, matches=[EntityMatch(entity=e.brief(), matched=how, name=hit)
                                                   for e, how, hit in found])

    def list_mentions(self, entity: str, article_id: str | None = None, limit: int = 20, cursor: str | None = None,
                      max_tokens: int = DEFAULT_TOKENS) -> MentionList:
        """Every mention of one entity (in one article or the corpus), article by article in text order."""
        check_limit(limit)
        check_tokens(max_tokens)
        found = self.find_entity(entity)
        article_id = blank_to_none(article_id)
        if article_id:
            article_id = self.ensure_analysed(article_id).id
        page = self.store.mentions_of(found.id, article_id, limit, cursor)
        mentions, next_cursor = fit(page.items, page.after, page.next_cursor, max_tokens)
        return MentionList(entity_id=found.id, name=found.name, mentions=mentions, total=page.total,
                           next_cursor=next_cursor)

    def find_entity(self, name_or_id: str, argument: str = "entity") -> Entity:
        """An entity by id, canonical name or alias (case-insensitive); the most salient wins a tie."""
        found = self.store.entity(name_or_id)
        if found is not None:
            return found
        close = []
        if len(name_or_id) <= SUGGEST_CHARS:
            close = difflib.get_close_matches(name_or_id, self.store.entity_names_like(name_or_id), n=3, cutoff=0.6)
        hint = f" Close names: {', '.join(close)}." if close else ""
        raise BadArgument(argument, f"no entity {shown(name_or_id)} in the corpus.{hint} Use list_entities to see them.")

    # -- quotes ---------------------------------------------------------------------------------

    def find_quotes(
        self,
        article_id: str | None = None,
        speaker: str | None = None,
        query: str | None = None,
        kinds: list[str] | None = None,
        limit: int = 20,
        cursor: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        detail: Detail = "full",
        max_tokens: int = DEFAULT_TOKENS,
    ) -> QuoteList:
        check_limit(limit)
        check_page(detail, max_tokens)
        article_id, speaker, query = blank_to_none(article_id), blank_to_none(speaker), blank_to_none(query)
        wanted_kinds = set(kinds or [])
        if wanted_kinds - set(QUOTE_KINDS):
            raise BadArgument("kinds", f"allowed kinds are {', '.join(QUOTE_KINDS)}")
        if article_id:
            article_id = self.ensure_analysed(article_id).id
        speaker_id = self.find_entity(speaker, argument="speaker").id if speaker else None
        page = self.store.quotes(article_id, speaker_id, query, wanted_kinds, limit, cursor,
                                 within(date_from, date_to, source))
        quotes = [q.brief() for q in page.items] if detail == "brief" else page.items
        quotes, next_cursor = fit(quotes, page.after, page.next_cursor, max_tokens)
        return QuoteList(quotes=quotes, total=page.total, next_cursor=next_cursor,
                         coverage=None if article_id else self.coverage())

    # -- articles -------------------------------------------------------------------------------

    def article(self, article_id: str) -> Article:
        article = self.store.get(article_id.strip())
        if article is None:
            raise ArticleNotFound(article_id, self._suggest(article_id))
        return article

    def _suggest(self, article_id: str) -> list[str]:
        if len(article_id) > SUGGEST_CHARS:
            return []
        close = difflib.get_close_matches(article_id.lower(), self.store.ids(article_id[:3].lower(), 500), n=3,
                                          cutoff=0.5)
        if not close:
            words = [w for w in article_id.replace("-", " ").replace("_", " ").split() if len(w) > 3 and w.isalnum()]
            if words:
                close = [m.id for m, _ in self.store.list_articles(" OR ".join(words[:3]), sort="relevance",
                                                                   limit=3).items]
        return close[:3]

    def list_articles(
        self,
        query: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        entity: str | None = None,
        sort: str | None = None,
        max_tokens: int = DEFAULT_TOKENS,
    ) -> ArticleList:
        check_limit(limit)
        check_tokens(max_tokens)
        query, entity = blank_to_none(query), blank_to_none(entity)
        limits = within(date_from, date_to, source)
        date_from, date_to, source = limits.date_from, limits.date_to, limits.source
        sort = sort or ("relevance" if query else "newest")
        if sort not in SORTS:
            raise BadArgument("sort", f"must be one of {', '.join(SORTS)}")
        entity_id = self.find_entity(entity, argument="entity").id if entity else None
        page = self.store.list_articles(query, date_from, date_to, source, entity_id, sort, limit, cursor)
        metas = [ArticleHit(**m.model_dump(), snippet=snip) for m, snip in page.items]
        metas, next_cursor = fit(metas, page.after, page.next_cursor, max_tokens)
        return ArticleList(articles=metas, total=page.total, next_cursor=next_cursor)

    def get_article(
        self,
        article_id: str,
        format: Literal["text", "paragraphs"] = "paragraphs",
        max_chars: int = 12_000,
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
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        detail: Detail = "full",
        max_tokens: int = DEFAULT_TOKENS,
    ) -> ClaimSummary:
        article_id, claimant, query = blank_to_none(article_id), blank_to_none(claimant), blank_to_none(query)
        check_limit(limit, claim_queries.MAX_LIMIT)
        check_page(detail, max_tokens)
        if not 0.0 <= min_checkworthiness <= 1.0:
            raise BadArgument("min_checkworthiness", f"must be between 0 and 1, got {min_checkworthiness}")
        claimant_ids: list[str] = []
        claimant_text = None
        if claimant:
            try:  # an entity matches by id only; anything else by the claimant's words as written
                claimant_ids = [self.find_entity(claimant, argument="claimant").id]
            except BadArgument as not_entity:
                claimant_text = claimant
                if not self.store.has_written_claimant(claimant):
                    raise not_entity
        if article_id:
            article = self.ensure_analysed(article_id)
            claims = self.store.article_claims(article.id)
            return claim_queries.summarize_claims(
                {article.id: claims}, article_id=article.id, claimant=claimant_text, claimant_ids=claimant_ids,
                query=query, min_checkworthiness=min_checkworthiness, include_unattributed=include_unattributed,
                limit=limit, cursor=cursor, brief=detail == "brief", max_tokens=max_tokens,
            )
        page, stats, totals = self.store.claims(
            claimant_ids[0] if claimant_ids else None, claimant_text, query, min_checkworthiness,
            include_unattributed, limit, cursor, within(date_from, date_to, source))
        return claim_queries.corpus_summary(page.items, page.after, page.total, page.next_cursor, stats, totals,
                                            self.coverage(), detail == "brief", max_tokens)

    def annotate_article(self, article_id: str) -> ArticleAnnotations:
        """The article with all its entities (and every mention), quotes and claims, for the annotated view."""
        article = self.ensure_analysed(article_id)
        entities = [corpus.model_copy(update={"mentions": local.mentions, "mention_count": local.mention_count})
                    for local, corpus in self.store.article_entities(article.id, include_mentions=True)]
        quotes = self.store.quotes(article.id, limit=1_000_000).items
        return ArticleAnnotations(article=article_meta(article), body=article.body, paragraphs=article.paragraphs,
                                  entities=entities, quotes=quotes, claims=self.store.article_claims(article.id))

    def overview(self) -> CorpusOverview:
        roots = self.roots()

        def shown(path: str) -> str:
            return path if self.settings.show_paths else short_path(path, roots)

        return CorpusOverview(
            articles=self.store.count(),
            roots=[shown(str(r)) for r in roots],
            missing=[shown(str(r)) for r in roots if not r.is_dir()],
            index_path=shown(str(self.store.path)),
            rejected=[r.model_copy(update={"path": shown(r.path)}) for r in self.store.rejected()],
            failed=[FailedAnalysis(article_id=a, reason=r) for a, r in self.store.failures(self.version)],
            coverage=self.coverage(),
        )


def within(date_from: str | None, date_to: str | None, source: str | None) -> Within:
    """The article filters every corpus-wide list takes, checked."""
    return Within(check_date("date_from", date_from), check_date("date_to", date_to), blank_to_none(source))


def short_path(path: str, roots: list[Path]) -> str:
    """A path without the user's folders above the corpus: the folder's name and the path inside it, or
    the file's name."""
    for root in sorted((str(r).rstrip("/") for r in roots), key=len, reverse=True):
        if path == root:
            return Path(root).name
        if path.startswith(root + "/"):
            return f"{Path(root).name}/{path[len(root) + 1:]}"
    return Path(path).name


def check_page(detail: str, max_tokens: int) -> None:
    if detail not in DETAILS:
        raise BadArgument("detail", f"must be one of {', '.join(DETAILS)}")
    check_tokens(max_tokens)


def check_date(name: str, value: str | None) -> str | None:
    value = blank_to_none(value)
    if value is None:
        return None
    import re

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise BadArgument(name, f"must be a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {shown(value)}")
    return value


def check_types(types: list[str] | None) -> set[str]:
    wanted = {t.upper().strip() for t in types or []}
    unknown = wanted - set(ENTITY_TYPES)
    if unknown:
        raise BadArgument("types", f"unknown {sorted(unknown)}; allowed: {', '.join(ENTITY_TYPES)}")
    return wanted


def article_view(corpus_entity: Entity, local: Entity) -> Entity:
    """The corpus entity as seen in one article: that article's mentions, counts and salience."""
    return corpus_entity.model_copy(
        update={"mentions": local.mentions[:MENTIONS_SHOWN] if local.mentions is not None else None,
                "mention_count": local.mention_count, "salience": local.salience,
                "aliases": sorted(set(corpus_entity.aliases or []) | set(local.aliases or []))}
    )


def article_meta(article: Article) -> ArticleMeta:
    return ArticleMeta.model_validate(article.model_dump(include=set(ArticleMeta.model_fields)))

