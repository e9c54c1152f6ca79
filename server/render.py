"""Readable text forms of tool results (the structured content stays complete on its own)."""

from __future__ import annotations

from ..tools.models import (
    Article,
    ArticleList,
    ArticleMeta,
    ArticleText,
    ClaimSummary,
    CorpusOverview,
    Coverage,
    EntityList,
    EntityLookup,
    Mention,
    MentionList,
    QuoteList,
)

TEXT_OPEN = "<article-text>"  # the article's own words, third-party material, come between these
TEXT_CLOSE = "</article-text>"


def one_line(text: str | None) -> str:
    """Metadata from a file (a title, a byline) on one line: it cannot add headings or notes of its own."""
    return " ".join((text or "").split())


def quoted_body(text: str) -> str:
    """Article text between markers it cannot close itself, so nothing in it reads as the server's notes."""
    text = text.replace(TEXT_OPEN, "<article-text\u200b>").replace(TEXT_CLOSE, "</article-text\u200b>")
    return f"{TEXT_OPEN}\n{text}\n{TEXT_CLOSE}"


def meta_line(meta: ArticleMeta, title: bool = True) -> str:
    bits = [meta.date or "undated", meta.byline and f"by {one_line(meta.byline)}", one_line(meta.agency),
            one_line(meta.source),
            f"{meta.word_count} words"]
    head = f"[{meta.id}] {one_line(meta.title)} " if title else f"[{meta.id}] "
    return f"{head}({', '.join(b for b in bits if b)})"


def more(next_cursor: str | None, name: str = "cursor") -> str:
    return f"\nMore results: call again with {name}={next_cursor!r}." if next_cursor else ""


def partial(coverage: Coverage | None) -> str:
    """A corpus-wide answer while analysis is still running says what it covers."""
    if coverage is None or coverage.complete:
        return ""
    return (f"\n(Covers the {coverage.analysed:,} of {coverage.articles:,} articles analysed so far; the rest "
            "are being analysed: ask again later for a complete answer.)")


def article_list(result: ArticleList) -> str:
    if not result.articles:
        return "No articles match." + more(result.next_cursor)
    order = "best match first" if any(m.snippet for m in result.articles) else "newest first"
    lines = [f"{result.total} article(s), {order}:"]
    for m in result.articles:
        lines.append(f"- {meta_line(m)}" + (f"\n    snippet: {m.snippet!r}" if m.snippet else ""))
    return "\n".join(lines) + more(result.next_cursor)


def article_text(result: ArticleText) -> str:
    head = f"# {one_line(result.article.title)}\n{meta_line(result.article, title=False)}\n"
    if result.format == "text":
        body = result.text or ""
    else:
        body = "\n\n".join(f"[¶{p.index} @{p.start}-{p.end}] {p.text}" for p in result.paragraphs or [])
    tail = (
        f"\n\n(Body continues: call again with start_index={result.next_start_index} "
        f"of {result.total_chars} characters.)"
        if result.next_start_index is not None
        else ""
    )
    return head + "\n" + quoted_body(body) + tail


def article_markdown(article: Article) -> str:
    meta = [f"- id: {article.id}", f"- date: {article.date or 'unknown'}",
            f"- byline: {one_line(article.byline) or 'unknown'}"]
    if article.source:
        meta.append(f"- source: {one_line(article.source)}")
    if article.url:
        meta.append(f"- url: {one_line(article.url)}")
    return f"# {one_line(article.title)}\n\n" + "\n".join(meta) + "\n\n" + quoted_body(article.body) + "\n"


def corpus_markdown(overview: CorpusOverview, articles: list[ArticleMeta]) -> str:
    lines = [
        "# newsdesk corpus",
        "",
        f"- articles: {overview.articles}",
        f"- folders: {', '.join(overview.roots) or 'none'}",
        f"- index: {overview.index_path}",
    ]
    if overview.missing:
        lines += ["", "## Folders not found (nothing is served from them)"] + [f"- {m}" for m in overview.missing]
    if overview.rejected:
        lines += ["", "## Rejected files"] + [f"- {r.path}: {r.reason}" for r in overview.rejected]
    if overview.failed:
        lines += ["", "## Articles served but not analysed"] + [f"- {f.article_id}: {f.reason}" for f in overview.failed]
    lines += ["", "## Articles"] + [f"- {meta_line(m)}" for m in articles]
    if overview.articles > len(articles):
        lines.append(f"- ... and {overview.articles - len(articles)} more (use the list_articles tool)")
    return "\n".join(lines) + "\n"


