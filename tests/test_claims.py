"""Claims: features on small hand-written texts, disputes and nesting, the seed gold, and the query side
(filters, grouping, ranking, summary, pages) on hand-built claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.tools.claims import summarize_claims, summary_line
from newsdesk.tools.corpus import build_article, read_file
from newsdesk.tools.errors import BadArgument
from newsdesk.tools.extract.claims import extract_claims
from newsdesk.tools.extract.entities import extract_entities
from newsdesk.tools.extract.quotes import extract_quotes
from newsdesk.tools.models import Claim, Claimant, Dispute, Span

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_FILE = REPO / "seeds" / "000_a621f7fa4f80e312.txt"


@pytest.fixture(scope="module")
def claims_of(nlp):
    def run(text: str) -> list[Claim]:
        doc = nlp(text)
        entities = extract_entities(doc, "a", None)
        return extract_claims(doc, "a", entities, extract_quotes(doc, "a", entities))

    return run


def attributed(claims: list[Claim]) -> list[Claim]:
    return [c for c in claims if c.attributed]


def by_cue(claims: list[Claim], cue: str) -> Claim:
    hits = [c for c in claims if c.cue and c.cue.text == cue]
    assert len(hits) == 1, [(c.cue.text if c.cue else None, c.text) for c in claims]
    return hits[0]


# -- stance, certainty, type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "stance", "certainty", "words"),
    [
        (
            "Officials said that the new bridge could collapse within months.",
            "said",
            "asserts",
            "hedged",
            ["could"],
        ),
        (
            "The minister warned that the army will attack if the talks fail.",
            "warned",
            "warns",
            "conditional",
            ["if"],
        ),
        ("The company denied that its factory had polluted the river.", "denied", "denies", "unhedged", []),
        (
            'She added: "I think the reform is probably too late for this year."',
            "added",
            "asserts",
            "hedged",
            ["I think", "probably"],
        ),
        (
            "Analysts suggested that the bank was losing customers.",
            "suggested",
            "asserts",
            "hedged",
            ["suggested"],
        ),
    ],
)
def test_stance_and_certainty_come_from_the_cue_and_the_hedging_words(
    claims_of, text, cue, stance, certainty, words
):
    claim = by_cue(claims_of(text), cue)
    assert claim.stance == stance
    assert claim.certainty == certainty
    assert [w.text for w in claim.certainty_cues] == words
    for word in claim.certainty_cues:
        assert text[word.start : word.end] == word.text


@pytest.mark.parametrize(
    ("text", "claim_type"),
    [
        ("The mayor said that the city spent $4 million on the stadium.", "quantity"),
        ("The mayor said that the floods were caused by the broken dam.", "causal"),
        ("The mayor said that the new line will open next spring.", "prediction"),
        ("The mayor said that the council must approve the plan.", "demand"),
        ("The mayor said that the plan was a dangerous mistake.", "opinion"),
        ("The mayor said that the police arrested the driver.", "event"),
    ],
)
def test_claim_type_is_decided_by_the_first_rule_that_fires(claims_of, text, claim_type):
    claim = by_cue(claims_of(text), "said")
    assert claim.type == claim_type
    assert claim.type_cue is None or claim.type_cue in text


def test_every_offset_points_at_the_words_it_names(claims_of):
    text = (
        'The ministry claimed that the dam was safe. "It will hold for a century," the minister said. '
        "Engineers said that the concrete had cracked in 2019."
    )
    claims = claims_of(text)
    assert len(attributed(claims)) == 3
    for claim in claims:
        for piece in [*claim.fragments, claim.evidence, *([claim.cue] if claim.cue else [])]:
            assert text[piece.start : piece.end] == piece.text
        assert claim.start == claim.fragments[0].start and claim.end == claim.fragments[-1].end
        assert claim.evidence.start <= claim.start and claim.end <= claim.evidence.end
        assert 0.0 <= claim.checkworthiness <= 1.0 and claim.checkworthiness_reasons


# -- claimants ------------------------------------------------------------------------------------


def test_unnamed_groups_are_kept_as_written_and_named_people_resolve_to_their_entity(claims_of):
    text = (
        "Prime Minister Jane Holloway said that taxes would fall. "
        "Some economists said that the deficit would grow. "
        "Holloway added that growth was strong."
    )
    claims = attributed(claims_of(text))
    economists = [c for c in claims if "deficit" in c.text][0]
    assert economists.claimant.kind == "group"
    assert economists.claimant.name == "some economists"
    assert economists.claimant.mention is not None and economists.claimant.mention.text == "Some economists"
    named = [c for c in claims if c.claimant.kind == "entity"]
    assert {c.claimant.name for c in named} == {"Jane Holloway"}
    assert {c.claimant.resolution for c in named} >= {"alias"}


# -- disputes, counter-claims, nesting ------------------------------------------------------------


def test_a_dispute_in_the_next_sentence_marks_the_claim_before_it_and_keeps_the_counter_argument(claims_of):
    text = (
        "The ministry claimed that the dam was safe. "
        "Several engineers dispute this, arguing that the concrete had cracked."
    )
    claims = claims_of(text)
    disputed = by_cue(claims, "claimed")
    assert disputed.disputed
    (dispute,) = disputed.disputed_by
    assert dispute.by.name == "several engineers" and dispute.by.kind == "group"
    assert dispute.cue.text == "dispute"
    assert dispute.sentence.text == "Several engineers dispute this, arguing that the concrete had cracked."
    counter = by_cue(claims, "arguing")
    assert dispute.claim_id == counter.id
    assert counter.disputes == [disputed.id] and counter.responds_to == [disputed.id]
    assert counter.stance == "disputes" and counter.claimant.name == "several engineers"
    assert "the concrete had cracked" in counter.text


def test_a_dispute_in_the_same_sentence_is_cut_from_the_claim_it_disputes(claims_of):
    text = (
        "The company has claimed that the drug is completely safe, although some doctors have cast doubt "
        "on this, citing two recent trials."
    )
    claims = claims_of(text)
    disputed = by_cue(claims, "claimed")
    assert "doubt" not in disputed.text and disputed.text.endswith("completely safe")
    (dispute,) = disputed.disputed_by
    assert dispute.by.name == "some doctors"
    assert dispute.cue.text == "cast doubt on"
    assert dispute.argument is not None and dispute.argument.text == "citing two recent trials"


def test_a_nested_attribution_is_its_own_claim_inside_the_outer_one_and_nothing_is_duplicated(claims_of):
    text = "The mayor said that the governor had claimed that the budget was balanced."
    claims = attributed(claims_of(text))
    assert len(claims) == 2
    outer, inner = by_cue(claims, "said"), by_cue(claims, "claimed")
    assert inner.parent_id == outer.id and outer.parent_id is None
    assert outer.start <= inner.cue.start and inner.end <= outer.end
    assert inner.text.endswith("the budget was balanced")
    assert len({c.cue.start for c in claims}) == len(claims)


def test_a_claim_noun_relayed_by_a_reporting_verb_nests_inside_the_relaying_claim(claims_of):
    claims = attributed(claims_of("The senator repeated the governor's claim that the budget was balanced."))
    outer, inner = by_cue(claims, "repeated"), by_cue(claims, "claim")
    assert outer.text == "the governor's claim that the budget was balanced"
    assert inner.text == "that the budget was balanced" and inner.parent_id == outer.id
    assert inner.claimant.mention is not None and inner.claimant.mention.text == "the governor's"
    assert outer.claimant.kind == "unnamed" and inner.stance == "claims"


def test_a_reply_responds_to_the_claim_it_answers(claims_of):
    text = "The minister said that the hospital would close. The union replied that the closure was illegal."
    claims = claims_of(text)
    assert by_cue(claims, "replied").responds_to == [by_cue(claims, "said").id]


def test_an_anaphoric_claim_noun_is_disputed_but_a_descriptive_phrase_is_not(claims_of):
    claims = claims_of("The mayor said that crime had fallen. Critics have disputed the claim.")
    (dispute,) = by_cue(claims, "said").disputed_by
    assert dispute.by.name == "critics" and dispute.cue.text == "disputed"
    calm = claims_of("The mayor said that crime had fallen. Reporters question those who hold power.")
    assert not by_cue(calm, "said").disputed


def test_an_if_that_opens_an_indirect_question_is_not_a_condition(claims_of):
    claim = by_cue(claims_of("Reporters asked if the minister had resigned."), "asked")
    assert claim.certainty == "unhedged" and claim.stance == "asks"


def test_unattributed_sentences_are_claims_of_the_article(claims_of):
    text = "The bridge opened in 1932 and carries 40,000 cars a day. The mayor said that it was safe."
    claims = claims_of(text)
    own = [c for c in claims if not c.attributed]
    assert len(own) == 1
    assert own[0].claimant.kind == "article" and own[0].form == "unattributed" and own[0].cue is None
    assert own[0].text == "The bridge opened in 1932 and carries 40,000 cars a day."
    assert own[0].type == "quantity"


# -- the seed article -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_claims(nlp) -> list[Claim]:
    raw = read_file(SEED_FILE, SEED_FILE.read_bytes(), 50_000_000)[0]
    article = build_article(raw, "seed")
    doc = nlp(article.body)
    entities = extract_entities(doc, article.id, article.title)
    return extract_claims(doc, article.id, entities, extract_quotes(doc, article.id, entities))


@pytest.fixture(scope="module")
def seed_gold() -> dict:
    path = SHARED / "gold" / "seed_article.gold.json"
    if not path.is_file():
        pytest.skip(f"the seed gold is not at {path} (shared data is never part of the repository)")
    return json.loads(path.read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split()).casefold()


def test_seed_gold_claims_are_all_found_with_their_claimant_and_disputes(seed_claims, seed_gold):
    missing, undisputed = [], []
    for ref in seed_gold["claims"]:
        found = [
            c
            for c in seed_claims
            if _norm(ref["evidence_contains"]) in _norm(c.evidence.text)
            and c.claimant.name == ref["claimant"]
        ]
        if not found:
            missing.append(ref["evidence_contains"])
        if "disputed_by" in ref and not any(
            _norm(ref["dispute_contains"]) in _norm(d.sentence.text) for c in found for d in c.disputed_by
        ):
            undisputed.append(ref["evidence_contains"])
    assert not missing, f"claims not found with the right claimant: {missing}"
    assert not undisputed, f"disputes not linked: {undisputed}"


def test_seed_claim_ids_are_unique_and_links_point_at_existing_claims(seed_claims):
    ids = [c.id for c in seed_claims]
    assert len(ids) == len(set(ids))
    for claim in seed_claims:
        for target in [*claim.disputes, *claim.responds_to, *([claim.parent_id] if claim.parent_id else [])]:
            assert target in ids and target != claim.id


# -- the query side (pure functions over hand-built claims) ---------------------------------------


def make_claim(
    n: int,
    who: str,
    score: float,
    *,
    article: str = "a",
    entity: str | None = None,
    attributed: bool = True,
    text: str = "",
    disputed_by: str | None = None,
    certainty: str = "unhedged",
) -> Claim:
    claimant = (
        Claimant(entity_id=entity, name=who, kind="entity", resolution="named")
        if entity
        else Claimant(
            name=who,
            kind="group" if attributed else "article",
            resolution="as-written" if attributed else "article",
        )
    )
    span = Span(start=n * 10, end=n * 10 + 5, text=text or f"claim {n}")
    disputes = (
        [
            Dispute(
                by=Claimant(name=disputed_by, kind="group", resolution="as-written"),
                cue=Span(start=0, end=7, text="dispute"),
                sentence=Span(start=0, end=20, text=f"{disputed_by} dispute this."),
            )
        ]
        if disputed_by
        else []
    )
    return Claim(
        id=f"{article}:claim-{n}",
        article_id=article,
        attributed=attributed,
        claimant=claimant,
        cue=Span(start=0, end=4, text="said") if attributed else None,
        stance="asserts",
        certainty=certainty,  # type: ignore[arg-type]
        certainty_cues=[Span(start=1, end=6, text="could")] if certainty == "hedged" else [],
        form="indirect" if attributed else "unattributed",
        text=span.text,
        start=span.start,
        end=span.end,
        fragments=[span],
        evidence=span,
        paragraph_index=0,
        type="statement",
        checkworthiness=score,
        disputed=bool(disputes),
        disputed_by=disputes,
    )


@pytest.fixture
def corpus() -> dict[str, list[Claim]]:
    return {
        "a": [
            make_claim(
                0, "Vladimir Putin", 0.5, entity="person:putin", text="missiles could fly", certainty="hedged"
            ),
            make_claim(
                1,
                "Vladimir Putin",
                0.9,
                entity="person:putin",
                text="strikes were a response",
                disputed_by="some commentators",
            ),
            make_claim(2, "some experts", 0.7, text="the missile can be stopped"),
            make_claim(3, "the article", 0.95, attributed=False, text="the missile was fired"),
        ],
        "b": [
            make_claim(0, "Vladimir Putin", 0.2, article="b", entity="person:putin", text="talks may help")
        ],
    }


def test_claims_are_grouped_by_claimant_and_ranked_by_checkworthiness(corpus):
    result = summarize_claims({"a": corpus["a"]}, article_id="a")
    assert [g.claimant.name for g in result.groups] == ["Vladimir Putin", "some experts"]
    assert [c.checkworthiness for c in result.groups[0].claims] == [0.9, 0.5]
    assert result.total == 3 and result.counts.claimants == 2 and result.counts.disputed == 1
    assert result.counts.unattributed == 0  # not asked for


def test_the_summary_names_claimant_claim_hedge_and_disputer(corpus):
    result = summarize_claims({"a": corpus["a"]}, article_id="a")
    assert result.summary[0] == "Vladimir Putin: strikes were a response [disputed by some commentators]"
    assert summary_line(corpus["a"][0]) == "Vladimir Putin: missiles could fly [hedged: could]"
    (link,) = result.disputes
    assert link.claim_id == "a:claim-1" and link.disputed_by == "some commentators"


def test_a_counter_claim_summary_names_whose_claim_it_disputes(corpus):
    counter = make_claim(5, "some commentators", 0.99, text="attacks were planned").model_copy(
        update={"disputes": ["a:claim-1"], "stance": "disputes"}
    )
    result = summarize_claims({"a": [*corpus["a"], counter]}, article_id="a")
    assert result.summary[0] == "some commentators: attacks were planned [disputes Vladimir Putin]"


def test_the_summary_leads_with_the_claim_of_the_lead_sentence_not_a_later_one_repeated(corpus):
    def at(claim: Claim, start: int, paragraph: int) -> Claim:
        span = Span(start=start, end=start + len(claim.text), text=claim.text)
        return claim.model_copy(update={"start": start, "evidence": span, "fragments": [span],
                                        "paragraph_index": paragraph})

    lead = at(make_claim(0, "Hazel Blears", 0.6, text="Muslims should accept more stops and searches"), 0, 0)
    later = [at(make_claim(n, "Massoud Shadjareh", 0.9, text=f"the minister is demonising Muslims ({n})"),
                900 + 200 * n, 2) for n in (1, 2, 3)]
    result = summarize_claims({"a": [*later, lead]}, article_id="a")
    assert result.summary[0] == "Hazel Blears: Muslims should accept more stops and searches"
    assert result.summary[1].startswith("Massoud Shadjareh: the minister is demonising Muslims")


def test_unattributed_claims_come_only_on_request(corpus):
    result = summarize_claims({"a": corpus["a"]}, include_unattributed=True)
    assert result.groups[0].claimant.name == "the article"
    assert result.counts.unattributed == 1 and result.total == 4


def test_filters_by_claimant_query_and_checkworthiness_work_across_the_corpus(corpus):
    assert summarize_claims(corpus, claimant="putin").total == 3
    assert summarize_claims(corpus, claimant_ids=["person:putin"]).counts.articles == 2
    found = summarize_claims(corpus, query="MISSILE")
    assert [c.text for g in found.groups for c in g.claims] == [
        "the missile can be stopped",
        "missiles could fly",
    ]
    assert summarize_claims(corpus, min_checkworthiness=0.6).total == 2


def test_pages_cover_every_claim_once_in_rank_order(corpus):
    seen, cursor = [], None
    while True:
        page = summarize_claims(corpus, limit=2, cursor=cursor, include_unattributed=True)
        seen += [c.id for g in page.groups for c in g.claims]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 5


def test_bad_limits_cursors_and_thresholds_are_argument_errors(corpus):
    with pytest.raises(BadArgument, match="limit"):
        summarize_claims(corpus, limit=0)
    with pytest.raises(BadArgument, match="cursor"):
        summarize_claims(corpus, cursor="abc")
    with pytest.raises(BadArgument, match="min_checkworthiness"):
        summarize_claims(corpus, min_checkworthiness=2.0)
