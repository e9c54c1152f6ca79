from __future__ import annotations
from dataclasses import dataclass, field
@dataclass
class PageText:
    title: str | None = None
    date: str | None = None
    byline: str | None = None
    paragraphs: list[str] = field(default_factory=list)
def clean_page_text(text: str, headline: str | None = None) -> PageText:
    return PageText(title=headline, paragraphs=[l.strip() for l in text.split("\n") if l.strip()])
