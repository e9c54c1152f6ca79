"""Check-worthiness of one sentence: a small learned model mixed with transparent rules.

The learned part is TF-IDF (word uni- and bigrams, sublinear tf, l2-normalised) + logistic regression,
trained by `eval/train_checkworthiness.py` on the ClaimBuster 2.5xNCS debate sentences and shipped as
`tools/data/checkworthiness.json`. Debate speech is not news, so the learned probability is only one
vote; the rules below carry most of the weight, and every rule that fired is listed in `reasons`.

Combination, in log-odds so that the result stays in (0, 1) and each rule shifts it by a fixed amount:

    score = sigmoid(BIAS + MODEL_WEIGHT * logit(clip(model_score, 0.05, 0.95))
                    + sum(RULE_WEIGHTS[rule] for each rule that fired)
                    + ENTITY_WEIGHT * min(entities, ENTITY_CAP))

BIAS = -0.5, MODEL_WEIGHT = 0.5. Rule weights: quantity +1.0, date only +0.3, named source +0.8,
disputed +1.2 (or, without the flag, claim/dispute words in the text +0.6), causal +0.5, prediction +0.4,
comparison or change +0.5; question -1.0, opinion or exhortation -0.6, greeting -1.5, under 5 words -1.0;
each named entity +0.2, at most 3. The model term moves the score by at most +-1.47 log-odds, while a
number, a named source and a dispute together add 3.0: unless a negative rule fires, a disputed, attributed,
numeric claim scores at least 0.73 whatever the debate model says; a neutral sentence with a 0.5 model
score gets 0.38, and a greeting stays under 0.05.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from typing import Any, NamedTuple

from .caseless import Caseless, lowered

MODEL_RESOURCE = "data/checkworthiness.json"
MODEL_FORMAT = 1  # bump with any change to `tokenize` / `ngrams` / the JSON layout

# -- the learned model's features (shared with the training script) --------------------------------

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*|[$%?]")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
NUM_TOKEN = "<num>"
YEAR_TOKEN = "<year>"


def tokenize(text: str) -> list[str]:
    """Lower-cased words; numbers collapse to <year> (1800-2099) or <num>; $, % and ? are kept."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if tok[0].isdigit():
            tok = YEAR_TOKEN if _YEAR.fullmatch(tok) else NUM_TOKEN
        out.append(tok)
    return out


def ngrams(tokens: list[str]) -> list[str]:
    """Unigrams and bigrams (bigram words joined by a space)."""
    return tokens + [f"{a} {b}" for a, b in pairwise(tokens)]


