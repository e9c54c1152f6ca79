"""Canonical entities of one article: spaCy NER, cleaned, typed by evidence and merged per real thing.

`extract_entities(doc, article_id, title)` works on a parsed clean article body and returns one Entity per
real-world thing with all its mentions (offsets into `doc.text`). The rules, in the order they run:

1. Spans. Every NER span except numbers, dates, times, money, percentages, ordinals, cardinals and
   quantities. A span is cut at line breaks, separating punctuation ("Scott - Brentley Vinson") and a
   possessive inside it ("Kyiv's Western" -> "Kyiv"; the part after a possessive is kept only if it is
   itself a place or demonym). Leading determiners, lowercase words and punctuation and a trailing
   possessive are stripped ("the EU" -> "EU", "Kyiv's" -> "Kyiv"). Junk is dropped: no capital letter,
   one character, markup characters, pronouns and stop words (acronyms such as "US" are kept).
2. Names. Titles before a person's name are not part of the name ("President Putin" and "Mr Putin" name
   "Putin"; an honorific, or a title before a one-word name, just outside the span is added to the
   mention's text), nor are suffixes ("Jr."); titles and suffixes come from nameparser. A span of any
   label that opens with an honorific and a capitalised word is a person's name ("Ms Blears" as ORG). A name's key
   ignores case, accents, dots in acronyms and a leading "the" ("Nato" = "NATO", "U.S." = "US"); a
   person's key also ignores middle initials ("Donald J. Trump" = "Donald Trump").
3. Places (places.py, from pinned packages). A spelling of a country takes the country's canonical name
   ("the United States", "America", "Republic of Belarus"); codes ("US", "UK", "N.C.") only where spaCy
   labelled the span GPE. A demonym ("Russian", "Ukrainians") is a mention of its place, kind="demonym";
   other adjectives labelled NORP/GPE are derived from a place by their ending ("Western" -> "West"
   when the article names the West, "Iowan" -> "Iowa").
4. People. A multi-word name is a person if spaCy labelled it PERSON once, or if the article uses its
   last word alone like a surname (never after "the") and not its first word ("Lester Holt" ... "Holt").
   Spellings with the same first and last words (middle names, initials) or one a word-suffix of the
   other ("Aung San Suu Kyi" / "Suu Kyi") are one person. A one-word name (any label but NORP, and not a
   well-known place) that is the surname, or the first name (not after "Mr", not after "the"), of a
   person introduced in full earlier in the article is that person ("Putin", "Mr Putin"); when several
   people fit, each bare mention is the one of the gender its sentence's he/she gives it, else the one
   named last before it; a mention before
   any full name is the one named at least twice as often as every other, else the one the headline
   names, else the one introduced first. Mentions linked to a person count as PERSON votes.
5. Types are voted over all mentions of an entity: each spaCy label is one vote; context cues are two
   votes each: a mention that is fired, launched, tested, deployed or intercepted, or that modifies or is
   named by a device noun ("the X missile", "a missile called X", "systems such as the X"), votes PRODUCT
   (never a full person name); an honorific or title before it votes PERSON; the gazetteer votes GPE/LOC
   with a weight per mention from 0.5 (small towns, whose names are often surnames) to 3 (countries,
   states, continents), except for multi-word person names. Demonyms vote for their place's type. A
   name of two or three capitalised words opening with a first name of known gender (gender.py) and
   holding no organisation or place word ("Church", "Valley", "Party") gets two PERSON votes. A name
   that wins as PERSON but is written as no person's is (a mention after "the" that modifies nothing,
   "the Lib Dems said"; or a last word that heads organisations' and events' names, "UK Independence
   Party", "Manchester United", "Venice Film Festival"), and is never titled, takes its next label, else ORG.
6. Organisations. Case variants are one entity named by their all-capital form when it is short
   ("NATO" over "Nato", not a transcript's "CONGRESS"); an acronym equal to the initials of an
   organisation named in the article is that organisation, named by the acronym ("FBI"). Plural and
   singular group names are one entity ("Republicans" = "Republican").
7. Roles. A person defined in the article by a role noun before the name ("Russian President Vladimir
   Putin": head "president", modifiers {"russian"}) or by an apposition right after it ("Lavrov, the
   foreign minister,") is the referent of any "the [modifiers] head" noun phrase (singular) whose head is
   that role and whose modifiers are among the definition's, when exactly one person fits ("the Russian
   president", "the foreign minister"); "former X" does not define "the X". Role heads must be nouns for
   people (a nameparser title, or an ending such as -er, -or, -ist, -ent, -man). These noun phrases and
   the appositions themselves are mentions with kind="role".
8. Names spaCy missed in a speaker's place: a run of two or three capitalised proper nouns that is the
   subject of a reporting verb is a PERSON name; so is one such word alone ("Doctor said"), with an
   earlier "First Word" the article names it by ("Ken Doctor"). Mentions that spaCy missed: another case-exact, token-aligned occurrence of a name or alias already
   found, not inside another entity span and not followed by another proper noun, is a mention too.
9. Institutions. A bare definite "the government" / "the police" (INSTITUTION_NOUNS, lower case, no
   modifier, no "of" phrase) is an organisation of its own, named so, unless an organisation of the article
   has the noun in its name; with a place for its one modifier it is that place's ("the US government":
   "US government").
10. Salience: name and alias mentions count 1, demonyms and roles 0.5, plus up to 2 for an early first
   mention and 3 when the headline names the entity (the title is used for nothing else).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..models import ArticleCount, Entity, EntityType, Mention, MentionKind
from .attribution import REPORT_RATIO, default_lexicon, subject_of
from .gender import PRONOUN_GENDER, Gender, first_name_gender, honorific_gender
from .places import Gazetteer, Place, demonym_stems, gazetteer, key, stem_place
from .positions import text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


NON_ENTITY_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
ENTITY_TYPES: frozenset[str] = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "PRODUCT", "EVENT", "FAC", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those"})
POSSESSIVES = frozenset({"'s", "\u2019s", "'", "\u2019"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx", "sir", "dame"})
# Supplements to nameparser's title list (it lacks these abbreviations used before US names).
EXTRA_TITLES = frozenset({"sen", "rep", "gov", "lt", "president-elect"})
PLACE_LABELS = frozenset({"GPE", "LOC"})

# Nouns for made things (weapons, vehicles, devices): "the X missile", "a system called X".
DEVICE_NOUNS = frozenset(
    {
        "missile", "rocket", "system", "weapon", "warhead", "bomb", "torpedo", "launcher", "drone",
        "jet", "aircraft", "airplane", "plane", "helicopter", "fighter", "bomber", "tank", "vehicle",
        "submarine", "ship", "warship", "destroyer", "frigate", "carrier", "satellite", "spacecraft",
        "rifle", "gun", "howitzer", "artillery", "interceptor", "device", "vaccine", "launch",
    }
)  # fmt: skip
# Verbs whose object (or passive subject) is a made thing: "fired the X", "X was launched".
DEVICE_VERBS = frozenset(
    {"fire", "launch", "test", "deploy", "intercept", "manufacture", "produce", "station"}
)
NAMING_VERBS = frozenset({"call", "name", "dub", "know", "nickname"})

CUE_VOTE = 2.0


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    from nameparser.config import titles

    return frozenset(titles.TITLES) | EXTRA_TITLES | HONORIFICS


@lru_cache(maxsize=1)
def _suffixes() -> frozenset[str]:
    from nameparser.config import suffixes

    return frozenset(suffixes.SUFFIX_WORDS) | frozenset(suffixes.SUFFIX_ACRONYMS)


def _bare(token_text: str) -> str:
    return token_text.lower().rstrip(".")


# -- spans ----------------------------------------------------------------------------------------


@dataclass
class _Piece:
    """One cleaned NER span (token range [start, end) of the name; mention range may add a title)."""

    start: int
    end: int
    label: str
    tail: bool = False  # the part after a possessive inside a span: kept only if it is a place
    mention_start: int = -1
    titled: bool = False  # an honorific or title stands before the name


_CUT_PUNCT = frozenset(
    {",", ";", ":", "-", "\u2013", "\u2014", '"', "\u201c", "\u201d", "(", ")", "[", "]", "|"}
)
_MARKUP = re.compile(r"[<>=_{}\\/@#]")


def _is_cut(tok: Token) -> bool:
    """Tokens a name never runs across: line breaks, possessives, separating punctuation ("X - Y")."""
    if "\n" in tok.text or tok.is_space or tok.text in POSSESSIVES:
        return True
    if tok.text == "-":
        return bool(tok.whitespace_) or (tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_))
    return tok.text in _CUT_PUNCT


def _split_span(doc: Doc, ent: Span) -> list[_Piece]:
    """Cut a span at line breaks, inner possessives and separating punctuation; strip what no name starts or
    ends with: determiners, lowercase words (except in group names: "pro-Russian"), punctuation."""
    pieces: list[_Piece] = []
    start, tail = ent.start, False
    for i in range(ent.start, ent.end + 1):
        if i == ent.end or _is_cut(doc[i]):
            if i > start:
                pieces.append(_Piece(start, i, ent.label_, tail))
            if i < ent.end and doc[i].text in POSSESSIVES:
                tail = True
            start = i + 1
    out = []
    for p in pieces:
        while p.start < p.end and (
            doc[p.start].lower_ in DETERMINERS
            or doc[p.start].is_punct
            or (doc[p.start].text[:1].islower() and p.label != "NORP")
        ):
            p.start += 1
        while p.end > p.start and (doc[p.end - 1].is_punct and doc[p.end - 1].text not in ".)"):
            p.end -= 1
        if p.end > p.start:
            out.append(p)
    return out


def _is_junk(doc: Doc, p: _Piece) -> bool:
    span = doc[p.start : p.end]
    text = span.text
    if len(text.strip()) < 2 or not any(c.isupper() for c in text) or _MARKUP.search(text):
        return True
    if all((t.is_stop and not t.text.isupper()) or t.is_punct or t.pos_ == "PRON" for t in span):
        return True  # pronouns and stop words, but not acronyms ("US")
    return not any(c.isalpha() for c in text)


def _strip_titles(doc: Doc, p: _Piece) -> None:
    """Person names lose leading titles and trailing suffixes; an honorific just before is taken in. A
    span of another label that opens with an honorific and a capitalised word ("Ms Blears" as ORG) is a
    person's name."""
    p.mention_start = p.start
    if (
        p.label != "PERSON"
        and p.end - p.start > 1
        and _bare(doc[p.start].text) in HONORIFICS
        and doc[p.start].text[:1].isupper()
        and doc[p.start + 1].is_title
    ):
        p.label = "PERSON"
    if p.label != "PERSON":
        return
    titles, suffixes = _titles(), _suffixes()
    while p.end - p.start > 1 and _bare(doc[p.start].text) in titles and doc[p.start].is_title:
        p.start += 1
        p.titled = True
    while p.end - p.start > 1 and (
        _bare(doc[p.end - 1].text) in suffixes or doc[p.end - 1].is_punct or doc[p.end - 1].text == ","
    ):
        p.end -= 1
    if p.mention_start > 0 and p.mention_start == p.start:
        before = doc[p.start - 1]
        if _bare(before.text) in HONORIFICS and before.text[:1].isupper():
            p.mention_start = p.start - 1
            p.titled = True
        elif p.end - p.start == 1 and before.is_title and _bare(before.text) in titles:
            p.mention_start = p.start - 1  # "President Putin": the title is part of the mention's text
            p.titled = True


