"""Claims of one parsed article: attributed propositions (claimant + cue + content), disputes between them,
and the article's own factual assertions (kept with `attributed=False`; the query side shows them only on
request).

Built on `attribution.speech_acts` (cue, source and content of every speech act in the parse, found once
per Doc) and `quotes.extract_quotes` (the quoted ones, speakers resolved). Claims are the propositions of
those speech acts: what this module adds, rule by rule:

- reports (`reports`): quoted speech acts, unquoted ones whose cue is a reporting verb (ratio >=
  REPORT_RATIO), claim nouns with their that-clause ("Mr Putin's demand that ...") and the verbs relaying
  them ("he reaffirmed [Mr Putin's demand that ...]"). A weak cue (ratio < REPORT_RATIO) next to quotation
  marks counts only when the quote finder took the same cue; a content of one word is a parse slip and
  dropped.
- claimant: the matching quote's speaker (same cue), else the source phrase through the one resolver
  (`resolve.py`: names, pronouns with gender and number, descriptions, spokespeople, documents), else an
  unnamed group as written ("some military experts"); a plural phrase is never one person.
- content: the quote's fragments when a quote has the same cue (every piece of a split or multi-sentence
  quotation), else the attribution's runs; a dispute clause inside it is cut off (see disputes).
- stance: from the cue's lemma (STANCE_LEMMAS; "call for/on" demands, "call X Y" describes), else "asserts".
- certainty: "conditional" when the content holds a condition (if, unless, as long as...; an "if" that opens
  the content itself is a question), else "hedged" when the content or the cue holds a hedge (could, may,
  feasible, reportedly, I think..., or a hedging cue verb such as "suggest"), else "unhedged"; the deciding
  words are kept with their offsets.
- type (`type_of`), the first that fires on the content: quantity (money, percent, measure, a number in
  digits), causal, prediction (future forms; a modal under a predicting cue), demand, comparison, opinion
  (evaluative words, a believing cue), a bare modal (prediction), a past-tense head (event), else statement.
- disputes: the dispute expressions of `disputes.py` (denials, rejections, falsity verdicts, "no evidence
  that", verdicts on claim nouns, accusations). The disputer is the expression's subject through
  the resolver, else the speaker of the speech act holding it. The disputed claim: a claim of the owner
  the expression names ("rejected Peter Hain's claim"); else, for a stated proposition ("dismissed claims
  that P", "denied that P"), an attributed claim of someone else sharing MIN_SHARED_WORDS and
  MIN_SHARED_SHARE of its content words, anywhere in the article; else, for a definite claim noun, the
  latest earlier claim whose cue is the noun's verb ("denied the claims" ... "he claimed"), however far back;
  else, for an anaphor ("disputed this"), the latest claim ending before it within DISPUTE_WINDOW sentences;
  else the proposition becomes a claim of its own (the owner's, else "(no source given)" with the claim
  noun as its mention: "reports", "claims"); such a claim answers nothing itself. An "arguing that ..." /
  "citing ..." clause on the expression, or the expression's own speech act (else a denial claim of the
  disputer made from it: "Tony Blair has dismissed reports ..."), is the counter-claim that `disputes` and
  `responds_to` the disputed claim; a dispute clause inside a claim's content is cut off.
- replies: a claim whose cue is a reply verb (REPLY_LEMMAS, or "hit back"), or the means of one ("hit back
  by saying"), responds to the last earlier claim of another claimant within DISPUTE_WINDOW sentences; a
  rebuttal ("retorted", "countered", "hit back") also disputes it.
- critics: a claim of a group named for opposing ("critics say", "opponents argue", CRITIC_NOUNS)
  disputes the latest earlier claim of someone else within DISPUTE_WINDOW sentences.
- contrasts: a claim set against another claim of someone else in its own sentence ("X said P, but Y
  argues Q"; "Although X says P, Y argues Q") disputes it when the two share a content word; else a claim
  whose sentence opens with "But", "However" or "Yet" disputes the earlier claim of someone else within
  DISPUTE_WINDOW sentences that shares the most content words with it (at least one).
- contradictions: a claim that restates an earlier claim of another claimant (the same subject noun and
  CONTRADICTION_SHARE of the content words) with the negation turned disputes it.
- nesting: a claim whose cue lies inside another claim's content gets the smallest such claim as
  `parent_id`; both are kept whole (the outer content still holds the inner words), one cue never gives two
  claims, and two quotes the quote finder gave for one cue become one claim with every fragment.
- unattributed: a sentence with no claim, cue or dispute in it, a finite verb, MIN_SENTENCE_WORDS words or
  more and no question mark is a claim of "the article".
- check-worthiness: `checkworthiness.score_sentence` on the content, with the named-source, disputed and
  entity-count flags from this extraction.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from ..models import (
    Claim,
    Claimant,
    ClaimCertainty,
    ClaimForm,
    ClaimStance,
    ClaimType,
    Dispute,
    Entity,
    Quote,
    Span,
    Speaker,
)
from .attribution import (
    QUOTE_MARKS,
    REPORT_RATIO,
    Attribution,
    lexicon,
    runs,
    speech_acts,
)
from .caseless import Caseless
from .checkworthiness import score_sentence
from .disputes import DEFINITE_WORDS, DisputeExpr, find_disputes
from .positions import lowered_text_of, text_of
from .resolve import FIRST_PERSON, Resolver, SpeakerSpan, pronoun_word

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan


CharSpan = tuple[int, int]


_NUMBERS_KEY = "newsdesk.claims.numbers"


# -- stance ---------------------------------------------------------------------------------------

STANCE_LEMMAS: dict[str, ClaimStance] = {
    **dict.fromkeys(lexicon("claim allege contend assert maintain insist purport"), "claims"),
    **dict.fromkeys(lexicon("warn caution threaten alert"), "warns"),
    **dict.fromkeys(lexicon("predict forecast project anticipate expect"), "predicts"),
    **dict.fromkeys(lexicon("deny refute reject dismiss"), "denies"),
    **dict.fromkeys(
        lexicon("dispute question challenge contest doubt rebut contradict disagree counter"), "disputes"
    ),
    **dict.fromkeys(lexicon("argue reason"), "argues"),
    **dict.fromkeys(lexicon("admit concede acknowledge confess grant"), "concedes"),
    **dict.fromkeys(lexicon("promise pledge vow guarantee swear commit"), "promises"),
    **dict.fromkeys(lexicon("demand urge"), "demands"),
    **dict.fromkeys(lexicon("believe think feel suspect fear hope worry reckon"), "believes"),
    **dict.fromkeys(
        lexicon("report reveal disclose announce find show learn confirm estimate indicate calculate"),
        "reports",
    ),
    **dict.fromkeys(lexicon("ask wonder inquire"), "asks"),
    # "refused to discuss X", "declined to comment on X": X is not asserted
    **dict.fromkeys(lexicon("refuse decline"), "refuses"),
    **dict.fromkeys(lexicon("describe characterize characterise label brand dub"), "describes"),
}
# "call for", "call on" demand; "call X Y" describes.
_CALL_DEMAND = re.compile(r"\bcall(?:s|ed|ing)? (?:for|on|upon)\b", re.IGNORECASE)


def stance_of(cue: DocSpan | None) -> ClaimStance:
    """The stance named by the cue: the first token whose lemma is in STANCE_LEMMAS, else "asserts"."""
    if cue is None:
        return "asserts"
    if _CALL_DEMAND.search(cue.text + " " + cue.doc[cue.end : cue.end + 1].text):
        return "demands"
    for token in cue:
        lemma = token.lemma_.lower()
        if lemma == "call":
            return "describes"
        if lemma in STANCE_LEMMAS:
            return STANCE_LEMMAS[lemma]
    return "asserts"


# -- certainty ------------------------------------------------------------------------------------

# Words that hedge the content they occur in. "would" is left out: in reported speech it is mostly the
# past of "will" ("he said he would resign"). Modals count only as auxiliaries (tag MD).
HEDGE_MODALS = frozenset({"could", "may", "might"})
HEDGE_WORDS = lexicon(
    "feasible possible possibly perhaps maybe probably likely unlikely potentially reportedly allegedly "
    "apparently seemingly supposedly presumably purportedly arguably conceivably plausibly approximately "
    "roughly"
)
HEDGE_VERB_LEMMAS = frozenset({"seem", "appear"})  # "seems to", "appears to"
# A first-person opinion verb with its subject: "I think", "we believe".
_FIRST_PERSON_HEDGE = Caseless(
    r"\b(?:i|we)\s+(?:think|believe|guess|suppose|suspect|feel|reckon|expect)\b"
)
# Cue verbs that hedge what they report.
HEDGING_CUE_LEMMAS = lexicon(
    "suggest speculate believe think guess suspect estimate hint imply reckon suppose assume"
)
CONDITION_MARKERS = frozenset({"if", "unless"})
_CONDITION_PHRASES = Caseless(
    r"\b(?:provided that|as long as|on condition that|in the event that|only if)\b"
)


def _span(doc: Doc, start: int, end: int) -> Span:
    return Span(start=start, end=end, text=text_of(doc)[start:end])


def tokens_in(doc: Doc, fragments: Iterable[tuple[int, int]]) -> list[Token]:
    out: list[Token] = []
    for start, end in fragments:
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is not None:
            out.extend(span)
    return out


def certainty_of(
    doc: Doc, fragments: list[tuple[int, int]], cue: DocSpan | None
) -> tuple[ClaimCertainty, list[Span]]:
    """Certainty of the content and the words that decided it (see the module docstring)."""
    tokens = tokens_in(doc, fragments)
    inside = {t.i for t in tokens}
    # "asked if he had met Trump": an "if" marking the content's own head opens a question, not a condition
    conditions = [
        t
        for t in tokens
        if t.lower_ in CONDITION_MARKERS
        and t.dep_ in ("mark", "advmod", "prep")
        and not (t.head.i in inside and t.head.head.i not in inside)
    ]
    cond_spans = [_span(doc, t.idx, t.idx + len(t)) for t in conditions]
    for start, end in fragments:
        for hit in _CONDITION_PHRASES.finditer(text_of(doc), start, end, lowered_text_of(doc)):
            cond_spans.append(_span(doc, hit.start, hit.end))
    if cond_spans:
        return "conditional", sorted(cond_spans, key=lambda s: s.start)
    hedges: list[Span] = []
    for t in tokens:
        low = t.lower_
        if (
            (low in HEDGE_MODALS and t.tag_ == "MD")
            or low in HEDGE_WORDS
            or (
                t.lemma_.lower() in HEDGE_VERB_LEMMAS
                and t.pos_ in ("VERB", "AUX")
                and any(c.dep_ == "xcomp" for c in t.children)
            )
        ):
            hedges.append(_span(doc, t.idx, t.idx + len(t)))
    for start, end in fragments:
        for hit in _FIRST_PERSON_HEDGE.finditer(text_of(doc), start, end, lowered_text_of(doc)):
            hedges.append(_span(doc, hit.start, hit.end))
    if cue is not None:
        for t in cue:
            if t.lemma_.lower() in HEDGING_CUE_LEMMAS:
                hedges.append(_span(doc, t.idx, t.idx + len(t)))
    if hedges:
        unique = {(s.start, s.end): s for s in hedges}
        return "hedged", sorted(unique.values(), key=lambda s: s.start)
    return "unhedged", []


# -- claim type -----------------------------------------------------------------------------------

_QUANTITY_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY"})
_CAUSAL = Caseless(
    r"\b(?:because|due to|as a result|in response to|a response to|in retaliation|led to|leads? to|"
    r"caused|causes|causing|resulted in|results? in|blamed|thanks to|owing to|therefore|triggered|prompted|"
    r"the result of|the reason)\b"
)
_FUTURE = Caseless(
    r"\b(?:will|won't|shall|(?:is|are|am|was|were) going to|(?:is|are) (?:set|expected|likely|due) to|"
    r"next (?:year|month|week|decade|spring|summer|autumn|fall|winter)|in the coming)\b|'ll\b"
)
_DEMAND = Caseless(r"\b(?:must|should|ought to|need to|needs to|has to|have to)\b")
_COMPARISON = Caseless(
    r"\b(?:more than|less than|fewer than|compared (?:with|to)|than|record|largest|biggest|highest|lowest|"
    r"smallest|fastest|worst|best)\b"
)
# Evaluative words: a content built on one of them gives an opinion rather than a checkable fact.
_OPINION = Caseless(
    r"\b(?:i think|i believe|i feel|in my (?:view|opinion)|mistake|dangerous|disaster|disgrace|shameful|"
    r"unacceptable|outrageous|ridiculous|absurd|terrible|horrible|great|wonderful|fantastic|excellent|"
    r"strong person|weak|wrong|right thing|good|bad|best interest|important|serious|irresponsible|"
    r"reckless|unfair|fair|legitimate|illegitimate|obvious|clear that)\b"
)
_DEMAND_STANCES = frozenset({"demands"})
_PREDICT_STANCES = frozenset({"predicts", "warns", "promises"})


def _first(pattern: Caseless, doc: Doc, fragments: list[tuple[int, int]]) -> str | None:
    text, low = text_of(doc), lowered_text_of(doc)
    for start, end in fragments:
        if hit := pattern.search(text, start, end, low):
            return hit.text
    return None


def _numbers(doc: Doc) -> _Spans:
    """(start, end, text) of the money, percent and measure entities and of the digit-written cardinals,
    computed once per Doc."""
    found = doc.user_data.get(_NUMBERS_KEY)
    if not isinstance(found, _Spans):
        found = _Spans(
            (e.start_char, e.end_char, e.text)
            for e in doc.ents
            if e.label_ in _QUANTITY_LABELS or (e.label_ == "CARDINAL" and any(ch.isdigit() for ch in e.text))
        )
        doc.user_data[_NUMBERS_KEY] = found
    return found


def _quantity(doc: Doc, fragments: list[tuple[int, int]]) -> str | None:
    """A money, percent or measure entity, or a number written in digits that is not part of a date:
    the first in the text."""
    numbers = _numbers(doc)
    first = min((next(numbers.inside(start, end), None) or (len(text_of(doc)), 0, None)
                 for start, end in fragments), default=None)
    return first[2] if first else None


def _content_head(tokens: list[Token]) -> Token | None:
    """The token of the content whose head lies outside it (the first such, in text order)."""
    inside = {t.i for t in tokens}
    for t in tokens:
        if (t.head.i not in inside or t.head.i == t.i) and t.pos_ in ("VERB", "AUX"):
            return t
    return next((t for t in tokens if t.pos_ in ("VERB", "AUX")), None)


def _past_event(tokens: list[Token]) -> str | None:
    head = _content_head(tokens)
    if head is None or head.lemma_ == "be":  # "it was feasible" states, it does not narrate
        return None
    if head.tag_ == "VBD":
        return head.text
    if head.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in head.children):
        return head.text
    return None


def type_of(doc: Doc, fragments: list[tuple[int, int]], stance: ClaimStance) -> tuple[ClaimType, str | None]:
    """The claim type and the words that decided it (rules in the order of the module docstring)."""
    if hit := _quantity(doc, fragments):
        return "quantity", hit
    if hit := _first(_CAUSAL, doc, fragments):
        return "causal", hit
    tokens = tokens_in(doc, fragments)
    modal = next((t.text for t in tokens if t.lower_ in HEDGE_MODALS and t.tag_ == "MD"), None)
    if hit := _first(_FUTURE, doc, fragments) or (modal if stance in _PREDICT_STANCES else None):
        return "prediction", hit
    if stance in _DEMAND_STANCES:
        return "demand", None
    if hit := _first(_DEMAND, doc, fragments):
        return "demand", hit
    if hit := _first(_COMPARISON, doc, fragments):
        return "comparison", hit
    if hit := _first(_OPINION, doc, fragments):
        return "opinion", hit
    if stance == "believes":
        return "opinion", None
    if modal:
        return "prediction", modal
    if hit := _past_event(tokens):
        return "event", hit
    return "statement", None


# -- disputes -------------------------------------------------------------------------------------

ARGUMENT_LEMMAS = lexicon("argue cite say point note suggest insist claim contend add explain")
DISPUTE_WINDOW = 2  # sentences back from the dispute in which the disputed claim may lie
MIN_SHARED_WORDS = 2  # content words a stated proposition shares with the claim it disputes
MIN_SHARED_SHARE = 0.4  # ... and the share of the proposition's content words that is


def noun_phrase(token: Token) -> CharSpan:
    """Char span of a noun phrase: the contiguous part of the token's subtree around it, without relative
    clauses, appositions, coordination and trailing punctuation."""
    drop = {
        t.i
        for c in token.children
        if c.dep_ in ("relcl", "acl", "appos", "punct", "cc", "conj") and c.i > token.i
        for t in c.subtree
    }
    keep = {t.i for t in token.subtree} - drop
    first = last = token.i
    while first - 1 in keep:
        first -= 1
    while last + 1 in keep and not token.doc[last + 1].is_punct:
        last += 1
    doc = token.doc
    return doc[first].idx, doc[last].idx + len(doc[last])


def argument_of(verb: Token) -> tuple[Token, tuple[int, int]] | None:
    """A counter-argument clause on the disputing verb: 'arguing that X' (X), 'citing Y' ('citing Y')."""
    for child in verb.children:
        if child.dep_ not in ("advcl", "conj", "xcomp") or child.lemma_.lower() not in ARGUMENT_LEMMAS:
            continue
        comp = next((g for g in child.children if g.dep_ in ("ccomp", "dobj", "xcomp")), None)
        if comp is None:
            continue
        tokens = [
            t
            for t in comp.subtree
            if not (t.dep_ == "mark" and t.head.i == comp.i and t.i == comp.left_edge.i)
        ]
        while tokens and tokens[-1].is_punct:
            tokens.pop()
        if tokens and comp.dep_ == "dobj":
            tokens = [
                child,
                *(t for t in tokens if t.i > child.i),
            ]  # a noun phrase reads with its verb: "citing Y"
        if tokens:
            return child, (tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
    return None


# -- claimants ------------------------------------------------------------------------------------

NO_SOURCE = "(no source given)"  # the article names no one for the claim
ARTICLE = Claimant(name="the article", kind="article", resolution="article")


def group_name(doc: Doc, span: tuple[int, int]) -> str:
    """An unnamed source as written, with a sentence-initial capital lowered ('Some experts' -> 'some
    experts'), unless the word is a proper noun."""
    text = text_of(doc)[span[0] : span[1]]
    first = doc.char_span(span[0], span[1], alignment_mode="expand")
    if (
        first is not None
        and len(first)
        and first[0].is_sent_start
        and first[0].pos_ != "PROPN"
        and text[:1].isupper()
    ):
        return text[:1].lower() + text[1:]
    return text


GROUP_DETERMINERS = lexicon("some many several other few most all both various numerous")


def unnamed(doc: Doc, span: CharSpan, head: Token, mention: Span) -> Claimant:
    """An unnamed source as written: a group when plural ('some military experts', 'critics') or
    collective by its determiner, else one unnamed person or body ('a spokesman', 'the minister')."""
    plural = head.tag_ in ("NNS", "NNPS") or any(c.lower_ in GROUP_DETERMINERS for c in head.children)
    return Claimant(
        name=group_name(doc, span),
        kind="group" if plural else "unnamed",
        mention=mention,
        resolution="as-written",
    )


def claimant_from_source(
    doc: Doc, source: tuple[int, int] | None, head_i: int | None, resolver: Resolver, speakers: list[SpeakerSpan]
) -> Claimant:
    """A claimant from a source phrase, through the one resolver: a known entity, an unnamed group, or
    unresolved."""
    if source is None or head_i is None:
        return Claimant(name=NO_SOURCE, kind="unresolved", resolution="unresolved")
    head = doc[head_i]
    mention = Span(start=source[0], end=source[1], text=text_of(doc)[source[0] : source[1]])
    found = resolver.resolve_source(head, source, speakers)
    if found.entity is not None:
        return Claimant(
            entity_id=found.entity.id,
            name=found.entity.name,
            kind="entity",
            mention=mention,
            resolution=found.resolution,
            evidence=found.evidence,
        )
    if pronoun_word(head) or head.pos_ == "PRON":
        return Claimant(
            name=mention.text,
            kind="unresolved",
            mention=mention,
            resolution="unresolved",
            evidence=found.evidence,
        )
    return unnamed(doc, source, head, mention)


def claimant_from_speaker(doc: Doc, speaker: Speaker, types: dict[str, str]) -> Claimant:
    """The quote finder's speaker as a claimant. A plural source phrase ('some economists', 'they') is a
    group and never one person, whatever entity it was linked to."""
    mention = speaker.mention
    head = doc.char_span(mention.start, mention.end, alignment_mode="expand") if mention else None
    root = head.root if head is not None and len(head) else None
    plural = root is not None and (root.tag_ in ("NNS", "NNPS") or root.lower_ in ("they", "them"))
    if speaker.entity_id and not (plural and types.get(speaker.entity_id) == "PERSON"):
        return Claimant(
            entity_id=speaker.entity_id,
            name=speaker.name or (mention.text if mention else NO_SOURCE),
            kind="entity",
            mention=mention,
            resolution=speaker.resolution,
        )
    if mention is None or root is None:
        return Claimant(
            name=speaker.name or NO_SOURCE, kind="unresolved", mention=mention, resolution="unresolved"
        )
    if pronoun_word(root) or root.pos_ == "PRON":
        return Claimant(name=mention.text, kind="unresolved", mention=mention, resolution="unresolved")
    return unnamed(doc, (mention.start, mention.end), root, mention)


# -- assembly -------------------------------------------------------------------------------------

REPLY_LEMMAS = frozenset({"respond", "reply", "retort", "counter", "answer", "rebut"})
REBUTTAL_LEMMAS = frozenset({"retort", "counter", "rebut"})  # replies that dispute what they answer
NEGATIONS = frozenset({"not", "n't", "never", "no", "nothing", "neither", "nor"})
CONTRADICTION_SHARE = 0.6
CONTRAST_WORDS = frozenset({"but", "however", "yet"})
CRITIC_NOUNS = frozenset({"critic", "opponent", "sceptic", "skeptic", "detractor", "naysayer"})
CONTRADICTION_WINDOW = 60  # claims compared on either side (keeps a huge article linear)
REPLY_WITH_BACK = frozenset({"hit", "fire", "push", "strike"})  # only as 'hit back', 'fired back'


def _is_reply(cue: Token) -> bool:
    lemma = cue.lemma_.lower()
    if lemma in REPLY_WITH_BACK:
        return any(c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in cue.children)
    return lemma in REPLY_LEMMAS


def _reply_verb(cue: Token) -> Token | None:
    """The reply verb a cue is, or the one it is the means of ("hit back by saying", "responded by
    insisting"), else None."""
    if _is_reply(cue):
        return cue
    if cue.dep_ == "pcomp" and cue.head.lower_ == "by" and _is_reply(cue.head.head):
        return cue.head.head
    return None


MIN_SENTENCE_WORDS = 5  # shorter sentences never become unattributed claims
MIN_CONTENT_WORDS = 2  # an attribution whose content is one word ('in what they call') is a parse slip
_WORD = re.compile(r"\w+")
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass
class _DisputeDraft:
    by: Claimant
    cue: CharSpan
    sentence: CharSpan
    counter: int | None
    argument: CharSpan | None


@dataclass
class _Draft:
    """A claim before ids, features and links are fixed."""

    cue: CharSpan | None
    cue_token: int | None
    content: list[CharSpan]
    sentence: CharSpan
    form: ClaimForm
    claimant: Claimant
    attributed: bool = True
    quote_id: str | None = None
    stance: ClaimStance | None = None  # set for counter-claims, else read from the cue
    parent: int | None = None
    disputes: set[int] = field(default_factory=set)
    responds_to: set[int] = field(default_factory=set)
    disputed_by: list[_DisputeDraft] = field(default_factory=list)
    stated: bool = False  # a disputed proposition made a claim of its own: it answers nothing

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]


