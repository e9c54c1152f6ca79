"""The query side of summarize_claims: pure functions over extracted claims.

Filters (article, claimant, query text, check-worthiness, attributed only), grouping by claimant, ranking and
a short extractive summary. No parsing here: claims come from `extract.claims` through the index.

Ranking, written down:
- a claim's rank key is (-checkworthiness, article id, start offset): most check-worthy first, ties in
  reading order;
- groups are ordered by their best claim's key; the page is a window over the claims in that order
  (group after group), so a group can continue on the next page;
- the summary is what a journalist reads first: claims ranked by `summary_score` -- where the claim
  stands (a claim whose sentence starts in the lead, the first LEAD_CHARS characters, counts fully; after
  it the weight falls as 1 / (1 + distance / LEAD_CHARS): the inverted pyramid), how often the article restates it (other claims
  sharing at least RESTATED_SHARE of its content words), its check-worthiness and whether it is
  disputed; a claim of fewer than MIN_SUMMARY_WORDS words or check-worthiness under TRIVIA_WORTH is
  trivia and sinks. A restatement by the same claimant of a line already
  chosen is merged into it ("restated 2x"); SUMMARY_LINES lines at most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from .errors import BadArgument
from .models import (
    Claim,
    ClaimantGroup,
    ClaimCounts,
    ClaimSummary,
    Coverage,
    DisputeLink,
)
from .paging import DEFAULT_TOKENS, check_limit, decode_offset, encode_offset, fit, item_tokens

SUMMARY_LINES = 5
LEAD_CHARS = 250  # the lead of a news story (its first sentence or two, about 40 words) says what it is about
RESTATED_SHARE = 0.5  # content words two claims must share (of the smaller set) to be one claim restated
MIN_SUMMARY_WORDS = 3
TRIVIA_WORTH = 0.2  # below this check-worthiness (or under MIN_SUMMARY_WORDS words) a claim is trivia
POSITION_WEIGHT, REPEAT_WEIGHT, WORTH_WEIGHT, DISPUTE_BONUS = 0.6, 0.2, 0.2, 0.1
_STOP = frozenset(
    re.findall(
        r"\w+",
        "the a an and or but of to in on at for by with from that this these those it its is are was were be "
        "been has have had will would could should may might can not no he she they we i you his her their our "
        "said says say about as than then there which who what when over into more most also very just",
    )
)
SUMMARY_CLAIM_CHARS = 220  # a longer claim is cut at a word boundary and ends with "..."
MAX_LIMIT = 40  # a claim with its evidence weighs ~400 tokens; a page stays well under the client's cap
GROUP_TOKENS = 40  # a claimant group's head: the claimant, its total and best score
SUMMARY_OVERHEAD_TOKENS = 600  # the summary lines (SUMMARY_LINES of SUMMARY_CLAIM_CHARS) and the counts


def claim_tokens(brief: bool) -> Callable[[Claim], int]:
    """A claim's size on a page: itself (brief or full), the dispute links it brings and the head of the
    claimant group it may open."""
    def size(claim: Claim) -> int:
        shown = claim.brief() if brief else claim
        return item_tokens(shown) + sum(item_tokens(d) for d in dispute_links([claim])) + GROUP_TOKENS
    return size


def _page(groups: list[tuple[str, list[Claim]]], totals: Mapping[str, int] | None, brief: bool) -> list[ClaimantGroup]:
    """The page's groups; in brief, the claimant is said once, by the group."""
    out = []
    for key, members in groups:
        claimant = members[0].claimant
        if brief:
            claimant = claimant.model_copy(update={"mention": None, "evidence": None})
            members = [c.brief().model_copy(update={"claimant": None}) for c in members]
        out.append(ClaimantGroup(claimant=claimant,
                                 total=totals.get(key, len(members)) if totals is not None else len(members),
                                 top_checkworthiness=members[0].checkworthiness, claims=members))
    return out