# -- groups ---------------------------------------------------------------------------------------


@dataclass
class _M:
    """A mention being built."""

    start: int  # token range of the mention (title included)
    end: int
    name_start: int  # token range of the name proper
    label: str
    kind: MentionKind = "name"
    titled: bool = False
    place: Place | None = None


@dataclass
class _Group:
    key: str
    mentions: list[_M] = field(default_factory=list)
    place: Place | None = None
    forms: Counter[str] = field(default_factory=Counter)  # surface forms of name mentions
    type: str = ""
    name: str = ""
    roles: set[tuple[str, frozenset[str]]] = field(default_factory=set)
    merged: bool = False
    acronym: str | None = None  # the name to use when an acronym and its expansion were merged

    def labels(self) -> Counter[str]:
        return Counter(m.label for m in self.mentions if m.kind == "name")

    def name_tokens(self) -> list[str]:
        best = max(self.forms, key=lambda f: (len(f.split()), self.forms[f]), default=self.key)
        return best.split()


def _person_key(text: str) -> str:
    """Person key: middle initials dropped ("Donald J. Trump" = "Donald Trump")."""
    words = key(text).split()
    if len(words) > 2:
        words = [words[0], *(w for w in words[1:-1] if len(w.rstrip(".")) > 1), words[-1]]
    return " ".join(words)