def _overlap(a: Iterable[CharSpan], b: Iterable[CharSpan]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


class _Spans:
    """Items at character spans, sorted by start, asked which lie inside a span (bisect, not a scan:
    a long article has thousands of mentions and claims)."""

    def __init__(self, items: Iterable[tuple[int, int, Any]]) -> None:
        self.items = sorted(items, key=lambda item: (item[0], item[1]))
        self.starts = [item[0] for item in self.items]
        self.longest = max((e - s for s, e, _ in self.items), default=0)

    def inside(self, start: int, end: int) -> Iterator[tuple[int, int, Any]]:
        for i in range(bisect_left(self.starts, start), bisect_right(self.starts, end)):
            if self.items[i][1] <= end:
                yield self.items[i]

    def around(self, start: int, end: int) -> Iterator[tuple[int, int, Any]]:
        """The items whose span holds [start, end)."""
        for i in range(bisect_left(self.starts, start - self.longest), bisect_right(self.starts, start)):
            if end <= self.items[i][1]:
                yield self.items[i]


class _Intervals:
    """Character spans, asked whether any overlaps a span (in log time: long articles have thousands)."""

    def __init__(self, spans: Iterable[CharSpan]) -> None:
        ordered = sorted((s, e) for s, e in spans if e > s)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))  # furthest end among the first k

    def overlaps(self, span: CharSpan) -> bool:
        k = bisect_left(self.starts, span[1])  # the spans starting before this one ends
        return k > 0 and self.reach[k - 1] > span[0]


