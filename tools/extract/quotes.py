"""Quotations and their speakers: `extract_quotes(doc, article_id, entities) -> list[Quote]`.

Rules, in the order they apply:
1. Quotation marks are paired within a paragraph (a line of the text). Double marks count everywhere: straight
   ("), curly (“ ”), low (.), guillemets and the two-apostrophe mark ('') of some archives. A mark's side
   (opening or closing) comes from its neighbours (space before and a letter after opens); the glyph decides
   only when the neighbours do not. Single marks count only in a headline-like first paragraph (no final
   full stop), where headlines put speech in them. An opening mark with no closing mark runs to the end of
   its paragraph (a quotation going on in the next paragraph leaves it open); an opening mark met while a
   span is already open drops the earlier, malformed span. "Read more:"-style link lines are skipped.
2. A span is direct-shaped when it starts its sentence or follows a colon, or follows a comma or a cue verb
   and begins with a capital; and when it ends with punctuation inside the marks, or is followed by
   punctuation or the end of its paragraph. Otherwise it is embedded in a sentence (partial-shaped).
3. Direct-shaped spans take the cue nearest to them in their own sentence (after the span first:
   `"...," he said`, then before it: `He said: "..."`); failing that, a cue in a preceding sentence that
   ends with a colon (`He said:` then the quotation); failing that, a span opening a paragraph that follows
   a paragraph with a quotation continues that quotation's speaker ("continuation"); failing that, a
   sentence-like span (four words or more) is a direct quote with an unresolved speaker, and anything
   shorter is dropped.
4. Spans of one sentence that share the cue standing between them (`"...," he said. "..."`) or follow one
   another with nothing but space between them are ONE quotation with several fragments.
5. Partial-shaped spans are quotations only inside an attribution: the content clause of a cue
   (`said that it was "feasible"`) or below a cue verb in the parse (`described him as "a strong person"`),
   never in the cue's subject. The quote's fragments are then the whole reported clause; the words inside
   the marks are listed in `quoted`. Without a cue they are scare quotes, nicknames or titles: dropped.
6. Indirect quotes are attributions with no quotation marks whose cue is a reporting verb (cue ratio
   REPORT_RATIO or more) with a content clause, outside every quotation.
7. Speakers: the source span is linked to the entity whose mention overlaps its head ("named", "alias",
   "role"). A pronoun (he, she, they) takes the most recent compatible speaker, else the most recent
   compatible person mention outside quotation marks, within ANTECEDENT_PARAGRAPHS paragraphs ("pronoun").
   A first-person source inside a quotation is that quotation's speaker ("first-person"). A role nominal
   ("the Russian president") the entity extractor did not resolve is linked cataphorically to the named
   person who is the speaker of the next attribution when that follows in the same or the next
   paragraph ("role"). Anything else is "unresolved" with entity_id None: never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Entity, Quote, Span, Speaker
from .attribution import (
    MIN_RATIO,
    QUOTE_MARKS,
    REPORT_RATIO,
    Attribution,
    CharSpan,
    default_lexicon,
    find_attributions,
    runs,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

QUOTE_EXTRACTOR_VERSION = "quotes-1"

_OPENERS = "“„‟«"
_CLOSERS = "”»"
_SINGLE_OPEN = "‘"
_SINGLE_CLOSE = "’"
_LINK_LINE = re.compile(r"^\s*(read more|more:|see also|related|watch|listen|click here)\b", re.IGNORECASE)
_SENT_END = ".!?…"
_TRAIL_PUNCT = ".,!?…:;—–-"


@dataclass
class MarkSpan:
    """Text between a pair of quotation marks (the marks excluded)."""

    start: int
    end: int
    open_at: int
    close_at: int | None
    paragraph: int
    single: bool = False

    @property
    def outer(self) -> CharSpan:
        """The span with its marks."""
        close = self.close_at + self._close_len if self.close_at is not None else self.end
        return self.open_at, close

    _close_len: int = 1


@dataclass
class Paragraph:
    index: int
    start: int
    end: int


def paragraphs_of(text: str) -> list[Paragraph]:
    """Non-empty lines of the text, numbered from 0."""
    out: list[Paragraph] = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append(Paragraph(len(out), m.start(), m.end()))
    return out


def _is_boundary(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch in "([{—–-/" or ch in _OPENERS or unicodedata.category(ch) == "Cf"


def _is_after_close(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch in _TRAIL_PUNCT + ")]}" + _CLOSERS + "'’\""


def _marks(text: str, start: int, end: int, single: bool) -> list[tuple[int, int, str]]:
    """(offset, length, side) of each quotation mark in text[start:end]; side is open|close|either."""
    out = []
    i = start
    while i < end:
        ch = text[i]
        length = 0
        glyph = ""
        if ch == "'" and text[i + 1 : i + 2] == "'":
            length, glyph = 2, "either"
        elif ch in QUOTE_MARKS:
            length = 1
            glyph = "open" if ch in _OPENERS else "close" if ch in _CLOSERS else "either"
        elif single and ch in "'‘’":
            length = 1
            glyph = "open" if ch == _SINGLE_OPEN else "close" if ch == _SINGLE_CLOSE else "either"
        if not length:
            i += 1
            continue
        before = text[i - 1] if i > start else ""
        after = text[i + length] if i + length < end else ""
        opens = _is_boundary(before) and not (after == "" or after.isspace())
        closes = not _is_boundary(before) and _is_after_close(after)
        if single and (before.isalnum() and after.isalnum()):
            i += length  # an apostrophe inside a word
            continue
        side = "open" if opens and not closes else "close" if closes and not opens else glyph
        if single and side == "close" and not closes:
            i += length
            continue
        out.append((i, length, side))
        i += length
    return out


def _headline_like(text: str, para: Paragraph) -> bool:
    line = text[para.start : para.end].rstrip()
    return para.index == 0 and bool(line) and line[-1] not in '.!?"”' and len(line.split()) <= 30


def scan_quote_marks(text: str, paragraphs: list[Paragraph] | None = None) -> list[MarkSpan]:
    """Every quoted span of the text, paired paragraph by paragraph (rule 1)."""
    spans: list[MarkSpan] = []
    for para in paragraphs if paragraphs is not None else paragraphs_of(text):
        if _LINK_LINE.match(text[para.start : para.end]):
            continue
        single = _headline_like(text, para)
        kinds = [False, True] if single else [False]
        for use_single in kinds:
            marks = (
                _marks(text, para.start, para.end, False)
                if not use_single
                else [
                    m for m in _marks(text, para.start, para.end, True) if text[m[0]] in "'‘’" and m[1] == 1
                ]
            )
            spans.extend(_pair(text, marks, para, use_single))
    spans.sort(key=lambda s: s.start)
    return spans


def _pair(text: str, marks: list[tuple[int, int, str]], para: Paragraph, single: bool) -> list[MarkSpan]:
    out: list[MarkSpan] = []
    open_mark: tuple[int, int] | None = None
    for offset, length, side in marks:
        if open_mark is None:
            if side in ("open", "either"):
                open_mark = (offset, length)
            continue  # a stray closing mark is ignored
        if side == "open":
            open_mark = (offset, length)  # the earlier span is malformed: dropped
            continue
        start = open_mark[0] + open_mark[1]
        if text[start:offset].strip():
            span = MarkSpan(start, offset, open_mark[0], offset, para.index, single)
            span._close_len = length
            out.append(span)
        open_mark = None
    if open_mark is not None:
        start = open_mark[0] + open_mark[1]
        end = para.end
        while end > start and text[end - 1].isspace():
            end -= 1
        if text[start:end].strip():
            out.append(MarkSpan(start, end, open_mark[0], None, para.index, single))
    return out


# -- finding cues and units ------------------------------------------------------------------------

_SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")
_FIRST_PERSON = frozenset(["i", "we", "me", "us"])
_MALE_FEMALE = frozenset(["he", "she", "him", "her"])
_PLURAL = frozenset(["they", "them"])
MIN_DIRECT_WORDS = 4
MAX_FRAME_WORDS = 40
# a verb above a partial-shaped span must be at least this likely a cue (PolNeAR train ratio)
GOVERNING_RATIO = 0.2
ANTECEDENT_PARAGRAPHS = 4


@dataclass
class Unit:
    """One quotation under construction: its spans, cue and source."""

    spans: list[MarkSpan]
    kind: str
    paragraph: int
    cue: Token | None = None
    source: Token | None = None
    source_span: CharSpan | None = None
    content: list[CharSpan] = field(default_factory=list)
    continuation_of: Unit | None = None
    colon: bool = False
    speaker: Speaker | None = None
    entity: Entity | None = None

    @property
    def start(self) -> int:
        return min([s.open_at for s in self.spans] + [a for a, _ in self.content])

    @property
    def end(self) -> int:
        return max([s.outer[1] for s in self.spans] + [b for _, b in self.content])


class _Context:
    """Per-document lookups shared by the steps."""

    def __init__(self, doc: Doc, entities: list[Entity]) -> None:
        self.doc = doc
        self.text = doc.text
        self.paragraphs = paragraphs_of(self.text)
        self.lexicon = default_lexicon()
        self.attributions = find_attributions(doc, self.lexicon)
        self.by_cue = {a.cue_token: a for a in self.attributions}
        self.starts = [t.idx for t in doc]
        self.mentions = sorted(
            ((m.start, m.end, m.kind, e) for e in entities for m in (e.mentions or [])), key=lambda x: x[0]
        )

    def token_at(self, offset: int) -> Token | None:
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None

    def tokens_in(self, start: int, end: int) -> list[Token]:
        import bisect

        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.doc) and self.doc[i].idx < end:
            out.append(self.doc[i])
            i += 1
        return out

    def paragraph_at(self, offset: int) -> Paragraph:
        for p in self.paragraphs:
            if p.start <= offset <= p.end:
                return p
        return self.paragraphs[-1]

    def cue_ratio(self, token: Token) -> float:
        if token.pos_ not in ("VERB", "AUX") and token.lower_ != "according":
            return 0.0
        return self.lexicon.ratio(token)


def _left_frame(ctx: _Context, span: MarkSpan, spans: list[MarkSpan]) -> CharSpan:
    para = ctx.paragraphs[span.paragraph]
    start = para.start
    for other in spans:
        if other.paragraph == span.paragraph and other.outer[1] <= span.open_at:
            start = max(start, other.outer[1])
    text = ctx.text
    i = span.open_at - 1
    while i > start:
        if text[i] in _SENT_END and text[i + 1 : i + 2].isspace() and not _abbreviation(text, i):
            start = i + 1
            break
        i -= 1
    return start, span.open_at


_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.)+|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|No|Jan|Feb|Mar|Apr|Aug"
    r"|Sept?|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|etc|Ala|Ariz|Calif|Colo|Conn|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich"
    r"|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\."
)


def _abbreviation(text: str, i: int) -> bool:
    """A full stop of Mr., U.S., Jan. and the like."""
    word = re.search(r"(\S+)$", text[: i + 1])
    return bool(word and _ABBREVIATION.fullmatch(word.group(1).lstrip("(\"“'‘")))


def _right_frame(ctx: _Context, span: MarkSpan, spans: list[MarkSpan]) -> CharSpan:
    para = ctx.paragraphs[span.paragraph]
    start = span.outer[1]
    end = para.end
    for other in spans:
        if other.paragraph == span.paragraph and other.open_at >= start:
            end = min(end, other.open_at)
    text = ctx.text
    for i in range(start, end):
        if text[i] in _SENT_END and (i + 1 >= end or text[i + 1].isspace()) and not _abbreviation(text, i):
            return start, i
    return start, end


def _direct_shaped(ctx: _Context, span: MarkSpan, left: CharSpan) -> bool:
    text = ctx.text
    before = text[left[0] : left[1]].rstrip()
    inner = text[span.start : span.end].strip()
    if not inner:
        return False
    first = inner.lstrip("([…. ")[:1]
    capital = first.isupper() or first.isdigit() or inner[:1] in "…[("
    if before == "" or before.endswith(":"):
        opening = True
    elif before.endswith(",") or before.endswith("—") or before.endswith("-"):
        opening = capital and _has_cue(ctx, left)
    else:
        last = ctx.tokens_in(left[0], left[1])
        opening = capital and bool(last) and ctx.cue_ratio(last[-1]) >= REPORT_RATIO
    if not opening:
        return False
    if span.close_at is None:
        return True
    after = text[span.outer[1] : span.outer[1] + 1]
    if inner.rstrip("'’\"”")[-1:] in tuple(_TRAIL_PUNCT) or after == "" or after in _TRAIL_PUNCT + "\n":
        return True
    # `"..." he said` without a comma: a cue (or a subject and a cue) right after the quotation
    following = [t for t in ctx.tokens_in(span.outer[1], span.outer[1] + 40) if not t.is_space][:3]
    for token in following:
        if ctx.cue_ratio(token) >= MIN_RATIO:
            return True
        if token.pos_ not in ("PRON", "PROPN"):
            return False
    return False


def _has_cue(ctx: _Context, frame: CharSpan) -> bool:
    return any(ctx.cue_ratio(t) >= MIN_RATIO for t in ctx.tokens_in(*frame))


def _own_content_elsewhere(ctx: _Context, cue: Token, span: MarkSpan) -> bool:
    """The cue reports a clause of its own that lies outside the quotation."""
    att = ctx.by_cue.get(cue.i)
    if att is None or att.content_dep not in ("ccomp", "xcomp"):
        return False
    a, b = att.content_span or (0, 0)
    return not (a < span.outer[1] and span.open_at < b)


def _frame_cue(ctx: _Context, span: MarkSpan, left: CharSpan, right: CharSpan) -> Token | None:
    """The cue of a direct-shaped span: first in the right frame, else last in the left frame."""
    for token in ctx.tokens_in(*right):
        if ctx.cue_ratio(token) >= MIN_RATIO:
            if _own_content_elsewhere(ctx, token, span):
                break  # "... and said that ...": a report of its own; nothing after it is ours
            return token
    for token in reversed(ctx.tokens_in(*left)):
        if ctx.cue_ratio(token) >= MIN_RATIO and not _own_content_elsewhere(ctx, token, span):
            return token
    return None


def _colon_cue(ctx: _Context, span: MarkSpan, left: CharSpan) -> Token | None:
    """`He said:` closing the sentence before the quotation (same or previous paragraph)."""
    text = ctx.text
    if text[left[0] : left[1]].strip():
        return None
    before = text[: span.open_at].rstrip()
    if not before.endswith(":"):
        return None
    colon = len(before) - 1
    tok = ctx.token_at(colon)
    if tok is None:
        return None
    sent = tok.sent
    for token in reversed(list(sent)):
        if ctx.cue_ratio(token) >= MIN_RATIO:
            return token
    return None


def _source_of(ctx: _Context, cue: Token) -> Token | None:
    att = ctx.by_cue.get(cue.i)
    if att is not None and att.source_head is not None:
        return ctx.doc[att.source_head]
    from .attribution import _according_to, subject_of

    if cue.lower_ == "according":
        return _according_to(cue)[0]
    subject = subject_of(cue)
    if subject is not None:
        return subject
    # "..., said John Smith": a name right after the cue
    nxt = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
    if nxt is not None and nxt.pos_ in ("PROPN", "PRON") and nxt.sent == cue.sent:
        return nxt
    return None


def _phrase_span(source: Token, exclude: set[int]) -> CharSpan:
    toks = [t for t in source.subtree if t.i not in exclude]
    # stay contiguous around the head
    idx = sorted(t.i for t in toks)
    lo = hi = source.i
    ids = set(idx)
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    doc = source.doc
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _inner_tokens(ctx: _Context, span: MarkSpan) -> list[Token]:
    return [t for t in ctx.tokens_in(span.start, span.end) if not t.is_space]


def _containing_attribution(ctx: _Context, span: MarkSpan) -> Attribution | None:
    """The innermost attribution whose content holds most of the span."""
    inner = {t.i for t in _inner_tokens(ctx, span)}
    if not inner:
        return None
    best: Attribution | None = None
    for att in ctx.attributions:
        if att.cue_token in inner:
            continue
        if len(inner & att.content_tokens) * 2 >= len(inner):
            if best is None or len(att.content_tokens) < len(best.content_tokens):
                best = att
    return best


def _governing_cue(ctx: _Context, span: MarkSpan) -> Token | None:
    """A reporting verb above the span in the parse, reached through a non-subject dependent."""
    inner = {t.i for t in _inner_tokens(ctx, span)}
    heads = [t for t in _inner_tokens(ctx, span) if t.head.i not in inner or t.head.i == t.i]
    if not heads:
        return None
    node = heads[0]
    for _ in range(12):
        parent = node.head
        if parent.i == node.i or node.dep_ in _SUBJ_DEPS or node.sent != parent.sent:
            return None
        if parent.i not in inner and ctx.cue_ratio(parent) >= GOVERNING_RATIO:
            return parent
        node = parent
    return None


def _complements(cue: Token, span_tokens: set[int]) -> set[int]:
    """What a cue says when it has no clause: its dependents after it ("called them "deplorables"")."""
    out: set[int] = set()
    for child in cue.rights:
        if child.dep_ not in _SUBJ_DEPS and child.dep_ not in ("punct", "cc", "conj"):
            out |= {t.i for t in child.subtree}
    return out if out & span_tokens else out | span_tokens


def _one_frame(between: str) -> bool:
    """Text between two pieces of one quotation: a short attribution clause, one sentence at most."""
    body = between.strip().rstrip(_SENT_END + ",:;—–-").strip()
    ends = [m.start() for m in re.finditer(r"[.!?](?=\s)", body) if not _abbreviation(body, m.start())]
    return len(body.split()) <= MAX_FRAME_WORDS and not ends


def _build_units(ctx: _Context, spans: list[MarkSpan]) -> list[Unit]:
    units: list[Unit] = []
    partial_by_att: dict[int, Unit] = {}
    last: Unit | None = None
    for span in spans:
        left = _left_frame(ctx, span, spans)
        right = _right_frame(ctx, span, spans)
        if last is not None and last.kind != "indirect" and last.paragraph == span.paragraph:
            between = ctx.text[last.spans[-1].outer[1] : span.open_at]
            own = _frame_cue(ctx, span, (span.open_at, span.open_at), right)
            cue_between = last.cue is not None and last.spans[-1].outer[1] <= last.cue.idx < span.open_at
            if (not between.strip() and last.kind == "direct") or (
                cue_between and own is None and _one_frame(between)
            ):
                last.spans.append(span)
                if last.cue is None and own is not None:
                    last.cue = own
                continue
        if _direct_shaped(ctx, span, left):
            unit = Unit([span], "direct", span.paragraph, cue=_frame_cue(ctx, span, left, right))
            if unit.cue is None:
                unit.cue = _colon_cue(ctx, span, left)
                unit.colon = unit.cue is not None
            if unit.cue is None and not ctx.text[left[0] : left[1]].strip():
                prev = units[-1] if units else None
                if prev is not None and prev.paragraph in (span.paragraph, span.paragraph - 1):
                    if (
                        span.open_at == ctx.paragraphs[span.paragraph].start
                        or prev.paragraph == span.paragraph
                    ):
                        unit.continuation_of = prev
            if unit.cue is None and unit.continuation_of is None:
                if len(ctx.text[span.start : span.end].split()) < MIN_DIRECT_WORDS or span.single:
                    continue
            units.append(unit)
            last = unit
            continue
        governing = _governing_cue(ctx, span)
        att = _containing_attribution(ctx, span)
        if governing is not None and att is not None and att.cue_token != governing.i:
            # a reporting verb inside the content of a wider attribution is the nearer one
            if governing.i in att.content_tokens and ctx.cue_ratio(governing) >= REPORT_RATIO:
                att = ctx.by_cue.get(governing.i)
            else:
                governing = None
        elif governing is not None:
            att = ctx.by_cue.get(governing.i)
        if att is not None and not {t.i for t in _inner_tokens(ctx, span)} & att.content_tokens:
            att = None
        if att is not None:
            unit = partial_by_att.get(att.cue_token)
            if unit is not None:
                unit.spans.append(span)
                continue
            unit = Unit(
                [span], "partial", span.paragraph, cue=ctx.doc[att.cue_token], content=list(att.content)
            )
            partial_by_att[att.cue_token] = unit
            units.append(unit)
            last = unit
            continue
        if governing is not None:
            unit = partial_by_att.get(governing.i)
            if unit is not None:
                unit.spans.append(span)
                continue
            content = runs(ctx.doc, _complements(governing, {t.i for t in _inner_tokens(ctx, span)}))
            unit = Unit([span], "partial", span.paragraph, cue=governing, content=content)
            partial_by_att[governing.i] = unit
            units.append(unit)
            last = unit
    for unit in units:
        if unit.cue is not None:
            unit.source = _source_of(ctx, unit.cue)
            if unit.source is not None:
                exclude = {unit.cue.i} | {t.i for s in unit.spans for t in _inner_tokens(ctx, s)}
                unit.source_span = _phrase_span(unit.source, exclude)
    units.sort(key=lambda u: u.start)
    return units


def _indirect_units(ctx: _Context, units: list[Unit]) -> list[Unit]:
    """Unquoted reports (rule 6)."""
    taken = [(u.start, u.end) for u in units]
    out = []
    for att in ctx.attributions:
        if (
            att.is_quoted
            or att.ratio < REPORT_RATIO
            or att.content_dep not in ("ccomp", "inverted", "according")
        ):
            continue
        a, b = att.content_span or (0, 0)
        if any(s < b and a < e for s, e in taken):
            continue
        para = ctx.paragraph_at(att.content[0][0]).index
        unit = Unit([], "indirect", para, cue=ctx.doc[att.cue_token], content=list(att.content))
        if att.source_head is not None:
            unit.source = ctx.doc[att.source_head]
            unit.source_span = att.source
        out.append(unit)
    return out


# -- speakers --------------------------------------------------------------------------------------

_RESOLUTION_OF_KIND = {"name": "named", "alias": "alias", "role": "role", "demonym": "named"}
_PERSON_TYPES = ("PERSON",)
_GROUP_TYPES = ("ORG", "GPE", "NORP")


def _name_tokens(source: Token) -> CharSpan:
    """The head of a source with its compound/flat name parts ("Vladimir Putin", "Mr Lavrov")."""
    toks = [source] + [c for c in source.children if c.dep_ in ("compound", "flat", "amod", "poss", "det")]
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks)
    doc = source.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _linked_entity(ctx: _Context, span: CharSpan, head: CharSpan) -> tuple[Entity, str] | None:
    """The entity whose mention overlaps the source head (else the source phrase), with the mention kind."""
    for target in (head, span):
        hits = [
            (start, end, kind, e)
            for start, end, kind, e in ctx.mentions
            if start < target[1] and target[0] < end
        ]
        if hits:
            start, end, kind, entity = min(hits, key=lambda h: abs(h[0] - head[0]))
            return entity, kind
    return None


def _in_quote(units: list[Unit], offset: int) -> Unit | None:
    for unit in units:
        if unit.kind != "indirect" and any(s.open_at <= offset < s.outer[1] for s in unit.spans):
            return unit
    return None


def _discourse(ctx: _Context, para: Paragraph) -> bool:
    """A paragraph of running text: it ends like a sentence (captions, links and headlines do not)."""
    line = ctx.text[para.start : para.end].rstrip()
    return bool(line) and line[-1] in _SENT_END + "\"”'’)"


def _antecedent(ctx: _Context, units: list[Unit], offset: int, pronoun: str) -> Entity | None:
    """The most recent compatible speaker or subject mention before offset; else the most recent mention."""
    types = _PERSON_TYPES if pronoun in _MALE_FEMALE else _GROUP_TYPES
    here = ctx.paragraph_at(offset).index
    speakers = [
        (u.source_span, u.entity) for u in units if u.entity is not None and u.source_span is not None
    ]
    best_subject: tuple[int, Entity] | None = None
    best_any: tuple[int, Entity] | None = None
    for start, end, _kind, entity in ctx.mentions:
        if end > offset or entity.type not in types:
            continue
        para = ctx.paragraph_at(start)
        if here - para.index > ANTECEDENT_PARAGRAPHS or not _discourse(ctx, para):
            continue
        if _in_quote(units, start) is not None:
            continue
        token = ctx.token_at(start)
        subject = any(s is not None and s[0] <= start < s[1] for s, _ in speakers)
        if token is not None:
            head = token
            while head.head.i != head.i and head.head.idx < end and head.head.idx >= start:
                head = head.head
            subject = subject or head.dep_ in _SUBJ_DEPS
        if subject:
            best_subject = (start, entity)
        best_any = (start, entity)
    chosen = best_subject or best_any
    return chosen[1] if chosen else None


def _resolve_speakers(ctx: _Context, units: list[Unit]) -> None:
    for i, unit in enumerate(units):
        if unit.continuation_of is not None:
            prev = unit.continuation_of
            unit.entity = prev.entity
            speaker = prev.speaker or Speaker(resolution="unresolved")
            unit.speaker = Speaker(
                entity_id=speaker.entity_id,
                name=speaker.name,
                mention=speaker.mention,
                resolution="continuation" if speaker.entity_id or speaker.mention else "unresolved",
            )
            continue
        if unit.source is None or unit.source_span is None:
            unit.speaker = Speaker(resolution="unresolved")
            continue
        src = unit.source
        mention = Span(
            start=unit.source_span[0],
            end=unit.source_span[1],
            text=ctx.text[unit.source_span[0] : unit.source_span[1]],
        )
        word = src.lower_
        entity: Entity | None = None
        resolution = "unresolved"
        if word in _FIRST_PERSON:
            outer = _in_quote(units, src.idx)
            if outer is not None and outer is not unit and outer.speaker is not None:
                unit.entity = outer.entity
                unit.speaker = outer.speaker.model_copy(
                    update={"mention": mention, "resolution": "first-person"}
                )
                continue
        elif word in _MALE_FEMALE or word in _PLURAL or word == "it":
            entity = _antecedent(ctx, units[:i], src.idx, word)
            resolution = "pronoun"
        else:
            linked = _linked_entity(ctx, unit.source_span, _name_tokens(src))
            if linked is not None:
                entity, kind = linked
                resolution = _RESOLUTION_OF_KIND.get(kind, "named")
            elif src.pos_ == "NOUN":
                entity = _cataphoric(ctx, units, i)
                resolution = "role"
        if entity is None:
            name = None if word in _PRONOUN_WORDS else mention.text
            unit.speaker = Speaker(name=name, mention=mention, resolution="unresolved")
        else:
            unit.entity = entity
            unit.speaker = Speaker(
                entity_id=entity.id, name=entity.name, mention=mention, resolution=resolution
            )


_PRONOUN_WORDS = _FIRST_PERSON | _MALE_FEMALE | _PLURAL | {"it", "you"}


def _cataphoric(ctx: _Context, units: list[Unit], i: int) -> Entity | None:
    """A role nominal the article never ties to a name: the named person speaking next (same/next paragraph)."""
    here = units[i].paragraph
    for later in units[i + 1 :]:
        if later.paragraph > here + 1:
            return None
        if later.source is None or later.source_span is None:
            continue
        linked = _linked_entity(ctx, later.source_span, _name_tokens(later.source))
        if linked is not None and linked[1] in ("name", "alias") and linked[0].type in _PERSON_TYPES:
            return linked[0]
    return None


# -- output ----------------------------------------------------------------------------------------


def _span(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])


def _fragments(ctx: _Context, unit: Unit) -> list[Span]:
    if unit.kind == "direct":
        return [_span(ctx.text, s.start, s.end) for s in unit.spans]
    pieces = sorted(list(unit.content) + [s.outer for s in unit.spans])
    merged: list[list[int]] = []
    for a, b in pieces:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [_span(ctx.text, a, b) for a, b in merged]


def _sentence(ctx: _Context, start: int, end: int) -> str:
    first = ctx.token_at(start)
    last = ctx.token_at(max(start, end - 1))
    if first is None or last is None:
        return ctx.text[start:end]
    return ctx.text[first.sent.start_char : last.sent.end_char].strip()


def _to_quote(ctx: _Context, unit: Unit, article_id: str, n: int) -> Quote:
    fragments = [f for f in _fragments(ctx, unit) if f.end > f.start]
    cue = None
    points = [f.start for f in fragments] + [f.end for f in fragments]
    if unit.cue is not None:
        cue_end = unit.cue.idx + len(unit.cue.text)
        if unit.cue.lower_ == "according" and unit.cue.i + 1 < len(ctx.doc):
            nxt = ctx.doc[unit.cue.i + 1]
            cue_end = nxt.idx + len(nxt.text) if nxt.lower_ == "to" else cue_end
        cue = Span(start=unit.cue.idx, end=cue_end, text=ctx.text[unit.cue.idx : cue_end])
        if not unit.colon:
            points += [cue.start, cue.end]
    return Quote(
        id=f"{article_id}:q{n}",
        article_id=article_id,
        kind=unit.kind,
        text=" ... ".join(f.text for f in fragments),
        fragments=fragments,
        speaker=unit.speaker or Speaker(resolution="unresolved"),
        cue=cue,
        paragraph_index=ctx.paragraph_at(fragments[0].start).index,
        sentence=_sentence(ctx, min(points), max(points)),
        quoted=[_span(ctx.text, s.start, s.end) for s in unit.spans],
    )


def extract_quotes(doc: Doc, article_id: str, entities: list[Entity]) -> list[Quote]:
    """Direct, partial and indirect quotations of a parsed body, with speakers linked to `entities`."""
    ctx = _Context(doc, entities)
    if not ctx.paragraphs:
        return []
    spans = scan_quote_marks(ctx.text, ctx.paragraphs)
    units = _build_units(ctx, spans)
    units = sorted(units + _indirect_units(ctx, units), key=lambda u: u.start)
    _resolve_speakers(ctx, units)
    quotes = []
    for unit in units:
        if any(s.end > s.start for s in unit.spans) or unit.content:
            quotes.append(_to_quote(ctx, unit, article_id, len(quotes) + 1))
    return quotes
