"""Loading the spaCy pipeline once, with sentence starts forced at paragraph breaks."""

from __future__ import annotations

import logging
import threading
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ModelUnavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

NEWLINE_COMPONENT = "newsdesk_newline_sentences"
PIECE_CHARS = 100_000  # longer texts are parsed in pieces (`pieces`)
_lock = threading.Lock()


def _register_component() -> None:
    from spacy.language import Language

    if Language.has_factory(NEWLINE_COMPONENT):
        return

    @Language.component(NEWLINE_COMPONENT)
    def newline_sentences(doc: Doc) -> Doc:
        """A token after a newline starts a sentence; a newline token never does."""
        for i, token in enumerate(doc[1:], 1):
            if "\n" in doc[i - 1].text or doc[i - 1].whitespace_.count("\n"):
                token.is_sent_start = True
            elif "\n" in token.text:
                token.is_sent_start = False
        return doc


def _split_glued_quotes(nlp: Language) -> None:
    """A curly quotation mark glued to the words around it is a token of its own (`said,“Look`). A title
    with a co-, ex- or vice- prefix stays one word ("the Tory co-chairman", "vice-president": split, the
    parser takes "co" for the subject); before a capital it is split as before ("ex-Labour")."""
    from spacy.lang.char_classes import ALPHA, HYPHENS
    from spacy.util import compile_infix_regex

    hyphen = rf"(?<=[{ALPHA}0-9])(?:{HYPHENS})(?=[{ALPHA}])"
    kept = (rf"(?<=[{ALPHA}0-9])(?:(?<!\b[Cc]o)(?<!\b[Ee]x)(?<!\b[Vv]ice)(?:{HYPHENS})(?=[{ALPHA}])"
            rf"|(?:{HYPHENS})(?=[A-Z]))")
    infixes = [kept if p == hyphen else p for p in nlp.Defaults.infixes]
    infixes += [r"[,;:](?=[“”\"])", r"[“”„]", r"(?<=[,;:])\""]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """Load an installed pipeline by package name; raises ModelUnavailable if it is not installed."""
    import spacy

    with _lock:
        _register_component()
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError) as exc:
            raise ModelUnavailable(name, str(exc).splitlines()[0]) from exc
        _split_glued_quotes(nlp)
        before = "parser" if "parser" in nlp.pipe_names else None
        if before:
            nlp.add_pipe(NEWLINE_COMPONENT, before=before)
        else:
            nlp.add_pipe(NEWLINE_COMPONENT, first=True)
        log.info("loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
        return nlp


_parse_lock = threading.Lock()


def _keep_sentences(doc: Doc) -> Doc:
    """Sentences are computed once per Doc: the extractors ask for them often, and spaCy would find
    them again each time (and scan them all for a token's or span's own sentence)."""
    sents = list(doc.sents)
    starts = [sent.start for sent in sents]

    def sentence_at(i: int) -> Span:  # the sentence holding token i, by bisection (not a scan of all)
        return sents[max(bisect_right(starts, i) - 1, 0)]

    doc.user_hooks["sents"] = lambda _doc: iter(sents)
    doc.user_span_hooks["sent"] = lambda span: sentence_at(span.start)
    doc.user_token_hooks["sent"] = lambda token: sentence_at(token.i)
    return doc


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """A long text cut at paragraph breaks (else at a line break or a space) into pieces of at most
    `size` characters that join back to the text exactly. spaCy refuses a text over `nlp.max_length`
    and its parser needs about 1 GB per 100,000 characters, so a long article is parsed piece by piece."""
    out: list[str] = []
    while len(text) > size:
        window = text[:size]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > size // 2 else size
        while cut < len(text) and text[cut].isspace() and cut < size:
            cut += 1
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text or not out else out


def _parsed(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    from spacy.tokens import Doc

    for text in texts:  # texts are parsed in order; long ones piece by piece, joined into one Doc
        if len(text) <= PIECE_CHARS:
            yield from nlp.pipe([text])
        else:
            yield Doc.from_docs(list(nlp.pipe(pieces(text), batch_size=batch_size)), ensure_whitespace=False)


def parse(text: str, model: str) -> Doc:
    """One parse at a time: a pipeline is not safe to share between threads."""
    return pipe([text], model)[0]


def pipe(texts: list[str], model: str, batch_size: int = 16) -> list[Doc]:
    """Parse many texts at once (nlp.pipe), one batch at a time per process."""
    nlp = load_pipeline(model)
    with _parse_lock:
        if all(len(text) <= PIECE_CHARS for text in texts):
            return [_keep_sentences(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
        return [_keep_sentences(doc) for doc in _parsed(nlp, texts, batch_size)]
