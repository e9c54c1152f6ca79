"""Corpus-level linking: one Entity per real-world thing over every article, decided as each article is
written (the store asks; nothing is recomputed from the whole corpus).

An article's entity links to an existing corpus entity by these rules, in order:
1. Same name: a corpus entity whose name key (type + canonical name, see `places.key`) is the same, of
   the same type; the most mentioned one if several.
2. Type agreement: the same name under another type that already holds at least two thirds of the
   name's mentions (spaCy's per-article mistakes, such as a name tagged ORG in one article and PERSON in
   the others, are outvoted). Otherwise the types stay apart (Georgia the state, a person named Georgia).
3. Variants: its name is an alias of exactly one corpus entity of the same type ("Nato" -> "NATO",
   "Putin" -> "Vladimir Putin" when some article used both).
4. Surnames: a one-word person name that is the surname of exactly one multi-word person (or of one
   named at least twice as often as every other) is that person.
Demonyms and roles ("Russian", "the president") never link: they are descriptions.

Otherwise it becomes a new corpus entity, which absorbs the earlier entities it is the fuller name of:
entities named by one of its aliases, and, for a multi-word person, a one-word person of its surname that
no other multi-word person shares. Absorptions are recorded as merges, so the old id still finds it.

A corpus entity is called by `best_name`: a full person name over a surname, an all-capital spelling over
its case variants, else the most used spelling.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..models import Entity
from .entities import entity_id, is_acronym
from .places import key

DESCRIPTIVE = ("demonym", "role")  # mention kinds that describe an entity, never name it


def name_key(name: str, type_: str | None = None) -> str:
    """The comparison key names are linked and looked up by (`places.key`; a group's plural is its
    singular: "Republicans" = "Republican")."""
    k = key(name)
    if type_ == "NORP" and k.endswith("s") and not k.endswith("ss"):
        k = k[:-1]
    return k


@dataclass
class Candidate:
    """A corpus entity found by one of its names."""

    rowid: int
    id: str
    name: str
    type: str
    mention_count: int
    role: str  # the role of the name that found it: name | alias | surname


@dataclass
class LinkKey:
    """What linking needs to know of one article's entity."""

    id: str
    type: str
    name: str
    key: str
    mentions: int
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, alias | description)

    @classmethod
    def of(cls, entity: Entity, aliases: list[tuple[str, str]] | None = None) -> LinkKey:
        """`aliases` with their roles when known (as stored); else read off the entity's mentions."""
        if aliases is None:
            descriptive = {m.text for m in entity.mentions or [] if m.kind in DESCRIPTIVE}
            aliases = [(a, "description" if a in descriptive else "alias") for a in entity.aliases]
        return cls(entity_id(entity.type, entity.name), entity.type, entity.name,
                   name_key(entity.name, entity.type), entity.mention_count, aliases)

    @property
    def words(self) -> list[str]:
        return self.key.split()

    @property
    def full_person(self) -> bool:
        return self.type == "PERSON" and len(self.words) > 1

    def names(self) -> Iterator[tuple[str, str, str, int]]:
        """(spelling, key, role, weight) rows to record for this entity."""
        yield self.name, self.key, "name", self.mentions
        for alias, role in self.aliases:
            if alias != self.name:
                yield alias, name_key(alias, self.type), role, 1
        if self.full_person:
            yield self.words[-1], self.words[-1], "surname", self.mentions

    def absorbs(self) -> Iterator[tuple[str, str]]:
        """(key, rule) of the earlier entities this new one may be the fuller name of."""
        for alias, role in self.aliases:
            if role == "alias" and name_key(alias, self.type) != self.key:
                yield name_key(alias, self.type), "alias"
        if self.full_person:
            yield self.words[-1], "surname"


def choose(entity: LinkKey, candidates: list[Candidate]) -> int | None:
    """The corpus entity (rowid) an article's entity is, by rules 1-4; None for a new one."""
    same_name = [c for c in candidates if c.role == "name"]
    same_type = [c for c in same_name if c.type == entity.type]
    if same_type:
        return max(same_type, key=lambda c: c.mention_count).rowid
    majority = [c for c in same_name if c.mention_count >= 2 * entity.mentions]
    if majority:
        return max(majority, key=lambda c: c.mention_count).rowid
    owners = {c.rowid for c in candidates if c.role == "alias" and c.type == entity.type}
    if len(owners) == 1:
        return owners.pop()
    if entity.type == "PERSON" and len(entity.words) == 1:
        fits = sorted({c.rowid: c for c in candidates if c.role == "surname" and c.type == "PERSON"}.values(),
                      key=lambda c: -c.mention_count)
        if len(fits) == 1 or (len(fits) > 1 and fits[0].mention_count >= 2 * fits[1].mention_count):
            return fits[0].rowid
    return None


def absorbed(entity: LinkKey, rule: str, candidates: list[Candidate], rivals: int = 0) -> list[Candidate]:
    """Which earlier entities, found by their name under `rule`, the new entity absorbs. `rivals`: other
    multi-word people sharing the surname."""
    out = []
    for c in candidates:
        if c.type != entity.type or c.role != "name":
            continue
        if c.type == "PERSON" and len(key(c.name).split()) > 1:
            continue  # a full name is never absorbed
        if rule == "surname" and (len(key(c.name).split()) != 1 or rivals):
            continue
        out.append(c)
    return out


def best_name(type_: str, spellings: Mapping[str, int]) -> str | None:
    """The corpus entity's name from its spellings and their mention counts."""
    if not spellings:
        return None
    pool = dict(spellings)
    if type_ == "PERSON":
        full = {n: m for n, m in pool.items() if len(key(n).split()) > 1}
        pool = full or pool
    caps = {n: m for n, m in pool.items() if is_acronym(n)}
    pool = caps or pool
    return max(pool, key=lambda n: (pool[n], n))
