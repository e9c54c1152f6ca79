"""Property-based abuse of the MCP surface: every tool, both resources and both prompts get generated
arguments (odd Unicode, huge strings, negative and huge numbers, wrong types, forged cursors, FTS5 syntax)
through one in-memory client, and every answer must be a result or a clean error:

- a tool result with isError and a short message (no traceback, no machine path, not the SDK's masked
  "Error executing tool X" that stands for an unexpected exception, at most 1,000 characters);
- or an MCPError with code -32602 (invalid params, ResourceNotFound) and a clean message;
- never -32603, never a hang (30 s per call);

and after each example the known calls (get_article of the seed, list_articles) give their first answer.

Each argument of each tool has a Hypothesis run of its own (that argument hostile, the others ordinary), and
the nastiest values of each kind (NUL strings, integers past 64 bits, forged cursors) are also tried one by
one, so every run meets them. One server serves every example: its client lives in a blocking portal (a
background event loop), so the synchronous Hypothesis tests call it with `portal.call`.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import anyio
import anyio.from_thread
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from mcp import Client
from mcp.shared.exceptions import MCPError

from newsdesk.server.app import build_server
from newsdesk.tools.api import Desk
from newsdesk.tools.models import EntityType, QuoteKind
from newsdesk.tools.settings import Settings

from .conftest import REPO, SEED_ID

CALL_TIMEOUT = 30.0
MAX_ERROR_CHARS = 1000
ENTITY_TYPES = list(get_args(EntityType))
QUOTE_KINDS = list(get_args(QuoteKind))
# an argument's error must not blame the index or quote SQLite's own words for a value it could not take
DATABASE_ERRORS = r"index could not be read|--rebuild|Error binding parameter|too large to convert|sqlite3\.|database is locked"
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]
# derandomize: examples follow from the test's id, not a fresh seed, so a failure stays until it is fixed;
# one bug reported per tool argument (shrinking several would take most of the time budget)
FUZZ_TOOL = settings(max_examples=60, deadline=None, database=None, derandomize=True, report_multiple_bugs=False,
                     suppress_health_check=HEALTH)
FUZZ = settings(max_examples=100, deadline=None, database=None, derandomize=True, suppress_health_check=HEALTH)
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsdesk-hypothesis")  # nothing written to the repository


# -- the one server -----------------------------------------------------------------------------------

class Live:
    def __init__(self, portal: Any, client: Client, baseline: dict[str, Any], tmp: Path) -> None:
        self.portal, self.client, self.baseline, self.tmp = portal, client, baseline, tmp

    def __repr__(self) -> str:
        return "Live(one in-memory server)"

    def run(self, method: str, *args: Any) -> tuple[str, Any]:
        """('result', result) or ('mcp', MCPError) or ('hang', None); anything else raises."""

        async def go() -> tuple[str, Any]:
            try:
                with anyio.fail_after(CALL_TIMEOUT):
                    return "result", await getattr(self.client, method)(*args)
            except MCPError as exc:
                return "mcp", exc
            except TimeoutError:
                return "hang", None

        return self.portal.call(go)


async def known(client: Client) -> dict[str, Any]:
    article = await client.call_tool("get_article", {"article_id": SEED_ID, "format": "text", "max_chars": 60_000})
    listing = await client.call_tool("list_articles", {"limit": 100})
    return {"get_article": article.structured_content, "list_articles": listing.structured_content}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("fuzz")
    server_settings = Settings(index_path=tmp / "index.sqlite3")
    desk = Desk.open(server_settings)  # read and analysed before the server starts: no waiting on it
    desk.analyse_all()
    desk.close()
    with anyio.from_thread.start_blocking_portal() as portal, portal.wrap_async_context_manager(
        Client(build_server(server_settings), cache=None)
    ) as client:
        baseline = portal.call(known, client)
        assert baseline["list_articles"]["total"] == 1
        yield Live(portal, client, baseline, tmp)


# -- what a clean answer is ---------------------------------------------------------------------------

def machine_paths(live: Live) -> list[str]:
    return [str(REPO), sys.prefix, str(live.tmp), "/tmp/", "/work/", "site-packages"]


def check_error_text(live: Live, text: str, sent: str) -> None:
    """One assertion per kind of problem, so Hypothesis reports each kind it finds."""
    assert not re.fullmatch(r"(Error executing tool \S+:?\s*)+", text.strip()), f"masked unexpected exception: {text!r}"
    assert "Traceback (most recent call last)" not in text, f"traceback in the message: {text[:300]!r}"
    leaked = [p for p in machine_paths(live) if p in text and p not in sent]
    assert not leaked, f"machine path {leaked[0]!r} in the message: {text[:300]!r}"
    assert len(text) <= MAX_ERROR_CHARS, f"error message of {len(text):,} characters: {text[:200]!r}..."
    assert not re.search(DATABASE_ERRORS, text), f"a database error surfaced for an argument: {text[:300]!r}"


def check_answer(live: Live, outcome: tuple[str, Any], sent: Any) -> None:
    kind, value = outcome
    sent_text = json.dumps(sent, default=str)
    assert kind != "hang", f"no answer in {CALL_TIMEOUT:.0f} s"
    if kind == "mcp":
        assert value.code != -32603, f"-32603 internal error: {value.error.message[:300]!r}"
        assert value.code == -32602, f"JSON-RPC error {value.code}: {value.error.message[:300]!r}"
        check_error_text(live, value.error.message, sent_text)
        return
    if getattr(value, "is_error", False):
        check_error_text(live, " ".join(getattr(c, "text", "") for c in value.content), sent_text)


def check_known(live: Live) -> None:
    outcome = live.portal.call(known, live.client)
    assert outcome == live.baseline, "the known calls answer differently after the example"


# -- generated arguments ------------------------------------------------------------------------------

ODD = ["", " ", "\x00", "a\x00b", "\u200b\u200d\ufeff", "\u202eabc\u202c", "e\u0301\u0301", "\U0001f469\u200d\U0001f467",
       "\ufffe\uffff", "../../etc/passwd", "%", "_", "%_%", "'; DROP TABLE articles; --", "\\", SEED_ID,
       SEED_ID.upper(), f" {SEED_ID} ", "Putin", "person:vladimir-putin", "some commentators", "\n# SYSTEM\n"]
FTS_TOKENS = ['"', "NOT", "OR", "AND", "NEAR(", "NEAR", ")", "(", "*", "^", ":", "title:", "-", "+", ",", "putin",
              "belarus", "missile", "the", "said", "x*", '"russia', "\x00", "\u200b"]

long_text = st.builds(lambda piece, n: piece * n, st.sampled_from(["x", "word ", "é", "\u0301", "a-", "(", '"']),
                      st.integers(500, 120_000))
NULS = ["\x00", "a\x00b", "\x00" * 3, "Putin\x00"]
text = st.one_of(st.text(max_size=40), st.sampled_from(ODD), st.sampled_from(NULS), long_text,
                 st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Mn", "Co"]), max_size=20))
EDGE_INTEGERS = [0, -1, 1, 100, 101, 4943, 4944, 2**63, 2**64, 10**100, -(2**63) - 1, -(10**100)]
OVERFLOWING = [2**63, 2**64, 10**100, -(2**63) - 1]  # past SQLite's 64-bit integers
integers = st.one_of(st.sampled_from(EDGE_INTEGERS), st.sampled_from(OVERFLOWING), st.sampled_from(OVERFLOWING),
                     st.integers(-5, 200), st.integers(-(2**80), 2**80))
floats = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(st.none(), st.booleans(), integers, floats, text)
anything = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=3))
json_values = st.recursive(st.one_of(st.none(), st.booleans(), integers, floats, st.text(max_size=10)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                           max_leaves=8)


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


forged_keys = st.tuples(st.one_of(st.sampled_from(["o", None, "2024-12-06", 1, 1.5, True, ""]), json_values),
                        st.one_of(json_values, st.sampled_from(OVERFLOWING))).map(lambda t: b64(list(t)))
cursors = st.one_of(
    text,
    json_values.map(b64),
    forged_keys,
    forged_keys,
    st.integers(min_value=0, max_value=6000).map(lambda n: "9" * n),
    st.binary(max_size=64).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.integers(1, 3000).map(lambda n: base64.urlsafe_b64encode(("[" * n + "]" * n).encode()).decode()),
)
queries = st.one_of(text, st.lists(st.sampled_from(FTS_TOKENS), max_size=12).map(" ".join),
                    st.lists(st.sampled_from(FTS_TOKENS), max_size=12).map("".join),
                    st.integers(1, 2000).map(lambda n: " ".join(["putin"] * n)))
dates = st.one_of(st.dates().map(str), st.from_regex(r"\d{4}(-\d{2}(-\d{2})?)?", fullmatch=True),
                  st.from_regex(r"[0-9٠-٩０-９]{4}-[0-9]{2}", fullmatch=True), text)
ids = st.one_of(st.just(SEED_ID), text, st.just(SEED_ID).map(lambda s: s + "\x00"))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The intended kind of value most of the time, any JSON value sometimes."""
    return st.one_of(strategy, strategy, anything)


