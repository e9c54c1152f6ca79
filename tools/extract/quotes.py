"""Quotations and their speakers: `extract_quotes(doc, article_id, entities) -> list[Quote]`.

Rules, in the order they apply (offsets are into doc.text; a paragraph is a line of it):
0. Transcripts. Paragraphs opening with a capitalised speaker label and a colon ("PENCE: Well, ...",
   "Q: ...") are turns of an interview when at least two labels take turns: each turn is a direct quote
   of its label (the resolver links the label to the person it names), and marks inside it belong to it.
1. Marks. Quotation marks pair within a paragraph. Double marks count everywhere: straight, curly, low,
   guillemets and the two-apostrophe mark ('') of some archives. A mark's side comes from its neighbours
   (space before and a letter after opens; a mark opening the paragraph opens); the glyph decides only when
   the neighbours do not. Marks opened inside an open quotation nest in it. Single marks count only in a
   headline-like first paragraph (no final full stop), where headlines put speech in them. Link lines
   ("Read more: ...") are skipped. Never fatal: an opening mark left open runs to the end of its paragraph
   (a missing closing mark, or a quotation going on in the next paragraph) -- unless other marks paired
   inside it, then it alone is dropped as malformed; a stray closing mark is ignored. An opening mark
   after a sentence end inside an open quotation ('He replies: "What is it? "That if ...', paragraphs of
   one quotation run together) ends the open span and begins the next.
2. Shape. A span is direct-shaped when it starts its sentence, follows a colon, or follows a comma (or a
   reporting verb) with a cue before it and begins with a capital; and when it ends with punctuation
   inside the marks, is followed by punctuation or the paragraph end, or by a cue (`"..." he said`).
   Otherwise it is embedded in a sentence: partial-shaped.
3. Direct quotes. The cue is the first cue of the lexicon after the span in its sentence (`"...," he
   said`; not one in a relative clause, and none after a cue that reports an unquoted clause of its own),
   else the last one before it (`He said: "..."`); after a quotation closed by a full stop a cue must come
   within three words, and the one before wins (also after a `?`/`!` closing before a capital). A cue before
   the span that governs it in the parse wins over a verb after it with no subject of its own or after a
   conjunction (`she said, "...," adding`; `he wrote, "..." and shared`); participles (`a written
   statement`) are never cues. After `,"` a verb right after the speaker is the cue even outside the
   lexicon (`"...," Toomey fumed`). Failing a cue: the sentence before a colon gives one (or, with no
   verb, the speaker's name: `Bush: "..."`, `... - Jane Doe: "..."`); a name after a dash signs it
   (`"..." ― Jane Doe`); a report in the sentence just before, same paragraph, goes on with it (`Coan
   argues that ... "..."`), and so does a sentence that only announces it (`Bystrom agreed. "..."`);
   a span opening a paragraph after a paragraph with a quotation, or following a quotation in its own
   paragraph, continues that quotation's speaker ("continuation"); a span of MIN_DIRECT_WORDS words or
   more stays a direct quote with an unresolved speaker; shorter ones are dropped.
4. Split quotations. A span that follows a quotation in the same paragraph with only that quotation's cue
   frame between them (`"...," he said. "..."`: at most MAX_FRAME_WORDS words, no sentence end) and no cue
   of its own, or with nothing but space between two direct spans, is another fragment of ONE quotation.
5. Partial quotes. A partial-shaped span is a quotation only inside an attribution: the outermost report
   whose content holds it ("He said he believes it is "great"" is his report), else a reporting verb above
   it in the parse reached through a non-subject dependent (`described him as "a strong person"`). Its
   fragments are the whole reported clause and `quoted` lists the words in marks. Without either it is a
   scare quote, nickname or title: dropped.
6. Indirect quotes. Attributions with no quotation marks whose cue is a reporting verb (ratio >=
   REPORT_RATIO) with a clause, infinitive, inverted, "according to" or noun-phrase frame content
   ("accused X of Y", "called X a hoax"), outside every quotation;
   inside a quotation only when their source is first person ("As I said, ...").
7. Speakers. The source is the cue's subject;
   without one outside the quotation, the nominal right after a cue that directly follows the quotation
   (`"...," said the 46-year-old`), else the words before the cue (`"...," Ramos, 58, told AFP`).
   Which entity that source is, is decided by `resolve.py` (names, pronouns, roles, first person,
   continuations), the resolver every speech act goes through.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Entity, Quote, QuoteKind, Span, Speaker
from .attribution import (
    MIN_RATIO,
    QUOTE_MARKS,
    REPORT_RATIO,
    Attribution,
    CharSpan,
    according_to,
    default_lexicon,
    has_subject,
    passive_without_source,
    runs,
    speech_acts,
    subject_of,
)
from .positions import Positions, text_of
from .resolve import FIRST_PERSON, PRONOUNS, Act, Resolved, Resolver, pronoun_word

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

log = logging.getLogger(__name__)


MIN_DIRECT_WORDS = 4
MAX_FRAME_WORDS = 40
GOVERNING_RATIO = 0.2  # a verb above a partial-shaped span must be at least this likely a cue

_OPENERS = "“„‟«"
_CLOSERS = "”»"
_SENT_END = ".!?…"
_TRAIL_PUNCT = ".,!?…:;—–-"
_DASHES = ("―", "—", "–", "--", "-")
_LINK_LINE = re.compile(
    r"^\s*[\"“]?\s*(read more|more:|see also|related|watch|listen|click here|subscribe|sign up"
    r"|follow\b.{0,60}\bon (twitter|facebook|instagram|x\b))",
    re.IGNORECASE,
)
# A transcript turn: a paragraph opening with a speaker label in capitals, or Q / A ("PENCE: Well, ...").
_TURN = re.compile(r"\s*[\"“]?\s*(?P<label>Q|A|[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s+(?=\S)")
_NOT_LABELS = frozenset(
    ["NOTE", "UPDATE", "UPDATED", "CORRECTION", "WATCH", "PHOTO", "PHOTOS", "VIDEO", "READ", "MORE", "RELATED", "SOURCE", "SOURCES", "EDITOR'S"]
)
_ABBREVIATION = re.compile(
    r"(?:[A-Za-z]\.)+|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Prof|Rev|St|Jr|Sr|No"
    r"|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|etc"
    r"|Ala|Ariz|Calif|Colo|Conn|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa"
    r"|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)\."
)
_SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")
_NON_SPEAKER_ENTS = ("DATE", "TIME")


# -- 1. quotation marks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    index: int
    start: int
    end: int


@dataclass(frozen=True)
class MarkSpan:
    """The text between a pair of quotation marks (marks excluded)."""

    start: int
    end: int
    open_at: int
    close_end: int | None  # offset just past the closing mark; None when the mark is missing
    paragraph: int
    single: bool = False
    label: CharSpan | None = None  # a transcript turn's speaker label ("PENCE:"); no marks then

    @property
    def outer(self) -> CharSpan:
        """The span with its marks."""
        return self.open_at, self.close_end if self.close_end is not None else self.end


def paragraphs_of(text: str) -> list[Paragraph]:
    """Non-empty lines of the text, numbered from 0."""
    out: list[Paragraph] = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append(Paragraph(len(out), m.start(), m.end()))
    return out


def scan_quote_marks(text: str, paragraphs: list[Paragraph] | None = None) -> list[MarkSpan]:
    """Every quoted span of the text, paired paragraph by paragraph (rule 1)."""
    spans: list[MarkSpan] = []
    for para in paragraphs if paragraphs is not None else paragraphs_of(text):
        if _LINK_LINE.match(text[para.start : para.end]):
            continue
        spans.extend(_pair(text, _marks(text, para, single=False), para, single=False))
        if _headline_like(text, para):
            spans.extend(_pair(text, _marks(text, para, single=True), para, single=True))
    return sorted(spans, key=lambda s: s.start)


@dataclass(frozen=True)
class Turn:
    """One turn of an interview transcript: the label ("PENCE", "Q") and the words after it."""

    paragraph: int
    label: CharSpan
    start: int
    end: int


def transcript_turns(text: str, paragraphs: list[Paragraph]) -> list[Turn]:
    """The labelled turns of an interview transcript (rule 0): paragraphs opening with a capitalised
    label and a colon, when at least two different labels take turns (one "UPDATE:" is no transcript)."""
    turns = []
    for para in paragraphs:
        m = _TURN.match(text, para.start, para.end)
        if m is None or m.group("label").split()[0].rstrip(".'’") in _NOT_LABELS:
            continue
        end = para.end
        while end > m.end() and (text[end - 1] in QUOTE_MARKS or text[end - 1].isspace()):
            end -= 1
        turns.append(Turn(para.index, (m.start("label"), m.end("label")), m.end(), end))
    return turns if len({text[slice(*t.label)] for t in turns}) >= 2 else []


def _with_turns(text: str, paragraphs: list[Paragraph], spans: list[MarkSpan]) -> list[MarkSpan]:
    """Marked spans with each transcript turn's paragraph replaced by the turn (its inner marks belong
    to the answer)."""
    turns = transcript_turns(text, paragraphs)
    if not turns:
        return spans
    taken = {t.paragraph for t in turns}
    kept = [s for s in spans if s.paragraph not in taken]
    kept += [MarkSpan(t.start, t.end, t.label[0], None, t.paragraph, label=t.label) for t in turns]
    return sorted(kept, key=lambda s: s.start)


def _headline_like(text: str, para: Paragraph) -> bool:
    line = text[para.start : para.end].rstrip()
    return para.index == 0 and bool(line) and line[-1] not in '.!?"”' and len(line.split()) <= 30


def _marks(text: str, para: Paragraph, single: bool) -> list[tuple[int, int, str]]:
    """(offset, length, side) of the double (or only the single) marks of a paragraph; side is
    open, close or either."""
    out = []
    i, end = para.start, para.end
    while i < end:
        ch = text[i]
        if single:
            length = 1 if ch in "'‘’" and text[i + 1 : i + 2] != "'" and text[i - 1 : i] != "'" else 0
            glyph = "open" if ch == "‘" else "close" if ch == "’" else "either"
        elif ch == "'" and text[i + 1 : i + 2] == "'":
            length, glyph = 2, "either"
        else:
            length = 1 if ch in QUOTE_MARKS else 0
            glyph = "open" if ch in _OPENERS else "close" if ch in _CLOSERS else "either"
        if not length:
            i += 1
            continue
        before = text[i - 1] if i > para.start else ""
        after = text[i + length] if i + length < end else ""
        opens = before == "" or (_boundary(before) and not (after == "" or after.isspace()))
        closes = not _boundary(before) and _closing_context(after)
        side = "open" if opens and not closes else "close" if closes and not opens else glyph
        if single and (before.isalnum() and after.isalnum() or side == "close" and not closes):
            i += length  # an apostrophe
            continue
        out.append((i, length, side))
        i += length
    return out


def _boundary(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch in "([{—–-/" or ch in _OPENERS or unicodedata.category(ch) == "Cf"


def _closing_context(ch: str) -> bool:
    return ch == "" or ch.isspace() or ch in _TRAIL_PUNCT + ")]}'’\"" + _CLOSERS


def _pair(text: str, marks: list[tuple[int, int, str]], para: Paragraph, single: bool) -> list[MarkSpan]:
    out: list[MarkSpan] = []
    stack: list[tuple[int, int]] = []
    inner: list[MarkSpan] = []  # pairs nested in the quotation still open
    for offset, length, side in marks:
        if not stack:
            if side != "close":
                stack.append((offset, length))
            continue  # a stray closing mark
        if side == "open" and len(stack) == 1 and not inner and text[:offset].rstrip()[-1:] in _SENT_END:
            # 'He replies: "What is it? "That if ...': paragraphs of one quotation run together, each
            # reopened and none closed -- the open one ends here and the next begins
            open_at, open_len = stack.pop()
            end = len(text[:offset].rstrip())
            if text[open_at + open_len : end].strip():
                out.append(MarkSpan(open_at + open_len, end, open_at, None, para.index, single))
            stack.append((offset, length))
            continue
        if side == "open":
            stack.append((offset, length))
            continue
        open_at, open_len = stack.pop()
        span = MarkSpan(open_at + open_len, offset, open_at, offset + length, para.index, single)
        if not text[span.start : span.end].strip():
            continue
        if stack:
            inner.append(span)
        else:
            out.append(span)
            inner = []
    if stack and inner:
        out.extend(inner)  # the unclosed mark is the malformed one
    elif stack:
        open_at, open_len = stack[0]
        end = para.end
        while end > open_at + open_len and text[end - 1].isspace():
            end -= 1
        if text[open_at + open_len : end].strip():
            out.append(MarkSpan(open_at + open_len, end, open_at, None, para.index, single))
    return out


# -- per-document lookups --------------------------------------------------------------------------


class _Context(Positions):
    def __init__(self, doc: Doc, entities: list[Entity]) -> None:
        super().__init__(doc)
        self.text = text_of(doc)
        self.paragraphs = paragraphs_of(self.text)
        self.para_starts = [p.start for p in self.paragraphs]
        self.lexicon = default_lexicon()
        self.attributions = speech_acts(doc)
        self.by_cue = {a.cue_token: a for a in self.attributions}
        self.entities = entities
        self.spans: list[MarkSpan] = []

    def set_spans(self, spans: list[MarkSpan]) -> None:
        self.spans = spans
        self.set_quoted([s.outer for s in spans])

    def tokens_in(self, start: int, end: int) -> list[Token]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.doc) and self.doc[i].idx < end:
            if not self.doc[i].is_space:
                out.append(self.doc[i])
            i += 1
        return out

    def inner_tokens(self, span: MarkSpan) -> set[int]:
        return {t.i for t in self.tokens_in(span.start, span.end)}

    def paragraph_at(self, offset: int) -> Paragraph:
        return self.paragraphs[max(0, bisect.bisect_right(self.para_starts, offset) - 1)]

    def cue_ratio(self, token: Token) -> float:
        """The token's cue ratio when it is a verb (or "according")."""
        if token.pos_ not in ("VERB", "AUX") and token.lower_ != "according":
            return 0.0
        return self.lexicon.ratio(token)


