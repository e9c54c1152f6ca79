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
from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    spec = importlib.util.find_spec(GENDER_DATA)
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
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