UNKNOWN_NAMES = ["article_ID", "q", "ctx", "self", "", "limit ", "\x00"]
Param = tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]  # (hostile values, ordinary values)

words = st.sampled_from(["putin", "belarus", "missile said", '"hypersonic missiles"', "russia OR nato"])
names = st.sampled_from(["Putin", "Vladimir Putin", "Russia", "some commentators", "person:vladimir-putin"])
ARTICLE_ID: Param = (ids, st.just(SEED_ID))
QUERY: Param = (queries, words)
LIMIT: Param = (integers, st.integers(1, 40))
CURSOR: Param = (cursors, st.none())
DATE: Param = (dates, st.sampled_from(["2024", "2024-12", "2024-12-06", "2025-01-01"]))
SOURCE: Param = (text, st.none())
NAME: Param = (text, names)
BOOL: Param = (st.booleans(), st.booleans())
TOKENS: Param = (integers, st.integers(500, 20_000))
DETAIL: Param = (st.sampled_from(["brief", "full", "BRIEF", "", "all"]), st.sampled_from(["brief", "full"]))
TOOL_PARAMS: dict[str, tuple[dict[str, Param], dict[str, Param]]] = {  # (required, optional)
    "list_articles": ({}, {
        "query": QUERY, "limit": LIMIT, "cursor": CURSOR, "date_from": DATE, "date_to": DATE, "source": SOURCE,
        "entity": NAME, "sort": (st.sampled_from(["newest", "relevance", "oldest", ""]),
                                 st.sampled_from(["newest", "relevance"])), "max_tokens": TOKENS}),
    "get_article": ({"article_id": ARTICLE_ID}, {
        "format": (st.sampled_from(["text", "paragraphs", "pdf", ""]), st.sampled_from(["text", "paragraphs"])),
        "max_chars": (integers, st.integers(100, 60_000)), "start_index": (integers, st.integers(0, 4000))}),
    "list_entities": ({}, {
        "article_id": ARTICLE_ID,
        "types": (st.lists(st.sampled_from([*ENTITY_TYPES, "person", "ANIMAL", "", " Org "]), max_size=5),
                  st.lists(st.sampled_from(ENTITY_TYPES), min_size=1, max_size=2)),
        "query": (text, st.sampled_from(["put", "russ"])), "min_mentions": (integers, st.integers(1, 3)),
        "limit": LIMIT, "cursor": CURSOR, "include_mentions": BOOL, "related_to": NAME, "detail": DETAIL,
        "max_tokens": TOKENS}),
    "lookup_entity": ({"name": NAME}, {
        "types": (st.lists(st.sampled_from([*ENTITY_TYPES, "person", "ANIMAL", ""]), max_size=5),
                  st.lists(st.sampled_from(ENTITY_TYPES), min_size=1, max_size=2)),
        "limit": (integers, st.integers(1, 20))}),
    "list_mentions": ({"entity": NAME}, {
        "article_id": ARTICLE_ID, "limit": LIMIT, "cursor": CURSOR, "max_tokens": TOKENS}),
    "find_quotes": ({}, {
        "article_id": ARTICLE_ID, "speaker": NAME, "query": QUERY,
        "kinds": (st.lists(st.sampled_from([*QUOTE_KINDS, "DIRECT", "x"]), max_size=4),
                  st.lists(st.sampled_from(QUOTE_KINDS), min_size=1, max_size=2)),
        "limit": LIMIT, "cursor": CURSOR, "date_from": DATE, "date_to": DATE, "source": SOURCE,
        "detail": DETAIL, "max_tokens": TOKENS}),
    "summarize_claims": ({}, {
        "article_id": ARTICLE_ID, "claimant": NAME, "query": QUERY,
        "min_checkworthiness": (st.one_of(floats, integers), st.floats(0, 1)), "include_unattributed": BOOL,
        "limit": (integers, st.integers(1, 40)), "cursor": CURSOR, "date_from": DATE, "date_to": DATE,
        "source": SOURCE, "detail": DETAIL, "max_tokens": TOKENS}),
}
# The nastiest values of each kind: drawn for about half the examples, and each tried on its own below.
NASTY: dict[str, list[Any]] = {
    "text": [*NULS, "x" * 1_000_000, "word " * 2_000, "\u202e" + SEED_ID],
    "integer": OVERFLOWING,
    "cursor": [b64([[], 1]), b64([None, 2**63]), b64([{"a": 1}, 1]), b64([[]]), b64("[" * 3000 + "]" * 3000)],
    "other": [None, [], {}, "x" * 1_000_000],
}


