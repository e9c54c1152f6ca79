"""From a mention to an entity: the one resolver of quote speakers, claimants and disputers.

`Resolver(doc, entities, quoted)` is built by each stage that resolves sources (quotes.py over the marked
spans, claims.py over the quotes' marked words; entities from `entities.py`). `resolve_acts(acts)` takes
the source phrase of every speech act in text order and says, for each, which entity spoke, how it was
found (`resolution`) and on what `evidence`. It leaves a mention unresolved rather than guess. Rules, in the order they apply:

1. Continuation: an act that continues another (a new paragraph of the same quotation) has its speaker.
   A transcript label ("PENCE:") is the one person the article names so, by full name or surname
   ("transcript"); "A" is the person the introduction before the first turn names most (at least
   twice, more than anyone else); "Q" names no one.
2. First person ("I", "we", "my") inside a quotation is that quotation's speaker ("first-person").
3. Names: the entity with a mention over the source's head word or a name in apposition ("named",
   "alias"; also one set off by commas after the noun's own "of" phrase: "director of the Victims of Crime
   Trust, Norman Brennan,"); a role mention the entity extractor defined ("Lavrov, the foreign minister"
   ... "the foreign minister") is "role" (entities.py, rule 7); a place noun speaks for the place its "of" names ("the
   city of Phoenix", "the government of Mexico"). A modifier never speaks ("the Russian president" is not Russia), except for a
   spokesperson noun, which speaks for the organisation or place named in it ("a Downing Street
   spokesman", "a spokeswoman for the company": "role"), and a document for its author or issuer
   ("a court document filed by Dave Aronberg", "Sanders' fundraising email", "a Hillary Clinton ad").
   A bare "the spokesman" is the spokesperson of the last act whose source was one: for whoever that one
   spoke for, or for no one when it was unnamed (settled: no later rule guesses a person).
4. Pronouns ("pronoun"): he/she take the most recent PERSON in subject or speaker position, else the most
   recent PERSON, outside quotation marks, in running-text paragraphs, at most ANTECEDENT_PARAGRAPHS back,
   whose gender agrees. A subject in speaker position is the source's head or a name in apposition to it,
   not a name inside its modifiers ("Myron Ebell, an adviser to President Bush,"); the subject of a clause a
   person named before it reports ("X said Y had been considering retirement") is not in subject position.
   A person's gender: an honorific in its mentions (Mr, Mrs, Ms, Sir, Lady...), else
   the first name's (gender.py), else the article's own he/she use in sentences that name only that
   person; unknown agrees with both. A "person" the article names only by one word and gives no gender
   (a party or a company the parser took for one: "Labour", "Crossrail") is no antecedent for he/she; a
   spokesperson source resolved to the organisation it speaks for is ("A spokesman for the IAEA said ...
   he added": the IAEA; "spokeswoman" only for she). it: the most recent organisation or place; they: organisations, groups,
   places -- unless a plural common noun is subject after it ("MPs said ... they": unresolved); "it"
   after a document as the last subject ("The book, by Robert Peston, says ... It claims") is the
   document's author, or unresolved when the article names none.
5. Descriptions ("role"), only where the article supports them: an organisation noun ("the company",
   "the campaign", "the party") is the most recent organisation named before it whose name holds the
   noun ("Clinton campaign", "Labour Party"; within ANTECEDENT_PARAGRAPHS), else -- not for a public
   body or a newspaper (NAMED_ONLY_ORG_NOUNS: "the government" after a company spoke is not it) -- the last
   organisation in subject or "according to" position in this or the previous paragraph ("the non-partisan
   charity": lower-case adjectives allowed); plural members of an organisation ("G7 ministers", "BBC
   correspondents"; not "some ministers") speak for it; "the 56-year-old" is the one
   person whose age the article gives as 56 ("Smith, 56," / "56-year-old Smith"); a singular "the +
   person noun" left unlinked ("the Republican nominee") is the person named for the first time in the
   next act of the same or next paragraph (cataphoric: "Russia's top diplomat said ... Sergei Lavrov
   argued"), else (without a possessor: "Morrison's lawyer" is someone new) the last person in subject or
   speaker position in this or the previous paragraph (anaphoric), else the named person of that next
   act -- never a person the article gives another office of that name ("Former welfare minister
   Frank Field" is not "the prime minister"). A role names one person throughout an article: once "the
   prime minister" is resolved, a later "the prime minister" is that person. An indefinite one ("a Home
   Office minister has said") is no one, except in the lead: the first person named as a subject in the
   next paragraph (news's delayed identification). A document ("the paper", "the report") or an
   organisation noun is never a person. A source phrase resolved so counts as a mention of its person
   for the pronouns after it ("the prime minister said he ...").
6. A plural phrase ("some economists", "officials") is never one person. Everything else: unresolved.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from ..models import Entity, Resolution
from .attribution import DOCUMENTS, lexicon
from .entities import Role, apposition_role, prefix_role, role_fits, role_noun
from .gender import PRONOUN_GENDER, Gender, first_name_gender, honorific_gender
from .positions import Positions, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

CharSpan = tuple[int, int]
# a speech act's source phrase, with the entity it was resolved to when a description named it ("the
# prime minister"), else None
SpeakerSpan = tuple[int, int, "Entity | None"]
ANTECEDENT_PARAGRAPHS = 4

FIRST_PERSON = frozenset(["i", "we", "me", "us", "my", "our"])
HE_SHE = frozenset(["he", "she", "him", "her"])
THEY_IT = frozenset(["they", "them", "it"])
PRONOUNS = FIRST_PERSON | HE_SHE | THEY_IT | {"you", "who"}
PERSON_TYPES = ("PERSON",)
GROUP_TYPES = ("ORG", "GPE", "NORP")
IT_TYPES = ("ORG", "GPE")
# People who speak for the organisation named in their phrase ("a Home Office spokeswoman", "Labour
# campaign chiefs", "government sources", "police officials").
SPOKES_NOUNS = lexicon(
    "spokesman spokeswoman spokesperson spokespeople representative source aide official chief"
)
# Nouns that stand for the place their "of" names ("the city of Phoenix", "the people of Scotland").
PLACE_NOUNS = lexicon("city state town county province country nation republic kingdom government people")
# Nouns that stand for an organisation when the article has just named one ("the company said").
# Members who, in the plural, speak for the organisation their phrase names ("G7 ministers said", "BBC
# correspondents say"); one of them is a person ("a G7 minister").
# Bodies of a kind the last organisation named is seldom ("the government" after a company spoke): only
# one whose name holds the noun ("the ministry" -> "Defence Ministry").
NAMED_ONLY_ORG_NOUNS = lexicon(
    "government ministry department administration police army military court council commission "
    "parliament newspaper broadcaster channel network university college school hospital union party"
)
QUANTIFIERS = lexicon("some many several few most other two three four five dozens hundreds thousands")
MEMBER_NOUNS = lexicon(
    "minister correspondent executive delegate negotiator diplomat lawmaker legislator mp member envoy"
)
ORG_NOUNS = lexicon(
    "company firm bank group party government ministry department agency council union campaign "
    "committee organisation organization association board club team airline retailer network channel "
    "newspaper broadcaster regulator watchdog authority court charity university college school "
    "hospital police commission office administration corporation business giant maker manufacturer "
    "operator insurer lender developer studio publisher league federation trust institute service "
    "army military"
)
_AGE_AFTER = re.compile(r"^,\s*(\d{1,3})\s*,")
_AGE_BEFORE = re.compile(r"(\d{1,3})-year-old\s*$")
_AGE_ROLE = re.compile(r"^(\d{1,3})-year-old$")
_SENT_END = ".!?…\"”'’)"

_KIND_RESOLUTION: dict[str, Resolution] = {
    "name": "named",
    "alias": "alias",
    "role": "role",
    "demonym": "named",
}


@dataclass(frozen=True)
class Resolved:
    """The answer for one source mention."""

    entity: Entity | None
    resolution: Resolution
    evidence: str
    mention: CharSpan | None = None
    settled: bool = False  # left unresolved on purpose: no later rule may guess


UNRESOLVED = Resolved(None, "unresolved", "no source phrase")


@dataclass
class Act:
    """One speech act's source as the resolver sees it (built by quotes.py and claims.py)."""

    offset: int  # where the act starts (its first fragment or cue)
    source: Token | None
    span: CharSpan | None  # the source phrase
    quoted: list[CharSpan] = field(default_factory=list)  # the act's words in quotation marks
    continues: Act | None = None
    label: bool = False  # the source is a transcript label ("PENCE", "Q")
    result: Resolved | None = None