def claimant_key(claim: Claim) -> str:
    """Claims of one canonical entity group together; otherwise the name as written, case-folded."""
    c = claim.claimant
    return f"id:{c.entity_id}" if c.entity_id else f"{c.kind}:{c.name.casefold()}"


def rank_key(claim: Claim) -> tuple[float, str, int]:
    return (-claim.checkworthiness, claim.article_id, claim.start)


def matches_claimant(claim: Claim, needle: str) -> bool:
    """An entity id equal to the needle, or a claimant name / mention holding it as whole words
    (case-insensitive): "commentators" finds "some commentators", "us" does not find "Russia"."""
    c = claim.claimant
    key = needle.casefold().strip()
    if not key:
        return False
    if c.entity_id and c.entity_id.casefold() == key:
        return True
    words = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    return bool(words.search(c.name.casefold()) or (c.mention and words.search(c.mention.text.casefold())))


def matches_query(claim: Claim, needle: str) -> bool:
    """Every word of the query occurs in the claim text or its evidence sentence (case-insensitive)."""
    hay = f"{claim.text}\n{claim.evidence.text}".casefold()
    return all(word in hay for word in needle.casefold().split())


def filter_claims(
    claims: Iterable[Claim],
    *,
    claimant: str | None = None,
    claimant_ids: Iterable[str] = (),
    query: str | None = None,
    min_checkworthiness: float = 0.0,
    include_unattributed: bool = False,
) -> list[Claim]:
    """The claims that pass every filter. `claimant_ids` (e.g. a resolved entity and its aliases' ids)
    match by id; `claimant` matches by id or name as in `matches_claimant`; either one suffices."""
    ids = set(claimant_ids)
    out = []
    for claim in claims:
        if not include_unattributed and not claim.attributed:
            continue
        if claim.checkworthiness < min_checkworthiness:
            continue
        if claimant or ids:
            by_id = bool(ids) and claim.claimant.entity_id in ids
            if not by_id and not (claimant and matches_claimant(claim, claimant)):
                continue
        if query and not matches_query(claim, query):
            continue
        out.append(claim)
    return out


def group_claims(claims: Iterable[Claim]) -> list[tuple[str, list[Claim]]]:
    """(claimant key, claims best first), groups ordered by their best claim."""
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claimant_key(claim), []).append(claim)
    for members in groups.values():
        members.sort(key=rank_key)
    return sorted(groups.items(), key=lambda kv: rank_key(kv[1][0]))


def shorten(text: str, limit: int = SUMMARY_CLAIM_CHARS) -> str:
    """The claim's words for a summary line: white space collapsed, a leading complementizer ("that ...")
    dropped, cut at a word boundary after `limit` characters."""
    text = " ".join(text.split())
    if text.startswith("that ") and len(text) > 5:
        text = text[5:]
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}..."


def summary_line(claim: Claim, by_id: Mapping[str, Claim] | None = None) -> str:
    """'Claimant: claim text [hedged: could; disputed by some commentators]' — every part from the text.
    `by_id` (claim id -> claim) names whose claim a counter-claim disputes."""
    notes = []
    if claim.certainty != "unhedged":
        words = ", ".join(dict.fromkeys(c.text for c in claim.certainty_cues))
        notes.append(f"{claim.certainty}: {words}" if words else claim.certainty)
    if claim.disputed_by:
        names = ", ".join(dict.fromkeys(d.by.name for d in claim.disputed_by))
        notes.append(f"disputed by {names}")
    if claim.disputes:
        targets = [by_id[i].claimant.name for i in claim.disputes if by_id and i in by_id]
        notes.append(
            f"disputes {', '.join(dict.fromkeys(targets))}" if targets else "disputes an earlier claim"
        )
    tail = f" [{'; '.join(notes)}]" if notes else ""
    return f"{claim.claimant.name}: {shorten(claim.text)}{tail}"


