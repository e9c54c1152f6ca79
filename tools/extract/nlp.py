"""Loading the spaCy pipeline once, with sentence starts forced at paragraph breaks."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import ModelUnavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

NEWLINE_COMPONENT = "newsdesk_newline_sentences"
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
    """A curly quotation mark glued to the words around it is a token of its own (`said,“Look`)."""
    from spacy.util import compile_infix_regex

    infixes = [*nlp.Defaults.infixes, r"[,;:](?=[“”\"])", r"[“”„]", r"(?<=[,;:])\""]
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
    them again each time."""
    sents = list(doc.sents)
    doc.user_hooks["sents"] = lambda _doc: iter(sents)
    return doc


def parse(text: str, model: str) -> Doc:
    """One parse at a time: a pipeline is not safe to share between threads."""
    nlp = load_pipeline(model)
    with _parse_lock:
        return _keep_sentences(nlp(text))


def pipe(texts: list[str], model: str, batch_size: int = 16) -> list[Doc]:
    """Parse many texts at once (nlp.pipe), one batch at a time per process."""
    nlp = load_pipeline(model)
    with _parse_lock:
        return [_keep_sentences(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
