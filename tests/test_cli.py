"""The `newsdesk` command follows Unix habits: --help, exit codes, data on stdout, logs on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsdesk.tools.api import Desk
from newsdesk.tools.settings import Settings


def newsdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsdesk.server", *args], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, check=False)


def test_help_lists_the_commands_and_exits_zero():
    result = newsdesk("--help")
    assert result.returncode == 0
    for command in ("serve", "index", "demo"):
        assert command in result.stdout


def test_an_unknown_command_exits_two_with_usage_on_stderr():
    result = newsdesk("frobnicate")
    assert result.returncode == 2 and "usage" in result.stderr and not result.stdout


def test_index_reports_counts_and_rejections_and_remembers_the_folder(tmp_path: Path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("Bridge opens\n\nThe mayor said the new bridge opened on Monday morning.\n")
    (folder / "junk.txt").write_bytes(b"\x00\x01binary")
    index = tmp_path / "i.sqlite3"
    result = newsdesk("index", str(folder), "--index", str(index), "--no-seeds")
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout and "1 rejected" in result.stdout
    assert f"rejected: {folder / 'junk.txt'}: binary" in result.stdout
    assert "articles: 1 (1 analysed now)" in result.stdout

    desk = Desk.open(Settings(index_path=index, include_seeds=False))  # no --corpus: the index remembers
    assert desk.store.ids() == ["story"]
    desk.close()
    forgotten = newsdesk("index", str(folder), "--forget", "--index", str(index), "--no-seeds")
    assert forgotten.returncode == 0 and "articles: 0" in forgotten.stdout


def test_index_of_a_missing_folder_fails_with_a_message(tmp_path: Path):
    result = newsdesk("index", str(tmp_path / "nope"), "--index", str(tmp_path / "i.sqlite3"))
    assert result.returncode == 2 and "not a folder" in result.stderr
