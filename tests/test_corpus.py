"""Corpus folders of every format, the persistent index, and rejected files."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest
from mcp import Client

from newsdesk.server.app import build_server
from newsdesk.tools.api import Desk
from newsdesk.tools.errors import ArticleNotFound, BadArgument
from newsdesk.tools.settings import Settings

from .conftest import SEED_ID

RECORDS = [
    {"title": "Council approves new bridge", "text": "The council approved a new bridge on Monday.\n\n"
     "\"It will open next year,\" the mayor said.", "date": "2023-05-01", "author": "A. Writer",
     "url": "https://example.org/bridge", "source": "Example Gazette"},
    {"title": "Rain expected", "text": "Forecasters said heavy rain is expected across the region this week."},
]


@pytest.fixture
def mixed_corpus(tmp_path: Path, shared_dir: Path) -> Path:
    """PolNeAR plain texts, AEB HTML pages (one gzipped) and JSON Lines records in one folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for src in sorted((shared_dir / "polnear" / "dev" / "text").glob("*.txt"))[:3]:
        shutil.copy(src, folder / src.name)
    pages = sorted((shared_dir / "aeb" / "html").glob("*.html.gz"))[:2]
    (folder / "page-one.html").write_bytes(gzip.decompress(pages[0].read_bytes()))
    shutil.copy(pages[1], folder / "page-two.html.gz")
    (folder / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    return folder


def test_a_mixed_folder_of_text_html_and_json_lines_is_indexed_with_readable_ids(tmp_path, mixed_corpus):
    desk = Desk.open(Settings(corpus_dirs=[mixed_corpus], index_path=tmp_path / "i.sqlite3"))
    ids = set(desk.store.ids())
    assert SEED_ID in ids and "page-one" in ids and "page-two" in ids
    assert {"feed-1", "feed-2"} <= ids
    assert len(ids) == 1 + 3 + 2 + 2
    bridge = desk.article("feed-1")
    assert (bridge.title, bridge.date, bridge.byline, bridge.source) == (
        "Council approves new bridge", "2023-05-01", "A. Writer", "Example Gazette")
    assert [p.text for p in bridge.paragraphs][1] == "\"It will open next year,\" the mayor said."
    html = desk.article("page-one")
    assert html.format == "html" and html.word_count > 50 and html.title
    polnear = [a for a in (desk.article(i) for i in ids) if a.format == "plain-text"]
    assert len(polnear) == 3 and all(a.word_count > 100 for a in polnear)
    desk.close()


def test_the_index_is_reused_updated_and_pruned_as_files_change(tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Headline A\n\nThe first article says something long enough to keep.\n")
    (folder / "b.txt").write_text("Headline B\n\nThe second article says something else entirely here.\n")
    settings = Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False)
    desk = Desk.open(settings)
    assert sorted(desk.store.ids()) == ["a", "b"]
    desk.close()

    desk = Desk.open(settings, sync=False)
    again = desk.refresh()
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 2, 0)
    (folder / "a.txt").write_text("First article rewritten\n\nThe first article was rewritten with new words today.\n")
    os.utime(folder / "a.txt", (1, 1))
    (folder / "b.txt").unlink()
    changed = desk.refresh()
    assert (changed.updated, changed.removed) == (1, 1)
    assert desk.store.ids() == ["a"] and desk.article("a").title == "First article rewritten"
    desk.close()


def test_bad_files_are_rejected_with_reasons_and_good_ones_stay(tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "good.txt").write_text("Good headline\n\nA perfectly good article body sits here.\n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 binary junk")
    (folder / "huge.txt").write_text("word " * 50_000)
    (folder / "broken.jsonl").write_text('{"title": "x", "text": "fine"}\n{not json\n')
    (folder / "notext.json").write_text('{"title": "no text field"}')
    (folder / "empty.txt").write_text("   \n")
    (folder / "undecodable.txt").write_bytes(b"caf\x81\x8d\x8f\x90\x9d")
    settings = Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False,
                        max_file_bytes=100_000)
    desk = Desk.open(settings, sync=False)
    report = desk.refresh()
    reasons = {Path(r.path).name: r.reason for r in report.rejected}
    assert desk.store.ids() == ["good"]
    assert "binary" in reasons["binary.txt"]
    assert "limit" in reasons["huge.txt"]
    assert "line 2" in reasons["broken.jsonl"]
    assert "'text'" in reasons["notext.json"]
    assert "empty" in reasons["empty.txt"]
    assert "undecodable" in reasons["undecodable.txt"] or "no article text" in reasons["undecodable.txt"]
    assert {Path(r.path).name for r in desk.overview().rejected} == set(reasons)
    desk.close()