def _sentence_of(doc: Doc, start: int, end: int) -> CharSpan:
    """The sentence(s) covering [start, end), trailing white space left out."""
    first = doc.char_span(start, start + 1, alignment_mode="expand")
    last = doc.char_span(max(end - 1, start), max(end, start + 1), alignment_mode="expand")
    s = first.sent.start_char if first is not None else start
    e = last.sent.end_char if last is not None else end
    while e > s and text_of(doc)[e - 1].isspace():
        e -= 1
    return s, e


def _form(doc: Doc, content: list[CharSpan], quoted: bool) -> ClaimForm:
    """direct when the content is all inside quotation marks, partial when only some is, else indirect."""
    if not quoted:
        return "indirect"
    text = text_of(doc)[content[0][0] : content[-1][1]].strip()
    return "direct" if text[:1] in QUOTE_MARKS and text.rstrip(".,")[-1:] in QUOTE_MARKS else "partial"


def _match_quote(attribution: Attribution, quotes: list[Quote]) -> Quote | None:
    """The quote with the same cue (a quote under another cue is another speech act, even nested)."""
    for quote in quotes:
        if quote.cue is not None and _overlap([attribution.cue], [(quote.cue.start, quote.cue.end)]):
            return quote
    return None


def _union(spans: list[CharSpan]) -> list[CharSpan]:
    """Sorted spans with overlapping ones merged."""
    out: list[CharSpan] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _disputed_clause(verb: Token) -> set[int]:
    """The tokens of the clause a dispute expression opens ('although some experts have cast doubt on
    this, citing ...'), with its leading mark and comma."""
    tokens = {t.i for t in verb.subtree}
    left = min(tokens)
    doc = verb.doc
    while left > verb.sent.start and doc[left - 1].is_punct and doc[left - 1].text in ",;—–-":
        left -= 1
        tokens.add(left)
    return tokens


