"""The store: what is written reads back the same, full-text search, cursors, schema versions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsdesk.tools.analysis import analyse_article
from newsdesk.tools.api import Desk
from newsdesk.tools.errors import BadArgument, IndexOutdated
from newsdesk.tools.settings import Settings
from newsdesk.tools.store import SCHEMA_VERSION, Store, fts_query

from .conftest import SEED_ID


def test_an_analysis_reads_back_exactly_as_it_was_extracted(seed_desk: Desk):
    seed_desk.analyse_all()
    article = seed_desk.article(SEED_ID)
    extracted = analyse_article(article, seed_desk.settings.spacy_model)
    assert seed_desk.store.quotes(SEED_ID, limit=100).items == extracted.quotes
    assert seed_desk.store.article_claims(SEED_ID) == extracted.claims
    local = [e for e, _ in seed_desk.store.article_entities(SEED_ID, include_mentions=True)]
    assert local == extracted.entities


def test_the_search_syntax_and_its_errors(seed_desk: Desk):
    def hits(query: str) -> int:
        return seed_desk.list_articles(query).total

    assert hits('"hypersonic missiles"') == 1 and hits('"missiles hypersonic"') == 0
    assert hits("oreshn*") == 1 and hits("zzzz OR belarus") == 1 and hits("belarus NOT putin") == 0
    assert hits("U.S.") in (0, 1) and hits("_") == 0
    for bad in ('"unclosed', "belarus AND", "x" * 600):
        with pytest.raises(BadArgument, match="query"):
            seed_desk.list_articles(bad)
    assert fts_query("Putin's war") == '"Putin s" war'


def test_keyset_pages_cover_a_list_once(tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir()
    lines = [json.dumps({"title": f"Story {n}", "date": f"2024-01-0{n % 3 + 1}",
                         "text": f"Words about story {n}, which happened in Paris."}) for n in range(7)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n")
    desk = Desk.open(Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False))
    seen, cursor = [], None
    while True:
        page = desk.list_articles(limit=3, cursor=cursor)
        seen += [a.id for a in page.articles]
        if (cursor := page.next_cursor) is None:
            break
    assert sorted(seen) == sorted(desk.store.ids()) and len(seen) == 7
    with pytest.raises(BadArgument, match="cursor"):
        desk.find_quotes(cursor=page.next_cursor or desk.list_articles(limit=3).next_cursor)
    desk.close()


def test_an_index_of_an_older_schema_is_rebuilt_and_keeps_its_folders(tmp_path: Path):
    path = tmp_path / "i.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE articles(id TEXT, data TEXT); CREATE TABLE remembered_roots(path TEXT PRIMARY KEY);"
                     "INSERT INTO remembered_roots VALUES('/some/folder'); PRAGMA user_version=0;")
    db.close()
    store = Store(path)
    assert store.remembered_roots() == [Path("/some/folder")] and store.count() == 0
    store.close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(IndexOutdated, match="newer newsdesk"):
        Store(path)


def test_corpus_claim_groups_count_each_claimant_over_all_pages(seed_desk: Desk):
    seed_desk.analyse_all()
    whole = seed_desk.summarize_claims(article_id=SEED_ID, limit=40, max_tokens=20_000)
    expected = {g.claimant.name: g.total for g in whole.groups}
    page = seed_desk.summarize_claims(limit=3)
    assert page.total == whole.total and page.groups
    for group in page.groups:
        assert group.total == expected[group.claimant.name] >= len(group.claims)
    assert page.counts.claims == whole.counts.claims and page.counts.by_type == whole.counts.by_type


def test_a_corpus_wide_answer_says_how_much_of_the_corpus_it_covers(tmp_path: Path):
    from newsdesk.server import render

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "feed.jsonl").write_text("\n".join(json.dumps({"title": f"Story {n}", "text": f"Words {n} here."})
                                                 for n in range(2)) + "\n")
    desk = Desk.open(Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False))
    quotes = desk.find_quotes()  # nothing is analysed yet: the answer does not wait
    assert quotes.coverage is not None and (quotes.coverage.analysed, quotes.coverage.articles) == (0, 2)
    assert "Covers the 0 of 2 articles analysed so far" in render.quote_list(quotes)
    desk.close()


def test_corpus_lists_filter_by_date_and_source(seed_desk: Desk, tmp_path: Path):
    seed_desk.analyse_all()
    everything = seed_desk.summarize_claims().total
    assert everything and seed_desk.summarize_claims(date_from="2024-12").total == everything
    assert seed_desk.summarize_claims(date_to="2024-11-30").total == 0
    assert seed_desk.find_quotes(date_from="2024-12-06", date_to="2024").total == seed_desk.find_quotes().total
    assert seed_desk.find_quotes(source="Nowhere Daily").total == 0
    assert seed_desk.list_articles(date_from="2025").total == 0 and seed_desk.list_articles(date_to="2024").total == 1
    with pytest.raises(BadArgument, match="date_from"):
        seed_desk.list_articles(date_from="last week")
