"""Corpus-level linking: one Entity per real-world thing over every article.

Rules, in order:
1. Entities with the same id (type + canonical name key) are one entity.
2. Type agreement: entities whose names have the same key but different types across articles take the
   type that holds at least two thirds of that name's mentions (spaCy's per-article mistakes, such as a
   name tagged ORG in one article and PERSON in the others, are outvoted). Otherwise the types stay
   apart (Georgia the state and a person named Georgia).
3. Variants: an entity whose name equals an alias of exactly one other entity of the same type is that
   entity ("Nato" -> "NATO", "Putin" -> "Vladimir Putin" when some article used both). A one-word person
   name that is the surname of exactly one multi-word person (or of one named at least twice as often
   as every other) is that person. Demonyms and roles never link: they are descriptions.
4. The merged entity keeps the canonical name and id of the fuller entity; counts are summed, aliases
   unioned, per-article counts combined, salience summed; the result is sorted by salience, highest
   first.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..models import ArticleCount, Entity
from .entities import entity_id, is_acronym
from .places import key

TYPE_MAJORITY = 2 / 3


class _Union:
    """Union-find over corpus ids; each group is later named by its best member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while x != root:
            x, self.parent[x] = self.parent.get(x, x), root
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def link_ids(per_article: dict[str, list[Entity]]) -> dict[tuple[str, str], str]:
    """Map (article id, article-level entity id) to the corpus entity id."""
    entities = [e for ents in per_article.values() for e in ents]
    # 2. type agreement by name key
    mentions_by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for e in entities:
        mentions_by_key[key(e.name)][e.type] += e.mention_count
    retyped: dict[str, str] = {}
    for e in entities:
        votes = mentions_by_key[key(e.name)]
        top, n = votes.most_common(1)[0]
        if top != e.type and n >= TYPE_MAJORITY * votes.total():
            retyped[e.id] = entity_id(top, e.name)

    def corpus_id(e: Entity) -> str:
        return retyped.get(e.id, e.id)

    # one record per corpus id: name, type, mention total, alias keys
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    weight: Counter[str] = Counter()
    alias_keys: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        cid = corpus_id(e)
        names.setdefault(cid, e.name)
        types[cid] = cid.split(":", 1)[0]
        weight[cid] += e.mention_count
        demonyms = {m.text for m in e.mentions or [] if m.kind in ("demonym", "role")}
        alias_keys[cid].update(key(a) for a in e.aliases if a not in demonyms)
    union = _Union()
    # 3. variants: a name that is an alias of exactly one other entity of the same type
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for cid, keys in alias_keys.items():
        for k in keys:
            owners[(types[cid], k)].add(cid)
    for cid, name in names.items():
        hits = owners.get((types[cid], key(name)), set()) - {cid}
        if len(hits) == 1:
            union.join(cid, hits.pop())
    # surnames of multi-word people
    by_surname: dict[str, list[str]] = defaultdict(list)
    for cid, name in names.items():
        words = key(name).split()
        if types[cid] == "person" and len(words) > 1:
            by_surname[words[-1]].append(cid)
    for cid, name in names.items():
        words = key(name).split()
        if types[cid] != "person" or len(words) != 1:
            continue
        fits = sorted(by_surname.get(words[0], []), key=lambda c: -weight[c])
        if len(fits) == 1 or (len(fits) > 1 and weight[fits[0]] >= 2 * weight[fits[1]]):
            union.join(cid, fits[0])
    # 4. a linked group is named by its best member: a full person name, an acronym, the most mentioned
    members: dict[str, list[str]] = defaultdict(list)
    for cid in names:
        members[union.find(cid)].append(cid)
    best: dict[str, str] = {}
    for root, group in members.items():
        top = max(group, key=lambda c: (
            types[c] == "person" and len(key(names[c]).split()) > 1, is_acronym(names[c]), weight[c], c
        ))  # fmt: skip
        best[root] = top
    return {
        (article_id, e.id): best[union.find(corpus_id(e))]
        for article_id, ents in per_article.items()
        for e in ents
    }


def merge_corpus(per_article: dict[str, list[Entity]]) -> list[Entity]:
    """One Entity per real-world thing over the corpus, counts summed, aliases unioned, by salience."""
    ids = link_ids(per_article)
    parts: dict[str, list[Entity]] = defaultdict(list)
    for article_id, ents in per_article.items():
        for e in ents:
            parts[ids[(article_id, e.id)]].append(e)
    merged = [_merge(cid, group) for cid, group in parts.items()]
    merged.sort(key=lambda e: (-e.salience, e.name))
    return merged


def _merge(cid: str, group: list[Entity]) -> Entity:
    type_ = cid.split(":", 1)[0].upper()
    owners = [e for e in group if e.id == cid] or group
    name = _pick_name([e for e in owners if entity_id(type_, e.name) == cid] or owners)
    per_article: Counter[str] = Counter()
    for e in group:
        for a in e.articles:
            per_article[a.article_id] += a.mentions
    aliases = list(dict.fromkeys(a for e in group for a in [e.name, *e.aliases] if a != name))
    has_mentions = any(e.mentions is not None for e in group)
    mentions = [m for e in group for m in e.mentions or []] if has_mentions else None
    if mentions is not None:
        mentions.sort(key=lambda m: (m.article_id, m.start))
    return Entity(
        id=cid,
        name=name,
        type=type_,  # type: ignore[arg-type]
        aliases=aliases,
        mention_count=sum(e.mention_count for e in group),
        article_count=len(per_article),
        articles=[ArticleCount(article_id=a, mentions=n) for a, n in per_article.most_common()],
        salience=round(sum(e.salience for e in group), 3),
        mentions=mentions,
    )


def _pick_name(group: list[Entity]) -> str:
    """The most used spelling; an all-capital spelling wins over its case variants."""
    counts: Counter[str] = Counter()
    for e in group:
        counts[e.name] += e.mention_count
    caps = [n for n in counts if is_acronym(n)]
    if caps:
        return max(caps, key=lambda n: counts[n])
    return max(counts, key=lambda n: (counts[n], n))
