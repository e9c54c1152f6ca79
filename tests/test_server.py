"""The MCP surface through real clients: in-memory, stdio subprocess and streamable HTTP subprocess."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from newsdesk.server.app import build_server
from newsdesk.server.demo import connect
from newsdesk.tools.settings import Settings

from .conftest import SEED_ID

pytestmark = pytest.mark.anyio
ALL_TOOLS = {"list_articles", "get_article", "list_entities", "lookup_entity", "list_mentions", "find_quotes",
             "summarize_claims"}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_seed_article_against_gold(structured: dict, gold: dict) -> None:
    ref = gold["article"]
    article = structured["article"]
    assert norm(article["title"]) == norm(ref["title"])
    assert article["date"] == ref["date"]
    assert ref["byline"] in (article["byline"] or "")
    paragraphs = structured["paragraphs"]
    assert len(paragraphs) == ref["body_paragraph_count"]
    body = "\n\n".join(p["text"] for p in paragraphs)
    assert norm(body).startswith(norm(ref["body_first_sentence"]))
    assert norm(body).endswith(norm(ref["body_last_sentence"]))
    for text in ref["must_include"]:
        assert norm(text) in norm(body), text
    for text in ref["must_exclude"]:
        assert norm(text) not in norm(body), text


async def test_tools_are_listed_with_input_and_output_schemas_and_read_only_hints(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert set(tools) == ALL_TOOLS
    for tool in tools.values():
        assert tool.description and len(tool.description) > 40
        assert tool.output_schema and tool.output_schema.get("type") == "object"
        assert tool.annotations and tool.annotations.read_only_hint is True
    assert tools["get_article"].input_schema["required"] == ["article_id"]


async def test_list_articles_finds_the_seed_by_query_and_not_by_an_absent_word(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        hit = await client.call_tool("list_articles", {"query": "oreshnik belarus"})
        miss = await client.call_tool("list_articles", {"query": "zzzunknownword"})
    assert not hit.is_error
    assert [a["id"] for a in hit.structured_content["articles"]] == [SEED_ID]
    assert hit.structured_content["articles"][0]["date"] == "2024-12-06"
    assert miss.structured_content["total"] == 0


async def test_get_article_returns_the_gold_clean_article(seed_settings: Settings, gold: dict):
    async with Client(build_server(seed_settings)) as client:
        result = await client.call_tool("get_article", {"article_id": SEED_ID, "max_chars": 60_000})
    assert not result.is_error
    check_seed_article_against_gold(result.structured_content, gold)
    assert "Vladimir Putin" in result.content[0].text


async def test_get_article_pages_a_long_body_with_offsets_that_match_the_text(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        full = await client.call_tool("get_article", {"article_id": SEED_ID, "format": "text", "max_chars": 60_000})
        body = full.structured_content["text"]
        pieces, start = [], 0
        while start is not None:
            page = await client.call_tool(
                "get_article", {"article_id": SEED_ID, "format": "text", "max_chars": 1000, "start_index": start}
            )
            pieces.append(page.structured_content["text"])
            start = page.structured_content["next_start_index"]
        paras = await client.call_tool("get_article", {"article_id": SEED_ID, "max_chars": 800})
    assert "".join(pieces) == body and len(pieces) >= 5
    for paragraph in paras.structured_content["paragraphs"]:
        assert body[paragraph["start"] : paragraph["end"]] == paragraph["text"]
    assert paras.structured_content["next_start_index"] is not None


async def test_unknown_article_id_is_a_tool_error_with_close_matches(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        result = await client.call_tool("get_article", {"article_id": "000-a621f7fa4f80e31"})
    assert result.is_error
    text = result.content[0].text
    assert "No article with id" in text and SEED_ID in text and "list_articles" in text


async def test_bad_arguments_say_which_argument_is_wrong(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        bad_limit = await client.call_tool("list_articles", {"limit": 0})
        bad_cursor = await client.call_tool("list_articles", {"cursor": "abc"})
        bad_format = await client.call_tool("get_article", {"article_id": SEED_ID, "format": "pdf"})
    assert bad_limit.is_error and "limit" in bad_limit.content[0].text
    assert bad_cursor.is_error and "cursor" in bad_cursor.content[0].text
    assert bad_format.is_error and "format" in bad_format.content[0].text
    assert "Traceback" not in bad_limit.content[0].text + bad_cursor.content[0].text


async def test_unknown_tool_is_a_protocol_error(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        with pytest.raises(MCPError) as info:
            await client.call_tool("no_such_tool", {})
    assert info.value.code == -32602


async def test_article_resource_and_corpus_overview_are_readable(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        templates = await client.list_resource_templates()
        article = await client.read_resource(f"article://{SEED_ID}")
        overview = await client.read_resource("corpus://overview")
        prompts = await client.list_prompts()
        with pytest.raises(MCPError):
            await client.read_resource("article://nope")
    assert any(t.uri_template == "article://{article_id}" for t in templates.resource_templates)
    assert "Vladimir Putin" in article.contents[0].text
    assert SEED_ID in overview.contents[0].text
    assert "brief_article" in {p.name for p in prompts.prompts}


@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_a_real_server_process_answers_over_each_transport(transport: str, tmp_path: Path, gold: dict):
    settings = Settings(index_path=tmp_path / "index.sqlite3")
    async with connect(settings, transport) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        listing = await client.call_tool("list_articles", {})
        article = await client.call_tool("get_article", {"article_id": SEED_ID, "max_chars": 60_000})
        missing = await client.call_tool("get_article", {"article_id": "missing"})
    assert names == ALL_TOOLS
    assert listing.structured_content["total"] == 1
    check_seed_article_against_gold(article.structured_content, gold)
    assert missing.is_error and "list_articles" in missing.content[0].text


async def test_article_ids_complete_for_the_prompt_argument(seed_settings: Settings):
    from mcp.types import PromptReference

    async with Client(build_server(seed_settings)) as client:
        done = await client.complete(PromptReference(type="ref/prompt", name="brief_article"),
                                     {"name": "article_id", "value": "000-"})
    assert done.completion.values == [SEED_ID]


async def test_list_entities_gives_one_canonical_entity_per_person_with_mentions(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        people = await client.call_tool(
            "list_entities", {"article_id": SEED_ID, "types": ["PERSON"], "include_mentions": True, "limit": 50}
        )
        body = (await client.call_tool("get_article", {"article_id": SEED_ID, "format": "text", "max_chars": 60_000}))
        corpus = await client.call_tool("list_entities", {"query": "putin"})
        related = await client.call_tool("list_entities", {"related_to": "Putin", "types": ["GPE"]})
        bad_type = await client.call_tool("list_entities", {"types": ["ANIMAL"]})
        bad_entity = await client.call_tool("list_entities", {"related_to": "Nobody Atall"})
    text = body.structured_content["text"]
    entities = people.structured_content["entities"]
    putin = [e for e in entities if e["name"] == "Vladimir Putin"]
    assert len(putin) == 1 and {"Putin", "Mr Putin"} <= set(putin[0]["aliases"])
    assert all(e["type"] == "PERSON" for e in entities)
    for mention in putin[0]["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["text"] in mention["sentence"]
    assert [e["id"] for e in corpus.structured_content["entities"]] == [putin[0]["id"]]
    assert related.structured_content["related_to"] == putin[0]["id"]
    assert "Russia" in {e["name"] for e in related.structured_content["entities"]}
    assert bad_type.is_error and "types" in bad_type.content[0].text
    assert bad_entity.is_error and "list_entities" in bad_entity.content[0].text


async def test_a_corpus_wide_query_reports_analysis_progress(seed_settings: Settings):
    seen: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    async with Client(build_server(seed_settings)) as client:
        result = await client.call_tool("list_entities", {"types": ["PERSON"]}, progress_callback=on_progress)
    assert not result.is_error and result.structured_content["total"] >= 5
    assert result.structured_content["coverage"] == {"analysed": 1, "articles": 1, "failed": 0}
    assert seen in ([], [(1, 1)])  # the analysis may be done before the call comes


def test_background_analysis_reports_progress_to_a_waiting_caller(seed_settings: Settings):
    import threading
    import time

    from newsdesk.tools.api import Desk
    from newsdesk.tools.background import Background

    desk = Desk.open(seed_settings)
    background = Background(desk, sync_first=False)
    seen: list[tuple[int, int]] = []
    done: list[bool] = []
    waiter = threading.Thread(target=lambda: done.append(background.wait(60, lambda d, t: seen.append((d, t)))))
    waiter.start()
    time.sleep(0.2)
    background.start()
    waiter.join(60)
    background.stop()
    assert done == [True] and seen == [(1, 1)] and desk.coverage().complete
    desk.close()


async def test_summarize_claims_ranks_claims_and_links_disputes(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        result = await client.call_tool("summarize_claims", {"article_id": SEED_ID, "limit": 40, "max_tokens": 20_000})
        by_lavrov = await client.call_tool("summarize_claims", {"claimant": "Lavrov", "limit": 40})
        bad = await client.call_tool("summarize_claims", {"min_checkworthiness": 2})
        body = await client.call_tool("get_article", {"article_id": SEED_ID, "format": "text", "max_chars": 60_000})
    text = body.structured_content["text"]
    summary = result.structured_content
    claims = [c for g in summary["groups"] for c in g["claims"]]
    assert summary["total"] == len(claims) >= 10 and summary["summary"]
    for claim in claims:
        for fragment in claim["fragments"]:
            assert text[fragment["start"] : fragment["end"]] == fragment["text"]
        assert text[claim["evidence"]["start"] : claim["evidence"]["end"]] == claim["evidence"]["text"]
    disputed = {c["claimant"]["name"] for c in claims if c["disputed"]}
    assert {"Russia", "Vladimir Putin"} <= disputed
    assert len(summary["disputes"]) >= 2
    lavrov = by_lavrov.structured_content["groups"]
    assert lavrov and all(g["claimant"]["name"] == "Sergei Lavrov" for g in lavrov)
    assert bad.is_error and "min_checkworthiness" in bad.content[0].text


async def test_a_claimant_filter_matches_the_entity_or_whole_words_and_unknown_names_fail(seed_settings: Settings):
    async with Client(build_server(seed_settings)) as client:
        us = await client.call_tool("summarize_claims", {"claimant": "us"})
        group = await client.call_tool("summarize_claims", {"claimant": "commentators"})
        nobody = await client.call_tool("summarize_claims", {"claimant": "Nobody Atall"})
        odd_cursor = await client.call_tool("list_articles", {"cursor": "\u00b2"})
        wildcard = await client.call_tool("list_articles", {"query": "_"})
        lower_type = await client.call_tool("list_entities", {"types": ["person"]})
    assert us.structured_content["total"] == 0  # the United States makes no claim; Russia is not "us"
    assert [g["claimant"]["name"] for g in group.structured_content["groups"]] == ["some commentators"]
    assert nobody.is_error and "claimant" in nobody.content[0].text and "list_entities" in nobody.content[0].text
    assert odd_cursor.is_error and "cursor" in odd_cursor.content[0].text
    assert wildcard.structured_content["total"] == 0
    assert {e["type"] for e in lower_type.structured_content["entities"]} == {"PERSON"}


def test_a_file_added_to_a_served_folder_is_picked_up_without_a_restart(tmp_path: Path):
    import time

    from newsdesk.tools.api import Desk
    from newsdesk.tools.background import Background

    folder = tmp_path / "news"
    folder.mkdir()
    desk = Desk.open(Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False))
    background = Background(desk)
    background.start(watch=True)
    time.sleep(0.5)  # the watcher is set up
    (folder / "late.txt").write_text("A late story\n\nThe minister said the late story was true, officials said.\n")
    deadline = time.monotonic() + 20
    while "late" not in desk.store.ids() and time.monotonic() < deadline:
        time.sleep(0.2)
    background.stop()
    assert "late" in desk.store.ids()
    desk.close()


async def test_a_listening_client_is_told_when_the_served_articles_change(tmp_path: Path):
    import anyio

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "first.txt").write_text("First story\n\nThe minister said the first story was true.\n")
    settings = Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False)
    events = []
    async with Client(build_server(settings)) as client:
        async with client.listen(resources_list_changed=True, resource_subscriptions=["corpus://overview"]) as sub:
            await anyio.sleep(1.5)  # the background thread has read the folder and watches it
            (folder / "second.txt").write_text("Second story\n\nThe minister said the second story was true.\n")
            with anyio.fail_after(30):
                async for event in sub:
                    events.append(type(event).__name__)
                    break
        listing = await client.call_tool("list_articles", {})
    assert events and events[0] in ("ResourcesListChanged", "ResourceUpdated")
    assert listing.structured_content["total"] == 2