def _speaker_position(start: int, head: Token | None, speakers: list[SpeakerSpan]) -> bool:
    """A mention is the speaker of a speech act's source phrase: it opens the phrase, heads it or stands in
    apposition to its head ("James Hardie chairwoman, Meredith Hellicar,"), not inside a modifier ("Myron
    Ebell, an adviser to President Bush, said": Ebell, not Bush)."""
    for a, b, _e in speakers:
        if a <= start < b:
            if a == start or head is None:
                return True
            phrase = head.doc.char_span(a, b, alignment_mode="expand")
            if phrase is None:
                return True
            node = head
            while node.i != phrase.root.i and phrase.start <= node.head.i < phrase.end:
                if node.dep_ in ("pobj", "poss", "compound", "nmod"):
                    return False
                node = node.head
            return True
    return False


def pronoun_word(token: Token) -> str | None:
    """The pronoun a token is, lower-cased ("He" -> "he"), or None: "US" is a country, not "us"."""
    if token.lower_ not in PRONOUNS or (token.text.isupper() and len(token.text) > 1):
        return None
    return token.lower_


def _spokesperson(noun: Token) -> bool:
    """A noun for people who speak for an organisation ("spokeswoman", "officials"); a singular "chief" is
    a person of their own ("Amnesty's chief")."""
    return noun.lemma_.lower() in SPOKES_NOUNS and not (noun.lemma_.lower() == "chief" and noun.tag_ == "NN")


def _according_to(token: Token) -> bool:
    """The source of an "according to X" (a speaker's position, as a subject's)."""
    prep = token.head
    return token.dep_ == "pobj" and prep.lower_ == "to" and (prep.head.lower_ == "according" or (
        prep.i > 0 and token.doc[prep.i - 1].lower_ == "according"))