# -- 2-4. direct quotes ----------------------------------------------------------------------------


def _left_frame(ctx: _Context, span: MarkSpan) -> CharSpan:
    """From the start of the span's sentence (or the previous quotation) to the opening mark."""
    start = ctx.paragraphs[span.paragraph].start
    for other in ctx.spans:
        if other.paragraph == span.paragraph and other.outer[1] <= span.open_at:
            start = max(start, other.outer[1])
    text = ctx.text
    for i in range(span.open_at - 1, start - 1, -1):  # a full stop right after the previous quotation too
        if text[i] in _SENT_END and text[i + 1 : i + 2].isspace() and not _abbreviation(text, i):
            return i + 1, span.open_at
    return start, span.open_at


def _right_frame(ctx: _Context, span: MarkSpan) -> CharSpan:
    """From the closing mark to the end of the sentence (or the next quotation)."""
    start = span.outer[1]
    end = ctx.paragraphs[span.paragraph].end
    for other in ctx.spans:
        if other.paragraph == span.paragraph and other.open_at >= start:
            end = min(end, other.open_at)
    text = ctx.text
    for i in range(start, end):
        if text[i] in _SENT_END and (i + 1 >= end or text[i + 1].isspace()) and not _abbreviation(text, i):
            return start, i
    return start, end