def _name_key(text: str, label: str) -> str:
    return _person_key(text) if label == "PERSON" else key(text)


def _resolve_place(gaz: Gazetteer, text: str, label: str, local_places: dict[str, Place]) -> Place | None:
    return gaz.place(text, code_ok=label == "GPE") or local_places.get(key(text))


def _demonym(gaz: Gazetteer, text: str, label: str, local_places: dict[str, Place]) -> Place | None:
    """The place a NORP/GPE adjective or plural names ("Russian" -> Russia); None if it names none."""
    if label not in ("NORP", "GPE", "ORG", "PERSON", "LOC") or len(text.split()) > 2:
        return None
    found = gaz.demonym(text)
    if found or label not in ("NORP", "GPE"):
        return found
    if " " in text or "-" in text:
        return None
    for stem in demonym_stems(text):
        if key(stem) in local_places:
            return local_places[key(stem)]
    return stem_place(text)


def extract_entities(doc: Doc, article_id: str, title: str | None = None) -> list[Entity]:
    """Every entity of one parsed article, with all its mentions; see the module notes for the rules."""
    gaz = gazetteer()
    pieces: list[_Piece] = []
    for ent in doc.ents:
        if ent.label_ in NON_ENTITY_LABELS or ent.label_ not in ENTITY_TYPES:
            continue
        for p in _split_span(doc, ent):
            if not _is_junk(doc, p):
                _strip_titles(doc, p)
                pieces.append(p)

    pieces += _missed_speakers(doc, pieces)

    # Places the article names itself (for adjectives like "Western" <- "the West").
    local_places: dict[str, Place] = {}
    for p in pieces:
        if p.label in PLACE_LABELS and not p.tail:
            text = doc[p.start : p.end].text
            if gaz.place(text, code_ok=p.label == "GPE") is None and gaz.demonym(text) is None:
                local_places[key(text)] = Place(text, p.label, "city", 0)  # type: ignore[arg-type]

    groups: dict[str, _Group] = {}
    for p in pieces:
        text = doc[p.start : p.end].text
        place = _resolve_place(gaz, text, p.label, local_places)
        demonym_of = None if place else _demonym(gaz, text, p.label, local_places)
        if p.tail and not (place or demonym_of):
            continue
        m = _M(p.mention_start, p.end, p.start, p.label, titled=p.titled, place=place)
        if demonym_of:
            m.kind, m.place = "demonym", demonym_of
            k = key(demonym_of.name)
        elif place and (place.kind != "city" or key(place.name) != key(text)):
            k = key(place.name)  # a spelling of a country, or an alternate city name
        else:
            k = _name_key(text, p.label)
        group = groups.setdefault(k, _Group(k))
        group.mentions.append(m)
        if m.kind == "name":
            group.forms[text] += 1
        if m.place and (group.place is None or m.kind == "name"):
            group.place = m.place

    _merge_people(doc, groups, title)
    for group in groups.values():
        group.type = _vote_type(doc, group)
    _merge_variants(groups)
    live = [g for g in groups.values() if not g.merged]
    for group in live:
        group.name = _canonical_name(group)
    _add_role_mentions(doc, live)
    _add_missed_mentions(doc, live)
    live += _institutions(doc, live)
    text = text_of(doc)
    sents = _sentences(doc, text)
    return [_to_entity(doc, text, g, article_id, title, sents) for g in live if g.mentions]


# -- people ---------------------------------------------------------------------------------------


def _missed_speakers(doc: Doc, pieces: list[_Piece]) -> list[_Piece]:
    """Names NER left out where a name must be: the subject of a reporting verb that is a run of two or
    three capitalised proper nouns ("Vincent Cable, for the Liberal Democrats, accused ...")."""
    lexicon = default_lexicon()
    covered = {i for p in pieces for i in range(p.start, p.end)}
    out = []
    for verb in doc:
        if verb.pos_ != "VERB" or lexicon.ratio(verb) < REPORT_RATIO:
            continue
        head = subject_of(verb)
        if head is None or head.pos_ != "PROPN" or head.i in covered:
            continue
        run = sorted([head, *(c for c in head.children if c.dep_ in ("compound", "flat"))], key=lambda t: t.i)
        ids = [t.i for t in run]
        if len(run) == 1 and head.is_title and head.is_alpha and not head.ent_type_:
            # a surname alone ("Doctor said"): the person, and an earlier full name ending in it
            full = next(
                (
                    t
                    for t in doc[: head.i]
                    if t.text == head.text
                    and t.i > 0
                    and doc[t.i - 1].pos_ == "PROPN"
                    and doc[t.i - 1].is_title
                    and not covered & {t.i - 1, t.i}
                ),
                None,
            )
            if full is not None:
                out.append(_Piece(full.i - 1, full.i + 1, "PERSON", mention_start=full.i - 1))
                covered.update((full.i - 1, full.i))
            out.append(_Piece(head.i, head.i + 1, "PERSON", mention_start=head.i))
            covered.add(head.i)
            continue
        if not 2 <= len(run) <= 3 or ids != list(range(ids[0], ids[-1] + 1)):
            continue
        if all(t.pos_ == "PROPN" and t.is_title and t.is_alpha and not t.ent_type_ for t in run):
            out.append(_Piece(ids[0], ids[-1] + 1, "PERSON", mention_start=ids[0]))
            covered.update(ids)
    return out


