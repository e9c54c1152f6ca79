"""Tool latency, cold start, memory and index size at 1k / 10k / 100k articles, through a real MCP client
over stdio, beside raw SQLite doing each call's core lookup on the same file.

Each call is timed twice: as bare JSON-RPC over the server's stdio (the server and the transport), and
through the Python SDK's Client, which also validates every structured answer against the tool's output
schema with jsonschema (for a 20-claim answer most of its time).

Run: python bench/ingest.py --keep /tmp/bbc.sqlite3   (analyses the 2,225 BBC texts once)
     python bench/latency.py --source /tmp/bbc.sqlite3 [--sizes 1000,10000,100000] [--repeat 30]

The large corpora are the analysed BBC articles multiplied: copy c of an article gets its own id, a
title with "[c]" and a last paragraph "Copy c." (distinct ids and contents), and the article's own
analysis, written through the store's normal write path (corpus entities linked incrementally).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio

from newsdesk.server.demo import connect, server_command
from newsdesk.tools.copies import write_copies
from newsdesk.tools.settings import Settings
from newsdesk.tools.store import Store


def build(source: Path, target: Path, size: int) -> float:
    """Write `size` articles copied from the source index; returns seconds taken."""
    src = Store(source)
    originals = [(src.get(i), src.analysis(i)) for i in src.ids()]
    src.close()
    from newsdesk.tools.extract import analysis_version
    from newsdesk.tools.settings import DEFAULT_MODEL

    store = Store(target)
    started = time.perf_counter()
    write_copies(store, originals, size, analysis_version(DEFAULT_MODEL))  # the server's own version
    store.compact()  # as `newsdesk index` leaves an index
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def server_pid() -> int | None:
    """The newest child process of this one (the server the client started)."""
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            found.append(int(stat.parent.name))
    return max(found) if found else None


def peak_memory_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def calls(index: Path) -> list[tuple[str, dict]]:
    db = sqlite3.connect(index)
    article = db.execute("SELECT id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    person = db.execute(  # the most quoted person of the corpus
        "SELECT e.name FROM quotes q JOIN entities e ON e.rowid = q.speaker WHERE e.type = 'PERSON' "
        "GROUP BY e.rowid ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    db.close()
    return [
        ("get_article", {"article_id": article}),
        ("list_articles", {}),
        ("list_articles", {"query": "election"}),
        ("list_entities", {"article_id": article}),
        ("list_entities", {}),
        ("list_entities", {"related_to": person}),
        ("find_quotes", {"speaker": person}),
        ("find_quotes", {"query": "economy"}),
        ("summarize_claims", {"claimant": person}),
        ("summarize_claims", {"query": "election"}),
    ]


async def measure(settings: Settings, plan: list[tuple[str, dict]], repeat: int) -> dict:
    started = time.perf_counter()
    async with connect(settings, "stdio") as client:
        first = await client.call_tool(*plan[0])
        cold = time.perf_counter() - started
        assert not first.is_error, first.content
        pid = server_pid()
        out = {"cold start to first answer (s)": cold}
        for name, args in plan:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                result = await client.call_tool(name, args)
                times.append((time.perf_counter() - t) * 1000)
                assert not result.is_error, (name, args, result.content[0].text[:300])
            times.sort()
            out[label(name, args)] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
        out["server peak memory (MB)"] = peak_memory_mb(pid)
        return out


def measure_raw(settings: Settings, plan: list[tuple[str, dict]], repeat: int) -> dict:
    """The same calls as bare JSON-RPC over the server's stdio (no client-side schema validation):
    what the server and the transport cost."""
    started = time.perf_counter()
    process = subprocess.Popen(server_command(settings, "stdio"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    ids = iter(range(1, 10**9))

    def rpc(method: str, params: dict) -> dict:
        n = next(ids)
        process.stdin.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}) + "\n")
        process.stdin.flush()
        while True:
            message = json.loads(process.stdout.readline())
            if message.get("id") == n:
                return message

    try:
        rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "bench", "version": "0"}})
        process.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
        first = rpc("tools/call", {"name": plan[0][0], "arguments": plan[0][1]})
        out: dict = {"cold start to first answer (s)": time.perf_counter() - started}
        assert not first["result"].get("isError"), first
        for name, args in plan:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                result = rpc("tools/call", {"name": name, "arguments": args})
                times.append((time.perf_counter() - t) * 1000)
                assert "result" in result and not result["result"].get("isError"), (name, result)
            times.sort()
            out[label(name, args)] = (statistics.median(times), times[int(0.95 * (len(times) - 1))],
                                      len(json.dumps(result)))
        out["server peak memory (MB)"] = peak_memory_mb(process.pid)
        return out
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def label(name: str, args: dict) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})"


def raw_floor(index: Path, repeat: int) -> dict[str, float]:
    """The same lookups as plain SQL on the same file, in this process (ms, median)."""
    db = sqlite3.connect(index)
    article = db.execute("SELECT id FROM articles ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    speaker = db.execute("SELECT speaker FROM quotes WHERE speaker IS NOT NULL GROUP BY speaker "
                         "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    queries = {
        "article by id": ("SELECT body FROM articles WHERE id=?", (article,)),
        "20 newest articles": ("SELECT id, title FROM articles ORDER BY date DESC, rowid DESC LIMIT 20", ()),
        "FTS match, 20 by BM25": ("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'election' "
                                  "ORDER BY rank LIMIT 20", ()),
        "20 quotes by speaker": ("SELECT detail FROM quotes WHERE speaker=? ORDER BY rowid LIMIT 20", (speaker,)),
    }
    out = {}
    for name, (sql, params) in queries.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            db.execute(sql, params).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        out[name] = statistics.median(times)
    db.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, required=True, help="an analysed index (bench/ingest.py --keep)")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--workdir", type=Path, help="keep the built indexes here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            index = work / f"bench-{size}.sqlite3"
            if not index.exists():
                seconds = build(args.source, index, size)
                print(f"[{size:,}] built in {seconds:.0f} s ({size / seconds:.0f} articles/s written)", flush=True)
            kb = index.stat().st_size / size / 1000
            settings = Settings(index_path=index, include_seeds=False)
            plan = calls(index)
            raw = measure_raw(settings, plan, args.repeat)
            client = anyio.run(measure, settings, plan, args.repeat)
            print(f"[{size:,}] index {index.stat().st_size / 1e6:.0f} MB, {kb:.1f} KB per article")
            print(f"[{size:,}] cold start to first answer: {raw.pop('cold start to first answer (s)'):.2f} s "
                  f"(bare JSON-RPC), {client.pop('cold start to first answer (s)'):.2f} s (Python SDK client)")
            print(f"[{size:,}] server peak memory: {raw.pop('server peak memory (MB)'):.0f} MB "
                  f"(after the bare calls), {client.pop('server peak memory (MB)'):.0f} MB (after the SDK calls)")
            for name, (p50, p95, size_bytes) in raw.items():
                c50, c95 = client[name]
                print(f"[{size:,}] {name}: bare JSON-RPC p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
                      f"SDK client p50 {c50:.1f} ms, p95 {c95:.1f} ms; answer {size_bytes / 1000:.0f} KB")
            for name, ms in raw_floor(index, args.repeat).items():
                print(f"[{size:,}] raw SQLite floor, {name}: {ms:.2f} ms")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