def entity_list(result: EntityList) -> str:
    if not result.entities:
        return "No entities match." + more(result.next_cursor) + partial(result.coverage)
    head = f"{result.total} entit{'y' if result.total == 1 else 'ies'}"
    head += (f" co-occurring with {result.related_to}, most shared articles first:" if result.related_to
             else ", most salient first:")
    lines = [head]
    for e in result.entities:
        aliases = f" (also: {', '.join(e.aliases)})" if e.aliases else ""
        lines.append(f"- {e.name} [{e.type}, id {e.id}]{aliases}: {e.mention_count} mention(s) "
                     f"in {e.article_count} article(s)")
        lines += [f"    - {mention_line(m)}" for m in e.mentions or []]
        if e.mentions and len(e.mentions) < e.mention_count:
            lines.append(f"    - ... {e.mention_count - len(e.mentions)} more: list_mentions(entity={e.id!r})")
    return "\n".join(lines) + more(result.next_cursor) + partial(result.coverage)


def mention_line(m: Mention) -> str:
    return f"{m.article_id} @{m.start}-{m.end} {m.text!r} ({m.kind}): {m.sentence.strip()!r}"


def entity_lookup(result: EntityLookup) -> str:
    if not result.matches:
        return f"No entity is called {result.query!r} or has it in its names. Try list_entities(query=...)."
    lines = [f"Entities for {result.query!r}:"]
    for m in result.matches:
        e = m.entity
        lines.append(f"- {e.id}: {e.name} [{e.type}] ({m.matched} {m.name!r}; {e.mention_count} mention(s) in "
                     f"{e.article_count} article(s))")
    return "\n".join(lines)


def mention_list(result: MentionList) -> str:
    if not result.mentions:
        return f"No mentions of {result.name} match." + more(result.next_cursor)
    lines = [f"{result.total} mention(s) of {result.name} ({result.entity_id}):"]
    lines += [f"- {mention_line(m)}" for m in result.mentions]
    return "\n".join(lines) + more(result.next_cursor)


_EXPLAINED = ("pronoun", "role", "transcript")


def quote_list(result: QuoteList, order: str = "in text order") -> str:
    if not result.quotes:
        return "No quotes match." + more(result.next_cursor) + partial(result.coverage)
    lines = [f"{result.total} quote(s), {order}:"]
    for q in result.quotes:
        who = q.speaker.name or "unresolved speaker"
        said = f" via {q.speaker.mention.text!r}" if q.speaker.mention else ""
        cue = f", cue {q.cue.text!r}" if q.cue else ""
        where = ", ".join(f"@{f.start}-{f.end}" for f in q.fragments or [])
        # how an indirect resolution was reached, so a reader can check it
        why = f" ({q.speaker.evidence})" if q.speaker.evidence and q.speaker.resolution in _EXPLAINED else ""
        lines.append(f"- [{q.id}] {who}{said} [{q.kind}, {q.speaker.resolution}{why}{cue}; "
                     f"¶{q.paragraph_index}{' ' + where if where else ''}]: \u201c{q.text}\u201d")
    return "\n".join(lines) + more(result.next_cursor) + partial(result.coverage)


def claim_summary(result: ClaimSummary) -> str:
    if not result.total:
        return "No claims match." + more(result.next_cursor) + partial(result.coverage)
    c = result.counts
    of = f"; of the first {c.counted:,} found:" if c.counted < c.claims else ""
    lines = [f"{c.claims:,} claim(s){of} by {c.claimants} claimant(s) in {c.articles} article(s): "
             f"{c.disputed} disputed, {c.hedged} hedged, {c.conditional} conditional. Grouped by claimant, "
             "most check-worthy first.", "", "Summary (what a reader meets first):"]
    lines += [f"- {line}" for line in result.summary]
    for group in result.groups:
        lines += ["", f"{group.claimant.name} ({group.claimant.kind}, {group.total} claim(s)):"]
        for claim in group.claims:
            cue = f" {claim.cue.text!r}" if claim.cue else ""
            flags = [claim.stance, claim.certainty, claim.type, f"check-worthiness {claim.checkworthiness:.2f}"]
            if claim.disputed:
                flags.append("disputed by " + ", ".join(d.by.name for d in claim.disputed_by)
                             if claim.disputed_by else "disputed")
            lines.append(f"- [{claim.id}{cue}; {'; '.join(flags)}; @{claim.start}-{claim.end}] {claim.text}")
    if result.disputes:
        lines += ["", "Disputes:"]
        for d in result.disputes:
            arg = f" Argument: {d.argument}" if d.argument else ""
            lines.append(f"- {d.disputed_by} disputes {d.claimant}'s claim {d.claim_id} "
                         f"(sentence @{d.sentence.start}-{d.sentence.end}: {d.sentence.text!r}).{arg}")
    return "\n".join(lines) + more(result.next_cursor) + partial(result.coverage)