def _abbreviation(text: str, i: int) -> bool:
    """The full stop at i ends Mr., U.S., Jan. and the like, not a sentence."""
    start = i
    while start > 0 and not text[start - 1].isspace():  # the word ending at i, read back from it
        start -= 1
    word = text[start : i + 1]
    return bool(word.strip() and _ABBREVIATION.fullmatch(word.lstrip("(\"“'‘")))


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
    elif before.endswith((",", "—", "-")):
        opening = capital and any(ctx.cue_ratio(t) >= MIN_RATIO for t in ctx.tokens_in(*left))
    else:
        words = ctx.tokens_in(*left)
        opening = capital and bool(words) and ctx.cue_ratio(words[-1]) >= REPORT_RATIO
    if not opening:
        return False
    after = text[span.outer[1] : span.outer[1] + 1]
    if span.close_end is None or inner.rstrip("'’\"”")[-1:] in _TRAIL_PUNCT or after in ("", "\n"):
        return True
    if after in _TRAIL_PUNCT:
        return True
    for token in ctx.tokens_in(span.outer[1], span.outer[1] + 40)[:3]:  # `"..." he said`
        if ctx.cue_ratio(token) >= MIN_RATIO:
            return True
        if token.pos_ not in ("PRON", "PROPN"):
            return False
    return False