def test_windows_1252_text_is_decoded(tmp_path: Path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "cp.txt").write_bytes("Caf\u00e9 opens\n\nThe caf\u00e9 \u2013 a new one \u2013 opened.\n".encode("cp1252"))
    desk = Desk.open(Settings(corpus_dirs=[folder], index_path=tmp_path / "i.sqlite3", include_seeds=False))
    assert "caf\u00e9 \u2013 a new one" in desk.article("cp").body
    desk.close()


def test_library_errors_say_what_to_do(seed_desk: Desk):
    with pytest.raises(ArticleNotFound, match="list_articles"):
        seed_desk.article("nope")
    with pytest.raises(BadArgument, match="start_index"):
        seed_desk.get_article(SEED_ID, start_index=10**7)
    with pytest.raises(BadArgument, match="limit"):
        seed_desk.list_articles(limit=1000)


@pytest.mark.anyio
async def test_a_user_corpus_is_served_over_mcp(tmp_path: Path, mixed_corpus: Path):
    settings = Settings(corpus_dirs=[mixed_corpus], index_path=tmp_path / "i.sqlite3")
    async with Client(build_server(settings)) as client:
        listing = await client.call_tool("list_articles", {"limit": 3})
        second = await client.call_tool("list_articles", {"limit": 3, "cursor": listing.structured_content["next_cursor"]})
        record = await client.call_tool("get_article", {"article_id": "feed-1"})
    assert listing.structured_content["total"] == 8
    first_ids = {a["id"] for a in listing.structured_content["articles"]}
    assert first_ids.isdisjoint(a["id"] for a in second.structured_content["articles"])
    assert record.structured_content["article"]["url"] == "https://example.org/bridge"


def test_a_moved_folder_keeps_its_ids_and_a_missing_one_keeps_its_articles(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    (first / "story.txt").write_text("Headline\n\nThe story body is long enough to be an article here.\n")
    index = tmp_path / "i.sqlite3"
    desk = Desk.open(Settings(corpus_dirs=[first], index_path=index, include_seeds=False))
    assert desk.store.ids() == ["story"]
    desk.close()
    shutil.move(first, second)
    desk = Desk.open(Settings(corpus_dirs=[second], index_path=index, include_seeds=False))
    assert desk.store.ids() == ["story"]
    desk.close()
    shutil.move(second, first)  # `second` is now configured but missing
    desk = Desk.open(Settings(corpus_dirs=[second], index_path=index, include_seeds=False))
    assert desk.store.ids() == ["story"]
    assert any("does not exist" in r.reason for r in desk.refresh().rejected)
    desk.close()


def test_a_plain_sync_keeps_the_articles_of_a_folder_it_was_not_given(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "story.txt").write_text("Headline\n\nThe story body is long enough to be an article here.\n")
    index = tmp_path / "i.sqlite3"
    Desk.open(Settings(corpus_dirs=[folder], index_path=index)).close()
    desk = Desk.open(Settings(index_path=index))  # as `newsdesk serve` with no --corpus
    assert "story" in desk.store.ids() and len(desk.store.ids()) == 2
    desk.close()


def test_pages_are_decoded_as_a_browser_would():
    from newsdesk.tools.corpus import decode_text

    where = Path("page")
    russian = "Министр заявил, что переговоры продолжатся в понедельник."
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><body><p>{russian}</p>'
    assert russian in decode_text(page.encode("koi8-r"), where, html=True)
    japanese = "東京で会議が開かれた。首相は記者団に語った。"
    page = f'<html><head><meta charset="shift_jis"></head><body><p>{japanese}</p></body></html>'
    assert japanese in decode_text(page.encode("shift_jis"), where, html=True)
    # a page declaring Latin-1 is read as Windows-1252 (curly quotes), and valid UTF-8 wins over a wrong label
    assert "\u201cquoted\u201d" in decode_text('<meta charset="iso-8859-1"><p>“quoted”</p>'.encode("cp1252"), where, html=True)
    assert "naïve" in decode_text('<meta charset="iso-8859-1"><p>naïve</p>'.encode(), where, html=True)
    assert decode_text(b"\xff\xfe" + "caf\u00e9 news".encode("utf-16-le"), where) == "caf\u00e9 news"
    assert decode_text("café – naïve résumé".encode("cp1252"), where) == "café – naïve résumé"
    assert decode_text(russian.encode("cp1251"), where) == russian
    # mojibake from an archive that decoded UTF-8 as Latin-1 (twice, stored decomposed) is put right, word by
    # word; text with real accents and dashes is left as it is
    mangled = "French President Fran" + "A\u0303\u0083A\u0302\u00a7" + "ois Hollande \u2014 at Guant\u00c3\u00a1namo Bay"
    assert decode_text(mangled.encode(), where) == "French President Fran\u00e7ois Hollande \u2014 at Guant\u00e1namo Bay"
    assert decode_text("Caf\u00e9 \u00c0 la carte, M\u00f6tley \u2014 fine".encode(), where) == (
        "Caf\u00e9 \u00c0 la carte, M\u00f6tley \u2014 fine")