@dataclass(frozen=True)
class LearnedModel:
    """Term -> (idf, coefficient), plus the intercept; see `probability` for the exact computation."""

    terms: dict[str, tuple[float, float]]
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LearnedModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"checkworthiness model format {data.get('format')!r}, expected {MODEL_FORMAT}")
        vocab: list[str] = data["vocabulary"]
        idf: list[float] = data["idf"]
        coef: list[float] = data["coef"]
        if not len(vocab) == len(idf) == len(coef):
            raise ValueError("checkworthiness model: vocabulary, idf and coef lengths differ")
        terms = {t: (float(i), float(c)) for t, i, c in zip(vocab, idf, coef)}
        meta = {k: v for k, v in data.items() if k not in ("vocabulary", "idf", "coef")}
        return cls(terms=terms, intercept=float(data["intercept"]), meta=meta)

    def probability(self, text: str) -> float:
        """sigmoid(intercept + sum_t coef_t * w_t); w = l2-normalised (1 + ln tf_t) * idf_t, known terms."""
        counts = Counter(t for t in ngrams(tokenize(text)) if t in self.terms)
        weights = {t: (1.0 + math.log(n)) * self.terms[t][0] for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        z = self.intercept + sum(w / norm * self.terms[t][1] for t, w in weights.items())
        return _sigmoid(z)


_lock = threading.Lock()
_model: LearnedModel | None = None


def load_model() -> LearnedModel:
    """The shipped model, read once from the package data."""
    global _model
    with _lock:
        if _model is None:
            text = resources.files("newsdesk.tools").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
            _model = LearnedModel.from_json(json.loads(text))
        return _model


# -- the rules -------------------------------------------------------------------------------------

BIAS = -0.5
MODEL_WEIGHT = 0.5
MODEL_CLIP = (0.05, 0.95)
ENTITY_WEIGHT = 0.2  # per named entity, at most ENTITY_CAP of them count
ENTITY_CAP = 3
RULE_WEIGHTS: dict[str, float] = {
    "quantity": 1.0,  # a number with a unit, a percentage, money, a spelled-out count
    "date": 0.3,  # only a date: events are dated, but a date alone is rarely the claim
    "named_source": 0.8,
    "disputed": 1.2,
    "contested": 0.6,  # the sentence itself says a claim is made or contested; not added when disputed
    "causal": 0.5,
    "prediction": 0.4,
    "comparison": 0.5,
    "question": -1.0,
    "opinion": -0.6,
    "greeting": -1.5,
    "short": -1.0,  # fewer than SHORT_WORDS words
}
SHORT_WORDS = 5

_UNIT_WORDS = (
    r"percent|per cent|percentage points?|million|billion|trillion|thousand|hundred|"
    r"dozens?|hundreds|thousands|millions|billions"
)
# "$4.5 billion", "12%", "30 minutes", "3,000 troops": the word after a number is shown as its unit unless
# it is a function word. Years (1800-2099) and days next to a month name are dates, not quantities.
_NUMBER = re.compile(
    rf"(?<![\w.])(?P<cur>[$€£]\s?)?(?P<num>\d+(?:[.,]\d+)*)(?P<unit>\s?%|\s(?:{_UNIT_WORDS})\b)?"
    r"(?:\s(?P<next>[A-Za-z][a-z-]+))?"
)
_MONTH = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "a about after an and are as at be before but by each for from had has have he her his if in into "
        "is it its more less of off on or out over per she since so than that the their them they this to "
        "up was were when where which while who will with",
    )
)
_SPELLED = Caseless(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"dozens|hundreds|thousands|millions|billions|(?:a|one|nearly|almost|about|over) half|a third|a quarter|"
    r"doubled|tripled)\b"
    rf"(?:\s(?:{_UNIT_WORDS}))?(?:\s[a-z][a-z-]+)?"
)
_CAUSAL = Caseless(
    r"\b(?:because|due to|as a result|response to|responding to|in retaliation|retaliation for|"
    r"leads? to|led to|caused|causes|causing|resulted in|results in|blamed|thanks to|owing to|therefore|"
    r"triggered|prompted)\b"
)
# Case-sensitive "may" so that the month "May" does not count.
_PREDICTION = re.compile(
    r"\b(?:[Ww]ill|[Ww]on't|[Ww]ould|[Cc]ould|[Mm]ight|may|(?:is|are) expected to|plans? to|"
    r"(?:is|are) set to|forecasts?|predicts?|predicted|likely to|(?:is|are) going to|threaten(?:s|ed)? to)\b"
)
_COMPARISON = Caseless(
    r"\b(?:more than|less than|fewer than|than|compared (?:with|to)|largest|biggest|highest|lowest|"
    r"smallest|worst|best|most|least|fastest|record|first|rose|fell|increased|decreased|"
    r"doubled|tripled|surged|plunged|dropped|grew|shrank)\b"
)
_CONTESTED = Caseless(
    r"\b(?:disputes?|disputed|disputing|denie[sd]|deny|denying|rejected|refuted|contradict(?:s|ed)?|"
    r"falsely|no evidence|unverified|(?:could|can) not be (?:independently )?verified|claim(?:s|ed)?|"
    r"alleged(?:ly)?)\b"
)
_OPINION = Caseless(
    r"\b(?:i think|i believe|i feel|in my (?:opinion|view)|we must|we need to|we should|you should|"
    r"i want|let me|i hope)\b"
)
_GREETING = Caseless(
    r"^\W*(?:thank you|thanks|good (?:morning|evening|afternoon|night)|hello|hi|welcome|"
    r"congratulations|ladies and gentlemen)\b"
)
_WORD = re.compile(r"\w+")


class RuleHit(NamedTuple):
    name: str  # a RULE_WEIGHTS key, or "entities"
    weight: float  # its log-odds contribution
    reason: str  # human-readable, shown in Checkworthiness.reasons


@dataclass
class Checkworthiness:
    score: float  # 0..1 combined
    model_score: float  # the learned probability
    reasons: list[str]  # every rule that fired, then the learned score


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


_QUANTIFIERS = frozenset(re.findall(r"\w+", "some nearly almost only just around roughly approximately another all over under"))