def _reports_elsewhere(ctx: _Context, cue: Token, span: MarkSpan) -> bool:
    """The cue reports an unquoted clause of its own, away from this quotation ("... and said that ...")."""
    att = ctx.by_cue.get(cue.i)
    if att is None or att.form not in ("ccomp", "xcomp"):
        return False
    a, b = att.content_span
    if a < span.outer[1] and span.open_at < b:
        return False
    quoted = sum(1 for i in att.content_tokens if ctx.in_quote(ctx.doc[i].idx))
    return quoted * 2 < len(att.content_tokens)


def _frame_cue(ctx: _Context, span: MarkSpan, left: CharSpan, right: CharSpan) -> Token | None:
    """The cue of a direct-shaped span (rule 3)."""
    inner = ctx.text[span.start : span.end].rstrip().rstrip("'’\"”")
    after = ctx.tokens_in(*right)
    capital_after = bool(after) and after[0].text[:1].isupper()
    new_sentence = capital_after and inner.endswith(".")
    governing = _governing_cues(ctx, span)
    before = [
        t
        for t in reversed(ctx.tokens_in(*left))
        if ctx.cue_ratio(t) >= MIN_RATIO and t.dep_ != "amod" and not _reports_elsewhere(ctx, t, span)
    ]
    before.sort(key=lambda t: t.i not in governing)  # `told the Post in a written statement, "..."`
    if before and _signed_colon(ctx, left):
        before = []  # "Pollsters agree - Carl Bialik: "..."": the name signs the quotation
    if before and capital_after and inner.endswith((".", "?", "!")):
        return before[0]  # `Clinton responded: "What difference ...?" Her critics cited it`
    for n, token in enumerate(after):
        if new_sentence and n >= 3:
            break
        if ctx.cue_ratio(token) >= MIN_RATIO and not any(
            t.dep_ in ("relcl", "acl") for t in [token, *token.ancestors][:2]
        ):
            if _reports_elsewhere(ctx, token, span):
                break
            coordinated = any(t.pos_ == "CCONJ" for t in after[:n])  # `"...," but in fact Clinton used`
            subjectless = not has_subject(token) and (token.tag_ == "VBG" or (bool(before) and before[0].i in governing))
            if before and (coordinated or subjectless):
                return before[0]  # `Canova wrote, "..." and shared a link`; `she stated, "...", adding`
            return token
    if inner.endswith((",", "?", "!", "—")):
        for token in after[:6]:
            if token.pos_ == "VERB" and token.dep_ not in ("aux", "auxpass", "amod"):
                return before[0] if before and not has_subject(token) else token  # `said, "...," promising`
            if token.pos_ not in ("PROPN", "PRON", "NOUN", "DET", "ADJ", "PUNCT", "ADV", "NUM"):
                break
    return before[0] if before else None


def _after_last_dash(tokens: list[Token]) -> list[Token] | None:
    """The tokens after the last dash set between phrases (`... - Michael P. McDonald`), None without one."""
    dashes = [n for n, t in enumerate(tokens) if _separating_dash(t) and n > 0]
    return tokens[dashes[-1] + 1 :] if dashes else None


def _signed_colon(ctx: _Context, left: CharSpan) -> bool:
    """The frame ends `- Name:`: a dash, then words with no verb and a name, then the colon."""
    if not ctx.text[left[0] : left[1]].rstrip().endswith(":"):
        return False
    tail = _after_last_dash(ctx.tokens_in(*left))
    if tail is None:
        return False
    tail = tail[:-1]  # the colon
    return (
        0 < len(tail) <= 8
        and any(t.pos_ == "PROPN" for t in tail)
        and not any(t.pos_ in ("VERB", "AUX") for t in tail)
    )


def _governing_cues(ctx: _Context, span: MarkSpan) -> set[int]:
    """Tokens whose clausal complement in the parse is the quotation."""
    inner = ctx.inner_tokens(span)
    tops = [ctx.doc[i] for i in inner if ctx.doc[i].head.i not in inner]
    return {t.head.i for t in tops if t.dep_ in ("ccomp", "xcomp")}


