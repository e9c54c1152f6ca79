"""The grammatical gender a person's name or title implies: honorifics, then the first name.

First names come from the nomquamgender data (MIT licence, pinned in pyproject): p(female) per name from
public name records. A name counts as male at p <= 0.1 and female at p >= 0.9, over at least
MIN_NAME_COUNT records; anything else has no gender. Its data file is read directly, so the package's
own module (pandas) is never imported. Used by the entity grouping (a "Mrs Howard" is not Michael Howard)
and by the resolver (he/she agreement).
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..settings import cache_dir

Gender = Literal["m", "f"]
MIN_NAME_COUNT = 20
GENDER_DATA = "nomquamgender"

PRONOUN_GENDER: dict[str, Gender] = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
HONORIFIC_GENDER: dict[str, Gender] = {
    **dict.fromkeys(["mr", "sir", "lord", "mister", "king", "prince", "father", "brother"], "m"),
    **dict.fromkeys(["mrs", "ms", "miss", "lady", "dame", "madam", "queen", "princess", "sister"], "f"),
}


@lru_cache(maxsize=1)
def first_name_genders() -> dict[str, Gender]:
    """First name -> gender. Deriving it from the package's data file (22 MB of JSON) takes over a second,
    so the table is kept in newsdesk's cache folder, named by the data file's size and time and the
    thresholds, and read from there next time (a few milliseconds); a cache that cannot be written or
    read is not used."""
    spec = importlib.util.find_spec(GENDER_DATA)
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    stat = path.stat()
    cached = cache_dir() / f"first-names-{MIN_NAME_COUNT}-{stat.st_size}-{stat.st_mtime_ns}.json"
    try:
        table = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(table, dict) and all(v in ("m", "f") for v in table.values()):
            return table
    except (OSError, ValueError):
        pass
    table = _derive(path)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        partial.write_text(json.dumps(table), encoding="utf-8")
        partial.replace(cached)  # whole or not at all: another process may be reading it
    except OSError:
        pass
    return table


def _derive(path: Path) -> dict[str, Gender]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Gender] = {}
    for name, row in data.items():
        if not name.isalpha() or len(row) < 3 or row[1] < MIN_NAME_COUNT:
            continue
        if row[2] <= 0.1:
            out[name] = "m"
        elif row[2] >= 0.9:
            out[name] = "f"
    return out


def honorific_gender(word: str) -> Gender | None:
    return HONORIFIC_GENDER.get(word.lower().rstrip("."))


def first_name_gender(full_name: str) -> Gender | None:
    """The gender of a full name's first word ("Sandra Howard" -> f); a one-word name has none."""
    words = full_name.split()
    return first_name_genders().get(words[0].lower()) if len(words) > 1 else None