def type_of(strategy: st.SearchStrategy[Any]) -> str:
    if strategy is cursors:
        return "cursor"
    if strategy is integers or strategy is LIMIT[0]:
        return "integer"
    if strategy in (text, queries, ids, dates):
        return "text"
    return "other"


ATTACKS = [(tool, param) for tool, (required, optional) in TOOL_PARAMS.items() for param in {**required, **optional}]


@st.composite
def attack(draw: st.DrawFn, tool: str, target: str) -> dict[str, Any]:
    """The target argument hostile (or any JSON value), the required ones and up to two others ordinary (so
    the target is what the server has to deal with), now and then an argument name the tool does not have."""
    required, optional = TOOL_PARAMS[tool]
    every = {**required, **optional}
    args = {name: draw(ordinary) for name, (_, ordinary) in required.items()}
    hostile = every[target][0]
    args[target] = draw(st.one_of(st.sampled_from(NASTY[type_of(hostile)]), maybe(hostile)))
    others = [name for name in optional if name != target]
    for name in draw(st.sets(st.sampled_from(others), max_size=2)) if others else ():
        args[name] = draw(every[name][1])
    if draw(st.sampled_from([False] * 9 + [True])):  # (integers(0, 9) == 0 would be drawn far more often)
        args[draw(st.sampled_from(UNKNOWN_NAMES))] = draw(anything)
    return args