def _colon_frame(ctx: _Context, span: MarkSpan, left: CharSpan) -> tuple[Token | None, Token | None]:
    """(cue, source) of a quotation after a colon: `He said:`, `He demurred:`, `Mr. Bush:`."""
    text = ctx.text
    before = text[: span.open_at].rstrip()
    colon = ctx.token_at(len(before) - 1) if before.endswith(":") else None
    if colon is None:
        return None, None
    start = left[0] if text[left[0] : left[1]].strip() else colon.sent.start_char
    frame = [t for t in colon.sent if start <= t.idx < colon.idx and not ctx.in_quote(t.idx)]
    if (signed := _after_last_dash(frame)) is not None:  # a name signing off a remark: "... - Jane Doe:"
        frame = signed
    if frame and frame[0].lower_ in ("from", "per") and len(frame) <= 5:
        frame = frame[1:]  # "From the report:"
    for token in reversed(frame):
        if ctx.cue_ratio(token) >= MIN_RATIO:
            return token, None
    for token in reversed(frame):
        if token.pos_ == "VERB" and has_subject(token):
            return token, None
    if frame and not any(t.pos_ in ("VERB", "AUX") for t in frame):
        ids = {t.i for t in frame}
        roots = [t for t in frame if t.head.i not in ids or t.head.i == t.i]
        names = [t for t in roots if t.pos_ in ("PROPN", "NOUN")] or [t for t in frame if t.pos_ == "PROPN"]
        if names:
            return None, names[0]
    return None, None


def _signoff(ctx: _Context, span: MarkSpan, right: CharSpan) -> Token | None:
    """A name after a dash, right after the quotation or opening the next paragraph: `"..." ― Jane Doe`."""
    text = ctx.text
    start, rest = right[0], text[right[0] : right[1]].strip()
    if not rest and span.paragraph + 1 < len(ctx.paragraphs):
        nxt = ctx.paragraphs[span.paragraph + 1]
        start, rest = nxt.start, text[nxt.start : nxt.end].strip()
    if not rest.startswith(_DASHES):
        return None
    line_end = text.find("\n", start)
    tokens = ctx.tokens_in(start, line_end if line_end >= 0 else len(text))
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    if not tokens or tokens[0].pos_ != "PROPN" or not tokens[0].text[:1].isupper():
        return None
    name = tokens[0]
    for token in tokens[1:6]:
        if token.pos_ != "PROPN":
            break
        name = token
    while name.dep_ in ("compound", "flat") and name.head.i != name.i and name.head.pos_ == "PROPN":
        name = name.head
    return name


def _preceding_report(ctx: _Context, span: MarkSpan) -> Attribution | None:
    """A report with a source in the sentence just before the span, in the same paragraph."""
    para = ctx.paragraphs[span.paragraph]
    found = None
    for att in ctx.attributions:
        if para.start <= att.sentence[0] and att.sentence[1] <= span.open_at and att.source is not None:
            if att.ratio >= REPORT_RATIO and not ctx.text[att.sentence[1] : span.open_at].strip():
                found = att
    return found


def _lead_in(ctx: _Context, span: MarkSpan) -> Token | None:
    """The cue of a sentence that only announces the quotation after it, in the same paragraph:
    `Dianne Bystrom agreed. "..."`, `Sam Lau said in a statement. "..."`."""
    para = ctx.paragraphs[span.paragraph]
    first = ctx.token_at(span.open_at)
    if first is None or first.i == 0:
        return None
    sent = ctx.doc[first.i - 1].sent
    if sent.start_char < para.start or ctx.text[sent.end_char : span.open_at].strip():
        return None
    root = sent.root
    if ctx.cue_ratio(root) < REPORT_RATIO or ctx.in_quote(root.idx) or root.i in ctx.by_cue:
        return None  # a cue with its own content reports something else
    if any(c.dep_ in ("ccomp", "xcomp") for c in root.children):
        return None
    return root if has_subject(root) else None


def _one_frame(between: str) -> bool:
    """Text between two fragments of one quotation: a short cue clause, no sentence end inside."""
    body = between.strip().rstrip(_SENT_END + ",:;—–-").strip()
    ends = [m.start() for m in re.finditer(r"[.!?](?=\s)", body) if not _abbreviation(body, m.start())]
    return len(body.split()) <= MAX_FRAME_WORDS and not ends


# -- 5. partial quotes -----------------------------------------------------------------------------


def _containing_attribution(ctx: _Context, span: MarkSpan) -> Attribution | None:
    """The outermost attribution whose content holds most of the span."""
    inner = ctx.inner_tokens(span)
    best: Attribution | None = None
    for att in ctx.attributions:
        if att.form == "inverted" and ctx.in_quote(att.cue[0]):
            continue  # a quoted verb read as an aside ("''I don't like it,'' adding that ...")
        if inner and att.cue_token not in inner and len(inner & att.content_tokens) * 2 >= len(inner):
            if best is None or len(att.content_tokens) > len(best.content_tokens):
                best = att
    return best


def _governing_cue(ctx: _Context, span: MarkSpan) -> Token | None:
    """The nearest reporting verb above the span, reached through non-subject dependents."""
    inner = ctx.inner_tokens(span)
    heads = [ctx.doc[i] for i in sorted(inner) if ctx.doc[i].head.i not in inner or ctx.doc[i].head.i == i]
    node = heads[0] if heads else None
    for _ in range(12):
        if node is None or node.head.i == node.i or node.dep_ in _SUBJ_DEPS or node.sent != node.head.sent:
            return None
        if node.head.i not in inner and ctx.cue_ratio(node.head) >= GOVERNING_RATIO:
            return node.head
        node = node.head
    return None