def _absorb(target: _Group, source: _Group, *, as_person: bool = False) -> None:
    for m in source.mentions:
        if as_person:
            m.label = "PERSON"  # linked to a person by name, whatever spaCy called it
    target.mentions.extend(source.mentions)
    target.forms.update(source.forms)
    target.place = target.place or source.place
    source.mentions, source.merged = [], True


def _name_count(g: _Group) -> int:
    return sum(1 for m in g.mentions if m.kind == "name")


def _bare_surname_use(doc: Doc, g: _Group) -> bool:
    """A one-word name used the way surnames are: never after "the" ("Holt asked", not "the Times")."""
    return len(g.key.split()) == 1 and all(
        m.start == 0 or doc[m.start - 1].lower_ not in DETERMINERS for m in g.mentions
    )


def _merge_people(doc: Doc, groups: dict[str, _Group], title: str | None) -> None:
    """Surnames, first names, longer and shorter spellings of a person named in full in the article."""
    alone = {
        g.key: g
        for g in groups.values()
        if _bare_surname_use(doc, g) and g.labels()["PERSON"] + g.labels()["ORG"]
    }

    def is_person(g: _Group) -> bool:
        if g.merged or len(g.key.split()) < 2 or g.place is not None:
            return False
        if g.labels()["PERSON"]:
            return True
        # a name that spaCy calls an organisation but whose last word the article uses alone like a surname
        # and whose first word it never does ("Lester Holt" ... "Holt asked"; not "Wells Fargo" ... "Wells")
        words = g.key.split()
        return words[-1] in alone and words[0] not in alone and not set(g.labels()) - {"ORG", "PERSON"}

    multi = sorted((g for g in groups.values() if len(g.key.split()) > 1 and g.place is None),
                   key=lambda g: -len(g.key.split()))  # fmt: skip
    for i, longer in enumerate(multi):
        for shorter in multi[i + 1 :]:
            if longer.merged or shorter.merged or not (is_person(longer) or is_person(shorter)):
                continue
            lw, sw = longer.key.split(), shorter.key.split()
            same_ends = lw[0] == sw[0] and lw[-1] == sw[-1]  # middle names and initials
            suffix = len(sw) > 1 and lw[-len(sw) :] == sw  # "Aung San Suu Kyi" / "Suu Kyi"
            if len(sw) < len(lw) and (same_ends or suffix):
                if _name_count(shorter) > _name_count(longer):
                    _absorb(shorter, longer, as_person=True)
                else:
                    _absorb(longer, shorter, as_person=True)
    people = [g for g in groups.values() if is_person(g)]
    for g in people:
        for m in g.mentions:
            m.label = "PERSON"
    first_seen = {id(g): min(m.start for m in g.mentions) for g in people}
    in_title = {id(g) for g in people if _in_title(title, set(g.forms))}
    _split_by_honorific(doc, groups)
    for group in list(groups.values()):
        words = group.key.split()
        if (
            group.merged
            or len(words) != 1
            or group in people
            or any(m.kind != "name" for m in group.mentions)
        ):
            continue
        top = group.labels().most_common(1)[0][0]
        if top == "NORP" or (top in PLACE_LABELS and group.place and group.place.weight >= 2):
            continue  # a well-known place ("Washington") is not taken for a surname
        honorific = any(m.titled and _bare(doc[m.start].text) in HONORIFICS for m in group.mentions)
        start = min(m.start for m in group.mentions)
        for position in (-1, 0):  # surname first, then first name (not after "Mr", not after "the")
            if position == 0 and (honorific or (top != "PERSON" and not _bare_surname_use(doc, group))):
                break
            # only someone introduced in full before the bare name is first used ("Mr. Obama" early in an
            # article that names Michelle Obama later is another Obama)
            fits = [
                g
                for g in people
                if g.key.split()[position] == words[0]
                and first_seen[id(g)] < start
                and _same_gender(doc, g, group)
            ]
            target = _pick_person(fits, in_title, first_seen)
            if target is not None:
                for m in group.mentions:
                    m.kind = "alias"
                if len(fits) > 1:
                    _share_surname(doc, fits, group, target)
                _absorb(target, group, as_person=True)
                break


def _share_surname(doc: Doc, fits: list[_Group], group: _Group, target: _Group) -> None:
    """Two people with one surname ("Jeh Johnson", "Gary Johnson"): a bare "Johnson" is the one of the
    gender its sentence gives it ("Clinton said she ...") if only one fits, else the one named last before
    it (in full, or by a bare mention already given to them); mentions of the others move to them (the rest stay in `group`)."""
    named = sorted(
        ((m.start, g) for g in fits for m in g.mentions if m.kind == "name" and len(g.key.split()) > 1),
        key=lambda x: x[0],
    )
    for m in sorted(group.mentions, key=lambda m: m.start):
        said = next(
            (PRONOUN_GENDER[t.lower_] for t in doc[m.end : doc[m.start].sent.end] if t.lower_ in ("he", "she")),
            None,
        )
        by_gender = [g for g in fits if said is not None and _gender(doc, g) == said]
        before = [g for start, g in named if start < m.start]
        owner = by_gender[0] if len(by_gender) == 1 else before[-1] if before else target
        bisect.insort(named, (m.start, owner), key=lambda x: x[0])  # the next bare mention goes on with it
        if owner is not target:
            group.mentions.remove(m)
            m.label = "PERSON"
            owner.mentions.append(m)