def _attributed_drafts(
    doc: Doc,
    attributions: list[Attribution],
    quotes: list[Quote],
    who: _Who,
    cut: list[set[int]],
) -> list[_Draft]:
    types = who.types
    drafts: list[_Draft] = []
    for a in attributions:
        content_tokens = set(a.content_tokens)
        for clause in cut:
            if a.cue_token not in clause and content_tokens & clause and min(content_tokens) < min(clause):
                content_tokens -= clause
        content = runs(doc, content_tokens) if content_tokens != set(a.content_tokens) else list(a.content)
        if not content:
            continue
        quote = _match_quote(a, quotes)
        if quote is None and a.ratio < REPORT_RATIO and a.form not in ("noun", "relay"):
            continue  # a weak cue next to quotation marks counts only when the quote finder took it too
        if len(_WORD.findall(" ".join(text_of(doc)[s:e] for s, e in content))) < MIN_CONTENT_WORDS:
            continue
        claimant = (
            claimant_from_speaker(doc, quote.speaker, types)
            if quote is not None
            else who.claimant(a.source, a.source_head)
        )
        if quote is not None and content == list(a.content):
            # the quotation knows every fragment of a quote split by its cue or running over sentences
            content = [(f.start, f.end) for f in quote.fragments]
        form: ClaimForm = quote.kind if quote is not None else _form(doc, content, a.is_quoted)
        drafts.append(
            _Draft(
                cue=a.cue,
                cue_token=a.cue_token,
                content=content,
                sentence=_sentence_of(doc, min(a.cue[0], content[0][0]), max(a.cue[1], content[-1][1])),
                form=form,
                claimant=claimant,
                quote_id=quote.id if quote is not None else None,
            )
        )
    return drafts


