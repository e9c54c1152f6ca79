"""Speech acts in the dependency parse: who (source) says (cue) what (content).

`speech_acts(doc) -> list[Attribution]` is the one list of them, computed once per Doc, that quotes.py
(which adds the quotation-mark frames) and claims.py both read; `find_attributions` is its verb part.
Rules:
- Cue: a token whose (lemma, coarse POS) is in the lexicon derived from PolNeAR train Cue annotations
  (tools/data/cue_lemmas.txt, written by eval/derive_cues.py). Each entry has a `ratio`, the share of the
  lemma's occurrences in PolNeAR train that annotators marked as a cue: "say" 0.85, "think" 0.13, "be"
  0.02. Callers pick the ratio they need: a verb next to quotation marks needs little (MIN_RATIO), an
  unquoted report needs a reporting verb (REPORT_RATIO).
- Content, by `form`:
  "ccomp"     the cue's clausal complement ("said that ..."); a complement standing before its cue must be
              set off by punctuation ("It will fail, he said"), else the parse is wrong; for a verb of
              addressing, also a that-clause with its own subject the parser hung from the one addressed
              ("told the Today programme that his stance was ...");
  "xcomp"     "promised to ...", only for cues with ratio >= XCOMP_RATIO ("want to", "have to" are not),
              with the object the cue addresses ("urged the finance chiefs to act");
  "inverted"  the clause the cue hangs from, when the cue (with a subject and no subordinator) follows it
              after punctuation or stands between commas inside it ("The plan, he said, will fail";
              also when the parser hung the clause's first word on an inverted cue: "This, said
              Sloncek, should ..."), minus the cue and its subject; a reporting verb and its subject closing
              the sentence after a comma frame all before the comma, however the parser hung it;
              a past-tense reporting verb after "but"/"and" taken for an adjective ("increased borrowing but
              insisted economic targets would be met") reports the rest of the sentence, for the subject of
              the verb it is joined to;
  "according" for "according to X", the clause the phrase modifies, minus the phrase;
  "object"    for the verbs of OBJECT_FRAMES with no clause, the noun-phrase frame ("accused X of Y",
              "called X a hoax", "claimed victory"; with no object, only what the frame preposition
              governs: "called for Y", "X was accused of Y" are Y). The agent of a passive is no content,
              nor its "by" ("described as 'idle speculation' by Downing Street").
  Content is cut to the cue's sentence (except "according to") and to runs of contiguous tokens.
- Source: the cue's nominal subject -- but a passive cue's subject is what is reported on, not who
  reports, so a passive (with a passive subject or auxiliary, or a participle modifying a noun: "a man
  accused of fraud") but the self-reporting ones, SELF_PASSIVE_LEMMAS ("he was quoted as saying"), is
  spoken by its "by" agent, even one the parser hung inside the complement ("her comments were
  described as 'outrageous' by the IHRC" is the IHRC's; for a verb of addressing, ADDRESSED_LEMMAS, only
  a true agent: "he was asked by reporters"), else by no one the text names ("he was told", "X was
  accused of Y", "which has been blamed for", "after being accused of"); a passive "it" with no agent is no one ("it is understood that ...", "it has been
  widely expected to return cash"); a relative pronoun stands for the noun it modifies ("Clinton, who
  said"); failing a subject, that of the verb the cue is coordinated with or subordinated to ("... and
  added that", "..., saying that", "responded by saying that"), except that a cue faulted or praised "for"
  or "of" it is the object's ("criticised the government for claiming"); the noun a relative or
  participial cue modifies ("a report that found"), or for a document noun the one who issued it ("Trump issued a
  statement saying" -> Trump); the object of "to" for "according to". A participle the parse hangs from a
  noun takes the subject of the clause before it ("... the need for a wall and adding, ..."); of two
  subjects (a misparse) the nearer wins, never a dateline ("LONDON (Reuters) - ...") or a quoted title.
- Claim nouns ("noun": "Mr Putin's demand that ...", the possessor the source) and the verbs relaying
  them ("relay": "he reaffirmed [Mr Putin's demand that ...]") come with them in `speech_acts(doc)`, the
  one list of the parse's speech acts that quotes and claims both read.
- Offsets are character offsets into doc.text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .positions import text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "cue_lemmas.txt"

# double quotation marks (the two-apostrophe mark '' of some archives is handled where marks are paired)
QUOTE_MARKS = frozenset('"“”„‟«»')
MIN_RATIO = 0.05  # a cue next to quotation marks
REPORT_RATIO = 0.3  # a cue that introduces an unquoted report on its own
XCOMP_RATIO = 0.35  # a cue whose infinitive complement is its content ("promised to ...")

Form = Literal["ccomp", "xcomp", "inverted", "according", "object", "noun", "relay"]
# Reporting verbs whose content may be a noun-phrase frame instead of a clause (form "object"): the
# object with the words that say what is claimed of it ("accused Mr Brown of ducking choices", "called
# climate change a hoax", "called for an equal split", "claimed victory", "warned of cuts").
OBJECT_FRAMES: dict[str, tuple[str, ...]] = {
    "accuse": ("of",), "blame": ("for",), "call": ("for",), "claim": (), "warn": ("of", "against"),
    "predict": (), "promise": (), "pledge": (), "announce": (), "admit": (), "deny": (), "demand": (),
    "hail": ("as",), "brand": ("as",), "describe": ("as",), "dub": (), "label": ("as",),
    "criticise": (), "criticize": (), "condemn": (),
    "dismiss": ("as",), "reject": (), "express": (), "praise": ("for",),
}  # fmt: skip
CharSpan = tuple[int, int]

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_INHERIT_SUBJECT = ("conj", "advcl", "xcomp")
_ASIDE = ",—–-"
# a document that "says" something speaks for whoever issued it
DOCUMENTS = frozenset(
    [
        "statement", "release", "ad", "advertisement", "commercial", "video", "letter", "memo", "email",
        "e-mail", "message", "post", "tweet", "article", "report", "editorial", "op-ed", "column", "website",
        "book", "filing", "lawsuit", "complaint", "motion", "speech", "document", "survey", "study", "poll",
        "analysis", "paper",
    ]
)  # fmt: skip


def lexicon(words: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(words.split())


# -- the lexicon -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueEntry:
    lemma: str
    pos: str
    cues: int
    occurrences: int

    @property
    def ratio(self) -> float:
        return self.cues / max(self.occurrences, 1)


class CueLexicon:
    """Cue lemmas with how often each was a cue in PolNeAR train."""

    def __init__(self, entries: list[CueEntry]) -> None:
        self.entries = {(e.lemma, e.pos): e for e in entries}

    @classmethod
    def read(cls, path: Path) -> CueLexicon:
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                lemma, pos, cues, occurrences = line.split("\t")
                entries.append(CueEntry(lemma, pos, int(cues), int(occurrences)))
        return cls(entries)

    def ratio(self, token: Token) -> float:
        entry = self.entries.get(cue_key(token))
        return entry.ratio if entry else 0.0


@lru_cache(maxsize=1)
def default_lexicon() -> CueLexicon:
    return CueLexicon.read(LEXICON_PATH)


def coarse_pos(pos: str) -> str:
    return "VERB" if pos in ("VERB", "AUX") else "NOUN" if pos in ("NOUN", "PROPN") else "OTHER"


def cue_key(token: Token) -> tuple[str, str]:
    """The lexicon key of a token: (lower-case lemma, VERB|NOUN|OTHER); "according" is "according to"."""
    if token.lower_ == "according":
        return "according to", "OTHER"
    return token.lemma_.lower(), coarse_pos(token.pos_)


# -- attributions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    """One attribution relation found in the parse."""

    cue: CharSpan  # "said", "according to"
    cue_token: int
    lemma: str
    ratio: float  # the cue lemma's ratio in the lexicon
    source: CharSpan | None  # the source phrase as written, None when the parse gives none
    source_head: int | None  # token index of the source's head word
    content: tuple[CharSpan, ...]  # the reported words, in runs of contiguous tokens
    content_tokens: frozenset[int]
    sentence: CharSpan
    form: Form
    is_quoted: bool  # the content holds a double quotation mark

    @property
    def content_span(self) -> CharSpan:
        return self.content[0][0], self.content[-1][1]


def find_attributions(
    doc: Doc, lexicon: CueLexicon | None = None, min_ratio: float = MIN_RATIO
) -> list[Attribution]:
    """Every lexicon cue (ratio >= min_ratio) that has content, in document order."""
    lexicon = lexicon or default_lexicon()
    found = []
    text = text_of(doc)
    for token in doc:
        ratio = lexicon.ratio(token)
        if ratio >= min_ratio and (attribution := _attribution_at(token, ratio, text)) is not None:
            found.append(attribution)
    return found


_ACTS_KEY = "newsdesk.speech_acts"
# Nouns that name a claim and take a that-clause: "Russia's claim that ...", "his warning that ...".
CLAIM_NOUN_CUES = lexicon(
    "claim assertion allegation accusation demand warning promise pledge insistence prediction denial "
    "argument contention suggestion belief view statement announcement admission threat doubt concern fear "
    "hope worry expectation assurance"
)


def speech_acts(doc: Doc) -> list[Attribution]:
    """Every speech act of the parse, found once per Doc and kept in its user_data: the lexicon cues of
    `find_attributions`, then claim nouns with their clause (`claim_nouns`) and the verbs relaying them
    (`relayed`). Quotation-mark frames are quotes.py's; this is the parse's share."""
    acts = doc.user_data.get(_ACTS_KEY)
    if not isinstance(acts, list):
        acts = find_attributions(doc)
        acts += claim_nouns(doc, acts)
        acts += relayed(doc, acts)
        doc.user_data[_ACTS_KEY] = acts
    return acts


def claim_nouns(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """'Mr Putin's demand that Ukraine should pull back' (form "noun"): a claim noun (CLAIM_NOUN_CUES)
    whose clause opens with "that" (not a relative "that" standing for the noun); the possessor is the
    source."""
    cues = {a.cue_token for a in found}
    out = []
    for noun in doc:
        if noun.i in cues or noun.pos_ != "NOUN" or noun.lemma_.lower() not in CLAIM_NOUN_CUES:
            continue
        clause = next(
            (
                c
                for c in noun.children
                if c.dep_ in ("acl", "ccomp", "appos")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            ),
            None,
        )
        if clause is not None:
            source = next((c for c in noun.children if c.dep_ == "poss"), None)
            out.append(_act(noun, source, {t.i for t in clause.subtree}, "noun"))
    return [a for a in out if a.content]


def relayed(doc: Doc, found: list[Attribution]) -> list[Attribution]:
    """'He reaffirmed [Mr Putin's demand that ...]' (form "relay"): a report verb whose direct object is
    a claim noun with its clause relays that claim; its content is the whole object phrase, so the noun's
    own claim nests inside it."""
    lexicon = default_lexicon()
    cues = {a.cue_token for a in found}
    out = []
    for a in found:
        noun = doc[a.cue_token]
        verb = noun.head
        if a.form != "noun" or noun.dep_ != "dobj" or verb.i in cues or verb.pos_ != "VERB":
            continue
        if lexicon.ratio(verb) >= REPORT_RATIO:
            out.append(_act(verb, subject_of(verb), {t.i for t in noun.subtree}, "relay"))
            cues.add(verb.i)
    return [a for a in out if a.content]


def _act(cue: Token, source: Token | None, content: set[int], form: Form) -> Attribution:
    doc = cue.doc
    src = {t.i for t in source.subtree} - content - {cue.i} if source is not None else set()
    spans = runs(doc, content)
    sent = cue.sent
    return Attribution(
        cue=(cue.idx, _end(cue)),
        cue_token=cue.i,
        lemma=cue_key(cue)[0],
        ratio=default_lexicon().ratio(cue),
        source=(doc[min(src)].idx, _end(doc[max(src)])) if src else None,
        source_head=source.i if source is not None else None,
        content=tuple(spans),
        content_tokens=frozenset(content),
        sentence=(sent.start_char, sent.end_char),
        form=form,
        is_quoted=_quoted(text_of(doc), spans),
    )


def _attribution_at(cue: Token, ratio: float, text: str) -> Attribution | None:
    doc = cue.doc
    sent = cue.sent
    cue_end = cue
    form: Form
    if cue.lower_ == "according":
        source, clause = according_to(cue)
        if source is None or clause is None:
            return None
        form = "according"
        content = {t.i for t in clause.subtree} - {t.i for t in cue.subtree}
        cue_end = next((c for c in cue.children if c.lower_ == "to"), cue)
    elif cue.pos_ in ("VERB", "AUX"):
        speaker_verb = cue
        complements = [c for c in cue.children if c.dep_ == "ccomp" and _set_off(c, cue)]
        complements = complements or _clause_under_addressee(cue)
        form = "ccomp"
        if not complements and ratio >= XCOMP_RATIO:
            complements = [c for c in cue.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
            form = "xcomp"
        if complements:
            content = {t.i for c in complements for t in c.subtree}
            if form == "xcomp":  # "urged the finance chiefs to act": who is urged belongs to what is said
                content |= {
                    t.i
                    for c in cue.children
                    if c.dep_ == "dobj" and c.i < complements[0].i
                    for t in c.subtree
                }
        elif (frame := _object_frame(cue)) is not None:
            form = "object"
            content = frame
        elif (
            cue.dep_ in ("parataxis", "ccomp", "advcl")
            and has_subject(cue)
            and not any(c.dep_ == "mark" for c in cue.children)  # "after she attacked" is no aside
            and _parenthetical(cue)
        ):
            form = "inverted"
            content = {t.i for t in cue.head.subtree} - {t.i for t in cue.subtree}
        elif ratio >= REPORT_RATIO and (closing := _closing_frame(cue)):
            form = "inverted"
            content = closing
        elif ratio >= REPORT_RATIO and (joined := _coordinated_verb(cue)) is not None:
            form = "ccomp"  # "he increased borrowing but insisted economic targets would be met"
            content = {t.i for t in doc[cue.i + 1 : sent.end] if not (t.is_punct and t.i == sent.end - 1)}
            speaker_verb = joined
        else:
            return None
        source = subject_of(speaker_verb)
    else:
        return None
    if source is not None and source.i in content:
        content -= {t.i for t in source.subtree}
        if source.dep_ == "pobj" and source.head.lower_ == "by":
            content.discard(source.head.i)  # "described as 'idle speculation' by Downing Street"
    content = {i for i in content - {cue.i} if sent.start <= i < sent.end or form == "according"}
    spans = runs(doc, content)
    if not spans:
        return None
    source_tokens = {t.i for t in source.subtree} - content - {cue.i} if source is not None else set()
    return Attribution(
        cue=(cue.idx, _end(cue_end)),
        cue_token=cue.i,
        lemma=cue_key(cue)[0],
        ratio=ratio,
        source=(doc[min(source_tokens)].idx, _end(doc[max(source_tokens)])) if source_tokens else None,
        source_head=source.i if source is not None else None,
        content=tuple(spans),
        content_tokens=frozenset(content),
        sentence=(sent.start_char, sent.end_char),
        form=form,
        is_quoted=_quoted(text, spans),
    )


def _clause_under_addressee(cue: Token) -> list[Token]:
    """A that-clause the parser hung from the one spoken to ("told BBC Radio Four's Today programme that
    his stance was putting the country at risk": "putting" under "programme"): a clause with "that" as its
    marker and a subject of its own, under the cue's object, is what was said."""
    if cue.lemma_.lower() not in ADDRESSED_LEMMAS:
        return []
    return [
        c
        for obj in cue.children
        if obj.dep_ == "dobj"
        for c in obj.children
        if c.dep_ in ("acl", "relcl", "ccomp") and c.i > obj.i
        and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        and any(k.dep_ in ("nsubj", "nsubjpass") for k in c.children)
    ]


def _object_frame(cue: Token) -> set[int] | None:
    """The noun-phrase content of an OBJECT_FRAMES verb: its object with a predicate ("called X a hoax"),
    or the object of its frame preposition ("accused X of Y", "called for Y"); a bare object only for
    verbs with no frame preposition ("claimed victory")."""
    preps = OBJECT_FRAMES.get(cue.lemma_.lower())
    if preps is None or cue.pos_ != "VERB":
        return None
    kids = list(cue.children)
    dobj = [c for c in kids if c.dep_ == "dobj"]
    pred = [c for c in kids if c.dep_ in ("oprd", "xcomp") or (c.dep_ == "ccomp" and c.pos_ != "VERB")]
    # "called climate change a hoax", parsed with "hoax" hung from the object
    pred += [g for d in dobj for g in d.children if g.dep_ in ("dobj", "attr", "oprd", "appos") and g.i > d.i]
    framed = [
        c
        for c in kids
        if c.dep_ == "prep"
        and c.lower_ in preps
        and any(g.dep_ == "pobj" or g.dep_ == "pcomp" for g in c.children)
    ]
    if framed and not dobj:  # "X is accused of Y": Y, without the frame's preposition
        return {t.i for p in framed for t in p.subtree} - {p.i for p in framed}
    if framed:
        parts = dobj + framed
    elif dobj and pred:
        parts = dobj + pred
    elif dobj and not preps and cue.lemma_.lower() != "call" and not dobj[0].lower_.endswith(("self", "selves")):
        parts = dobj  # not "expressed himself"
    else:
        return None
    return {t.i for p in parts for t in p.subtree}


# Verbs whose passive subject is the one spoken to, not the speaker ("he was asked", "was told that").
ADDRESSED_LEMMAS = lexicon("ask tell warn urge inform advise question brief remind assure press challenge")


def _agent_of(verb: Token) -> Token | None:
    """The 'by X' of a passive verb, if any."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None


# passives whose subject is the speaker ("he was quoted as saying", "she was heard telling")
SELF_PASSIVE_LEMMAS = lexicon("quote hear overhear record report film tape cite")


def _stray_agent(verb: Token) -> Token | None:
    """A "by X" the parser hung inside the verb's complement ("described as 'outrageous' by X"), in the
    same sentence after the verb."""
    for tok in verb.subtree:
        if tok.i > verb.i and tok.lower_ == "by" and tok.dep_ in ("prep", "agent") and tok.head.i != verb.i:
            obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ in ("PROPN", "NOUN") and tok.head.pos_ in ("ADJ", "NOUN", "ADP"):
                return obj
    return None


def _passive(verb: Token) -> bool:
    """A passive verb: with a passive subject or auxiliary ("was accused", "being blamed"), or a bare
    participle modifying a noun ("a man accused of fraud")."""
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ == "acl"
    )


def passive_without_source(verb: Token) -> bool:
    """A passive cue that names no source: its subject is what is reported on ("X was accused of Y"), and it
    has no "by" agent (SELF_PASSIVE_LEMMAS excepted: "he was quoted as saying" is his)."""
    return _passive(verb) and verb.lemma_.lower() not in SELF_PASSIVE_LEMMAS and subject_of(verb) is None


def subject_of(verb: Token) -> Token | None:
    """The source of a cue verb: its nominal subject, climbing through coordination and subordination."""
    cue = verb
    if _passive(verb) and verb.lemma_.lower() not in SELF_PASSIVE_LEMMAS:
        # "X was accused of Y", "which has been blamed for", "after being accused of", "a man accused of":
        # the subject is what is reported on; the source is the agent, else no one the text names
        if verb.lemma_.lower() in ADDRESSED_LEMMAS:
            return _agent_of(verb)
        return _agent_of(verb) or _stray_agent(verb)
    for _ in range(5):
        # of two subjects (a misparse) the nearer one, but not a dateline ("LONDON (Reuters) - Donald Trump
        # said") nor a quoted title ('Washington, star of "Scandal," thanked')
        subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
        if subjects:
            child = min(subjects, key=lambda c: (_dateline(c), _in_marks(c), abs(c.i - verb.i)))
            if _dateline(child):  # "TALLAHASSEE — Rep. Gwen Graham ... pummeled": the name hung from it
                child = next((c for c in child.children if c.dep_ == "appos"), child)
            if child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl" and verb.head.i != verb.i:
                return verb.head  # "Clinton, who said ...": the noun the relative pronoun stands for
            if child.dep_ == "nsubjpass" and child.lower_ == "it":
                return None  # "it is reported that ...", "it was claimed": nobody in particular
            return child
        if _trailing_participle(verb):
            verb = (
                verb.sent.root
            )  # "Clinton seemed ready, telling the crowd, "...": misparsed under the quote
            continue
        if verb.dep_ == "acl" and (sender := _sender(verb.head)) is not None:
            return sender  # "sent a message to supporters saying ...": the message's, not the supporters'
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _issuer(verb.head) or verb.head
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            above = verb.head.head
            faulted = next((c for c in above.children if c.dep_ == "dobj"), None)
            if (
                verb.i == cue.i  # the cue itself, not a verb climbed to ("blasted X for failing to make clear")
                and verb.head.lower_ in ("for", "of")
                and faulted is not None
                and above.i < faulted.i < verb.head.i
            ):
                return faulted  # "criticised the government for claiming ...", "accused him of saying ..."
            verb = above  # "responded by saying that ..."
        elif verb.dep_ in _INHERIT_SUBJECT and verb.head.i != verb.i:
            verb = verb.head
        elif verb.pos_ in ("ADV", "ADP") and verb.dep_ in ("advmod", "prep") and verb.head.i != verb.i:
            verb = verb.head  # "went so far as to say": from "far" on to "went"
        elif verb.tag_ == "VBG" and (clause := _clause_above(verb)) is not None:
            verb = clause  # a participle hung from a noun by a misparse ("a wall ... and adding, ...")
        else:
            return None
    return None


def _trailing_participle(verb: Token) -> bool:
    """A participle set off after the main clause but hung by the parse from a word after it."""
    root = verb.sent.root
    return (
        verb.tag_ == "VBG"
        and verb.i > verb.sent.start
        and verb.doc[verb.i - 1].text == ","
        and verb.head.i > verb.i
        and root.i < verb.i
        and root.pos_ in ("VERB", "AUX")
    )


def _clause_above(verb: Token) -> Token | None:
    """The nearest verb above a participle that follows it: the participle's implicit subject is its."""
    if verb.dep_ in _SUBJECTS:
        return None
    for ancestor in verb.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor if ancestor.i < verb.i else None  # the clause comes first: "..., adding"
    return None


def _in_marks(token: Token) -> bool:
    """The word is set in quotation marks ('"Scandal"')."""
    doc = token.doc
    first = token.left_edge

    def opening(mark: Token) -> bool:  # attached to the next word, never a closing curly one
        return bool(set(mark.text) & QUOTE_MARKS) and not mark.whitespace_ and not set(mark.text) & set("”’")

    return opening(first) or (first.i > 0 and opening(doc[first.i - 1]))


def _dateline(token: Token) -> bool:
    """A place (and date, agency) opening a story and set off by a dash: "WASHINGTON, Aug. 24 (UPI) --"."""
    return token.i - token.sent.start <= 1 and any(
        c.dep_ == "punct" and c.i > token.i and c.text in ("-", "--", "—", "–") for c in token.children
    )


def according_to(token: Token) -> tuple[Token | None, Token | None]:
    """For "according to X": (X, the head of the clause the phrase modifies)."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
        to = token.doc[token.i + 1]
    if to is None:
        return None, None
    obj = next((c for c in to.children if c.dep_ == "pobj"), None)
    clause = token.head if token.head.i not in (token.i, to.i) else None
    return obj, clause


def runs(doc: Doc, indices: set[int]) -> list[CharSpan]:
    """Contiguous runs of tokens as character spans, trimmed of edge punctuation other than quote marks
    and a final full stop, question or exclamation mark."""
    spans: list[CharSpan] = []
    current: list[int] = []
    for i in [*sorted(indices), -2]:
        if current and i != current[-1] + 1:
            toks = [doc[j] for j in current]
            while toks and _edge_punct(toks[0]):
                toks.pop(0)
            while toks and _edge_punct(toks[-1]) and toks[-1].text not in (".", "?", "!"):
                toks.pop()
            if toks:
                spans.append((toks[0].idx, _end(toks[-1])))
            current = []
        if i >= 0:
            current.append(i)
    return spans


def _quoted(text: str, spans: list[CharSpan]) -> bool:
    """The content holds a double quotation mark or is wrapped in them (`"It will fail," he said`)."""
    if any(
        ch in QUOTE_MARKS or text[i : i + 2] == "''" for a, b in spans for i, ch in enumerate(text[a:b], a)
    ):
        return True
    before = text[max(0, spans[0][0] - 2) : spans[0][0]]
    after = text[spans[-1][1] : spans[-1][1] + 3]
    return any(ch in QUOTE_MARKS for ch in before) and any(ch in QUOTE_MARKS for ch in after)


def _sender(recipient: Token) -> Token | None:
    """The subject of a verb that sent a document to `recipient` ("sent a message to supporters")."""
    prep = recipient.head
    if recipient.dep_ != "pobj" or prep.lower_ != "to" or prep.head.pos_ != "VERB":
        return None
    verb = prep.head
    if not any(c.dep_ == "dobj" and c.lemma_.lower() in DOCUMENTS for c in verb.children):
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def _issuer(noun: Token) -> Token | None:
    """Who issued a document noun: "Trump issued a statement (saying ...)" -> Trump."""
    if noun.lemma_.lower() not in DOCUMENTS or noun.dep_ not in ("dobj", "pobj"):
        return None
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("it", "that", "which", "who"):
        return None
    return subject


def _set_off(clause: Token, cue: Token) -> bool:
    """A reported clause before its cue ends in punctuation ("It will fail, he said"); without it the parse
    is wrong ("Mr Lavrov said Russia had issued ..." read with "said" below "issued")."""
    if clause.i > cue.i:
        return True
    between = cue.doc[clause.right_edge.i : cue.i]
    return any(t.is_punct and (t.text in ",:;—–-''" or set(t.text) & QUOTE_MARKS) for t in between)


def _parenthetical(cue: Token) -> bool:
    """The cue follows its head clause after punctuation ("It will fail, he said"), or stands between commas
    (dashes) inside it ("It will, he said, fail")."""
    doc = cue.doc
    lo, hi = cue.left_edge.i, cue.right_edge.i
    while doc[lo].is_punct and lo < cue.i:
        lo += 1  # the commas around the aside may hang from the cue
    while doc[hi].is_punct and hi > cue.i:
        hi -= 1
    if cue.head.i > cue.i and cue.i > 1 and doc[cue.i - 1].text in _ASIDE and lo < cue.i - 1 and any(
            c.dep_ == "nsubj" and c.i > cue.i for c in cue.children):
        lo = cue.i  # "This, said Sloncek, should ...": the parser hung the clause's subject on the cue
    if cue.head.i < cue.i:
        before = doc[lo - 1] if lo > 0 else None
        return before is not None and (before.text in _ASIDE + ":;''" or bool(set(before.text) & QUOTE_MARKS))
    return lo > 0 and hi + 1 < len(doc) and doc[lo - 1].text in _ASIDE and doc[hi + 1].text in _ASIDE


def _coordinated_verb(cue: Token) -> Token | None:
    """'He accepted the ruling but argued detention powers had helped': a past-tense reporting verb right
    after "but"/"and" that the parser took for an adjective of the next noun ("argued detention powers"):
    the verb the conjunction joins it to, whose subject speaks; the rest of the sentence is the content."""
    if cue.dep_ != "amod" or cue.tag_ not in ("VBD", "VBN") or cue.i == 0:
        return None
    conj = cue.doc[cue.i - 1]
    if conj.dep_ != "cc" or conj.lower_ not in ("but", "and") or conj.head.pos_ not in ("VERB", "AUX"):
        return None
    joined = conj.head
    if joined.dep_ == "ccomp" and default_lexicon().ratio(joined.head) >= REPORT_RATIO:
        joined = joined.head  # "said the forecast was too optimistic and warned growth would be 1%"
    return joined if has_subject(joined) else None


def _closing_frame(cue: Token) -> set[int]:
    """'Curfews were other options which could be used if orders were defied, Lord Falconer said.': a
    reporting verb and its subject closing the sentence after a comma frame everything before the comma,
    however the parser hung the clause (here the "if" clause on "said")."""
    doc, sent = cue.doc, cue.sent
    subject = next((c for c in cue.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return set()
    frame = {t.i for t in subject.subtree} | {cue.i} | {
        c.i for c in cue.children if c.dep_ in ("aux", "advmod") and not c.is_punct
    }
    start, end = min(frame), max(frame)
    if set(range(start, end + 1)) - frame or start <= sent.start or doc[start - 1].text not in _ASIDE:
        return set()
    if any(not (t.is_punct or t.is_space) for t in doc[end + 1 : sent.end]):
        return set()
    content = {t.i for t in doc[sent.start : start - 1] if not t.is_space}
    return content if sum(not doc[i].is_punct for i in content) >= 4 else set()


def has_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECTS for c in verb.children)


def _edge_punct(token: Token) -> bool:
    return (token.is_punct and not (set(token.text) & QUOTE_MARKS)) or token.is_space


def _end(token: Token) -> int:
    return token.idx + len(token.text)