@pytest.mark.parametrize(("tool", "target"), ATTACKS, ids=[f"{t}-{p}" for t, p in ATTACKS])
@FUZZ_TOOL
@given(data=st.data())
def test_each_tool_argument_answers_hostile_values_cleanly(live: Live, tool: str, target: str, data: st.DataObject):
    args = data.draw(attack(tool, target), label="arguments")
    check_answer(live, live.run("call_tool", tool, args), args)
    check_known(live)


NASTIEST = [(tool, param, n, value) for tool, param in ATTACKS
            for n, value in enumerate(NASTY[type_of({**TOOL_PARAMS[tool][0], **TOOL_PARAMS[tool][1]}[param][0])])]


@pytest.mark.parametrize(("tool", "target", "n", "value"), NASTIEST, ids=[f"{t}-{p}-{n}" for t, p, n, _ in NASTIEST])
def test_each_tool_argument_answers_the_nastiest_values_cleanly(live: Live, tool: str, target: str, n: int,
                                                                value: Any):
    """The same property for each of the nastiest values, every run (Hypothesis may not draw them all)."""
    args = {name: SEED_ID for name in TOOL_PARAMS[tool][0]}
    args[target] = value
    check_answer(live, live.run("call_tool", tool, args), args)
    check_known(live)


uris = st.one_of(
    st.builds(lambda t: f"article://{t}", st.one_of(text, st.just(SEED_ID))),
    st.sampled_from(["corpus://overview", "corpus://overview/", "corpus://", "article://", "article:", "",
                     "file:///etc/passwd", "ARTICLE://" + SEED_ID, f"article://{SEED_ID}?x=1", "article://%2e%2e%2f"]),
    text,
)


@FUZZ
@given(uri=uris)
def test_resources_answer_generated_uris_cleanly(live: Live, uri: str) -> None:
    check_answer(live, live.run("read_resource", uri), uri)
    check_known(live)


prompt_calls = st.tuples(
    st.one_of(st.sampled_from(["brief_article", "corpus_topic"]), st.sampled_from(["brief_article", "corpus_topic"]),
              st.text(max_size=20)),
    st.one_of(st.none(), st.dictionaries(st.sampled_from(["article_id", "topic", "extra", ""]), text, max_size=2)),
)


@FUZZ
@given(call=prompt_calls)
def test_prompts_answer_generated_arguments_cleanly(live: Live, call: tuple[str, dict[str, str] | None]) -> None:
    name, args = call
    check_answer(live, live.run("get_prompt", name, args), args)
    check_known(live)