def _gender(doc: Doc, g: _Group) -> Gender | None:
    """A group's gender: its honorifics ("Mrs Howard"), else its full name's first word."""
    votes = {h for m in g.mentions if m.titled and (h := honorific_gender(doc[m.start].text))}
    if len(votes) == 1:
        return votes.pop()
    return first_name_gender(" ".join(g.name_tokens())) if not votes else None


def _same_gender(doc: Doc, a: _Group, b: _Group) -> bool:
    ga, gb = _gender(doc, a), _gender(doc, b)
    return ga is None or gb is None or ga == gb


def _split_by_honorific(doc: Doc, groups: dict[str, _Group]) -> None:
    """A one-word name used with honorifics of both genders ("Mr Howard", "Mrs Howard") is two people:
    the mentions with a female honorific become a group of their own."""
    for name_key, group in list(groups.items()):
        if group.merged or len(name_key.split()) != 1:
            continue
        female = [m for m in group.mentions if m.titled and honorific_gender(doc[m.start].text) == "f"]
        male = [m for m in group.mentions if m.titled and honorific_gender(doc[m.start].text) == "m"]
        if female and male:
            group.mentions = [m for m in group.mentions if m not in female]
            twin = _Group(key=f"{name_key}|f", mentions=female, place=group.place)
            twin.forms.update(doc[m.start : m.end].text for m in female)  # "Mrs Howard" names her
            groups[twin.key] = twin


def _pick_person(fits: list[_Group], in_title: set[int], first_seen: dict[int, int]) -> _Group | None:
    """Who a shared surname means: the only one; else one named at least twice as often as each other;
    else the one the headline names; else the one the article introduced first."""
    if len(fits) <= 1:
        return fits[0] if fits else None
    ranked = sorted(fits, key=lambda g: -_name_count(g))
    if _name_count(ranked[0]) >= 2 * _name_count(ranked[1]):
        return ranked[0]
    titled = [g for g in fits if id(g) in in_title]
    if len(titled) == 1:
        return titled[0]
    return min(fits, key=lambda g: first_seen[id(g)])


# -- types ----------------------------------------------------------------------------------------


def _device_cue(tok: Token) -> bool:
    """Context that says the name is a made thing (missile, system, weapon...)."""
    head = tok.head
    if tok.dep_ in ("dobj", "nsubjpass", "pobj") and head.lemma_.lower() in DEVICE_VERBS:
        return True
    if tok.dep_ == "pobj" and head.lower_ in ("as", "like") and head.head.lemma_.lower() in DEVICE_NOUNS:
        return True  # "systems such as the X"
    if tok.dep_ in ("compound", "amod", "nmod", "appos", "npadvmod") and (
        head.lemma_.lower() in DEVICE_NOUNS or (head.head.lemma_.lower() in DEVICE_NOUNS and head.i > tok.i)
    ):
        return head.i > tok.i or tok.dep_ == "appos"
    if head.lemma_.lower() in NAMING_VERBS and tok.dep_ in ("oprd", "dobj", "attr", "xcomp", "ccomp"):
        return head.head.lemma_.lower() in DEVICE_NOUNS  # "a missile called X"
    return any(c.dep_ == "appos" and c.lemma_.lower() in DEVICE_NOUNS for c in tok.children)


# Words that make a "First Last" name an organisation or a place ("Grace Church", "Jordan Valley").
_NOT_PERSON_WORDS = frozenset(
    re.findall(
        r"\w+",
        "party church university college school inc ltd plc corp group bank council committee times news post "
    "street road avenue valley park county city house hall foundation institute association union trust "
    "fund club league airlines airways motors media press journal review company co tech center centre",
    )
)


# The last word of an organisation's or event's name, never of a person's ("UK Independence Party",
# "US Senate", "Venice Film Festival", "Manchester United").
_ORG_HEADS = frozenset(
    re.findall(
        r"\w+",
        "party senate congress parliament assembly exchange festival theatre society united award awards cup "
        "act commission ministry department council committee university college institute association "
        "foundation trust fund club league airlines airways inc ltd plc corp corporation agency championship "
        "championships olympics prize tournament summit conference service services museum gallery "
        "orchestra federation organisation organization police army navy",
    )
)


def _org_headed(group: _Group) -> bool:
    """The name's last word heads organisations' and events' names ("UK Independence Party")."""
    words = group.name_tokens() if group.forms else group.key.split()
    return bool(words) and words[-1].lower() in _ORG_HEADS


def _after_the(doc: Doc, m: _M) -> bool:
    """"the" stands before the mention and it modifies nothing ("the Lib Dems said"; not "the George W Bush
    administration", not a title: "the Queen")."""
    if m.start == 0 or doc[m.start - 1].lower_ != "the" or m.titled:
        return False
    root = doc[m.end - 1]
    if root.dep_ in ("compound", "amod", "nmod", "poss") or doc[m.start].lower_ in _titles():
        return False
    return not (root.i + 1 < len(doc) and doc[root.i + 1].pos_ in ("NOUN", "PROPN"))


