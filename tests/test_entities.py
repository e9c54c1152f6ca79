"""Canonical entities: one rule per test on small hand-written texts, the seed gold, corpus linking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.tools.corpus import build_article, read_file
from newsdesk.tools.extract.entities import entity_id, extract_entities
from newsdesk.tools.extract.entity_linking import link_ids, merge_corpus
from newsdesk.tools.extract.places import demonym_stems, gazetteer, key
from newsdesk.tools.models import Entity

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_FILE = REPO / "seeds" / "000_a621f7fa4f80e312.txt"


@pytest.fixture(scope="module")
def extract(nlp):
    def run(text: str, article_id: str = "a", title: str | None = None) -> list[Entity]:
        return extract_entities(nlp(text), article_id, title)

    return run


def only(entities: list[Entity], name: str) -> Entity:
    hits = [e for e in entities if e.name == name]
    assert len(hits) == 1, f"{name!r} in {[(e.name, e.type) for e in entities]}"
    return hits[0]


def surface(entity: Entity) -> set[str]:
    return {entity.name, *entity.aliases}


# -- one rule each --------------------------------------------------------------------------------


def test_surname_and_titled_surname_are_the_full_name(extract):
    text = (
        "Vladimir Putin met officials in Moscow on Monday.\n\n"
        "Putin said the talks went well. Mr Putin added that more meetings would follow, and Mr. Putin smiled."
    )
    people = [e for e in extract(text) if e.type == "PERSON"]
    assert [p.name for p in people] == ["Vladimir Putin"]
    assert {"Putin", "Mr Putin", "Mr. Putin"} <= set(people[0].aliases)
    assert people[0].mention_count == 4
    assert people[0].id == "person:vladimir-putin"


def test_shared_surname_goes_to_the_person_introduced_first(extract):
    text = "Hillary Clinton spoke in Ohio. Bill Clinton joined her. Clinton said she would win, and Clinton repeated it."
    found = extract(text)
    assert only(found, "Hillary Clinton").mention_count == 3
    assert only(found, "Bill Clinton").mention_count == 1
    assert "Clinton" not in {e.name for e in found}


def test_possessive_is_stripped_from_a_name(extract):
    found = extract(
        "Officials said Vladimir Putin's spokesman denied the report. Putin's office declined to comment."
    )
    putin = only(found, "Vladimir Putin")
    assert all("'s" not in m.text for m in putin.mentions or [])
    assert putin.mention_count == 2


def test_bad_span_across_a_possessive_is_split(extract):
    found = extract("Putin warned that Russia could strike military facilities of Kyiv's Western allies.")
    names = {e.name for e in found}
    assert "Kyiv" in names and not any("Western" in n for n in names)
    assert only(found, "Kyiv").type == "GPE"


def test_case_variants_are_one_entity_named_in_capitals(extract):
    found = extract("All three countries are NATO members. Nato allies met in Brussels on Tuesday.")
    nato = only(found, "NATO")
    assert nato.type == "ORG" and nato.aliases == ["Nato"] and nato.mention_count == 2


def test_spellings_and_codes_of_a_country_are_one_place(extract):
    text = (
        "The United States said it would respond. Officials in the US agreed, and U.S. troops were moved. "
        "America has allies."
    )
    us = only(extract(text), "United States")
    assert us.id == "gpe:united-states" and us.type == "GPE"
    assert {"US", "U.S.", "America"} <= set(us.aliases)
    assert us.mention_count == 4


def test_demonym_is_a_mention_of_its_place(extract):
    russia = only(extract("Russian troops crossed the border. Russia denied it."), "Russia")
    assert [(m.text, m.kind) for m in russia.mentions or []] == [("Russian", "demonym"), ("Russia", "name")]


def test_role_before_a_name_defines_a_later_role_mention(extract):
    text = "Russian President Vladimir Putin spoke on Friday.\n\nThe Russian president said the war would continue."
    putin = only(extract(text), "Vladimir Putin")
    roles = [m.text for m in putin.mentions or [] if m.kind == "role"]
    assert roles == ["The Russian president"]
    assert "The Russian president" not in putin.aliases  # roles are descriptions, not names


def test_apposition_defines_a_role(extract):
    text = (
        "Sergei Lavrov, the foreign minister, said talks had failed. Later the foreign minister left Geneva."
    )
    lavrov = only(extract(text), "Sergei Lavrov")
    assert [m.text for m in lavrov.mentions or [] if m.kind == "role"] == ["the foreign minister"] * 2


def test_role_shared_by_two_people_is_not_resolved(extract):
    text = (
        "Russian President Vladimir Putin met Belarusian President Alexander Lukashenko.\n\n"
        "The president said the talks went well."
    )
    found = extract(text)
    assert not [m for e in found for m in e.mentions or [] if m.kind == "role"]


def test_a_fired_and_tested_name_is_a_product_not_a_person(extract):
    text = (
        "Russia fired a new missile called Vostrel at the city. The Vostrel was launched from a base in the "
        "south. Officials said they tested the Vostrel twice."
    )
    vostrel = only(extract(text), "Vostrel")
    assert vostrel.type == "PRODUCT" and vostrel.mention_count == 3


def test_a_place_tagged_as_a_person_is_a_place(nlp):
    doc = nlp("The allies provide long-range weapons to the Kyiv regime, the minister said.")
    assert [e.label_ for e in doc.ents if e.text == "Kyiv"] == ["PERSON"]  # the model's mistake
    assert only(extract_entities(doc, "a"), "Kyiv").type == "GPE"


def test_acronym_and_expansion_are_one_entity_named_by_the_acronym(extract):
    text = "The Federal Bureau of Investigation (FBI) was asked. The FBI declined. The European Union and the EU met."
    found = extract(text)
    assert "Federal Bureau of Investigation" in only(found, "FBI").aliases
    assert "European Union" in only(found, "EU").aliases


def test_numbers_dates_and_pronouns_are_not_entities(extract):
    assert extract("He said it was good. They met on Monday at 5pm and paid $5 million for 3 percent.") == []


def test_plural_and_singular_group_names_are_one_entity(extract):
    found = extract("Republicans said the bill would fail. One Republican disagreed.")
    assert len(found) == 1 and found[0].type == "NORP" and found[0].mention_count == 2


def test_offsets_point_at_the_mention_and_its_sentence(nlp):
    text = "Putin met Lavrov.\n\nThe United States said Vladimir Putin and Sergei Lavrov were wrong. Nato agreed."
    for entity in extract_entities(nlp(text), "a"):
        for m in entity.mentions or []:
            assert text[m.start : m.end] == m.text
            assert text[m.sentence_start : m.sentence_end] == m.sentence
            assert m.sentence_start <= m.start < m.end <= m.sentence_end
            assert "\n" not in m.sentence


def test_headline_raises_salience(extract):
    text = "Poland and Latvia signed a deal. Poland welcomed it, and Latvia did too."
    plain = {e.name: e.salience for e in extract(text)}
    titled = {e.name: e.salience for e in extract(text, title="Latvia signs a deal")}
    assert titled["Latvia"] > plain["Latvia"] and titled["Poland"] == plain["Poland"]


# -- places ---------------------------------------------------------------------------------------


def test_gazetteer_comes_from_the_packages():
    gaz = gazetteer()
    assert gaz.place("Republic of Belarus").name == "Belarus"  # type: ignore[union-attr]
    assert gaz.place("Kiev").name == "Kyiv"  # type: ignore[union-attr]
    assert gaz.demonym("Ukrainians").name == "Ukraine"  # type: ignore[union-attr]
    assert gaz.demonym("Dominican").name == "Dominican Republic"  # type: ignore[union-attr]
    assert gaz.demonym("Welsh").name == "Wales"  # type: ignore[union-attr]
    assert gaz.place("US") is None and gaz.place("US", code_ok=True).name == "United States"  # type: ignore[union-attr]
    assert gaz.place("AI") is None


def test_adjectives_derive_from_place_names():
    assert "Syria" in demonym_stems("Syrian") and "West" in demonym_stems("Western")
    assert "Chicago" in demonym_stems("Chicagoans")
    assert demonym_stems("democrat") == []


# -- corpus ---------------------------------------------------------------------------------------


def test_ids_are_deterministic_from_type_and_name():
    assert entity_id("PERSON", "Vladimir Putin") == "person:vladimir-putin"
    assert entity_id("GPE", "the United States") == "gpe:united-states"
    assert entity_id("NORP", "Republicans") == entity_id("NORP", "Republican")
    assert entity_id("ORG", "U.N.") == entity_id("ORG", "UN") == "org:un"


def test_corpus_merge_links_a_surname_to_the_full_name_elsewhere(extract):
    per_article = {
        "a": extract("Vladimir Putin spoke in Moscow. Putin said the war would go on.", "a"),
        "b": extract("Putin warned the West on Friday. Putin said Russia was ready.", "b"),
        "c": extract("Officials of the European Union met. Nato allies met too.", "c"),
        "d": extract("The EU and the European Union are one. NATO agreed.", "d"),
    }
    assert only(per_article["b"], "Putin").id == "person:putin"
    merged = merge_corpus(per_article)
    putin = only(merged, "Vladimir Putin")
    assert putin.id == "person:vladimir-putin" and putin.article_count == 2 and putin.mention_count == 4
    assert [a.article_id for a in putin.articles] == ["a", "b"]
    assert only(merged, "EU").article_count == 2 and only(merged, "NATO").article_count == 2
    assert merged == sorted(merged, key=lambda e: -e.salience)
    links = link_ids(per_article)
    assert links[("b", "person:putin")] == "person:vladimir-putin"


def test_corpus_merge_does_not_link_an_ambiguous_surname(extract):
    per_article = {
        "a": extract("Hillary Clinton spoke in Ohio.", "a"),
        "b": extract("Bill Clinton spoke in Iowa.", "b"),
        "c": extract("Clinton said on Monday that Clinton would win.", "c"),
    }
    names = {e.name for e in merge_corpus(per_article)}
    assert {"Hillary Clinton", "Bill Clinton"} <= names and "Clinton" in names


# -- the seed article -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_entities(nlp) -> list[Entity]:
    raw = read_file(SEED_FILE, SEED_FILE.read_bytes(), 50_000_000)[0]
    article = build_article(raw, "seed")
    return extract_entities(nlp(article.body), article.id, article.title)


@pytest.fixture(scope="module")
def seed_gold() -> dict:
    path = SHARED / "gold" / "seed_article.gold.json"
    if not path.is_file():
        pytest.skip(f"the shared datasets are not at {SHARED} (they are never part of the repository)")
    return json.loads(path.read_text())


def _matches(entity: Entity, gold_name: str) -> bool:
    words, name = key(entity.name).split(), key(gold_name).split()
    contained = any(words[i : i + len(name)] == name for i in range(len(words)))
    return contained or key(gold_name) in {key(s) for s in surface(entity)}


def test_seed_gold_entities_are_each_found_once_typed_and_merged(seed_entities, seed_gold):
    found = 0
    for gold in seed_gold["entities"]:
        hits = [e for e in seed_entities if _matches(e, gold["name"])]
        if len(hits) != 1 or hits[0].type not in gold["type"].split("|"):
            continue
        others = [e for e in seed_entities if e is not hits[0]]
        if any(key(a) in {key(s) for e in others for s in surface(e)} for a in gold["aliases"]):
            continue  # an alias listed apart
        found += 1
    assert found == len(seed_gold["entities"]) == 21


def test_seed_has_none_of_the_entities_from_unrelated_headlines(seed_entities, seed_gold):
    forms = {key(s) for e in seed_entities for s in surface(e)}
    assert not [n for n in seed_gold["entities_not_in_article"] if key(n) in forms]


def test_seed_oreshnik_is_one_product_with_every_mention(seed_entities):
    oreshnik = only(seed_entities, "Oreshnik")
    assert oreshnik.type == "PRODUCT" and oreshnik.mention_count == 7
