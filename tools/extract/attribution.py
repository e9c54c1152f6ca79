"""Attribution relations from the dependency parse: who (source) says (cue) what (content).

Reusable by quote and claim extraction. Rules:
- A cue is a token whose (lemma, coarse POS) is in the lexicon derived from PolNeAR train Cue annotations
  (tools/data/cue_lemmas.txt, made by eval/derive_cues.py). Each entry carries `ratio`, the share of that
  lemma's occurrences that annotators marked as a cue: "say" 0.85, "think" 0.13, "be" 0.02. Callers pick
  the ratio they need: a verb next to a quotation needs little, an unquoted report needs a high one.
- Content: the cue's clausal complement (ccomp; "promised to ..." xcomp for the cues whose ratio is high);
  for an inverted report ("..., he said") the clause the cue hangs from (parataxis/ccomp of it), minus the
  cue and its subject; for "according to X" the clause the phrase modifies, minus the phrase.
- Source: the cue's nominal subject; else that of the verb it is coordinated with or subordinated to
  ("..., saying that", "and added that"); the modified noun for a relative or participial cue ("a report
  that found", "a statement saying"); the object of "to" for "according to"; the agent of a passive.
- Spans are character offsets into doc.text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

LEXICON_PATH = Path(__file__).resolve().parents[1] / "data" / "cue_lemmas.txt"

QUOTE_MARKS = frozenset('"“”„‟«»')
# cue ratio above which a verb introduces an unquoted (indirect) report on its own
REPORT_RATIO = 0.3
# cue ratio a verb needs to be considered at all
MIN_RATIO = 0.05
# lemmas that are cues only with a clausal complement, never via xcomp ("want to", "have to", "go to")
_XCOMP_RATIO = 0.35
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_INHERIT_SUBJECT = ("conj", "advcl", "xcomp", "ccomp", "dep")
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me"])

CharSpan = tuple[int, int]


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


@dataclass
class Attribution:
    """One attribution relation found in the parse."""

    cue: CharSpan
    cue_token: int
    lemma: str
    ratio: float
    source: CharSpan | None
    source_head: int | None
    content: list[CharSpan]
    sentence: CharSpan
    content_dep: str = ""
    is_quoted: bool = False
    content_tokens: frozenset[int] = field(default_factory=frozenset)

    @property
    def content_span(self) -> CharSpan | None:
        return (self.content[0][0], self.content[-1][1]) if self.content else None


def token_span(token: Token) -> CharSpan:
    return token.idx, token.idx + len(token.text)


def runs(doc: Doc, indices: set[int]) -> list[CharSpan]:
    """Contiguous runs of tokens as character spans, trimmed of edge punctuation other than quote marks."""
    spans: list[CharSpan] = []
    current: list[int] = []
    for i in sorted(indices) + [-2]:
        if current and i != current[-1] + 1:
            toks = [doc[j] for j in current]
            while toks and _edge_punct(toks[0]):
                toks.pop(0)
            while toks and _edge_punct(toks[-1]) and toks[-1].text not in (".", "?", "!"):
                toks.pop()
            if toks:
                spans.append((toks[0].idx, toks[-1].idx + len(toks[-1].text)))
            current = []
        if i >= 0:
            current.append(i)
    return spans


def _edge_punct(token: Token) -> bool:
    return (token.is_punct and not (set(token.text) & QUOTE_MARKS)) or token.is_space


def subject_of(verb: Token) -> Token | None:
    """The nominal subject of a verb, climbing through coordination and subordination."""
    seen = 0
    while seen < 4:
        for child in verb.children:
            if child.dep_ in _SUBJECTS:
                return child
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return verb.head
        if verb.dep_ in _INHERIT_SUBJECT and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


def source_tokens(head: Token) -> set[int]:
    """A source phrase: the head's subtree, without relative clauses that hold the cue."""
    return {t.i for t in head.subtree}