def _first_name_shaped(group: _Group) -> bool:
    """Two or three capitalised words opening with a first name of known gender and none of an
    organisation's or place's words: a person's name, whatever the NER label (rule 5)."""
    words = group.name_tokens() if group.forms else group.key.split()
    if not 2 <= len(words) <= 3 or group.place is not None:
        return False
    if not all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words):
        return False
    return first_name_gender(" ".join(words)) is not None and not {w.lower() for w in words} & (
        _NOT_PERSON_WORDS | _ORG_HEADS
    )


def _vote_type(doc: Doc, group: _Group) -> str:
    votes: Counter[str] = Counter()
    multiword_person = len(group.key.split()) > 1 and group.labels()["PERSON"] > 0
    first_name_shaped = _first_name_shaped(group)
    not_person = 0 if first_name_shaped else int(_org_headed(group))  # context says it is no person
    for m in group.mentions:
        if m.kind == "demonym" and m.place:
            votes[m.place.type] += 1
            continue
        votes[m.label] += 1
        root = doc[m.end - 1]
        # a full person name ("officer Brentley Vinson fired") is not a device however it is used
        if not (m.label == "PERSON" and m.end - m.name_start > 1) and _device_cue(root):
            votes["PRODUCT"] += CUE_VOTE
        if m.titled:
            votes["PERSON"] += CUE_VOTE
        elif not first_name_shaped and _after_the(doc, m):
            not_person += 1
        place = m.place or group.place
        if place and not multiword_person:
            votes[place.type] += place.weight
    if not votes:
        return "OTHER"
    if first_name_shaped and votes["PERSON"] < votes.most_common(1)[0][1] + 1:
        votes["PERSON"] += CUE_VOTE  # "Theresa Green" labelled ORG once is a person
    labels = group.labels()
    best = max(votes, key=lambda t: (votes[t], labels[t]))
    if best == "PERSON" and not_person and not any(m.titled for m in group.mentions):
        # named as no person is: the next label spaCy gave it, else an organisation
        others = [t for t in votes if t != "PERSON" and t in ENTITY_TYPES]
        best = max(others, key=lambda t: (votes[t], labels[t])) if others else "ORG"
    return best if best in ENTITY_TYPES else "OTHER"


# -- variants -------------------------------------------------------------------------------------

_INITIAL_SKIP = frozenset({"of", "the", "and", "for", "&", "on", "in"})


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.replace("-", " ").split() if w.lower() not in _INITIAL_SKIP).upper()


def _merge_variants(groups: dict[str, _Group]) -> None:
    """Acronym = initials of an organisation named in full; plural = singular of a group name."""
    live = [g for g in groups.values() if not g.merged]
    by_type: dict[str, list[_Group]] = defaultdict(list)
    for g in live:
        by_type[g.type].append(g)
    for acronym in by_type["ORG"]:
        forms = [f for f in acronym.forms if f.replace(".", "").isupper() and " " not in f]
        if not forms or acronym.merged:
            continue
        bare = forms[0].replace(".", "")
        fits = [
            g for g in by_type["ORG"] if g is not acronym and not g.merged and len(g.key.split()) > 1
            and any(_initials(f) == bare for f in g.forms)
        ]  # fmt: skip
        if len(fits) == 1:
            for m in fits[0].mentions:
                m.kind = "alias"
            _absorb(acronym, fits[0])
            acronym.acronym = forms[0]
    norp = {g.key: g for g in by_type["NORP"] if not g.merged}
    for k, g in norp.items():
        single = norp.get(k[:-1]) if k.endswith("s") and not k.endswith("ss") else None
        if single is not None and not single.merged and not g.merged:
            _absorb(single, g)


def is_acronym(name: str) -> bool:
    """ "NATO", "U.N.": an all-capital short word (a transcript's "CONGRESS" is not)."""
    bare = name.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


def _canonical_name(group: _Group) -> str:
    place = group.place
    # a country, state or continent by its canonical name; a city only when written another way (Kiev)
    city_renamed = (
        place is not None and group.key == key(place.name) and key(place.name) not in map(key, group.forms)
    )
    if place and group.type in PLACE_LABELS and (place.kind != "city" or city_renamed):
        return place.name
    if group.acronym:
        return group.acronym
    forms = group.forms or Counter({group.key: 1})
    if group.type == "PERSON":
        multi = Counter({f: n for f, n in forms.items() if len(f.split()) > 1})
        forms = multi or forms
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for f, n in forms.items():
        by_key[key(f)][f] += n
    best_key = max(by_key, key=lambda k: (by_key[k].total(), len(k)))
    variants = by_key[best_key]
    caps = [f for f in variants if is_acronym(f)]
    if caps:
        return max(caps, key=lambda f: variants[f])
    # a dateline's or transcript's capitals ("HEMPSTEAD", "CONGRESS") only when nothing else was written
    best = max(variants, key=lambda f: (not f.isupper(), variants[f], f[:1].isupper()))
    if best.isupper():
        return place.name if place and key(place.name) == best_key else best.title()
    return best


# -- roles ----------------------------------------------------------------------------------------

_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
# Endings of nouns for people (minister, director, economist, nominee, spokesman...); together with
# nameparser's titles (president, secretary, host...) they decide whether a noun can be a person's role.
_PERSON_NOUN_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "ee", "eer", "man", "ess", "ive", "ary")
# a definition with one of these is another office: "former X", "deputy X" do not define "the X"
NOT_CURRENT = frozenset(
    {"former", "ex", "late", "then", "onetime", "erstwhile", "deputy", "vice", "shadow", "assistant", "junior"}
)
_APPOSITION_OPENERS = frozenset({",", "(", "--", "\u2014", "\u2013"})
Role = tuple[str, frozenset[str]]


