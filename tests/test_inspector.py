"""A third-party client: the MCP Inspector CLI (npm, pinned) drives the stdio server."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEED_ID

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"


def inspector(index: Path, *args: str) -> subprocess.CompletedProcess[str]:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("npx (Node.js/npm) is not installed, so the MCP Inspector CLI cannot run")
    server = [sys.executable, "-m", "newsdesk.server", "-q", "serve", "--index", str(index)]
    return subprocess.run([npx, "-y", INSPECTOR, "--cli", *server, *args],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)


def test_the_inspector_lists_the_tools_and_reads_the_seed_article(tmp_path: Path):
    index = tmp_path / "i.sqlite3"
    listed = inspector(index, "--method", "tools/list")
    assert listed.returncode == 0, listed.stderr[-2000:]
    names = {tool["name"] for tool in json.loads(listed.stdout)["tools"]}
    assert names == {"list_articles", "get_article", "list_entities", "lookup_entity", "list_mentions", "find_quotes", "summarize_claims"}

    called = inspector(index, "--method", "tools/call", "--tool-name", "get_article",
                       "--tool-arg", f"article_id={SEED_ID}")
    assert called.returncode == 0, called.stderr[-2000:]
    result = json.loads(called.stdout)
    assert result["structuredContent"]["article"]["date"] == "2024-12-06"
    assert "Vladimir Putin" in result["content"][0]["text"]


def test_the_inspector_sees_an_unknown_article_as_a_tool_error(tmp_path: Path):
    failed = inspector(tmp_path / "i.sqlite3", "--method", "tools/call", "--tool-name", "get_article",
                       "--tool-arg", "article_id=nope")
    assert failed.returncode == 5, failed.stdout[-2000:] + failed.stderr[-2000:]