def _in_name(text: str, m: re.Match[str], before: list[str]) -> bool:
    """A bare number inside a proper name: between capitalised words ("Article 33", "Apollo 11") or before
    two of them ("10 Downing Street")."""
    if before and before[0][:1].isupper() and before[0].isalpha():
        start_of_sentence = text[: m.start()].rstrip()[: -len(before[0])].rstrip()[-1:] in ("", ".", "!", "?")
        if not start_of_sentence or before[0].lower() not in _FUNCTION_WORDS | _QUANTIFIERS:
            return True
    after = text[m.end("num") :].split()[:2]
    return len(after) == 2 and all(w[:1].isupper() for w in after)


def _number_phrase(text: str, low: str | None = None) -> tuple[str, bool] | None:
    """The first quantity in the text with its unit, else the first date; True when it is a date."""
    date: str | None = None
    for m in _NUMBER.finditer(text):
        cur, num, unit, nxt = m.group("cur") or "", m.group("num"), m.group("unit") or "", m.group("next")
        before = text[: m.start()].split()[-1:]
        month_before = bool(before) and _MONTH.fullmatch(before[0]) is not None
        month_after = nxt is not None and _MONTH.fullmatch(nxt) is not None
        if not cur and not unit and (_YEAR.fullmatch(num) or month_before or month_after):
            date = date or (f"{before[0]} {num}" if month_before else num)
            continue
        if not cur and not unit and _in_name(text, m, before):
            continue  # "10 Downing Street", "Article 33", "Channel 4": part of a name, not a quantity
        phrase = cur + num + unit
        if nxt and nxt.lower() not in _FUNCTION_WORDS and not re.search(r"%|per|point", unit):
            phrase += f" {nxt}"
        return phrase, False
    if m := _SPELLED.search(text, low=low):
        words = m.text.split()
        if len(words) > 1 and words[-1].lower() in _FUNCTION_WORDS:
            words = words[:-1]
        return " ".join(words), False
    return (date, True) if date else None


def rules(
    text: str, *, has_named_source: bool = False, disputed: bool = False, entities: int = 0
) -> list[RuleHit]:
    """Every rule that fires on the sentence, in a fixed order."""
    fired: list[RuleHit] = []

    def add(name: str, reason: str) -> None:
        fired.append(RuleHit(name, RULE_WEIGHTS[name], reason))

    low = lowered(text)
    number = _number_phrase(text, low)
    if number and not number[1]:
        add("quantity", f"contains a number ({number[0]})")
    elif number:
        add("date", f"mentions a date ({number[0]})")
    if has_named_source:
        add("named_source", "named source")
    if disputed:
        add("disputed", "disputed")
    elif m := _CONTESTED.search(text, low=low):
        add("contested", f"claim or dispute in the text ({m.text})")
    if m := _CAUSAL.search(text, low=low):
        add("causal", f"causal claim ({m.text})")
    if m := _PREDICTION.search(text):
        add("prediction", f"prediction ({m.group(0)})")
    if m := _COMPARISON.search(text, low=low):
        add("comparison", f"comparison or change ({m.text})")
    if text.rstrip().rstrip("\"'\u201d\u2019)").endswith("?"):
        add("question", "question")
    if m := _OPINION.search(text, low=low):
        add("opinion", f"opinion or exhortation ({m.text})")
    if m := _GREETING.search(text, low=low):
        add("greeting", f"greeting or courtesy ({m.text})")
    if len(_WORD.findall(text)) < SHORT_WORDS:
        add("short", f"short (fewer than {SHORT_WORDS} words)")
    if entities > 0:
        counted = min(entities, ENTITY_CAP)
        noun = "entity" if entities == 1 else "entities"
        fired.append(RuleHit("entities", ENTITY_WEIGHT * counted, f"{entities} named {noun}"))
    return fired


def combine(model_score: float, fired: list[RuleHit]) -> float:
    """The module docstring's formula: log-odds sum of bias, damped model score and rule weights."""
    p = min(max(model_score, MODEL_CLIP[0]), MODEL_CLIP[1])
    return _sigmoid(BIAS + MODEL_WEIGHT * _logit(p) + sum(hit.weight for hit in fired))


def score_sentence(
    text: str, *, has_named_source: bool = False, disputed: bool = False, entities: int = 0
) -> Checkworthiness:
    """Check-worthiness of one sentence; the flags come from the attribution and entity extractors."""
    model_score = load_model().probability(text)
    fired = rules(text, has_named_source=has_named_source, disputed=disputed, entities=entities)
    reasons = [hit.reason for hit in fired] + [f"learned score {model_score:.2f}"]
    return Checkworthiness(
        score=round(combine(model_score, fired), 4), model_score=round(model_score, 4), reasons=reasons
    )