def person_noun(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    return tok.tag_ in ("NN", "NNP") and (lemma in _titles() or lemma.endswith(_PERSON_NOUN_ENDINGS))


def role_noun(tok: Token) -> bool:
    """The head of a singular description of a person ("the minister"), also where the tagger took it for
    a name: a lower-case word ("the lord chancellor", "the Amnesty secretary-general") or a post-nominal
    title ("the Salford MP"); a word inside a named entity is a name."""
    if tok.tag_ == "NN" and tok.pos_ == "NOUN":
        return person_noun(tok)
    if tok.tag_ != "NNP" or tok.ent_type_:
        return False
    return (tok.text.islower() and person_noun(tok)) or (tok.text.isupper() and tok.lower_ in _suffixes())


def prefix_role(doc: Doc, name_start: int, name_end: int) -> Role | None:
    """ "Russian President Vladimir Putin" -> ("president", {"russian"})."""
    titles = _titles()
    tokens: list[Token] = []
    i = name_start - 1
    while i >= 0:
        tok = doc[i]
        name_head = doc[name_end - 1].head.i  # "Frank Field MP": the name hangs from "MP"
        attached = (
            name_start <= tok.head.i < name_end
            or (tok.head.i == name_head and name_head >= name_end)
            or any(tok.head.i == t.i for t in tokens)
        )
        if tok.is_punct or tok.lower_ in DETERMINERS or "\n" in tok.text or not attached:
            break
        if tok.dep_ not in _ROLE_DEPS and _bare(tok.text) not in titles:
            break
        tokens.append(tok)
        i -= 1
    heads = [
        t
        for t in tokens
        if t.pos_ in ("NOUN", "PROPN") and not t.ent_type_ and _bare(t.text) not in HONORIFICS
    ]
    if not heads or not person_noun(heads[0]):
        return None
    head = heads[0]  # the rightmost
    return head.lemma_.lower(), frozenset(t.lower_ for t in tokens if t.i < head.i)


def apposition_role(doc: Doc, name_end: int) -> tuple[Role, int, int] | None:
    """ "Lavrov, the foreign minister," -> (("minister", {"foreign"}), start and end of the apposition)."""
    if name_end >= len(doc) or doc[name_end].text not in _APPOSITION_OPENERS:
        return None
    root = doc[name_end - 1]
    for c in root.children:
        if c.dep_ != "appos" or c.pos_ != "NOUN" or not c.text.islower() or not person_noun(c):
            continue
        left = c.left_edge.i
        if left != name_end + 1:
            return None  # the apposition must follow the name and its comma
        mods = frozenset(
            t.lower_ for t in doc[left : c.i] if t.dep_ not in ("det", "case") and not t.is_punct
        )
        return (c.lemma_.lower(), mods), left, c.i + 1
    return None


def _chunk_role(chunk: Span) -> Role | None:
    """ "the foreign minister" -> ("minister", {"foreign"}); None unless "the" + a singular common noun."""
    root = chunk.root
    if root.pos_ != "NOUN" or root.tag_ != "NN" or root.ent_type_ or not root.text.islower():
        return None
    if chunk[0].lower_ != "the":
        return None
    mods = []
    for tok in chunk[1:]:
        if tok.i == root.i:
            break
        if tok.pos_ not in ("ADJ", "NOUN", "PROPN", "VERB") and not tok.ent_type_:
            return None
        mods.append(tok.lower_)
    return root.lemma_.lower(), frozenset(mods)


def role_fits(role: Role, defined: Role) -> bool:
    """Same head; the mention's modifiers among the definition's; "former X" is not "the X"."""
    (head, mods), (dhead, dmods) = role, defined
    return head == dhead and mods <= dmods and not (dmods & NOT_CURRENT) - mods


def _add_role_mentions(doc: Doc, groups: list[_Group]) -> None:
    people = [g for g in groups if g.type == "PERSON"]
    if not people:
        return
    # tokens of people's names and roles; a role may contain a demonym or a party ("the Russian
    # president", "the Tory leader")
    taken: set[int] = set()
    for g in people:
        for m in g.mentions:
            taken.update(range(m.start, m.end))
    for g in people:
        for m in list(g.mentions):
            if m.kind not in ("name", "alias"):
                continue
            role = prefix_role(doc, m.name_start, m.end)
            if role:
                g.roles.add(role)
            found = apposition_role(doc, m.end)
            if found:
                role, start, end = found
                g.roles.add(role)
                if not taken.intersection(range(start, end)):
                    g.mentions.append(_M(start, end, start, "PERSON", kind="role"))
                    taken.update(range(start, end))
    for chunk in doc.noun_chunks:
        if taken.intersection(range(chunk.start, chunk.end)):
            continue
        role = _chunk_role(chunk)
        if role is None:
            continue
        fits = [g for g in people if any(role_fits(role, defined) for defined in g.roles)]
        if len(fits) == 1:
            fits[0].mentions.append(_M(chunk.start, chunk.end, chunk.start, "PERSON", kind="role"))
            taken.update(range(chunk.start, chunk.end))


# -- institutions ---------------------------------------------------------------------------------


# Bodies a national news story names by a bare description ("the government said", "the police say").
INSTITUTION_NOUNS = frozenset({"government", "police", "army", "military", "parliament", "administration", "cabinet"})


def _institutions(doc: Doc, groups: list[_Group]) -> list[_Group]:
    """Rule 9: "the government", "the police" -- a bare definite description of a national body, written in
    lower case with no modifier and no "of" phrase ("the government of Mexico" is Mexico's) -- is an
    organisation of its own, named so, when no organisation of the article has the noun in its name ("the
    police" after "the Metropolitan Police" is that force, for the resolver)."""
    named = {w.lower() for g in groups if g.type == "ORG" for w in g.name.split()}
    found: dict[str, _Group] = {}
    for tok in doc:
        if tok.lower_ not in INSTITUTION_NOUNS or not tok.text.islower() or tok.ent_type_:
            continue
        if tok.tag_ not in ("NN", "NNP") or tok.dep_ in ("compound", "amod", "nmod"):
            continue
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            continue
        left = [c for c in tok.children if c.i < tok.i]
        if not left or left[0].lower_ != "the" or left[-1].i != tok.i - 1 or len(left) > 2:
            continue
        place = left[1] if len(left) == 2 else None
        if place is not None and (place.ent_type_ not in ("GPE", "NORP") or place.left_edge.i != place.i):
            continue  # "the US government", "the Iraqi government"; not "the new government"
        if place is None and tok.lower_ in named:
            continue
        name = f"{place.text} {tok.lower_}" if place is not None else f"the {tok.lower_}"
        g = found.setdefault(name.lower(), _Group(name.lower(), type="ORG", name=name))
        g.mentions.append(_M(left[0].i, tok.i + 1, tok.i, "ORG", kind="role"))
    return list(found.values())


# -- missed mentions ------------------------------------------------------------------------------


def _add_missed_mentions(doc: Doc, groups: list[_Group]) -> None:
    """Case-exact, token-aligned repeats of names and aliases that spaCy did not tag."""
    covered = bytearray(len(doc))
    for ent in doc.ents:
        covered[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
    for g in groups:
        for m in g.mentions:
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
    texts = [t.text for t in doc]
    forms: dict[tuple[str, ...], tuple[_Group, MentionKind]] = {}
    for g in groups:
        for m in g.mentions:
            if m.kind not in ("name", "alias"):
                continue
            words = tuple(texts[m.name_start : m.end])
            if len("".join(words)) >= 3 or g.type in PLACE_LABELS:
                forms.setdefault(words, (g, m.kind))
    if not forms:
        return
    longest = max(len(w) for w in forms)
    firsts = {w[0] for w in forms}
    i = 0
    while i < len(texts):
        hit = None
        if not covered[i] and texts[i] in firsts:
            for n in range(min(longest, len(texts) - i), 0, -1):
                words = tuple(texts[i : i + n])
                if words in forms and not any(covered[i : i + n]):
                    hit = n, forms[words]
                    break
        if hit:
            n, (g, kind) = hit
            nxt = doc[i + n] if i + n < len(texts) else None
            # not the start of a longer name
            if nxt is None or not (nxt.text[:1].isupper() and nxt.pos_ == "PROPN"):
                g.mentions.append(_M(i, i + n, i, g.type, kind=kind))
                covered[i : i + n] = b"\x01" * n
            i += n
        else:
            i += 1


# -- output ---------------------------------------------------------------------------------------

_SLUG = re.compile(r"[^a-z0-9]+")


def entity_id(type_: str, name: str) -> str:
    """Id from type and canonical name: ("PERSON", "Vladimir Putin") -> person:vladimir-putin."""
    k = key(name)
    if type_ == "NORP" and k.endswith("s") and not k.endswith("ss"):
        k = k[:-1]  # "Republicans" and "Republican" are one group
    return f"{type_.lower()}:{_SLUG.sub('-', k).strip('-') or 'x'}"


def _sentences(doc: Doc, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Sentence start tokens and character bounds, without the blank lines between paragraphs."""
    starts, bounds = [], []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        piece = text[start:end]
        start += len(piece) - len(piece.lstrip())
        end -= len(piece) - len(piece.rstrip())
        starts.append(sent.start)
        bounds.append((start, max(start, end)))
    return starts, bounds


def _in_title(title: str | None, forms: set[str]) -> bool:
    if not title:
        return False
    for form in forms:
        at = title.find(form) if len(form) >= 2 else -1
        while at >= 0:
            end = at + len(form)
            if (at == 0 or not title[at - 1].isalnum()) and (end == len(title) or not title[end].isalnum()):
                return True
            at = title.find(form, at + 1)
    return False


def _to_entity(
    doc: Doc,
    text: str,
    g: _Group,
    article_id: str,
    title: str | None,
    sents: tuple[list[int], list[tuple[int, int]]],
) -> Entity:
    starts, bounds = sents
    g.mentions.sort(key=lambda m: (m.start, m.end))
    seen: set[tuple[int, int]] = set()
    mentions: list[Mention] = []
    for m in g.mentions:
        span = doc[m.start : m.end]
        if (span.start_char, span.end_char) in seen:
            continue
        seen.add((span.start_char, span.end_char))
        kind: MentionKind = "alias" if m.kind == "name" and span.text != g.name else m.kind
        s = bounds[bisect.bisect_right(starts, m.start) - 1]
        mentions.append(
            Mention(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                article_id=article_id,
                kind=kind,
                sentence=text[s[0] : s[1]],
                sentence_start=s[0],
                sentence_end=s[1],
            )
        )
    forms_seen = [m.text for m in mentions if m.kind in ("alias", "demonym")]
    forms_seen += [
        doc[m.name_start : m.end].text for m in g.mentions if m.kind == "alias" and m.start != m.name_start
    ]
    aliases = [a for a in dict.fromkeys(forms_seen) if a != g.name]  # "Mr Lavrov" and also "Lavrov"
    weight = sum(1.0 if m.kind in ("name", "alias") else 0.5 for m in mentions)
    first = mentions[0].start / max(len(text), 1) if mentions else 1.0
    forms = {g.name, *aliases}
    salience = weight + 2.0 * (1.0 - first) + (3.0 if _in_title(title, forms) else 0.0)
    type_: EntityType = g.type if g.type in ENTITY_TYPES else "OTHER"  # type: ignore[assignment]
    return Entity(
        id=entity_id(type_, g.name),
        name=g.name,
        type=type_,
        aliases=aliases,
        mention_count=len(mentions),
        article_count=1,
        articles=[ArticleCount(article_id=article_id, mentions=len(mentions))],
        salience=round(salience, 3),
        mentions=mentions,
    )