def _according_to(token: Token) -> tuple[Token | None, Token | None]:
    """For "according to X": (X, the clause head the phrase modifies)."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if to is None and nxt is not None and nxt.lower_ == "to":
        to = nxt
    if to is None:
        return None, None
    obj = next((c for c in to.children if c.dep_ == "pobj"), None)
    clause = token.head if token.head.i != token.i else None
    if clause is not None and clause.i == to.i:
        clause = None
    return obj, clause


def find_attributions(
    doc: Doc, lexicon: CueLexicon | None = None, min_ratio: float = MIN_RATIO
) -> list[Attribution]:
    """Every cue of the lexicon (ratio >= min_ratio) with a content clause, in document order."""
    lexicon = lexicon or default_lexicon()
    found: list[Attribution] = []
    for token in doc:
        ratio = lexicon.ratio(token)
        if ratio < min_ratio:
            continue
        attribution = _attribution_at(doc, token, ratio)
        if attribution is not None:
            found.append(attribution)
    return found


def _attribution_at(doc: Doc, cue: Token, ratio: float) -> Attribution | None:
    sent: Span = cue.sent
    source: Token | None = None
    content: set[int] = set()
    dep = ""
    cue_end = cue
    if cue.lower_ == "according":
        source, clause = _according_to(cue)
        if source is None or clause is None:
            return None
        content = {t.i for t in clause.subtree} - {t.i for t in cue.subtree}
        dep = "according"
        cue_end = next((c for c in cue.children if c.lower_ == "to"), cue)
    elif cue.pos_ in ("VERB", "AUX"):
        complements = [c for c in cue.children if c.dep_ == "ccomp"]
        if not complements and ratio >= _XCOMP_RATIO:
            complements = [c for c in cue.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        if complements:
            dep = complements[0].dep_
            for c in complements:
                content |= {t.i for t in c.subtree}
            source = subject_of(cue)
        elif cue.dep_ in ("parataxis", "ccomp", "advcl") and _has_subject(cue) and _parenthetical(cue):
            # inverted report: "The plan will fail, he said." / "The plan, he said, will fail."
            head = cue.head
            dep = "inverted"
            content = {t.i for t in head.subtree} - {t.i for t in cue.subtree}
            source = subject_of(cue)
        else:
            return None
    else:
        return None
    if source is not None and source.i in content:
        content -= {t.i for t in source.subtree}
    content -= {cue.i}
    content = {i for i in content if sent.start <= i < sent.end or dep == "according"}
    if not content:
        return None
    spans = runs(doc, content)
    if not spans:
        return None
    src_tokens = source_tokens(source) - content - {cue.i} if source is not None else set()
    src_span = (doc[min(src_tokens)].idx, _end(doc[max(src_tokens)])) if src_tokens else None
    text = doc.text
    quoted = any(ch in QUOTE_MARKS for a, b in spans for ch in text[a:b])
    return Attribution(
        cue=(cue.idx, _end(cue_end)),
        cue_token=cue.i,
        lemma=cue_key(cue)[0],
        ratio=ratio,
        source=src_span,
        source_head=source.i if source is not None else None,
        content=spans,
        sentence=(sent.start_char, sent.end_char),
        content_dep=dep,
        is_quoted=quoted,
        content_tokens=frozenset(content),
    )


def _parenthetical(cue: Token) -> bool:
    """The cue follows its head clause, or stands between commas inside it ("The plan, he said, will")."""
    if cue.head.i < cue.i:
        return True
    left = cue.doc[cue.left_edge.i - 1] if cue.left_edge.i > 0 else None
    right = cue.doc[cue.right_edge.i + 1] if cue.right_edge.i + 1 < len(cue.doc) else None
    return bool(left is not None and right is not None and left.text in ",—–-" and right.text in ",—–-")


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in _SUBJECTS for c in verb.children)


def _end(token: Token) -> int:
    return token.idx + len(token.text)


def is_pronoun(token: Token) -> bool:
    return token.lower_ in _PRONOUNS
