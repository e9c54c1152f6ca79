"""Check-worthiness: the shipped model, the rules, the combination, and the numpy trainer."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from newsdesk.tools.extract import checkworthiness as cw

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
MODEL_FILE = REPO / "tools" / "data" / "checkworthiness.json"

ATTRIBUTED_DISPUTED = (
    "Officials said the strike killed 42 civilians, more than twice the figure the ministry gave, "
    "a number the army disputes."
)
OPINION = "I think this is a wonderful country and we should all be proud of it."
GREETING = "Thank you very much, good evening."


@pytest.fixture(scope="module")
def trainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_checkworthiness", REPO / "eval" / "train_checkworthiness.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reasons_text(result: cw.Checkworthiness) -> str:
    return " | ".join(result.reasons)


# -- the shipped model ---------------------------------------------------------------------------


def test_shipped_model_file_is_small_and_loads_with_its_cross_validated_precision() -> None:
    assert MODEL_FILE.stat().st_size < 1_500_000
    model = cw.load_model()
    assert len(model.terms) > 5_000
    assert model.meta["format"] == cw.MODEL_FORMAT
    assert model.meta["cv_average_precision"] >= 0.8
    assert cw.load_model() is model  # loaded once


def test_scores_are_deterministic_and_match_a_fresh_load_of_the_file() -> None:
    fresh = cw.LearnedModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    first = cw.score_sentence(ATTRIBUTED_DISPUTED, has_named_source=True, disputed=True, entities=2)
    second = cw.score_sentence(ATTRIBUTED_DISPUTED, has_named_source=True, disputed=True, entities=2)
    assert first == second
    assert first.model_score == round(fresh.probability(ATTRIBUTED_DISPUTED), 4)


def test_a_model_file_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        cw.LearnedModel.from_json({"format": 999, "vocabulary": [], "idf": [], "coef": [], "intercept": 0})


def test_the_learned_model_prefers_a_statistic_to_a_pleasantry() -> None:
    model = cw.load_model()
    assert model.probability("Unemployment rose to 8 percent last year.") > 0.5
    assert model.probability(GREETING) < 0.3


def test_training_vectorizer_and_run_time_scoring_agree_on_the_shipped_weights(trainer: ModuleType) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    texts = [
        ATTRIBUTED_DISPUTED,
        OPINION,
        GREETING,
        "",
        "Taxes went up 12% under his plan, the plan's critics say.",
    ]
    docs = [cw.ngrams(cw.tokenize(t)) for t in texts]
    batch = trainer.predict(
        docs, data["vocabulary"], np.array(data["idf"]), np.array(data["coef"]), data["intercept"]
    )
    one_by_one = [cw.load_model().probability(t) for t in texts]
    assert batch == pytest.approx(one_by_one, abs=1e-9)


# -- rules and combination ---------------------------------------------------------------------------


def test_a_disputed_numeric_attributed_claim_outranks_opinion_and_greeting() -> None:
    claim = cw.score_sentence(ATTRIBUTED_DISPUTED, has_named_source=True, disputed=True, entities=1)
    opinion = cw.score_sentence(OPINION)
    greeting = cw.score_sentence(GREETING)
    assert claim.score > 0.8
    assert claim.score > opinion.score + 0.4
    assert claim.score > greeting.score + 0.6
    assert greeting.score < 0.1


def test_flags_raise_the_score_of_the_same_sentence() -> None:
    text = "The ministry said production will double next year."
    plain = cw.score_sentence(text).score
    sourced = cw.score_sentence(text, has_named_source=True).score
    disputed = cw.score_sentence(text, has_named_source=True, disputed=True).score
    assert plain < sourced < disputed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The warning came 30 minutes before the launch.", "contains a number (30 minutes)"),
        ("Aid reached $4.5 billion in aid last year.", "contains a number ($4.5 billion"),
        ("Prices rose 12% in a year.", "contains a number (12%)"),
        ("Three soldiers were wounded in the attack.", "contains a number (Three soldiers)"),
        ("The treaty was signed in 1987 by both leaders.", "mentions a date (1987)"),
        ("The talks ended on November 21 without a deal.", "mentions a date (November 21)"),
        ("The strikes were a response to attacks on its territory.", "causal claim (response to)"),
        ("Prices went up because the harvest failed.", "causal claim (because)"),
        ("Russia could launch the missiles from Belarus.", "prediction (could)"),
        ("The company will cut jobs across the region.", "prediction (will)"),
        ("It is the largest protest the city has seen.", "comparison or change (largest)"),
        ("Exports were higher than expected in the spring.", "comparison or change (than)"),
        ("Some commentators dispute this account of the attack.", "claim or dispute in the text (dispute)"),
        ("Do you really believe that story about the budget?", "question"),
        ("I think we are doing the right thing here.", "opinion or exhortation (I think)"),
        ("Thank you, and good night everyone in the hall.", "greeting or courtesy (Thank you)"),
        ("Nice to see you.", "short (fewer than 5 words)"),
    ],
)
def test_each_rule_names_itself_and_its_evidence_in_the_reasons(text: str, expected: str) -> None:
    assert expected in reasons_text(cw.score_sentence(text))


def test_flags_and_the_learned_score_appear_in_the_reasons() -> None:
    result = cw.score_sentence(ATTRIBUTED_DISPUTED, has_named_source=True, disputed=True, entities=3)
    assert "named source" in result.reasons
    assert "disputed" in result.reasons
    assert "3 named entities" in result.reasons
    assert result.reasons[-1] == f"learned score {result.model_score:.2f}"
    assert not any(r.startswith("claim or dispute in the text") for r in result.reasons)  # not counted twice


def test_a_plain_sentence_fires_no_rule_and_gets_the_neutral_formula_value() -> None:
    result = cw.score_sentence("The meeting took place in the old town hall.")
    assert result.reasons == [f"learned score {result.model_score:.2f}"]
    p = min(max(result.model_score, 0.05), 0.95)
    expected = 1 / (1 + math.exp(-(cw.BIAS + cw.MODEL_WEIGHT * math.log(p / (1 - p)))))
    assert result.score == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "?", "1", "$$$ %%% ???", "word " * 2000, "Ünïcödé ‘quotes’ — and “more” 12,5 %", "\n\n"],
)
def test_scores_stay_between_zero_and_one_for_odd_input(text: str) -> None:
    for flags in ({}, {"has_named_source": True, "disputed": True, "entities": 50}):
        result = cw.score_sentence(text, **flags)
        assert 0.0 <= result.score <= 1.0
        assert 0.0 <= result.model_score <= 1.0


def test_tokenize_collapses_numbers_and_keeps_currency_percent_and_question_marks() -> None:
    assert cw.tokenize("In 1999 we spent $3,000 — 12% more? Don’t.") == [
        "in", "<year>", "we", "spent", "$", "<num>", "<num>", "%", "more", "?", "don't",
    ]  # fmt: skip


# -- the trainer ----------------------------------------------------------------------------------------


def test_average_precision_matches_a_hand_computed_ranking(trainer: ModuleType) -> None:
    y = np.array([1.0, 0.0, 1.0, 0.0])
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    assert trainer.average_precision(y, scores) == pytest.approx((1 / 1 + 2 / 3) / 2)


def test_logistic_regression_learns_a_separating_word(trainer: ModuleType) -> None:
    docs = [
        cw.ngrams(cw.tokenize(t))
        for t in ["up 5 percent", "rose 9 percent", "hello there", "hello friend"] * 3
    ]
    y = np.array([1.0, 1.0, 0.0, 0.0] * 3)
    vocab, idf, coef, b = trainer.train(docs, y, c=10.0)
    p = trainer.predict(docs, vocab, idf, coef, b)
    assert trainer.average_precision(y, p) == 1.0
    assert coef[vocab.index("percent")] > 0 > coef[vocab.index("hello")]


def test_stratified_folds_are_fixed_and_balanced(trainer: ModuleType) -> None:
    y = np.array([1.0] * 10 + [0.0] * 25)
    folds = trainer.stratified_folds(y, 5)
    assert np.array_equal(folds, trainer.stratified_folds(y, 5))
    assert [int(((folds == f) & (y == 1)).sum()) for f in range(5)] == [2] * 5


def test_cross_validation_on_a_claimbuster_sample_ranks_well(trainer: ModuleType) -> None:
    if not (SHARED / "claimbuster" / "cb_2.5xNCS.json").is_file():
        pytest.skip(f"ClaimBuster data not present at {SHARED / 'claimbuster'} (shared data is not shipped)")
    texts, y = trainer.load(SHARED)
    keep = np.random.default_rng(7).permutation(len(texts))[:2500]
    learned, combined = trainer.cross_validate([texts[i] for i in keep], y[keep], k=3)
    assert np.mean(learned) > 0.75  # base rate is 0.29
    assert np.mean(combined) > 0.7


@pytest.mark.parametrize(
    "text",
    [
        "Prices ROSE BECAUSE of the strike, Mr Smith said.",
        # "İ" lower-cases to two characters: offsets of the lowered text no longer line up
        "İstanbul prices rose because of the strike, Mr Smith said.",
    ],
)
def test_case_insensitive_rules_report_the_words_as_written(text: str) -> None:
    reasons = [hit.reason for hit in cw.rules(text)]
    assert any(r.startswith("causal claim (") and r.lower() == "causal claim (because)" for r in reasons)
    assert ("causal claim (BECAUSE)" in reasons) == ("BECAUSE" in text)
    assert any(r.lower() == "comparison or change (rose)" for r in reasons)


def test_a_caseless_pattern_must_be_written_in_lower_case() -> None:
    from newsdesk.tools.extract.caseless import Caseless

    assert Caseless(r"\bno evidence\S*").search("There is No Evidence!") == (9, 21, "No Evidence!")
    with pytest.raises(ValueError, match="lower case"):
        Caseless(r"\bI think\b")