def _counted(noun: Token) -> bool:
    """Some of a group, not the group: "some senior members", "many lawmakers", "20 ministers"."""
    return any(c.dep_ == "nummod" or (c.dep_ in ("det", "amod", "advmod") and c.lower_ in QUANTIFIERS)
               for c in noun.children)


def _plural_noun(token: Token) -> bool:
    """A plural common noun, the tagger's or a plural abbreviation it took for a name ("MPs", "CEOs")."""
    if token.tag_ in ("NNS", "NNPS"):
        return token.pos_ != "PROPN" or token.text[:-1].isupper()
    return (
        token.tag_ == "NNP" and len(token.text) > 2 and token.text.endswith("s") and token.text[:-1].isupper()
    )


def _name_parts(head: Token) -> list[Token]:
    """The words a name is built of under its head, however deep ("Sirius XM Vice President for news
    Dave Gorab" keeps "Dave Gorab")."""
    out = []
    todo = [c for c in head.children if c.dep_ in ("compound", "flat")]
    while todo:
        tok = todo.pop()
        out.append(tok)
        todo += [c for c in tok.children if c.dep_ in ("compound", "flat")]
    return out


class Resolver(Positions):
    def __init__(self, doc: Doc, entities: list[Entity], quoted: list[CharSpan]) -> None:
        super().__init__(doc, quoted)
        self.text = text_of(doc)
        self.entities = entities
        self.mentions = sorted(
            ((m.start, m.end, m.kind, e) for e in entities for m in (e.mentions or [])), key=lambda x: x[0]
        )
        self.para_starts = [0] + [m.end() for m in re.finditer(r"\n+", self.text)]
        self._mention_starts = [m[0] for m in self.mentions]
        self._genders: dict[str, Gender | None] = {}
        self._bare: dict[str, bool] = {}
        self._titles: dict[str, list[Role]] = {}
        self._people: list[tuple[int, str]] | None = None
        self._people_starts: list[int] = []
        self._ages: dict[str, set[str]] | None = None  # computed on the first age description
        self._same_role: dict[Role, tuple[int, Entity]] = {}  # role -> where and whom it first named
        self._reported: dict[int, bool] = {}  # subject token -> it is the subject of a reported clause

    # -- positions ---------------------------------------------------------------------------------

    def _mention_head(self, start: int, end: int) -> Token | None:
        """The token of a mention that hangs from outside it (its syntactic head)."""
        head = self.token_at(start)
        while head is not None and head.head.i != head.i and start <= head.head.idx < end:
            head = head.head
        return head

    def paragraph(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, offset) - 1)

    def _running_text(self, para: int) -> bool:
        """A paragraph of running text ends like a sentence (captions, links and headlines do not)."""
        start = self.para_starts[para]
        end = self.para_starts[para + 1] if para + 1 < len(self.para_starts) else len(self.text)
        line = self.text[start:end].rstrip()
        return bool(line) and line[-1] in _SENT_END

    # -- gender --------------------------------------------------------------------------------------

    def gender(self, entity: Entity) -> Gender | None:
        if entity.id not in self._genders:
            self._genders[entity.id] = self._gender_of(entity)
        return self._genders[entity.id]

    def _gender_of(self, entity: Entity) -> Gender | None:
        if entity.type not in PERSON_TYPES:
            return None
        votes = Counter(g for m in entity.mentions or [] if (g := honorific_gender(m.text.split()[0])))
        if votes:
            return votes.most_common(1)[0][0]
        return first_name_gender(entity.name) or self._pronoun_use(entity)

    def _pronoun_use(self, entity: Entity) -> Gender | None:
        """he/she after the person's mention in sentences naming no other person."""
        votes: Counter[str] = Counter()
        if self._people is None:  # (start, entity id) of every person mention, sorted, built once
            self._people = [(a, e.id) for a, _b, _k, e in self.mentions if e.type in PERSON_TYPES]
            self._people_starts = [a for a, _ in self._people]
        for m in entity.mentions or []:
            tok = self.token_at(m.start)
            if tok is None:
                continue
            sent = tok.sent
            lo = bisect.bisect_left(self._people_starts, sent.start_char)
            hi = bisect.bisect_left(self._people_starts, sent.end_char)
            if any(eid != entity.id for _a, eid in self._people[lo:hi]):
                continue
            for t in sent:
                if t.idx > m.end and t.lower_ in PRONOUN_GENDER and not self.in_quote(t.idx):
                    votes[PRONOUN_GENDER[t.lower_]] += 1
        if votes and (len(votes) == 1 or votes.most_common(2)[0][1] >= 2 * votes.most_common(2)[1][1]):
            return votes.most_common(1)[0][0]  # type: ignore[return-value]
        return None

    def _spokesperson_agrees(self, start: int, end: int, pronoun: str) -> bool:
        """The source phrase there is one spokesperson whom the he/she can stand for."""
        head = self._mention_head(start, end)
        if head is None or not _spokesperson(head) or head.tag_ != "NN":
            return False
        gender = {"spokesman": "m", "spokeswoman": "f"}.get(head.lower_.rstrip("s"))
        return gender is None or gender == PRONOUN_GENDER.get(pronoun)

    def _bare_word(self, entity: Entity) -> bool:
        """A 'person' the article only ever names by one word and gives no gender (no honorific, no known
        first name, no he or she of its own: a party or a company the parser took for a person, "Labour",
        "Crossrail"): no antecedent for he or she."""
        if entity.id not in self._bare:
            names = [m.text for m in entity.mentions or [] if m.kind in ("name", "alias")]
            self._bare[entity.id] = self.gender(entity) is None and bool(names) and all(
                len(n.split()) == 1 for n in names)
        return self._bare[entity.id]

    def agrees(self, pronoun: str, entity: Entity) -> bool:
        want = PRONOUN_GENDER.get(pronoun)
        have = self.gender(entity)
        return want is None or have is None or want == have

    # -- ages ------------------------------------------------------------------------------------------

    def _ages_given(self) -> dict[str, set[str]]:
        """age -> ids of the people the article gives it for ("Smith, 56," / "56-year-old Smith")."""
        out: dict[str, set[str]] = {}
        for start, end, kind, entity in self.mentions:
            if entity.type not in PERSON_TYPES or kind == "role":
                continue
            after = _AGE_AFTER.match(self.text[end : end + 8])
            before = _AGE_BEFORE.search(self.text[max(0, start - 14) : start])
            for found in (after, before):
                if found:
                    out.setdefault(found.group(1), set()).add(entity.id)
        return out

    # -- rules -----------------------------------------------------------------------------------------

    def _reported_subject(self, subject: Token) -> bool:
        """The subject of a clause reported by a person named before it in the sentence ("Mr Campbell
        e-mailed Mr McFadyen, suggesting Jeremy Paxman would have seen the funny side"): the reporter, not
        the one reported on, is the subject a later he/she continues. Read once per subject."""
        if subject.i not in self._reported:
            self._reported[subject.i] = self._reported_clause(subject)
        return self._reported[subject.i]

    def _reported_clause(self, subject: Token) -> bool:
        verb = subject.head
        while verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
        if verb.dep_ != "ccomp":
            return False
        node = verb.head
        for _ in range(4):
            for c in node.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i < subject.i:
                    found = self.linked(c)
                    return found is not None and found[0].type in PERSON_TYPES
            if node.head.i == node.i or node.dep_ not in ("advcl", "conj", "xcomp", "ccomp"):
                return False
            node = node.head
        return False

    def linked(self, source: Token) -> tuple[Entity, str] | None:
        """The entity with a mention over the source's head (or a name in apposition), and the mention
        kind (rule 3). A common noun's own compounds are modifiers ("the Tory leader" is not the Tories);
        an apposition names a person or organisation ("a new book, Brown's Britain" is not Britain)."""
        doc = source.doc
        heads = [(source, True)] + [(c, False) for c in source.children if c.dep_ == "appos"]
        if source.pos_ == "NOUN":  # "director of the Victims of Crime Trust, Norman Brennan,": set off deeper
            heads += [
                (t, False)
                for t in source.subtree
                if t.i > source.i
                and t.head.i != source.i
                and t.dep_ in ("appos", "npadvmod")
                and t.pos_ == "PROPN"
                and t.left_edge.i > 0
                and doc[t.left_edge.i - 1].text == ","
            ]
        if source.lemma_.lower() in PLACE_NOUNS:  # "the city of Phoenix", "the government of Mexico"
            heads += [
                (g, False)
                for c in source.children
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in c.children
                if g.dep_ == "pobj" and g.pos_ == "PROPN"
            ]
        for head, own in heads:
            parts = [head]
            if head.pos_ == "PROPN" or not own:
                parts += _name_parts(head)
            lo, hi = min(t.i for t in parts), max(t.i for t in parts)
            start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
            hits = [
                (not (a <= head.idx < b), abs(a - start), kind, e)
                for a, b, kind, e in self.mentions
                if a < end and start < b and (own or e.type in ("PERSON", "ORG") or head.dep_ == "pobj")
            ]
            # a mention over the head word itself first ("Labour co-ordinator Alan Milburn"); under a head
            # no mention covers, only a person's name ("Vice President ... Dave Gorab"), never a place
            # or party ("the Salford MP" is not Salford)
            hits = [h for h in hits if not h[0] or h[3].type in PERSON_TYPES]
            if hits:
                _far, _d, kind, entity = min(hits, key=lambda h: (h[0], h[1]))
                return entity, kind
        return None

    def _written_by(self, source: Token) -> Entity | None:
        """A document speaks for its author or issuer: 'a court document filed by state attorney Dave
        Aronberg', 'Sanders' fundraising email', 'a Hillary Clinton ad', 'a survey by Penelope Abernathy'."""
        if source.lemma_.lower() not in DOCUMENTS:
            return None
        holders = [
            c for c in source.children
            if c.dep_ in ("poss", "compound", "nmod") or (c.dep_ == "amod" and c.pos_ == "PROPN")
        ]  # "An Amnesty International statement": the parser may take the name for an adjective
        for c in source.children:
            if c.dep_ == "prep" and c.lower_ in ("by", "from"):
                holders += [g for g in c.children if g.dep_ == "pobj"]
            if c.dep_ == "acl":  # "filed by X", "issued by X"
                holders += [
                    p for a in c.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"
                ]
        for holder in holders:
            found = self.linked(holder)
            if found is not None and found[0].type in PERSON_TYPES + GROUP_TYPES:
                return found[0]
        return None

    def _spoken_for(self, source: Token) -> Entity | None:
        """'a Downing Street spokesman', 'a spokeswoman for the company': the organisation or place named
        in the spokesperson phrase."""
        parts = [c for c in source.children if c.dep_ in ("compound", "poss", "amod", "nmod")]
        parts += [
            g
            for c in source.children
            if c.dep_ == "prep" and c.lower_ in ("for", "of", "at")
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for part in parts:
            for tok in part.subtree:
                for a, b, _kind, entity in self.mentions:
                    if a <= tok.idx < b and entity.type in GROUP_TYPES:
                        return entity
                    if a <= tok.idx < b and entity.type in PERSON_TYPES and part.dep_ in ("poss", "pobj"):
                        return entity  # "Mr Blair's spokesman", "a spokeswoman for Hillary Clinton"
        return None

    def antecedent(self, at: int, pronoun: str, speakers: list[SpeakerSpan]) -> tuple[Entity, str] | None:
        """The entity a third-person pronoun at `at` refers to (rule 4), with the evidence. A resolved
        source phrase no entity mention covers ("the prime minister said he ...") counts as a mention."""
        types = PERSON_TYPES if pronoun in HE_SHE else (IT_TYPES if pronoun == "it" else GROUP_TYPES)
        here = self.paragraph(at)
        best_subject: tuple[Entity, int] | None = None
        best_any: tuple[Entity, int] | None = None
        starts = self._mention_starts
        extra = []
        for a, b, e in speakers:
            if e is None or a >= at:
                continue
            if pronoun in HE_SHE and e.type not in PERSON_TYPES:
                if self._spokesperson_agrees(a, b, pronoun):  # "a Labour Party spokesman said ... he added"
                    extra.append((a, b, "spokesperson", e))
            elif bisect.bisect_left(starts, a) == bisect.bisect_left(starts, b):
                extra.append((a, b, "speaker", e))
        for start, end, kind, entity in sorted(self.mentions + extra, key=lambda m: m[0]) if extra else self.mentions:
            if start >= at:
                break
            if end > at:
                continue
            if kind != "spokesperson" and (entity.type not in types or not self.agrees(pronoun, entity) or (
                    pronoun in HE_SHE and self._bare_word(entity))):
                continue
            para = self.paragraph(start)
            if here - para > ANTECEDENT_PARAGRAPHS or not self._running_text(para) or self.in_quote(start):
                continue
            head = self._mention_head(start, end)
            subject = (
                (head is not None and head.dep_ in ("nsubj", "nsubjpass", "csubj"))
                or _speaker_position(start, head, speakers)
            ) and not (head is not None and head.dep_ == "nsubj" and self._reported_subject(head))
            if subject:
                best_subject = (entity, start)
            best_any = (entity, start)
        chosen = best_subject or best_any
        if chosen is None:
            return None
        entity, start = chosen
        if pronoun in ("they", "them") and self._plural_subject_between(start, at):
            return None  # "MPs said ... they had been left in the dark": the MPs, whom no entity names
        gender = self.gender(entity) if pronoun in PRONOUN_GENDER else None
        how = "subject or speaker" if best_subject else "mention"
        agree = f", gender {gender}" if gender else ""
        return entity, f"'{pronoun}': last {entity.type} {how} before it, @{start}{agree}"

    def _document_before(self, pronoun: Token) -> Token | None:
        """The document noun ("the book", "the report") that is the main subject of the sentence before
        an 'it' (or of the same sentence, before it), in this or the previous paragraph."""
        here = self.paragraph(pronoun.idx)
        sents = [pronoun.sent]
        if pronoun.sent.start > 0:
            sents.append(self.doc[pronoun.sent.start - 1].sent)
        for sent in sents:
            if self.paragraph(sent.start_char) < here - 1:
                return None
            subj = next((c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None or subj.i >= pronoun.i:
                continue
            if pronoun_word(subj):
                return None
            return subj if subj.pos_ == "NOUN" and subj.lemma_.lower() in DOCUMENTS else None
        return None

    def _plural_subject_between(self, start: int, at: int) -> bool:
        """A plural common noun ("officials", "MPs") in subject position, outside quotation marks, between
        the two offsets."""
        first = self.token_at(start)
        last = self.token_at(at)
        if first is None or last is None:
            return False
        return any(
            _plural_noun(t)
            and t.dep_ in ("nsubj", "nsubjpass")
            and not t.ent_type_
            and not self.in_quote(t.idx)
            for t in self.doc[first.i + 1 : last.i]
        )

    def _organisation_before(self, at: int, noun: str) -> tuple[Entity, str] | None:
        """The last organisation named before `at` whose name holds the noun ("the campaign" -> "Clinton
        campaign", "the party" -> "Labour Party"), else (not for NAMED_ONLY_ORG_NOUNS) the last one in
        subject position in this or the previous paragraph, or the source of an "according to" there ("GateHouse said ... The company
        added"; "according to the Hansard Society ... the non-partisan charity said")."""
        here = self.paragraph(at)
        found = subject = None
        for start, end, kind, entity in self.mentions:
            if start >= at:
                break
            if (
                entity.type != "ORG"
                or here - self.paragraph(start) > ANTECEDENT_PARAGRAPHS
                or self.in_quote(start)
            ):
                continue
            if noun in entity.name.lower().split():
                found = entity
            if kind == "role":
                continue  # a body named by description ("the Indian government") is no "company"
            head = self._mention_head(start, end)
            if head is not None and (head.dep_ in ("nsubj", "nsubjpass") or _according_to(head)) and (
                    here - self.paragraph(start) <= 1):
                subject = entity
        if found is not None:
            return found, f"'the {noun}': the last organisation so named before it"
        if subject is not None and noun not in NAMED_ONLY_ORG_NOUNS:
            return subject, f"'the {noun}': the last organisation in subject or source position before it"
        return None

    def _by_id(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)

    def description(self, source: Token) -> tuple[Entity, str] | None:
        """Rule 5 for an organisation noun or an age ('the company', 'the 56-year-old')."""
        lemma = source.lemma_.lower()
        det = next((c.lower_ for c in source.children if c.dep_ == "det"), None)
        if det not in ("the", "this") or source.tag_ not in ("NN", "NNP", "JJ"):
            return None
        age = _AGE_ROLE.match(source.lower_) or (
            source.lower_ == "old"
            and source.i >= 3
            and (m := _AGE_ROLE.match("".join(t.text for t in source.doc[source.i - 4 : source.i + 1])))
            is not None
            and m
        )
        if age:
            if self._ages is None:
                self._ages = self._ages_given()
            ids = self._ages.get(age.group(1), set())
            if len(ids) == 1 and (person := self._by_id(next(iter(ids)))) is not None:
                return person, f"the article gives {person.name}'s age as {age.group(1)}"
            return None
        if lemma in ORG_NOUNS and not any(  # "the non-partisan charity" is one, "the Tory party" is named
                c.dep_ in ("compound", "poss") or (c.dep_ == "amod" and c.text[:1].isupper()) for c in source.children):
            return self._organisation_before(source.idx, lemma)
        return None

    # -- acts --------------------------------------------------------------------------------------

    def resolve_acts(self, acts: list[Act]) -> None:
        """Resolve every act's source in text order (an act may refer back to an earlier one)."""
        for i, act in enumerate(acts):
            act.result = self._resolve(acts, i)
        for i, act in enumerate(acts):  # roles look both ways, so they go once every name is known
            result = act.result
            if result is not None and result.resolution == "unresolved" and not result.settled and act.source:
                act.result = self._role(acts, i) or act.result
        for i, act in enumerate(acts):  # a continuation takes its quotation's speaker as now resolved
            if act.continues is not None:
                act.result = self._resolve(acts, i)

    def resolve_source(
        self, source: Token, span: CharSpan, speakers: list[SpeakerSpan] | None = None
    ) -> Resolved:
        """One source phrase met outside the speech-act pass (a claim's, a disputer, a claim noun's owner):
        rules 2-6, with `speakers` the source spans of the article's speech acts."""
        act = Act(offset=source.idx, source=source, span=span)
        found = self._resolve([act], 0, speakers or [])
        if found.resolution == "unresolved":
            act.result = found
            return self._role([act], 0) or found
        return found

    def _resolve(self, acts: list[Act], i: int, speakers: list[SpeakerSpan] | None = None) -> Resolved:
        act = acts[i]
        if act.continues is not None:
            prev = act.continues.result or UNRESOLVED
            if prev.entity is None and prev.mention is None:
                return UNRESOLVED
            return Resolved(prev.entity, "continuation", "continues the quotation before it", prev.mention)
        src = act.source
        if src is None or act.span is None:
            return UNRESOLVED
        mention = act.span
        if act.label:
            return self._labelled(mention)
        word = pronoun_word(src) or ""  # "" for a non-pronoun ("US" is no "us")
        if word in FIRST_PERSON:
            outer = next(
                (o for o in acts[:i] if o is not act and any(a <= src.idx < b for a, b in o.quoted)), None
            )
            if outer is not None and outer.result is not None and outer.result.entity is not None:
                return Resolved(
                    outer.result.entity, "first-person", "first person inside the quotation", mention
                )
            return Resolved(None, "unresolved", "first person outside any attributed quotation", mention)
        # a plural common noun ("officials") is never one person; a capitalised name the tagger took for a
        # plural ("Sanders", "Balls") still is
        plural = (src.tag_ in ("NNS", "NNPS") and not src.is_title) or word in ("they", "them")
        if word == "it" and (document := self._document_before(src)) is not None:
            author = self._written_by(document)
            why = f"'it': the {document.lemma_.lower()} before it"
            if author is not None:
                return Resolved(author, "pronoun", f"{why}, {author.name}'s", mention)
            return Resolved(None, "unresolved", f"{why}, whose author the article does not name", mention)
        if word in HE_SHE or word in THEY_IT:
            if speakers is None:
                speakers = [
                    (*o.span, o.result.entity if o.result.resolution == "role" else None)
                    for o in acts[:i]
                    if o.result is not None and o.result.entity is not None and o.span
                ]
            found = self.antecedent(src.idx, word, speakers)
            if found is not None:
                return Resolved(found[0], "pronoun", found[1], mention)
            return Resolved(None, "unresolved", f"no antecedent agrees with '{word}'", mention)
        spokes = _spokesperson(src)
        if spokes and (org := self._spoken_for(src)) is not None:  # "Amnesty's chief" is a person
            return Resolved(org, "role", f"'{src.text}' speaks for {org.name}", mention)
        if (plural and src.lemma_.lower() in MEMBER_NOUNS and not _counted(src)
                and (org := self._spoken_for(src)) is not None and org.type in GROUP_TYPES):
            return Resolved(org, "role", f"'{src.text}' speak together for {org.name}", mention)
        if spokes and (same := self._same_source_noun(acts, i)) is not None:
            return same
        if (author := self._written_by(src)) is not None:
            return Resolved(author, "role", f"the {src.lemma_.lower()} is {author.name}'s", mention)
        if src.lemma_.lower() in DOCUMENTS and (same := self._same_source_noun(acts, i)) is not None:
            return same  # "An IAAF statement said ... The statement continued"
        if (linked := self.linked(src)) is not None:
            entity, kind = linked
            if not (plural and entity.type in PERSON_TYPES):
                return Resolved(
                    entity, _KIND_RESOLUTION.get(kind, "named"), f"{kind} mention of {entity.name}", mention
                )
        if (described := self.description(src)) is not None:
            return Resolved(described[0], "role", described[1], mention)
        return Resolved(None, "unresolved", "no entity fits the phrase", mention)

    def _same_source_noun(self, acts: list[Act], i: int) -> Resolved | None:
        """'The spokesman added ...': a bare definite spokesperson noun is the spokesperson of the last act
        whose source is one, at most ANTECEDENT_PARAGRAPHS back -- whoever that one spoke for, or no one
        (settled: an unnamed spokesman is not a person named nearby). So is a bare definite document noun
        the last document of that name ("An IAAF statement said ... The statement continued")."""
        act = acts[i]
        src = act.source
        assert src is not None
        nouns = SPOKES_NOUNS if src.lemma_.lower() in SPOKES_NOUNS else frozenset([src.lemma_.lower()])
        det = [c for c in src.children if c.dep_ == "det"]
        if [c.lower_ for c in det] != ["the"] or any(c.dep_ != "det" and c.i < src.i for c in src.children):
            return None
        here = self.paragraph(act.offset)
        for before in reversed(acts[:i]):
            if here - self.paragraph(before.offset) > ANTECEDENT_PARAGRAPHS:
                break  # acts are in text order: the rest lie further back
            prior = before.source
            if (prior is not None and prior.i != src.i and before.result is not None
                    and prior.lemma_.lower() in nouns):
                found = before.result
                if found.entity is None:
                    return Resolved(None, "unresolved", f"'{src.text}': the unnamed {prior.text} before it",
                                    act.span, settled=True)
                return Resolved(found.entity, "role", f"'{src.text}': the {prior.text} before it, for "
                                f"{found.entity.name}", act.span)
        return None

    def _labelled(self, span: CharSpan) -> Resolved:
        """A transcript label names a person by surname or full name ("PENCE" -> Mike Pence); "A" the
        interviewee; "Q" no one."""
        label = " ".join(self.text[span[0] : span[1]].split()).casefold()
        people = [e for e in self.entities if e.type in PERSON_TYPES]
        if label == "a" and (guest := self._interviewee(span[0])) is not None:
            return Resolved(
                guest, "transcript", f"'A:' answers; {guest.name} is the person the intro names", span
            )
        fits = [e for e in people if e.name.casefold() == label or e.name.casefold().split()[-1] == label]
        if len(fits) == 1:
            return Resolved(
                fits[0], "transcript", f"transcript label '{label.upper()}' names {fits[0].name}", span
            )
        why = "several people fit" if fits else "no person in the article has that name"
        return Resolved(None, "unresolved", f"transcript label: {why}", span)

    def _interviewee(self, first_turn: int) -> Entity | None:
        """The person an interview's introduction (the text outside the turns before this one) names most,
        when one is named at least twice and more than anyone else."""
        counts = Counter(
            e.id
            for a, _b, _k, e in self.mentions
            if a < first_turn and e.type in PERSON_TYPES and not self.in_quote(a)  # turns are quoted
        )
        ranked = counts.most_common(2)
        if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return self._by_id(ranked[0][0])

    def _named_person(self, act: Act) -> Entity | None:
        r = act.result
        if r is not None and r.resolution in ("named", "alias") and r.entity is not None:
            return r.entity if r.entity.type in PERSON_TYPES else None
        return None

    def titles(self, entity: Entity) -> list[Role]:
        """The roles the article gives a person: before a name ("Former welfare minister Frank Field")
        and in apposition after it ("Lavrov, the foreign minister,")."""
        if entity.id not in self._titles:
            found: list[Role] = []
            for m in entity.mentions or []:
                span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is None or m.kind not in ("name", "alias"):
                    continue
                if (role := prefix_role(self.doc, span.start, span.end)) is not None:
                    found.append(role)
                if (appos := apposition_role(self.doc, span.end)) is not None:
                    found.append(appos[0])
            self._titles[entity.id] = found
        return self._titles[entity.id]

    def _conflicts(self, role: Role, person: Entity) -> bool:
        """The person holds another office of that name ("welfare minister" is not "the prime minister",
        "former leader" not "the leader")."""
        held = self.titles(person)
        return any(h == role[0] for h, _m in held) and not any(role_fits(role, t) for t in held)

    def _role(self, acts: list[Act], i: int) -> Resolved | None:
        """A singular 'the + person noun' left unlinked (rule 5)."""
        act = acts[i]
        src = act.source
        assert src is not None
        if pronoun_word(src) or not role_noun(src):
            return None
        if src.lemma_.lower() in ORG_NOUNS or src.lemma_.lower() in DOCUMENTS:
            return None  # "the government", "the paper" are no person
        mods = frozenset(
            c.lower_ for c in src.children if c.i < src.i and c.dep_ in ("amod", "compound", "nmod")
        )
        role: Role = (src.lemma_.lower(), mods)
        here = self.paragraph(act.offset)
        later = [o for o in acts[i + 1 :] if o.source is not None and self.paragraph(o.offset) <= here + 1]
        after = self._named_person(later[0]) if later else None
        if after is not None and self._conflicts(role, after):
            after = None
        definite = any(  # the determiner may hang from a modifier ("The Amnesty secretary-general")
            (c.dep_ == "det" and c.lower_ in ("the", "this")) or (c.dep_ == "poss" and c.pos_ == "PROPN")
            for c in src.subtree
            if c.i < src.i
        )
        if self._lead == here and not (definite and self._person_in_lead_before(src.idx)):
            # a delayed-identification lead ("..., a Home Office minister / the foreign secretary has said."):
            # a definite role before which the lead names nobody is whoever the next paragraph names first
            if (named := self._introduced_in(here + 1)) is not None and not self._conflicts(role, named):
                return Resolved(named, "role", f"'{src.text}' in the lead: {named.name}, the first person "
                                "named as a subject in the next paragraph", act.span)
        if not definite:  # "a minister" is no one known, except in a delayed-identification lead
            return None  # "the Republican nominee", "Russia's top diplomat"; not "a minister"
        owned = any(c.dep_ == "poss" for c in src.children)  # "Morrison's lawyer" is not "Trump's lawyer"
        if not owned and (same := self._same_role.get(role)) is not None and same[0] < src.idx:
            return Resolved(same[1], "role", f"'{src.text}': the {src.lemma_.lower()} named so before, "
                            f"@{same[0]}", act.span)
        found = self._role_of(act, src, role, acts[:i], after, here)
        if not owned and found is not None and found.entity is not None:
            self._same_role.setdefault(role, (src.idx, found.entity))
        return found

    def _person_in_lead_before(self, at: int) -> bool:
        """A person is named in the lead paragraph before offset `at`."""
        return any(a < at and self.paragraph(a) == self._lead and e.type in PERSON_TYPES
                   for a, _b, _k, e in self.mentions)

    def _introduced_in(self, para: int) -> Entity | None:
        """The first person in subject position in a paragraph, if the running text names them there first
        (a headline may name them before)."""
        seen: set[str] = set()
        lead = self._lead or 0
        for start, end, _kind, entity in self.mentions:
            where = self.paragraph(start)
            if where > para:
                break
            if where < lead:
                continue
            if where == para and entity.type in PERSON_TYPES and not self.in_quote(start):
                head = self._mention_head(start, end)
                if head is not None and head.dep_ in ("nsubj", "nsubjpass"):
                    return None if entity.id in seen else entity
            seen.add(entity.id)
        return None

    @cached_property
    def _lead(self) -> int | None:
        """The article's first paragraph of running text."""
        return next((p for p in range(len(self.para_starts)) if self._running_text(p)), None)

    def _role_of(self, act: Act, src: Token, role: Role, earlier: list[Act], after: Entity | None,
                 here: int) -> Resolved | None:
        speakers = [
            (*o.span, None) for o in earlier if o.result is not None and o.result.entity is not None and o.span
        ]
        if after is not None and min(m.start for m in after.mentions or []) > src.idx:
            # a description before a name the article has not used yet introduces that person
            return Resolved(
                after, "role", f"'{src.text}' is introduced by name in the next statement", act.span
            )
        owners = [c for c in src.children if c.dep_ == "poss"]
        if any((found := self.linked(c)) is not None and found[0].type in PERSON_TYPES for c in owners):
            return None  # "Morrison's lawyer": someone of Morrison's, whom the article does not name here
        owned = bool(owners)  # "Russia's top diplomat" may be introduced next, never by the last subject
        before = None if owned else self._person_before(src.idx, speakers, here - 1)
        if before is not None and not self._conflicts(role, before[0]):
            return Resolved(before[0], "role", f"'{src.text}': {before[1]}", act.span)
        if after is not None:
            return Resolved(
                after, "role", f"'{src.text}' is named in the next statement: {after.name}", act.span
            )
        return None

    def _person_before(self, at: int, speakers: list[SpeakerSpan], first_para: int) -> tuple[Entity, str] | None:
        """The last PERSON in subject or speaker position before `at`, from paragraph `first_para` on."""
        found = None
        for start, end, _kind, entity in self.mentions:
            if start >= at:
                break
            if entity.type not in PERSON_TYPES or self.paragraph(start) < first_para or self.in_quote(start):
                continue
            head = self._mention_head(start, end)
            subject = head is not None and head.dep_ in ("nsubj", "nsubjpass")
            if subject or _speaker_position(start, head, speakers):
                found = (entity, f"the last person in subject or speaker position before it, @{start}")
        return found