def _stem(word: str) -> str:
    """A crude English stem, enough to see a restatement ("launched" / "launch", "missiles" / "missile")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix, keep in (("ing", 5), ("ed", 4)):
        if word.endswith(suffix) and len(word) > keep:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def content_words(text: str) -> frozenset[str]:
    return frozenset(
        _stem(w) for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in _STOP and len(w) > 2
    )


def _restates(a: frozenset[str], b: frozenset[str]) -> bool:
    smaller = min(len(a), len(b))
    return smaller > 0 and len(a & b) >= RESTATED_SHARE * smaller and len(a & b) >= 2


def summary_score(claim: Claim, repeats: int) -> float:
    """Position (lead first), repetition and check-worthiness, each in [0, 1]; trivia sinks."""
    at = claim.evidence.start if claim.evidence is not None else claim.start
    position = 1.0 if at <= LEAD_CHARS else 1.0 / (1 + (at - LEAD_CHARS) / LEAD_CHARS)
    score = (
        POSITION_WEIGHT * position
        + REPEAT_WEIGHT * min(1.0, repeats / 2)
        + WORTH_WEIGHT * claim.checkworthiness
    )
    if claim.disputed or claim.disputes:
        score += DISPUTE_BONUS  # a contested claim is news
    if len(claim.text.split()) < MIN_SUMMARY_WORDS or claim.checkworthiness < TRIVIA_WORTH:
        score *= 0.3
    return score


def summary_lines(claims: list[Claim], by_id: Mapping[str, Claim]) -> list[str]:
    """The extractive summary (see the module notes) as text lines."""
    return [summary_line(c, by_id) + (f" (restated {n}x)" if n > 1 else "") for c, n in summary_claims(claims)]


def summary_claims(claims: list[Claim]) -> list[tuple[Claim, int]]:
    """The claims of the extractive summary with how often each is stated: lead and repeated claims
    first, restatements by the same claimant merged."""
    words = {c.id: content_words(c.text) for c in claims}
    repeats = {
        c.id: sum(
            1
            for o in claims
            if o.id != c.id and o.article_id == c.article_id and _restates(words[c.id], words[o.id])
        )
        for c in claims
    }
    ranked = sorted(claims, key=lambda c: (-summary_score(c, repeats[c.id]), rank_key(c)))
    chosen: list[tuple[Claim, int]] = []
    for claim in ranked:
        same = next(
            (
                n
                for n, (kept, _) in enumerate(chosen)
                if claimant_key(kept) == claimant_key(claim) and _restates(words[kept.id], words[claim.id])
            ),
            None,
        )
        if same is not None:
            chosen[same] = (chosen[same][0], chosen[same][1] + 1)
        elif len(chosen) < SUMMARY_LINES:
            chosen.append((claim, 1))
    return chosen


def dispute_links(claims: Iterable[Claim]) -> list[DisputeLink]:
    out = []
    for claim in claims:
        for dispute in claim.disputed_by:
            out.append(
                DisputeLink(
                    claim_id=claim.id,
                    article_id=claim.article_id,
                    claimant=claim.claimant.name,
                    claim=claim.text,
                    disputed_by=dispute.by.name,
                    sentence=dispute.sentence,
                    counter_claim_id=dispute.claim_id,
                    argument=dispute.argument.text if dispute.argument else None,
                )
            )
    return out


def count_claims(claims: list[Claim]) -> ClaimCounts:
    return ClaimCounts(
        claims=len(claims),
        counted=len(claims),
        attributed=sum(c.attributed for c in claims),
        unattributed=sum(not c.attributed for c in claims),
        claimants=len({claimant_key(c) for c in claims}),
        disputed=sum(c.disputed for c in claims),
        hedged=sum(c.certainty == "hedged" for c in claims),
        conditional=sum(c.certainty == "conditional" for c in claims),
        by_type=dict(Counter(c.type for c in claims).most_common()),
        by_stance=dict(Counter(c.stance for c in claims).most_common()),
        articles=len({c.article_id for c in claims}),
    )


def summarize_claims(
    claims_by_article: Mapping[str, list[Claim]],
    *,
    article_id: str | None = None,
    claimant: str | None = None,
    claimant_ids: Iterable[str] = (),
    query: str | None = None,
    min_checkworthiness: float = 0.0,
    include_unattributed: bool = False,
    limit: int = 20,
    cursor: str | None = None,
    brief: bool = False,
    max_tokens: int = DEFAULT_TOKENS,
) -> ClaimSummary:
    """Claims of one article (or of all given articles), filtered, grouped by claimant and ranked.

    `claims_by_article` maps article id -> that article's claims (claimant ids already corpus ids, see
    `relink_claims`). `article_id` only labels the answer; pass just that article's claims. The page holds
    at most `limit` claims and stops before `max_tokens`; with `brief`, each claim in its short form.
    """
    check_limit(limit, MAX_LIMIT)
    if not 0.0 <= min_checkworthiness <= 1.0:
        raise BadArgument("min_checkworthiness", f"must be between 0 and 1, got {min_checkworthiness}")
    everything = [c for aid in sorted(claims_by_article) for c in claims_by_article[aid]]
    chosen = filter_claims(
        everything,
        claimant=claimant,
        claimant_ids=claimant_ids,
        query=query,
        min_checkworthiness=min_checkworthiness,
        include_unattributed=include_unattributed,
    )
    groups = group_claims(chosen)
    by_id = {c.id: c for c in everything}
    ordered = [c for _, members in groups for c in members]
    offset = decode_offset(cursor, len(ordered))
    window = ordered[offset : offset + limit]
    end = offset + len(window)
    page, next_cursor = fit(window, [encode_offset(offset + n + 1) for n in range(len(window))],
                            encode_offset(end) if end < len(ordered) else None, max_tokens,
                            claim_tokens(brief), SUMMARY_OVERHEAD_TOKENS)
    page_ids = {c.id for c in page}
    on_page = [(key, [c for c in members if c.id in page_ids]) for key, members in groups]
    sizes = {key: len(members) for key, members in groups}
    return ClaimSummary(
        article_id=article_id,
        summary=summary_lines(chosen, by_id),
        groups=_page([(k, m) for k, m in on_page if m], sizes, brief),
        disputes=dispute_links(page),
        counts=count_claims(chosen),
        total=len(ordered),
        next_cursor=next_cursor,
    )


def corpus_summary(claims: list[Claim], after: list[str], total: int, next_cursor: str | None, stats: list,
                   totals: Mapping[str, int], coverage: Coverage, brief: bool = False,
                   max_tokens: int = DEFAULT_TOKENS) -> ClaimSummary:
    """Across the corpus the page is the most check-worthy claims, grouped by claimant on the page; the
    counts come from the store (`stats`: one breakdown of at most COUNTED_CLAIMS matching claims;
    `totals`: each claimant's matching claims by `claimant_key`, empty when one claimant was asked for).
    `after[i]` is the cursor after claim i: the page stops before `max_tokens`."""
    claims, next_cursor = fit(claims, after, next_cursor, max_tokens, claim_tokens(brief), SUMMARY_OVERHEAD_TOKENS)
    groups = group_claims(claims)
    row = stats[0] if stats else {}
    counted = row.get("counted", 0)
    attributed = row.get("attributed", 0)
    counts = ClaimCounts(
        claims=total, counted=counted, attributed=attributed, unattributed=counted - attributed,
        claimants=row.get("claimants", 0), disputed=row.get("disputed", 0), hedged=row.get("hedged", 0),
        conditional=row.get("conditional", 0), by_type=row.get("by_type", {}), by_stance=row.get("by_stance", {}),
        articles=row.get("articles", 0),
    )
    sizes = dict(totals) if totals else {key: total for key, _ in groups}
    return ClaimSummary(
        article_id=None,
        summary=summary_lines(claims, {c.id: c for c in claims}),
        groups=_page(groups, sizes, brief),
        disputes=dispute_links(claims),
        counts=counts,
        total=total,
        next_cursor=next_cursor,
        coverage=coverage,
    )