def _complements(cue: Token, span_tokens: set[int]) -> set[int]:
    """What a cue without a clause reports: its dependents after it ("called them "deplorables"")."""
    out: set[int] = set()
    for child in cue.rights:
        if child.dep_ not in _SUBJ_DEPS and child.dep_ not in ("punct", "cc", "conj"):
            out |= {t.i for t in child.subtree}
    return out if out & span_tokens else out | span_tokens


# -- units: quotations under construction ----------------------------------------------------------


@dataclass
class _Unit:
    spans: list[MarkSpan]
    kind: QuoteKind
    paragraph: int
    cue: Token | None = None
    source: Token | None = None
    source_span: CharSpan | None = None
    content: list[CharSpan] = field(default_factory=list)
    continuation_of: _Unit | None = None
    cue_before: bool = False  # the cue stands in an earlier sentence (colon, preceding report)
    speaker: Speaker | None = None
    entity: Entity | None = None

    @property
    def start(self) -> int:
        return min([s.open_at for s in self.spans] + [a for a, _ in self.content])

    @property
    def end(self) -> int:
        return max([s.outer[1] for s in self.spans] + [b for _, b in self.content])


class _Builder:
    """Turns the marked spans of one document into direct and partial units (rules 2-5)."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx
        self.units: list[_Unit] = []
        self.by_cue: dict[int, _Unit] = {}  # partial units by cue token
        self.last: _Unit | None = None

    def add(self, span: MarkSpan) -> None:
        ctx = self.ctx
        if span.label is not None:  # a transcript turn speaks for its label (rule 0)
            unit = _Unit([span], "direct", span.paragraph)
            unit.source, unit.source_span = ctx.token_at(span.label[0]), span.label
            self.units.append(unit)
            self.last = unit
            return
        left, right = _left_frame(ctx, span), _right_frame(ctx, span)
        if self._continues_last(span, right):
            return
        if _direct_shaped(ctx, span, left):
            self._direct(span, left, right)
        else:
            self._partial(span)

    def _continues_last(self, span: MarkSpan, right: CharSpan) -> bool:
        last = self.last
        if last is None or last.paragraph != span.paragraph:
            return False
        between = self.ctx.text[last.spans[-1].outer[1] : span.open_at]
        own = _frame_cue(self.ctx, span, (span.open_at, span.open_at), right)
        cue_between = last.cue is not None and last.spans[-1].outer[1] <= last.cue.idx < span.open_at
        if (not between.strip() and last.kind == "direct") or (
            cue_between and own is None and _one_frame(between)
        ):
            last.spans.append(span)
            last.cue = last.cue or own
            return True
        return False

    def _direct(self, span: MarkSpan, left: CharSpan, right: CharSpan) -> None:
        ctx = self.ctx
        unit = _Unit([span], "direct", span.paragraph, cue=_frame_cue(ctx, span, left, right))
        if unit.cue is None:
            unit.cue, unit.source = _colon_frame(ctx, span, left)
            unit.cue_before = unit.cue is not None
        if unit.cue is None and unit.source is None:
            unit.source = _signoff(ctx, span, right)
        if unit.cue is None and unit.source is None and not ctx.text[left[0] : left[1]].strip():
            prev = self.units[-1] if self.units else None
            report = _preceding_report(ctx, span)
            lead = _lead_in(ctx, span) if report is None else None
            if report is not None and (prev is None or prev.end <= report.cue[0]):
                unit.cue, unit.cue_before = ctx.doc[report.cue_token], True
            elif lead is not None and (prev is None or prev.end <= lead.idx):
                unit.cue, unit.cue_before = lead, True
            elif prev is not None and (
                prev.paragraph == span.paragraph
                or (
                    prev.paragraph == span.paragraph - 1
                    and span.open_at == ctx.paragraphs[span.paragraph].start
                )
            ):
                unit.continuation_of = prev
        if unit.cue is None and unit.source is None and unit.continuation_of is None:
            if span.single or len(ctx.text[span.start : span.end].split()) < MIN_DIRECT_WORDS:
                return
        self.units.append(unit)
        self.last = unit

    def _partial(self, span: MarkSpan) -> None:
        ctx = self.ctx
        att = _containing_attribution(ctx, span)
        governing = _governing_cue(ctx, span) if att is None else None
        if governing is not None:
            att = ctx.by_cue.get(governing.i)
        if att is not None and not ctx.inner_tokens(span) & att.content_tokens:
            att = None
        cue = ctx.doc[att.cue_token] if att is not None else governing
        if cue is None:
            return  # a scare quote, nickname or title
        unit = self.by_cue.get(cue.i)
        if unit is not None:
            unit.spans.append(span)
            return
        content = (
            list(att.content) if att is not None else runs(ctx.doc, _complements(cue, ctx.inner_tokens(span)))
        )
        unit = _Unit([span], "partial", span.paragraph, cue=cue, content=content)
        self.by_cue[cue.i] = unit
        self.units.append(unit)
        self.last = unit


def _attach_sources(ctx: _Context, units: list[_Unit]) -> None:
    for unit in units:
        if unit.spans and unit.spans[0].label is not None:
            continue  # a transcript label is its own source
        if unit.cue is not None:
            unit.source = _source_of(ctx, unit.cue)
            if unit.source is None and passive_without_source(unit.cue):
                continue  # "X is accused of 'directing' a fraud": X is the accused, the accuser unnamed
            if unit.source is None or ctx.in_quote(unit.source.idx) or _not_a_speaker(unit.source):
                unit.source = _frame_source(ctx, unit.cue, _inverted_after(ctx, unit))
            if unit.source is None and (quoting := _hung_from_quote(units, unit)) is not None:
                unit.source, unit.source_span = quoting.source, quoting.source_span
                continue
        if unit.source is not None:
            exclude = {t for s in unit.spans for t in ctx.inner_tokens(s)}
            if unit.cue is not None:
                exclude.add(unit.cue.i)
            unit.source_span = _phrase_span(unit.source, exclude)


def _hung_from_quote(units: list[_Unit], unit: _Unit) -> _Unit | None:
    """An earlier quotation the cue hangs from in the parse (`she stated, "...," adding, "..."`)."""
    cue = unit.cue
    assert cue is not None
    head = cue.head
    for other in units:
        if other is unit or other.source is None or other.start > cue.idx:
            continue
        if any(s.open_at <= head.idx < s.outer[1] for s in other.spans):
            return other
    return None


def _inverted_after(ctx: _Context, unit: _Unit) -> bool:
    """The cue follows a fragment with no word in between (`"...," said Mr. Cruz`), so the source may follow
    it; with words in between (`"...," Ramos, 58, told AFP`) the source is those words."""
    cue = unit.cue
    assert cue is not None
    ends = [s.outer[1] for s in unit.spans if s.outer[1] <= cue.idx]
    if not ends:
        return False
    return not any(t.is_alpha for t in ctx.tokens_in(max(ends), cue.idx))


def _source_of(ctx: _Context, cue: Token) -> Token | None:
    att = ctx.by_cue.get(cue.i)
    if att is not None and att.source_head is not None:
        return ctx.doc[att.source_head]
    return according_to(cue)[0] if cue.lower_ == "according" else subject_of(cue)


def _not_a_speaker(token: Token) -> bool:
    """Dates and times never speak (a mis-parsed "Thursday morning said"; "14 percent said" does), but an
    age does ("said the 46-year-old")."""
    if token.ent_type_ not in _NON_SPEAKER_ENTS:
        return False
    return not (token.lower_ == "old" and token.i > 0 and token.doc[token.i - 1].lower_ in ("-", "year", "years"))


def _frame_source(ctx: _Context, cue: Token, cue_after_quote: bool) -> Token | None:
    """When the parse gives a cue no subject outside the quotation: the nominal next to the cue -- right
    after it when the cue follows the quotation (`"...," said Mr. Cruz`), else right before it."""

    def nominal(token: Token, after_cue: bool = False) -> Token | None:
        if ctx.in_quote(token.idx) or token.sent != cue.sent or _not_a_speaker(token):
            return None
        # right after an inverted cue a capitalised word is a name whatever its tag ("said Skelly" as ADV)
        name_like = after_cue and token.is_title and not token.is_stop and token.pos_ not in ("VERB", "AUX")
        if (
            token.pos_ in ("PROPN", "PRON", "NOUN") and token.lower_ not in ("that", "this", "what", "which")
        ) or name_like:
            while token.dep_ in ("compound", "flat") and token.head.i != token.i:
                token = token.head
            return token
        return None

    def after(cue: Token) -> Token | None:
        for j in range(cue.i + 1, min(cue.i + 5, len(doc))):
            if doc[j].pos_ in ("DET", "ADJ", "NUM") or doc[j].dep_ in ("amod", "det", "nummod"):
                continue  # "said retired neurosurgeon Ben Carson"
            return nominal(doc[j], after_cue=True)
        return None

    def before(cue: Token) -> Token | None:
        j = cue.i
        while j > max(cue.i - 11, 0):
            j -= 1
            if doc[j].text == ")":  # "Sen. Elizabeth Warren (D-MA) said": the name, not the parenthetical
                opening = next((k for k in range(j - 1, max(j - 8, -1), -1) if doc[k].text == "("), None)
                j = opening if opening is not None else j
                continue
            if doc[j].pos_ in ("AUX", "ADV", "PART", "PUNCT", "SPACE") or doc[j].dep_ in ("aux", "neg", "advmod"):
                continue
            found = nominal(doc[j])
            if found is not None:
                return found
            if doc[j].pos_ not in ("NUM", "ADJ", "DET"):
                break
        return None

    doc = cue.doc
    if cue_after_quote:
        return after(cue) or before(cue)
    found = before(cue)
    if found is None and cue.i == cue.sent.start:
        found = after(cue)  # an inverted cue before a colon: "Continued Stone: ..."
    return found


def _separating_dash(token: Token) -> bool:
    """A dash between phrases ("caucus - HuffPollster", "Mercy Street — he"), not a hyphen ("two-term")."""
    if token.text not in _DASHES:
        return False
    spaced = bool(token.whitespace_) and token.i > 0 and bool(token.doc[token.i - 1].whitespace_)
    return spaced or token.text in ("―", "--")


def _phrase_span(source: Token, exclude: set[int]) -> CharSpan:
    """The source phrase: the contiguous part of the head's subtree around it, outside the quotation."""
    ids = {t.i for t in source.subtree} - exclude
    doc = source.doc
    lo = hi = source.i
    while lo - 1 in ids and not _separating_dash(doc[lo - 1]):
        lo -= 1
    while hi + 1 in ids and not _separating_dash(doc[hi + 1]):
        hi += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _indirect_units(ctx: _Context, units: list[_Unit]) -> list[_Unit]:
    """Unquoted reports (rule 6)."""
    taken = [(u.start, u.end) for u in units]
    out = []
    for att in ctx.attributions:
        if (
            att.is_quoted
            or att.ratio < REPORT_RATIO
            or att.form not in ("ccomp", "xcomp", "inverted", "according", "object")
        ):
            continue
        a, b = att.content_span
        inside = any(s < b and a < e for s, e in taken)
        source = ctx.doc[att.source_head] if att.source_head is not None else None
        if inside and not (
            source is not None and pronoun_word(source) in FIRST_PERSON and ctx.in_quote(source.idx)
        ):
            continue
        unit = _Unit(
            [], "indirect", ctx.paragraph_at(a).index, cue=ctx.doc[att.cue_token], content=list(att.content)
        )
        unit.source, unit.source_span = source, att.source
        out.append(unit)
    return out


