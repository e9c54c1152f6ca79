"""Load on the streamable HTTP server: many concurrent MCP clients making mixed tool calls.

Starts `newsdesk serve --transport http` as a subprocess on a free port over a freshly built index, then
runs N concurrent clients (the Python SDK's `Client` over streamable HTTP, one session and one HTTP
connection pool each, in anyio task groups), each making M mixed calls: list_articles (with and without
a query), get_article, list_entities (corpus and per article), find_quotes (corpus, by speaker, by
query), summarize_claims (per article and corpus) and reading corpus://overview. Before the load, one
client makes the same kind of calls one after another: the floor, in the same run.

Prints total calls, errors (each distinct text once), p50/p95/p99 latency per call and overall under
load beside the single-client p50/p95, throughput, and the server process's memory (VmRSS, VmHWM)
before and after the load. Exits 1 if any call failed.

Run: python bench/http_load.py [--clients 50] [--calls 200] [--articles 100] [--corpus DIR] [--token [T]]

The default corpus is the bundled seed plus the first --articles BBC texts (../shared/bbc/*/*.txt),
copied into a temporary folder and analysed with `newsdesk index` before the server starts. --token
passes a bearer token to `newsdesk serve --token` (when that option exists) and sends it as
`Authorization: Bearer <token>`; without a value a random one is made.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from newsdesk.server import demo

ROOT = Path(__file__).resolve().parents[1]
NEWSDESK = [sys.executable, "-m", "newsdesk.server.cli"]
OVERVIEW_URI = "corpus://overview"
TOOLS = ("list_articles", "get_article", "list_entities", "find_quotes", "summarize_claims")
ERROR_CHARS = 200
WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass(frozen=True)
class Call:
    label: str  # the kind of call, e.g. "find_quotes(speaker)"
    tool: str  # the tool name, or "resource" for a resource read
    args: dict[str, Any]


@dataclass
class Pools:
    """What the calls draw their arguments from, read from the server before the load."""

    ids: list[str]
    title_words: list[str]
    speakers: list[str]
    quote_words: list[str]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # label -> ms
    errors: Counter[str] = field(default_factory=Counter)
    calls: int = 0

    def add(self, call: Call, ms: float, error: str | None) -> None:
        self.calls += 1
        self.times[call.label].append(ms)
        if error is not None:
            self.errors[f"{call.label}: {error[:ERROR_CHARS]}"] += 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


# -- the corpus and the server ---------------------------------------------------------------------------


def copy_bbc(shared: Path, target: Path, count: int) -> int:
    """Copy the first `count` BBC texts (sorted paths) as <category>-<name>.txt; returns how many."""
    files = sorted((shared / "bbc").glob("*/*.txt"))[:count]
    if not files:
        raise SystemExit(f"http_load: no BBC texts under {shared / 'bbc'} (use --shared or --corpus)")
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, target / f"{path.parent.name}-{path.name}")
    return len(files)


def corpus_options(corpus: Path, index: Path, no_seeds: bool) -> list[str]:
    return ["--index", str(index), "--corpus", str(corpus), *(["--no-seeds"] if no_seeds else [])]


def build_index(corpus: Path, index: Path, no_seeds: bool) -> tuple[float, list[str]]:
    """`newsdesk index` the folder (and the seeds) into `index`; returns seconds and its report lines."""
    started = time.perf_counter()
    done = subprocess.run([*NEWSDESK, "-q", "index", str(corpus), "--index", str(index),
                           *(["--no-seeds"] if no_seeds else [])],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"http_load: newsdesk index failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stdout.splitlines()


def serve_supports_token() -> bool:
    done = subprocess.run([*NEWSDESK, "serve", "--help"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True)
    return re.search(r"--token\b", done.stdout) is not None


def die_with_parent() -> None:
    """In the server's child process: SIGTERM it if this script dies (even killed with SIGKILL)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:
        # its own session: a Ctrl-C reaches this script, which then stops the server in order
        return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True, preexec_fn=die_with_parent)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout=10)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    try:
        demo.wait_for_port(port, process, timeout)
    except (RuntimeError, TimeoutError) as exc:
        raise SystemExit(f"http_load: {exc}:\n{tail(log)}") from None


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def memory(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (KB) and Threads of a live process."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_log_problems(log: Path) -> Counter[str]:
    """Distinct warning, error and traceback lines the server wrote to stderr."""
    found: Counter[str] = Counter()
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return found
    for line in text.splitlines():
        if re.match(r"(WARNING|ERROR|CRITICAL)\b|Traceback|\w+(Error|Exception)\b", line.strip()):
            found[line.strip()[:ERROR_CHARS]] += 1
    return found


# -- the clients -------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def connected(url: str, token: str | None):
    """One MCP session over its own HTTP connection pool; the bearer token only when one is given.
    The client-side response cache is off: every call reaches the server."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30.0, read=300.0))
    async with http, Client(streamable_http_client(url, http_client=http), cache=None) as client:
        yield client


def describe(exc: BaseException) -> str:
    if isinstance(exc, MCPError):
        return f"protocol error {exc.code}: {exc.message}"
    if isinstance(exc, BaseExceptionGroup):
        return " | ".join(describe(e) for e in exc.exceptions)
    return f"exception {type(exc).__name__}: {exc}"


async def make_call(client: Client, call: Call, limit: float) -> tuple[float, str | None]:
    """One timed call: its milliseconds and its error text, if any."""
    started = time.perf_counter()
    error = None
    try:
        with anyio.fail_after(limit):
            if call.tool == "resource":
                result = await client.read_resource(call.args["uri"])
                if not result.contents or not getattr(result.contents[0], "text", ""):
                    error = "resource read returned no text"
            else:
                result = await client.call_tool(call.tool, call.args)
                if result.is_error:
                    text = " ".join(getattr(c, "text", "") for c in result.content or [])
                    error = f"tool error (isError): {text.strip()}"
                elif result.structured_content is None:
                    error = "tool result without structured content"
    except TimeoutError:
        error = f"timeout: no answer within {limit:.0f} s"
    except Exception as exc:  # any other failure is a result of the benchmark, not its end
        error = describe(exc)
    return (time.perf_counter() - started) * 1000, error


def choose(items: list[str], rng: random.Random, what: str) -> str:
    if not items:
        raise SystemExit(f"http_load: the corpus gave no {what} to call with")
    return rng.choice(items)


def variants(pools: Pools) -> list[tuple[str, str, Callable[[random.Random], dict[str, Any]]]]:
    """(label, tool, arguments from a random generator) for every kind of call in the mix."""
    return [
        ("list_articles()", "list_articles", lambda r: {}),
        ("list_articles(query)", "list_articles", lambda r: {"query": choose(pools.title_words, r, "title words")}),
        ("get_article", "get_article", lambda r: {"article_id": choose(pools.ids, r, "article ids")}),
        ("list_entities()", "list_entities", lambda r: {}),
        ("list_entities(article_id)", "list_entities", lambda r: {"article_id": choose(pools.ids, r, "article ids")}),
        ("find_quotes()", "find_quotes", lambda r: {}),
        ("find_quotes(speaker)", "find_quotes", lambda r: {"speaker": choose(pools.speakers, r, "speakers")}),
        ("find_quotes(query)", "find_quotes", lambda r: {"query": choose(pools.quote_words, r, "quote words")}),
        ("summarize_claims(article_id)", "summarize_claims",
         lambda r: {"article_id": choose(pools.ids, r, "article ids")}),
        ("summarize_claims()", "summarize_claims", lambda r: {}),
        (f"read {OVERVIEW_URI}", "resource", lambda r: {"uri": OVERVIEW_URI}),
    ]


def plan(pools: Pools, calls: int, seed: int) -> list[Call]:
    """`calls` calls, every kind about as often, in a shuffled order, arguments drawn at random."""
    rng = random.Random(seed)
    kinds = variants(pools)
    out = [Call(label, tool, args(rng)) for label, tool, args in (kinds[n % len(kinds)] for n in range(calls))]
    rng.shuffle(out)
    return out


async def read_pools(client: Client) -> Pools:
    """Article ids and title words, resolved speakers and words of their quotes, through the tools."""
    names = {t.name for t in (await client.list_tools()).tools}
    missing = set(TOOLS) - names
    if missing:
        raise SystemExit(f"http_load: the server has no tool {', '.join(sorted(missing))}")
    ids, titles, cursor = [], [], None
    while True:
        page = await client.call_tool("list_articles", {"limit": 100, **({"cursor": cursor} if cursor else {})})
        if page.is_error:
            raise SystemExit(f"http_load: list_articles failed: {page.content}")
        data = page.structured_content or {}
        for article in data.get("articles", []):
            ids.append(article["id"])
            titles.append(article["title"])
        cursor = data.get("next_cursor")
        if not cursor:
            break
    quotes = await client.call_tool("find_quotes", {"limit": 100})
    if quotes.is_error:
        raise SystemExit(f"http_load: find_quotes failed: {quotes.content}")
    speakers, quote_text = set(), []
    for quote in (quotes.structured_content or {}).get("quotes", []):
        quote_text.append(quote["text"])
        if quote["speaker"].get("entity_id") and quote["speaker"].get("name"):
            speakers.add(quote["speaker"]["name"])
    return Pools(
        ids=ids,
        title_words=sorted({w.lower() for t in titles for w in WORD.findall(t)}),
        speakers=sorted(speakers),
        quote_words=sorted({w.lower() for t in quote_text for w in WORD.findall(t)}),
    )


async def wait_until_answers(url: str, token: str | None, process: subprocess.Popen[bytes],
                             within: float) -> None:
    deadline = time.monotonic() + within
    last = "no attempt"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"http_load: the server exited with code {process.returncode}")
        try:
            with anyio.fail_after(max(1.0, deadline - time.monotonic())):
                async with connected(url, token) as client:
                    result = await client.call_tool("list_articles", {"limit": 1})
            if not result.is_error:
                return
            last = " ".join(getattr(c, "text", "") for c in result.content)
        except Exception as exc:
            last = describe(exc)
        await anyio.sleep(0.2)
    raise SystemExit(f"http_load: the server did not answer within {within:.0f} s: {last[:ERROR_CHARS]}")


async def sequential(url: str, token: str | None, calls: list[Call], limit: float) -> Results:
    results = Results()
    async with connected(url, token) as client:
        for call in calls:
            results.add(call, *await make_call(client, call, limit))
    return results


async def load(url: str, token: str | None, plans: list[list[Call]], limit: float, pid: int) -> dict[str, Any]:
    """Every client connects, then all start their calls at once; the wall time counts the calls only
    (from the start signal to the last answer, before the sessions close)."""
    results = Results()
    count = {"ready": 0, "done": 0}
    all_ready, go, all_done = anyio.Event(), anyio.Event(), anyio.Event()

    def step(key: str, event: anyio.Event) -> None:
        count[key] += 1
        if count[key] == len(plans):
            event.set()

    async def one_client(calls: list[Call]) -> None:
        stage = "connect"
        try:
            async with connected(url, token) as client:
                step("ready", all_ready)
                stage = "calls"
                await go.wait()
                for call in calls:
                    results.add(call, *await make_call(client, call, limit))
                step("done", all_done)
                stage = "close"
        except Exception as exc:  # a session that fails (to connect or to close) is an error, not the end
            results.errors[f"client session ({stage}): {describe(exc)[:ERROR_CHARS]}"] += 1
            if stage == "connect":
                step("ready", all_ready)
            if stage in ("connect", "calls"):
                step("done", all_done)

    out: dict[str, Any] = {"results": results}
    async with anyio.create_task_group() as tg:
        for calls in plans:
            tg.start_soon(one_client, calls)
        await all_ready.wait()
        out["memory before"] = memory(pid)
        out["server cpu before"] = cpu_seconds(pid)
        out["own cpu before"] = own_cpu_seconds()
        started = time.perf_counter()
        go.set()
        await all_done.wait()
        out["seconds"] = time.perf_counter() - started
        out["memory after"] = memory(pid)
        out["server cpu after"] = cpu_seconds(pid)
        out["own cpu after"] = own_cpu_seconds()
    out["memory after close"] = memory(pid)
    return out


# -- the report -------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def fmt_memory(m: dict[str, int]) -> str:
    if not m:
        return "unavailable (the process is gone)"
    return (f"VmRSS {m.get('VmRSS', 0) / 1024:.1f} MB, VmHWM {m.get('VmHWM', 0) / 1024:.1f} MB, "
            f"{m.get('Threads', 0)} threads")


def report_table(loaded: Results, alone: Results) -> None:
    labels = list(loaded.times) or list(alone.times)
    order = {label: n for n, (label, _, _) in enumerate(variants(Pools([], [], [], [])))}
    labels.sort(key=lambda label: order.get(label, len(order)))
    groups: list[tuple[str, list[float], list[float]]] = [
        (label, loaded.times.get(label, []), alone.times.get(label, [])) for label in labels]
    for tool in (*TOOLS, "resource"):
        members = [label for label in labels if label.startswith(tool) or (tool == "resource" and
                                                                          label.startswith("read "))]
        if len(members) > 1:
            groups.append((f"{tool} (all)", [t for m in members for t in loaded.times.get(m, [])],
                           [t for m in members for t in alone.times.get(m, [])]))
    groups.append(("all calls", [t for ts in loaded.times.values() for t in ts],
                   [t for ts in alone.times.values() for t in ts]))
    width = max(len(g[0]) for g in groups)
    print(f"{'call':<{width}}  {'n':>6}  {'p50':>8}  {'p95':>8}  {'p99':>8}  {'max':>8}   "
          f"{'alone n':>7}  {'p50':>7}  {'p95':>7}   (ms)")
    for n, (label, times, floor) in enumerate(groups):
        if n == len(labels) or label == "all calls":
            print("-" * (width + 83))
        print(f"{label:<{width}}  {len(times):>6}  {percentile(times, 50):>8.1f}  {percentile(times, 95):>8.1f}  "
              f"{percentile(times, 99):>8.1f}  {max(times, default=float('nan')):>8.1f}   {len(floor):>7}  "
              f"{percentile(floor, 50):>7.1f}  {percentile(floor, 95):>7.1f}")


def report_errors(title: str, errors: Counter[str]) -> None:
    print(f"{title}: {sum(errors.values())}" + (f" ({len(errors)} distinct)" if errors else ""))
    for text, count in errors.most_common():
        print(f"  {count:>6} x {text}")


# -- main ---------------------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, url: str, token: str | None, process: subprocess.Popen[bytes],
              log: Path) -> int:
    started = time.perf_counter()
    await wait_until_answers(url, token, process, args.start_timeout)
    print(f"server answering {time.perf_counter() - started:.1f} s after it listened")
    idle = memory(process.pid)
    async with connected(url, token) as client:
        pools = await read_pools(client)
    print(f"articles served: {len(pools.ids)}; call arguments from {len(pools.title_words)} title words, "
          f"{len(pools.speakers)} quoted speakers, {len(pools.quote_words)} quote words")
    plans = [plan(pools, args.calls, seed=args.seed + n) for n in range(args.clients)]

    print(f"\nsingle client, {args.calls} calls one after another (the floor) ...", flush=True)
    t = time.perf_counter()
    alone = await sequential(url, token, plans[0], args.timeout)
    alone_seconds = time.perf_counter() - t
    print(f"  {alone.calls} calls in {alone_seconds:.1f} s ({alone.calls / alone_seconds:.1f} calls/s)")

    print(f"\n{args.clients} concurrent clients x {args.calls} calls ...", flush=True)
    out = await load(url, token, plans, args.timeout, process.pid)
    loaded: Results = out["results"]
    seconds = out["seconds"]
    server_cpu = out["server cpu after"] - out["server cpu before"]
    own_cpu = out["own cpu after"] - out["own cpu before"]

    print("\n=== results ===")
    print(f"total calls: {loaded.calls} under load (planned {args.clients * args.calls}), "
          f"{alone.calls} alone")
    report_errors("errors under load", loaded.errors)
    report_errors("errors alone", alone.errors)
    print(f"wall time under load: {seconds:.1f} s; throughput {loaded.calls / seconds:.1f} calls/s "
          f"(single client: {alone.calls / alone_seconds:.1f} calls/s)")
    print(f"CPU during the load: server {server_cpu:.1f} s ({server_cpu / seconds:.0%} of one core), "
          f"this benchmark's clients {own_cpu:.1f} s ({own_cpu / seconds:.0%} of one core); "
          f"{os.cpu_count()} cores")
    print("latency, concurrent load beside a single client alone:")
    report_table(loaded, alone)
    print("server memory:")
    print(f"  after start (idle):           {fmt_memory(idle)}")
    print(f"  before the load:              {fmt_memory(out['memory before'])}  "
          f"(after the single-client run, {args.clients} sessions open)")
    print(f"  after the load:               {fmt_memory(out['memory after'])}  (sessions still open)")
    print(f"  after the sessions closed:    {fmt_memory(out['memory after close'])}")
    alive = process.poll() is None
    if not alive:
        print(f"server process exited during the run with code {process.returncode}")
    problems = server_log_problems(log)
    report_errors("server stderr warnings/errors", problems)
    return 1 if loaded.error_count or alone.error_count or not alive else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent MCP clients (default 50)")
    parser.add_argument("--calls", type=int, default=200, help="calls per client (default 200)")
    parser.add_argument("--articles", type=int, default=100,
                        help="BBC texts beside the seed for the default corpus (default 100)")
    parser.add_argument("--corpus", type=Path, metavar="DIR", help="serve this folder instead of the BBC texts")
    parser.add_argument("--no-seeds", action="store_true", help="leave the bundled seed corpus out")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                        help="the shared datasets folder (default ../shared)")
    parser.add_argument("--token", nargs="?", const="", metavar="TOKEN",
                        help="use a bearer token (a random one without a value): passed to "
                             "`newsdesk serve --token` and sent as Authorization: Bearer")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a call may take (default 60)")
    parser.add_argument("--start-timeout", type=float, default=60.0,
                        help="seconds the server may take to answer (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the call mix (default 1)")
    args = parser.parse_args()
    if args.clients < 1 or args.calls < 1:
        parser.error("--clients and --calls must be at least 1")
    if args.corpus is not None and not args.corpus.is_dir():
        parser.error(f"not a folder: {args.corpus}")
    return args


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped on the way out
    started = time.perf_counter()
    token = None
    if args.token is not None:
        token = args.token or secrets.token_urlsafe(24)
        if not serve_supports_token():
            print("http_load: `newsdesk serve --help` shows no --token option: the token is only sent as a "
                  "header, not given to the server", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="newsdesk-http-load-") as tmp:
        work = Path(tmp)
        index = work / "index.sqlite3"
        if args.corpus is not None:
            corpus = args.corpus.resolve()
            print(f"corpus: {corpus}" + ("" if args.no_seeds else " and the bundled seed"))
        else:
            corpus = work / "corpus"
            copied = copy_bbc(args.shared, corpus, args.articles)
            print(f"corpus: the first {copied} BBC texts of {args.shared / 'bbc'}"
                  + ("" if args.no_seeds else " and the bundled seed") + f", copied to {corpus}")
        try:
            seconds, lines = build_index(corpus, index, args.no_seeds)
        except KeyboardInterrupt:
            print("\nhttp_load: interrupted", file=sys.stderr)
            return 130
        print(f"newsdesk index: {seconds:.1f} s")
        for line in lines:
            if line.startswith(("files:", "articles:", "rejected:", "not analysed:")):
                print(f"  {line}")
        port = demo.free_port()
        cmd = [*NEWSDESK, "serve", "--transport", "http", "--host", "127.0.0.1", "--port", str(port),
               *corpus_options(corpus, index, args.no_seeds)]
        if token is not None and serve_supports_token():
            cmd += ["--token", token]
        shown = " ".join("<token>" if token is not None and part == token else part for part in cmd)
        print(f"server: {shown}")
        log = work / "server.log"
        process = start_server(cmd, log)
        try:
            wait_for_port(port, process, log, args.start_timeout)
            url = f"http://127.0.0.1:{port}/mcp"
            code = anyio.run(run, args, url, token, process, log)
        except KeyboardInterrupt:
            print("\nhttp_load: interrupted; stopping the server", file=sys.stderr)
            return 130
        finally:
            stop_server(process)
    print(f"\nrun time: {time.perf_counter() - started:.1f} s; exit code {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
