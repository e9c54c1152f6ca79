"""Speed figures: indexing throughput, cold start to the first answer, per-tool latency.

Run: python bench/bench.py [--shared ../shared] [--bbc N]
Prints one line per figure. Uses only loopback and temporary files.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import anyio

from newsdesk.server.demo import connect
from newsdesk.tools.api import Desk
from newsdesk.tools.settings import Settings

SEED_ID = "000-a621f7fa4f80e312"


def copy_bbc(shared: Path, target: Path, count: int) -> int:
    files = sorted((shared / "bbc").glob("*/*.txt"))[:count]
    for path in files:
        shutil.copy(path, target / f"{path.parent.name}-{path.name}")
    return len(files)


async def first_answer(settings: Settings, transport: str) -> tuple[float, float]:
    """Seconds from process start to connected, and to the first get_article answer."""
    started = time.perf_counter()
    async with connect(settings, transport) as client:
        connected = time.perf_counter() - started
        result = await client.call_tool("get_article", {"article_id": SEED_ID})
        assert not result.is_error
        return connected, time.perf_counter() - started


async def tool_latency(settings: Settings, calls: list[tuple[str, dict]], repeat: int) -> dict[str, float]:
    async with connect(settings, "stdio") as client:
        names = {t.name for t in (await client.list_tools()).tools}
        for name, args in calls:  # warm: the first call may extract
            if name in names:
                await client.call_tool(name, args)
        timings = {}
        for name, args in calls:
            if name not in names:
                continue
            started = time.perf_counter()
            for _ in range(repeat):
                await client.call_tool(name, args)
            timings[f"{name}({args})"] = (time.perf_counter() - started) / repeat * 1000
        return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--bbc", type=int, default=300, help="BBC articles to index (0 to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = tmpdir / "corpus"
        corpus.mkdir()
        count = copy_bbc(args.shared, corpus, args.bbc) if args.bbc and (args.shared / "bbc").is_dir() else 0
        settings = Settings(corpus_dirs=[corpus], index_path=tmpdir / "index.sqlite3")

        started = time.perf_counter()
        desk = Desk.open(settings)
        read_s = time.perf_counter() - started
        print(f"index text extraction: {count + 1} files in {read_s:.2f} s ({(count + 1) / read_s:.0f} files/s)")
        started = time.perf_counter()
        analysed = desk.analyse_all()
        nlp_s = time.perf_counter() - started
        if analysed:
            print(f"index NLP analysis: {analysed} articles in {nlp_s:.1f} s ({nlp_s / analysed * 1000:.0f} ms/article)")
        started = time.perf_counter()
        report = desk.refresh()
        print(f"index re-sync, nothing changed: {report.unchanged} files in {time.perf_counter() - started:.2f} s")
        desk.close()

        for transport in ("stdio", "http"):
            connected, answered = anyio.run(first_answer, settings, transport)
            print(f"cold start over {transport} (built index): connected {connected:.2f} s, "
                  f"first get_article answer {answered:.2f} s")
        calls = [
            ("list_articles", {"query": "election"}),
            ("get_article", {"article_id": SEED_ID}),
            ("list_entities", {"article_id": SEED_ID}),
            ("list_entities", {}),
            ("find_quotes", {"article_id": SEED_ID}),
            ("summarize_claims", {"article_id": SEED_ID}),
        ]
        for name, ms in anyio.run(tool_latency, settings, calls, 5).items():
            print(f"tool latency over stdio, warm: {name} {ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