# -- 7. speakers -----------------------------------------------------------------------------------


def _resolve_speakers(ctx: _Context, units: list[_Unit]) -> None:
    """Every unit's speaker through the one resolver (resolve.py), in text order."""
    resolver = Resolver(ctx.doc, ctx.entities, ctx.quoted)
    acts: dict[int, Act] = {}
    for unit in units:
        acts[id(unit)] = Act(
            offset=unit.start,
            source=unit.source,
            span=unit.source_span,
            quoted=[s.outer for s in unit.spans],
            continues=acts.get(id(unit.continuation_of)) if unit.continuation_of is not None else None,
            label=bool(unit.spans) and unit.spans[0].label is not None,
        )
    resolver.resolve_acts(list(acts.values()))
    for unit in units:
        unit.speaker = speaker_of(ctx.text, acts[id(unit)].result)


def speaker_of(text: str, result: Resolved | None) -> Speaker:
    """The resolver's answer as a quote speaker (an unresolved phrase keeps its words, a pronoun none)."""
    if result is None:
        return Speaker(resolution="unresolved")
    mention = Span(start=result.mention[0], end=result.mention[1], text=text[slice(*result.mention)]) if result.mention else None
    if result.entity is None:
        name = None if mention is None or mention.text.lower() in PRONOUNS else mention.text
        return Speaker(name=name, mention=mention, resolution=result.resolution, evidence=result.evidence)
    return Speaker(
        entity_id=result.entity.id,
        name=result.entity.name,
        mention=mention,
        resolution=result.resolution,
        evidence=result.evidence,
    )