def _quote_drafts(doc: Doc, quotes: list[Quote], drafts: list[_Draft], types: dict[str, str]) -> list[_Draft]:
    """Quotes no attribution covers (a quotation continued in the next paragraph, a cue the parse missed)."""
    out = []
    taken = {d.quote_id for d in drafts if d.quote_id}
    for quote in quotes:
        frags = [(f.start, f.end) for f in quote.fragments]
        if quote.id in taken or not frags:
            continue
        if any(_overlap(d.content, frags) for d in drafts):
            continue
        cue = (quote.cue.start, quote.cue.end) if quote.cue is not None else None
        if cue and any(_overlap(frags, [d.cue]) and _overlap(d.content, [cue]) for d in drafts if d.cue):
            continue  # the inner verb of a report read as a report of its own (see reports)
        same = next((d for d in [*drafts, *out] if cue and d.cue and _overlap([d.cue], [cue])), None)
        if same is not None:  # one speech act the quote finder split in two: one claim, every fragment
            same.content = _union(same.content + frags)
            same.sentence = _sentence_of(
                doc, min(same.sentence[0], same.start), max(same.sentence[1], same.end)
            )
            continue
        cue_tok = doc.char_span(cue[0], cue[1], alignment_mode="expand") if cue else None
        span = [*frags, cue] if cue else frags
        out.append(
            _Draft(
                cue=cue,
                cue_token=cue_tok.root.i if cue_tok is not None else None,
                content=frags,
                sentence=_sentence_of(doc, min(s for s, _ in span), max(e for _, e in span)),
                form=quote.kind,
                claimant=claimant_from_speaker(doc, quote.speaker, types),
                quote_id=quote.id,
            )
        )
    return out


def _unattributed_drafts(doc: Doc, drafts: list[_Draft], blocked: set[int]) -> list[_Draft]:
    """Sentences that hold no attribution, no quote and no dispute: the article's own assertions."""
    out = []
    used = _Intervals(s for d in drafts for s in d.content + ([d.cue] if d.cue else []))
    for sent in doc.sents:
        span = _sentence_of(doc, sent.start_char, sent.end_char)
        if span[1] <= span[0] or used.overlaps(span):
            continue
        if any(t.i in blocked for t in sent) or not any(t.tag_ in _FINITE_TAGS for t in sent):
            continue
        words = [t for t in sent if not (t.is_punct or t.is_space)]
        if len(words) < MIN_SENTENCE_WORDS or text_of(doc)[span[1] - 1] == "?":
            continue
        out.append(
            _Draft(
                cue=None,
                cue_token=None,
                content=[span],
                sentence=span,
                form="unattributed",
                claimant=ARTICLE,
                attributed=False,
            )
        )
    return out


def _sentence_number(doc: Doc) -> Callable[[int], int]:
    starts = [s.start_char for s in doc.sents]
    return lambda offset: bisect_right(starts, offset) - 1


@dataclass
class _Who:
    """Who a source phrase is: the resolver with the article's speaker spans (for pronouns)."""

    doc: Doc
    resolver: Resolver
    speakers: list[SpeakerSpan]
    types: dict[str, str]

    def claimant(self, source: CharSpan | None, head_i: int | None) -> Claimant:
        return claimant_from_source(self.doc, source, head_i, self.resolver, self.speakers)

    def of_token(self, token: Token) -> Claimant:
        return self.claimant(noun_phrase(token), token.i)


def _content_words(doc: Doc, tokens: Iterable[int]) -> set[str]:
    """Lemmas of the nouns, names, adjectives and numbers (and of the verbs outside spaCy's stop list:
    "say", "make" carry no topic; "call" as a noun does)."""
    return {
        doc[i].lemma_.lower()
        for i in tokens
        if doc[i].is_alpha
        and (doc[i].pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or (doc[i].pos_ == "VERB" and not doc[i].is_stop))
    }


def _draft_words(doc: Doc, d: _Draft) -> set[str]:
    return _content_words(doc, (t.i for t in tokens_in(doc, d.content)))


def _holder(drafts: list[_Draft], offset: int) -> int | None:
    """The smallest attributed claim whose content holds the offset (the speech act a verdict is in)."""
    holding = [n for n, d in enumerate(drafts) if d.attributed and any(s <= offset < e for s, e in d.content)]
    return min(holding, key=lambda n: drafts[n].end - drafts[n].start, default=None)


