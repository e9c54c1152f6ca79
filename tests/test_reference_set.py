"""The hand-read reference set (eval/reference/, 59 articles of ../shared) scored as a user sees it:
speakers and claimants by entity, disputes found and linked. Floors sit a little under what the rules
reach (figures in the closing note of the session that set them); a drop below one fails the build."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "eval"))

from speakers import evaluate, figures  # noqa: E402

# split -> figure -> floor (fractions). "tune" is the part rules were chosen on, "held" the part kept aside.
FLOORS = {
    "tune": {
        "speaker": 0.89,
        "pronoun": 0.91,
        "role": 0.68,
        "claimant": 0.86,
        "dispute_recall": 0.14,
        "dispute_precision": 0.85,
        "lead_in_summary": 0.80,
    },
    "held": {
        "speaker": 0.81,
        "pronoun": 0.83,
        "role": 0.58,
        "claimant": 0.80,
        "dispute_recall": 0.06,
        "dispute_precision": 0.75,
        "lead_in_summary": 0.70,
    },
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, shared_dir: Path, nlp):
    for name in ("bbc", "polnear", "aeb"):
        if not (shared_dir / name).is_dir():
            pytest.skip(f"{shared_dir / name} is absent: the reference set reads its articles there")
    report = evaluate(shared_dir, request.param)
    return request.param, report, figures(report)


def test_the_reference_set_stays_above_its_floors(scored):
    split, report, found = scored
    assert report.articles >= 25
    below = {k: round(found[k], 3) for k, floor in FLOORS[split].items() if found[k] < floor}
    assert not below, f"{split}: below the floor: {below} (floors {FLOORS[split]})"


def test_seed_rules_hold_on_every_reference_article(scored):
    _split, report, _found = scored
    # every reference quote was looked for, and not-quotes (titles, sign-offs) never get a speaker
    assert report.quotes["all"].total > 500
    assert report.not_quotes_bad == 0
