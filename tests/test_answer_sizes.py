"""Every tool's answer fits the stated budget on a 200-article corpus, through a real MCP client.

Sizes are counted as a model would see them: the structured content's JSON and the text content, in
tokens estimated at paging.TOKEN_CHARS characters a token. Two corpora: the seed multiplied to 200
articles (every entity then sits in 200 articles: the worst case for nested lists), and 200 real BBC
articles analysed for real (when ../shared is there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mcp import Client

from newsdesk.server.app import build_server
from newsdesk.tools.api import Desk
from newsdesk.tools.copies import write_copies
from newsdesk.tools.paging import DEFAULT_TOKENS, MAX_TOKENS, TOKEN_CHARS
from newsdesk.tools.settings import Settings

from .conftest import SEED_ID, SHARED

pytestmark = pytest.mark.anyio
ARTICLES = 200


def seed_copies(folder: Path) -> Settings:
    settings = Settings(index_path=folder / "copies.sqlite3")
    desk = Desk.open(settings)
    desk.ensure_analysed(SEED_ID)
    write_copies(desk.store, [(desk.store.get(SEED_ID), desk.store.analysis(SEED_ID))], ARTICLES, desk.version,
                 start=1)
    desk.close()
    return settings


def bbc_articles(folder: Path) -> Settings:
    texts = sorted((SHARED / "bbc").glob("*/*.txt"))
    if len(texts) < ARTICLES:
        pytest.skip(f"the BBC texts are not in {SHARED / 'bbc'} (they are never part of the repository)")
    corpus = folder / "bbc"
    corpus.mkdir()
    for text in texts[:: len(texts) // ARTICLES][:ARTICLES]:  # every section of the archive
        shutil.copy(text, corpus / f"{text.parent.name}-{text.name}")
    settings = Settings(index_path=folder / "bbc.sqlite3", corpus_dirs=[corpus], include_seeds=False)
    desk = Desk.open(settings)
    desk.analyse_all()
    desk.close()
    return settings


@pytest.fixture(scope="module", params=["seed-copies", "bbc"])
def corpus(request, tmp_path_factory) -> Settings:
    folder = tmp_path_factory.mktemp(request.param)
    return seed_copies(folder) if request.param == "seed-copies" else bbc_articles(folder)


def tokens(result) -> tuple[int, int]:
    structured = len(json.dumps(result.structured_content, ensure_ascii=False)) / TOKEN_CHARS
    text = sum(len(c.text) for c in result.content if hasattr(c, "text")) / TOKEN_CHARS
    return int(structured), int(text)


def calls(article_id: str, person: str) -> list[tuple[str, dict]]:
    """Each tool with its default arguments, corpus-wide and for one article."""
    return [
        ("list_articles", {}), ("list_articles", {"query": "said"}),
        ("get_article", {"article_id": article_id}),
        ("list_entities", {}), ("list_entities", {"article_id": article_id}),
        ("list_entities", {"include_mentions": True}), ("list_entities", {"related_to": person}),
        ("lookup_entity", {"name": person}),
        ("list_mentions", {"entity": person}),
        ("find_quotes", {}), ("find_quotes", {"article_id": article_id}),
        ("summarize_claims", {}), ("summarize_claims", {"article_id": article_id}),
        ("summarize_claims", {"include_unattributed": True}),
    ]


async def test_every_default_answer_fits_the_default_budget(corpus: Settings):
    async with Client(build_server(corpus)) as client:
        listing = await client.call_tool("list_articles", {"limit": 1})
        article_id = listing.structured_content["articles"][0]["id"]
        people = await client.call_tool("list_entities", {"types": ["PERSON"], "limit": 1})
        person = people.structured_content["entities"][0]["id"]
        sizes = {}
        for name, args in calls(article_id, person):
            result = await client.call_tool(name, args)
            assert not result.is_error, (name, args, result.content[0].text)
            sizes[f"{name}({', '.join(args)})"] = tokens(result)
    over = {call: size for call, size in sizes.items() if max(size) > DEFAULT_TOKENS}
    assert not over, f"over {DEFAULT_TOKENS} tokens (structured, text): {over}"


async def test_the_largest_pages_stay_under_the_hard_cap_and_page_instead_of_truncating(corpus: Settings):
    big = {"limit": 100, "max_tokens": MAX_TOKENS}
    async with Client(build_server(corpus)) as client:
        article_id = (await client.call_tool("list_articles", {"limit": 1})).structured_content["articles"][0]["id"]
        for name, args in [("list_entities", {**big, "include_mentions": True}), ("find_quotes", big),
                           ("summarize_claims", {**big, "limit": 40, "include_unattributed": True}),
                           ("get_article", {"article_id": article_id, "max_chars": 60_000}),
                           ("list_articles", big)]:
            result = await client.call_tool(name, args)
            assert not result.is_error, (name, result.content[0].text)
            assert max(tokens(result)) <= MAX_TOKENS, (name, tokens(result))
        # a page cut by the budget continues where it stopped: no item lost or repeated
        seen: list[str] = []
        cursor = None
        for _ in range(200):
            page = await client.call_tool("find_quotes", {"max_tokens": 1_000, **({"cursor": cursor} if cursor else {})})
            seen += [q["id"] for q in page.structured_content["quotes"]]
            cursor = page.structured_content["next_cursor"]
            if cursor is None or len(seen) >= 60:
                break
        whole = await client.call_tool("find_quotes", {"limit": len(seen), "max_tokens": MAX_TOKENS})
        at_once = [q["id"] for q in whole.structured_content["quotes"]]
        assert len(at_once) >= min(30, len(seen)) and seen[: len(at_once)] == at_once


async def test_brief_detail_is_smaller_and_keeps_the_ids_to_fetch_in_full(corpus: Settings):
    async with Client(build_server(corpus)) as client:
        for name in ("find_quotes", "summarize_claims", "list_entities"):
            full = await client.call_tool(name, {"limit": 10, "max_tokens": MAX_TOKENS})
            brief = await client.call_tool(name, {"limit": 10, "detail": "brief", "max_tokens": MAX_TOKENS})
            assert not brief.is_error, brief.content[0].text
            assert tokens(brief)[0] * 2 < tokens(full)[0], (name, tokens(brief), tokens(full))
            key = {"find_quotes": "quotes", "list_entities": "entities"}.get(name)
            if key:
                assert [i["id"] for i in brief.structured_content[key]] == [i["id"] for i in full.structured_content[key]]