def _disputed_claim(
    doc: Doc,
    drafts: list[_Draft],
    expr: DisputeExpr,
    by: Claimant,
    owner: Claimant | None,
    exclude: set[int],
) -> int | None:
    """The claim a dispute answers (see the module rules, 'disputes')."""
    sent_no = _sentence_number(doc)
    at = expr.cue.idx
    here = sent_no(at)

    def eligible(n: int, d: _Draft) -> bool:
        same = by.kind == "entity" and d.claimant.entity_id == by.entity_id
        return n not in exclude and not same and not any(s <= at < e for s, e in d.content)

    candidates = [n for n, d in enumerate(drafts) if eligible(n, d)]
    if owner is not None and owner.kind != "unresolved":
        owned = [n for n in candidates if _same_claimant(drafts[n].claimant, owner) and drafts[n].attributed]
        before = [n for n in owned if drafts[n].end <= at]
        if expr.reach is not None:  # only what the owner said just before
            owned = before = [n for n in before if here - expr.reach <= sent_no(drafts[n].start)]
        if before or owned:
            return (
                max(before, key=lambda n: drafts[n].end)
                if before
                else min(owned, key=lambda n: drafts[n].start)
            )
    if expr.proposition:
        words = _content_words(doc, expr.proposition)
        best: tuple[int, int] | None = None
        for n in candidates:
            if not drafts[n].attributed:
                continue
            shared = len(words & _draft_words(doc, drafts[n]))
            if shared >= MIN_SHARED_WORDS and shared >= MIN_SHARED_SHARE * len(words):
                key = (shared, -abs(drafts[n].start - at))
                if best is None or key > (best[0], -abs(drafts[best[1]].start - at)):
                    best = (shared, n)
        if best is not None:
            return best[1]
    if expr.pointer is not None and not expr.proposition:
        if (named := _named_by_pointer(doc, drafts, expr.pointer, candidates, at)) is not None:
            return named
        near = [
            n
            for n in candidates
            if drafts[n].end <= at and here - DISPUTE_WINDOW <= sent_no(drafts[n].start) <= here
        ]
        return max(near, key=lambda n: (drafts[n].end, drafts[n].attributed), default=None)
    return None


def _same_word_family(noun: str, verb: str) -> bool:
    """A claim noun and the verb it names ("claims"/"claimed", "allegation"/"alleged", "criticism"/
    "criticised", "warning"/"warned"): a shared stem of 4 letters or more, at most 2 short of the shorter."""
    common = 0
    for a, b in zip(noun, verb):
        if a != b:
            break
        common += 1
    return common >= max(4, min(len(noun), len(verb)) - 2)


def _named_by_pointer(doc: Doc, drafts: list[_Draft], pointer: Token, candidates: list[int], at: int) -> int | None:
    """'denied the claims', 'rejected these allegations': a definite claim noun names the speech act it
    points back at by its verb ("he claimed ...", "alleged ..."): the latest earlier claim whose cue is
    that verb, however far back."""
    if pointer.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in DEFINITE_WORDS for c in pointer.children):
        return None
    noun = pointer.lemma_.lower()
    named = [
        n
        for n in candidates
        if drafts[n].end <= at
        and drafts[n].attributed
        and drafts[n].cue_token is not None
        and _same_word_family(noun, doc[drafts[n].cue_token].lemma_.lower())
    ]
    return max(named, key=lambda n: drafts[n].end, default=None)


def _stated_claim(
    doc: Doc, expr: DisputeExpr, owner: Claimant | None, by_cue: dict[int, int]
) -> _Draft | None:
    """The disputed proposition as a claim of its own when no claim of the article states it: the claim
    noun's owner's ("Labour claims that ..."), else unattributed as written ("reports", "claims")."""
    if not expr.proposition:
        return None
    if expr.pointer is not None and expr.pointer.i in by_cue:
        return None  # the claim noun's own report already states it
    content = runs(doc, set(expr.proposition))
    if not content:
        return None
    if owner is not None and owner.kind != "unresolved":
        claimant = owner
    else:  # "dismissed claims that ...", "denied that ...": the article names no one who claims it
        mention = _span(doc, *noun_phrase(expr.pointer)) if expr.pointer is not None else None
        claimant = Claimant(name=NO_SOURCE, kind="unresolved", mention=mention, resolution="unresolved")
    cue = (expr.pointer.idx, expr.pointer.idx + len(expr.pointer)) if expr.pointer is not None else None
    return _Draft(
        cue=cue,
        cue_token=expr.pointer.i if expr.pointer is not None else None,
        content=content,
        sentence=_sentence_of(doc, content[0][0], content[-1][1]),
        form="indirect",
        claimant=claimant,
        stated=True,
    )


def _link_disputes(doc: Doc, drafts: list[_Draft], disputes: list[DisputeExpr], who: _Who) -> None:
    """Mark each disputed claim, with the disputer and the disputing sentence; the dispute's own speech
    act (or its counter-argument) becomes a claim that `disputes` and `responds_to` the disputed one."""
    by_cue = {d.cue_token: n for n, d in enumerate(drafts) if d.cue_token is not None}
    for expr in disputes:
        verb = expr.cue
        holder = _holder(drafts, verb.idx)
        own = by_cue.get(verb.i)
        if expr.disputer is not None and not (
            pronoun_word(expr.disputer) in FIRST_PERSON and holder is not None
        ):
            by = who.of_token(expr.disputer)
        elif holder is not None:  # a verdict inside someone's speech, or "I reject that" in their quote
            by = drafts[holder].claimant
        elif own is not None:
            by = drafts[own].claimant
        else:
            by = Claimant(name=NO_SOURCE, kind="unresolved", resolution="unresolved")
        argument = argument_of(verb)
        counter: int | None = own if own is not None and not expr.proposition else None
        if argument is not None:
            arg_verb, arg_span = argument
            counter = by_cue.get(arg_verb.i)
            if counter is None:
                drafts.append(
                    _Draft(
                        cue=(arg_verb.idx, arg_verb.idx + len(arg_verb)),
                        cue_token=arg_verb.i,
                        content=[arg_span],
                        sentence=_sentence_of(doc, verb.idx, arg_span[1]),
                        form="indirect",
                        claimant=by,
                    )
                )
                counter = len(drafts) - 1
                by_cue[arg_verb.i] = counter
            elif drafts[counter].claimant.kind == "unresolved" or drafts[counter].claimant.mention is None:
                drafts[counter].claimant = by
            drafts[counter].stance = "disputes"
        elif counter is None and own is not None:
            counter = own
        owner = who.of_token(expr.owner) if expr.owner is not None else None
        exclude = {n for n in (counter, own, holder) if n is not None}
        target = _disputed_claim(doc, drafts, expr, by, owner, exclude)
        if target is None and (stated := _stated_claim(doc, expr, owner, by_cue)) is not None:
            drafts.append(stated)
            target = len(drafts) - 1
            if stated.cue_token is not None:
                by_cue[stated.cue_token] = target
        if target is None and expr.pointer is not None and expr.pointer.i in by_cue:
            target = by_cue[expr.pointer.i]
        if target is None or target in exclude:
            continue
        if counter is None and holder is None and by.kind != "unresolved" and verb.pos_ == "VERB":
            counter = _denial(doc, drafts, expr, by)  # "Tony Blair has dismissed reports ...": his claim too
        cue_end = len(text_of(doc)[: max(expr.cue_end, verb.idx + len(verb))].rstrip())
        drafts[target].disputed_by.append(
            _DisputeDraft(
                by=by,
                cue=(verb.idx, cue_end),
                sentence=_sentence_of(doc, verb.sent.start_char, verb.sent.end_char),
                counter=counter,
                argument=argument[1] if argument else None,
            )
        )
        if counter is not None:
            drafts[counter].disputes.add(target)
            drafts[counter].responds_to.add(target)