# -- output ----------------------------------------------------------------------------------------


def _span(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])


def _fragments(ctx: _Context, unit: _Unit) -> list[Span]:
    if unit.kind == "direct":
        pieces = [(s.start, s.end) for s in unit.spans]
    else:
        merged: list[list[int]] = []
        for a, b in sorted(list(unit.content) + [s.outer for s in unit.spans]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        pieces = [(a, b) for a, b in merged]
    return [f for a, b in pieces if (f := _span(ctx.text, a, b)).end > f.start]


def _to_quote(ctx: _Context, unit: _Unit, article_id: str, n: int) -> Quote | None:
    fragments = _fragments(ctx, unit)
    if not fragments:
        return None
    points = [fragments[0].start, fragments[-1].end]
    cue = None
    if unit.cue is not None:
        last = unit.cue
        if last.lower_ == "according" and last.i + 1 < len(ctx.doc) and ctx.doc[last.i + 1].lower_ == "to":
            last = ctx.doc[last.i + 1]
        cue = _span(ctx.text, unit.cue.idx, last.idx + len(last.text))
        if not unit.cue_before:
            points += [cue.start, cue.end]
    first, final = ctx.token_at(min(points)), ctx.token_at(max(points) - 1)
    sentence = ctx.text[first.sent.start_char : final.sent.end_char] if first and final else fragments[0].text
    return Quote(
        id=f"{article_id}:q{n}",
        article_id=article_id,
        kind=unit.kind,
        text=" ... ".join(f.text for f in fragments),
        fragments=fragments,
        speaker=unit.speaker or Speaker(resolution="unresolved"),
        cue=cue,
        paragraph_index=ctx.paragraph_at(fragments[0].start).index,
        sentence=sentence.strip(),
        quoted=[_span(ctx.text, s.start, s.end) for s in unit.spans if s.label is None],
    )


def extract_quotes(doc: Doc, article_id: str, entities: list[Entity]) -> list[Quote]:
    """Direct, partial and indirect quotations of a parsed body, in text order, speakers linked to
    `entities` (the entity extractor's output for the same text)."""
    ctx = _Context(doc, entities)
    if not ctx.paragraphs:
        return []
    ctx.set_spans(_with_turns(ctx.text, ctx.paragraphs, scan_quote_marks(ctx.text, ctx.paragraphs)))
    builder = _Builder(ctx)
    for span in ctx.spans:
        try:
            builder.add(span)
        except (IndexError, ValueError):  # one malformed span drops that span only
            log.warning("%s: quotation at %d dropped", article_id, span.open_at, exc_info=True)
    _attach_sources(ctx, builder.units)
    units = sorted(builder.units + _indirect_units(ctx, builder.units), key=lambda u: u.start)
    _resolve_speakers(ctx, units)
    quotes: list[Quote] = []
    for unit in units:
        if (quote := _to_quote(ctx, unit, article_id, len(quotes) + 1)) is not None:
            quotes.append(quote)
    return quotes
