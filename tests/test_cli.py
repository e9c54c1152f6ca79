"""The `newsdesk` command follows Unix habits: --help, exit codes, data on stdout, logs on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsdesk.tools.api import Desk
from newsdesk.tools.settings import Settings

from .conftest import REPO


def newsdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsdesk.server", *args], capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL, check=False)


def test_help_lists_the_commands_and_exits_zero():
    result = newsdesk("--help")
    assert result.returncode == 0
    for command in ("serve", "index", "demo"):
        assert command in result.stdout


def test_the_command_line_starts_without_the_mcp_sdk():
    # `newsdesk index` starts its workers after the CLI's imports: the SDK (0.4 s) is for `serve` only
    code = "import sys, newsdesk.server.cli; print(sorted(m for m in sys.modules if m.split('.')[0] == 'mcp'))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


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


def test_index_in_worker_processes_writes_what_one_process_writes(tmp_path: Path):
    """`--jobs 2` analyses in worker processes forked from a fork server; the analyses they send back
    (as JSON) are the ones the command writes when it analyses in its own process."""
    folder = tmp_path / "news"
    folder.mkdir()
    for n, body in enumerate(("The mayor said the new bridge opened on Monday. \"It is a fine day,\" he added.",
                              "Ms Patel denied the claim. The minister said the figures were wrong.",
                              "Shares rose 3% after the company said profits would double next year.")):
        (folder / f"story{n}.txt").write_text(f"Story {n}\n\n{body}\n")
    analyses = []
    for jobs in ("1", "2"):
        index = tmp_path / f"i{jobs}.sqlite3"
        result = newsdesk("-q", "index", str(folder), "--index", str(index), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        assert "(4 analysed now)" in result.stdout  # the seed article and the three stories
        desk = Desk.open(Settings(index_path=index), sync=False)
        analyses.append({aid: desk.store.analysis(aid) for aid in desk.store.ids()})
        desk.close()
    one, workers = analyses
    assert len(one) == 4 and all(a is not None and a.claims for a in one.values())
    assert workers == one


def test_index_of_a_missing_folder_fails_with_a_message(tmp_path: Path):
    result = newsdesk("index", str(tmp_path / "nope"), "--index", str(tmp_path / "i.sqlite3"))
    assert result.returncode == 2 and "not a folder" in result.stderr


def test_the_readme_demo_excerpt_is_the_real_output_of_newsdesk_demo(tmp_path: Path):
    import importlib.util
    import os

    spec = importlib.util.spec_from_file_location("readme_excerpt", REPO / "eval" / "readme_excerpt.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    env = {**os.environ, "NEWSDESK_INDEX": str(tmp_path / "index.sqlite3")}
    env.pop("NEWSDESK_CORPUS", None)
    run = subprocess.run([sys.executable, "-m", "newsdesk.server", "demo"], capture_output=True, text=True,
                         timeout=300, env=env, check=True)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split(module.START, 1)[1].split(module.END, 1)[0].strip()
    assert shown == module.excerpt(run.stdout).strip(), "README excerpt is stale: run eval/readme_excerpt.py"


def test_version_and_a_missing_corpus_folder_are_reported(tmp_path: Path):
    version = subprocess.run([sys.executable, "-m", "newsdesk.server", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("newsdesk ")
    run = subprocess.run([sys.executable, "-m", "newsdesk.server", "view", "000-a621f7fa4f80e312", "--index",
                          str(tmp_path / "i.sqlite3"), "--corpus", str(tmp_path / "nowhere"), "-o",
                          str(tmp_path / "v.html")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "nowhere does not exist" in run.stderr
    assert (tmp_path / "v.html").read_text().count("newsdesk-data") >= 1