def _denial(doc: Doc, drafts: list[_Draft], expr: DisputeExpr, by: Claimant) -> int | None:
    """The disputer's own claim when the dispute is not a speech act the parse already gave: what is
    denied (the proposition, else the claim noun phrase), stance "denies"."""
    verb = expr.cue
    if expr.proposition:
        content = runs(doc, set(expr.proposition))
    elif expr.pointer is not None:
        content = [noun_phrase(expr.pointer)]
    else:
        return None
    if not content:
        return None
    drafts.append(
        _Draft(
            cue=(verb.idx, verb.idx + len(verb)),
            cue_token=verb.i,
            content=content,
            sentence=_sentence_of(doc, verb.sent.start_char, verb.sent.end_char),
            form="indirect",
            claimant=by,
            stance="denies",
        )
    )
    return len(drafts) - 1


def _answered(
    drafts: list[_Draft], n: int, sent_no: Callable[[int], int], earlier_sentence: bool = False
) -> int | None:
    """The claim that claim n answers: the latest attributed claim of someone else ending before n's cue
    and content, at most DISPUTE_WINDOW sentences back (in an earlier sentence only, if asked)."""
    earlier = _earlier_claims(drafts, n, sent_no, earlier_sentence)
    return max(earlier, key=lambda m: drafts[m].end) if earlier else None


def _earlier_claims(
    drafts: list[_Draft], n: int, sent_no: Callable[[int], int], earlier_sentence: bool = False
) -> list[int]:
    """The attributed claims of others that claim n may answer (see `_answered`)."""
    d = drafts[n]
    at = min(d.start, d.cue[0]) if d.cue else d.start
    here = sent_no(at)
    return [
        m
        for m, o in enumerate(drafts)
        if m != n
        and o.attributed
        and o.end <= at
        and here - DISPUTE_WINDOW <= sent_no(o.start)
        and (not earlier_sentence or sent_no(o.start) < here)
        and not _same_claimant(o.claimant, d.claimant)
    ]


def _link_replies(doc: Doc, drafts: list[_Draft]) -> None:
    """A claim with a reply cue answers the latest earlier claim of another claimant nearby; a rebuttal
    disputes it."""
    sent_no = _sentence_number(doc)
    for n, d in enumerate(drafts):
        if d.cue_token is None or d.stated or d.responds_to:
            continue
        reply = _reply_verb(doc[d.cue_token])
        if reply is None:
            continue
        target = _answered(drafts, n, sent_no)
        if target is not None:
            d.responds_to.add(target)
            if _is_rebuttal(reply) and d.cue is not None:
                _mark_disputed(drafts, target, n, d.cue)


def _link_critics(doc: Doc, drafts: list[_Draft]) -> None:
    """'Critics say ...', 'opponents argue ...': a claim of a group named for opposing (CRITIC_NOUNS)
    disputes the claim it answers (`_answered`)."""
    sent_no = _sentence_number(doc)
    for n, d in enumerate(drafts):
        mention = d.claimant.mention
        if d.cue is None or d.stated or mention is None or d.disputes:
            continue
        head = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if head is None or not len(head) or head.root.lemma_.lower() not in CRITIC_NOUNS:
            continue
        if (target := _answered(drafts, n, sent_no)) is not None:
            _mark_disputed(drafts, target, n, d.cue)


def _link_contrasts(doc: Doc, drafts: list[_Draft]) -> None:
    """'But Labour said ...', 'However, both witnesses told lawmakers that ...': a claim whose sentence
    opens with a contrast (CONTRAST_WORDS) disputes a claim of someone else in an earlier sentence nearby
    (`_earlier_claims`) that it shares content words with: the one sharing most, the latest of equals."""
    sent_no = _sentence_number(doc)
    by_cue = {d.cue_token: m for m, d in enumerate(drafts) if d.cue_token is not None and d.attributed and not d.stated}
    for n, d in enumerate(drafts):
        if d.cue is None or d.stated or d.disputes or not d.attributed or d.cue_token is None:
            continue
        if (m := _contrasted_in_sentence(doc[d.cue_token], by_cue)) is not None:
            if not _same_claimant(drafts[m].claimant, d.claimant) and _draft_words(doc, drafts[m]) & _draft_words(
                doc, d
            ):
                _mark_disputed(drafts, m, n, d.cue)
            continue
        if doc[d.cue_token].sent[0].lower_ not in CONTRAST_WORDS:
            continue
        words = _draft_words(doc, d)
        shared = {m: len(_draft_words(doc, drafts[m]) & words)
                  for m in _earlier_claims(drafts, n, sent_no, earlier_sentence=True)}
        target = max(shared, key=lambda m: (shared[m], drafts[m].end), default=None)
        if target is not None and shared[target]:
            _mark_disputed(drafts, target, n, d.cue)


CONCESSIVE_MARKS = frozenset({"whereas", "although", "though"})  # not "while", as often "and" or "when"


def _contrasted_in_sentence(cue: Token, by_cue: dict[int, int]) -> int | None:
    """The claim a cue is set against in its own sentence: the one it is joined to by "but"/"yet" ("X
    said P, but Y argues Q"), or one in its concessive clause ("Although X says P, Y argues Q")."""
    if cue.dep_ == "conj" and cue.head.i in by_cue:
        if any(c.dep_ == "cc" and c.lower_ in CONTRAST_WORDS for c in (*cue.head.children, *cue.children)):
            return by_cue[cue.head.i]
    for child in cue.children:
        if (
            child.dep_ == "advcl"
            and child.i in by_cue
            and any(c.dep_ == "mark" and c.lower_ in CONCESSIVE_MARKS for c in child.children)
        ):
            return by_cue[child.i]
    return None


def _is_rebuttal(cue: Token) -> bool:
    """A reply that contests: "retorted", "countered", "rebutted", "hit back" (not "responded")."""
    return cue.lemma_.lower() in REBUTTAL_LEMMAS or (
        cue.lemma_.lower() in REPLY_WITH_BACK and any(c.lower_ == "back" for c in cue.children)
    )


def _mark_disputed(drafts: list[_Draft], target: int, counter: int, cue: CharSpan) -> None:
    d = drafts[counter]
    if any(x.counter == counter for x in drafts[target].disputed_by):
        return
    drafts[target].disputed_by.append(
        _DisputeDraft(by=d.claimant, cue=cue, sentence=d.sentence, counter=counter, argument=None)
    )
    d.disputes.add(target)
    d.responds_to.add(target)


def _negated(doc: Doc, d: _Draft) -> bool:
    return any(t.dep_ == "neg" or t.lower_ in NEGATIONS for t in tokens_in(doc, d.content))


def _link_contradictions(doc: Doc, drafts: list[_Draft]) -> None:
    """A claim that says what an earlier claim of someone else says, with the negation turned, disputes
    it ("the plans would change the law" ... "the plans would not change the law"): at least
    CONTRADICTION_SHARE of the smaller set of content words shared, MIN_SHARED_WORDS + 1 at least."""
    attributed = [n for n, d in enumerate(drafts) if d.attributed and d.cue is not None and not d.stated]
    words = {n: _draft_words(doc, drafts[n]) for n in attributed}
    negated = {n: _negated(doc, drafts[n]) for n in attributed}
    subjects = {n: _subject_word(doc, drafts[n]) for n in attributed}
    for k, b in enumerate(attributed):
        for a in attributed[max(0, k - CONTRADICTION_WINDOW) : k + CONTRADICTION_WINDOW]:
            da, db = drafts[a], drafts[b]
            if da.start >= db.start or negated[a] == negated[b] or _same_claimant(da.claimant, db.claimant):
                continue
            shared = len(words[a] & words[b])
            smaller = min(len(words[a]), len(words[b]))
            same_subject = subjects[a] is not None and subjects[a] == subjects[b]
            if same_subject and shared > MIN_SHARED_WORDS and shared >= CONTRADICTION_SHARE * smaller:
                assert db.cue is not None
                _mark_disputed(drafts, a, b, db.cue)


def _subject_word(doc: Doc, d: _Draft) -> str | None:
    """The lemma of the content's first subject (what the claim is about), or None."""
    for t in tokens_in(doc, d.content):
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN"):
            return t.lemma_.lower()
    return None


def _same_claimant(a: Claimant, b: Claimant) -> bool:
    if a.entity_id or b.entity_id:
        return a.entity_id == b.entity_id
    return a.name.casefold() == b.name.casefold()


def _link_nesting(drafts: list[_Draft]) -> None:
    """A claim whose cue lies inside another claim's content is nested in the smallest such claim."""
    contents = _Spans((s, e, m) for m, o in enumerate(drafts) for s, e in o.content)
    for n, d in enumerate(drafts):
        if d.cue is None:
            continue
        holders = sorted({m for _, _, m in contents.around(*d.cue) if m != n})
        if holders:
            d.parent = min(holders, key=lambda m: drafts[m].end - drafts[m].start)


def reports(doc: Doc) -> list[Attribution]:
    """The speech acts that make claims (`attribution.speech_acts`): quoted ones, unquoted ones whose cue
    is a report verb (ratio >= REPORT_RATIO), claim nouns with their clause and relayed claims. An
    inverted report whose cue hangs from another kept cue ('He said: "we will respond"', 'He said Russia
    had issued ...') is the inner verb of that report, not a report of its own."""
    found = [
        a for a in speech_acts(doc) if a.is_quoted or a.ratio >= REPORT_RATIO or a.form in ("noun", "relay")
    ]
    cues = {a.cue_token for a in found}
    return [a for a in found if not (a.form == "inverted" and doc[a.cue_token].head.i in cues)]


def _paragraph_number(text: str) -> Callable[[int], int]:
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
    return lambda offset: bisect_right(breaks, offset)


def extract_claims(doc: Doc, article_id: str, entities: list[Entity], quotes: list[Quote]) -> list[Claim]:
    """Every claim of the article, attributed and unattributed, in reading order (see the module rules)."""
    types = {e.id: e.type for e in entities}
    quoted = [(f.start, f.end) for q in quotes for f in q.quoted]
    by_id = {e.id: e for e in entities}
    speakers = [
        (
            q.speaker.mention.start,
            q.speaker.mention.end,
            by_id[q.speaker.entity_id] if q.speaker.resolution == "role" else None,
        )
        for q in quotes
        if q.speaker.entity_id in by_id and q.speaker.mention
    ]
    who = _Who(doc, Resolver(doc, entities, quoted), speakers, types)
    attributions = reports(doc)
    disputes = find_disputes(doc)
    cut = [_disputed_clause(x.cue) for x in disputes if x.pointer is not None and x.cue.pos_ == "VERB"]
    drafts = _attributed_drafts(doc, attributions, quotes, who, cut)
    drafts += _quote_drafts(doc, quotes, drafts, types)
    blocked = {x.cue.i for x in disputes if x.cue.pos_ == "VERB"}
    drafts += _unattributed_drafts(doc, drafts, blocked)
    drafts.sort(key=lambda d: (d.sentence[0], d.start, d.cue[0] if d.cue else -1))
    _link_disputes(doc, drafts, disputes, who)
    _link_replies(doc, drafts)
    _link_critics(doc, drafts)
    _link_contrasts(doc, drafts)
    _link_contradictions(doc, drafts)
    _link_nesting(drafts)
    order = sorted(range(len(drafts)), key=lambda n: (drafts[n].sentence[0], drafts[n].start))
    ids = {n: f"{article_id}:claim-{k}" for k, n in enumerate(order)}
    paragraph = _paragraph_number(text_of(doc))
    mentions = _Spans((s, e, ent) for s, e, _kind, ent in who.resolver.mentions)
    return [_to_claim(doc, drafts[n], ids[n], ids, mentions, paragraph) for n in order]


def _to_claim(
    doc: Doc,
    d: _Draft,
    claim_id: str,
    ids: dict[int, str],
    mentions: _Spans,
    paragraph: Callable[[int], int],
) -> Claim:
    cue = doc.char_span(d.cue[0], d.cue[1], alignment_mode="expand") if d.cue else None
    stance = d.stance or stance_of(cue)
    certainty, certainty_cues = certainty_of(doc, d.content, cue)
    claim_type, type_cue = type_of(doc, d.content, stance)
    text = " ... ".join(text_of(doc)[s:e] for s, e in d.content)
    entities_inside = len({ent.id for a, b in d.content for _, _, ent in mentions.inside(a, b)})
    disputed = bool(d.disputed_by)
    worth = score_sentence(
        text, has_named_source=d.claimant.kind == "entity", disputed=disputed, entities=entities_inside
    )
    return Claim(
        id=claim_id,
        article_id=claim_id.rsplit(":claim-", 1)[0],
        attributed=d.attributed,
        claimant=d.claimant,
        cue=_span(doc, *d.cue) if d.cue else None,
        stance=stance,
        certainty=certainty,
        certainty_cues=certainty_cues,
        form=d.form,
        text=text,
        start=d.start,
        end=d.end,
        fragments=[_span(doc, s, e) for s, e in d.content],
        evidence=_span(doc, *d.sentence),
        paragraph_index=paragraph(d.start),
        type=claim_type,
        type_cue=type_cue,
        checkworthiness=worth.score,
        checkworthiness_reasons=worth.reasons,
        disputed=disputed,
        disputed_by=[
            Dispute(
                by=x.by,
                cue=_span(doc, *x.cue),
                sentence=_span(doc, *x.sentence),
                claim_id=ids[x.counter] if x.counter is not None else None,
                argument=_span(doc, *x.argument) if x.argument else None,
            )
            for x in d.disputed_by
        ],
        disputes=[ids[m] for m in sorted(d.disputes)],
        responds_to=[ids[m] for m in sorted(d.responds_to)],
        parent_id=ids[d.parent] if d.parent is not None else None,
        quote_id=d.quote_id,
    )
