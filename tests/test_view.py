"""The annotated article view, served three ways from one template: a file (`newsdesk view`), the HTTP
server's /view pages, and the MCP App resource a host renders with a tool result. Checked in a real
headless Chromium (Debian's package; .ci/run installs it): the page renders without script errors and
every quote of the seed is marked with its resolved speaker.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.extension import ClientExtension

from newsdesk.server import view
from newsdesk.server.app import build_server
from newsdesk.server.cli import main
from newsdesk.server.demo import free_port, start_http_server
from newsdesk.tools.api import Desk
from newsdesk.tools.settings import Settings

from .conftest import REPO, SEED_ID

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = REPO / ".cache" / "screenshots" / "seed-view.png"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no Chromium: install Debian's chromium package to check the view in a real browser")
    return found


def browse(chromium: str, page: Path, tmp_path: Path, *extra: str) -> tuple[str, str]:
    """The DOM after the page's scripts ran, and what the browser logged (script errors among it)."""
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000", *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    return done.stdout, done.stderr


def script_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "Uncaught" in line or "CONSOLE(" in line and "rror" in line]


def marked_speakers(dom: str) -> dict[str, str]:
    """quote id -> the speaker its badge shows, from the rendered DOM."""
    import re

    return {m.group(1): m.group(2) for m in re.finditer(r'data-quote="([^"]+)" data-speaker="([^"]*)"', dom)}


def test_the_view_file_renders_every_quote_with_its_speaker_in_chromium(chromium, seed_settings, tmp_path):
    out = tmp_path / "seed.html"
    assert main(["-q", "view", SEED_ID, "--index", str(seed_settings.index_path), "-o", str(out)]) == 0
    desk = Desk.open(seed_settings)
    quotes = desk.annotate_article(SEED_ID).quotes
    desk.close()
    dom, log = browse(chromium, out, tmp_path)
    assert 'data-rendered="1"' in dom, log[-2000:]
    assert not script_errors(log), script_errors(log)
    shown = marked_speakers(dom)
    assert len(quotes) >= 14
    for q in quotes:
        assert shown.get(q.id) == (q.speaker.name or "unresolved"), q.id
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'shot'}", "--window-size=1400,1000",
                    "--virtual-time-budget=3000", f"--screenshot={SCREENSHOT}", out.as_uri()],
                   capture_output=True, timeout=120)
    assert SCREENSHOT.stat().st_size > 10_000


def test_hostile_article_text_stays_text_in_the_view(chromium, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    attack = '</script><script>document.body.dataset.pwned = 1</script><img src=x onerror="document.body.dataset.pwned=2">'
    (corpus / "evil.txt").write_text(f"Evil headline {attack}\n\nThe minister said \"{attack} is fine\" on Monday, "
                                     "according to officials.\n\nShe added that nothing had happened.\n")
    settings = Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[corpus], include_seeds=False)
    desk = Desk.open(settings)
    [article_id] = desk.store.ids()
    page = tmp_path / "evil.html"
    page.write_text(view.article_html(desk.annotate_article(article_id)))
    desk.close()
    dom, log = browse(chromium, page, tmp_path)
    assert 'data-rendered="1"' in dom, log[-2000:]
    assert "data-pwned" not in dom  # neither script ran
    assert "&lt;/script&gt;" in dom  # shown as the words it is


def test_the_http_server_serves_an_index_and_a_page_per_article(seed_settings):
    port = free_port()
    server = start_http_server(seed_settings, port)
    try:
        index = urllib.request.urlopen(f"http://127.0.0.1:{port}/view/", timeout=30).read().decode()
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/view/{SEED_ID}", timeout=30).read().decode()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/view/no-such-article", timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert f'href="{SEED_ID}"' in index
    data = json.loads(page.split('id="newsdesk-data">')[1].split("</script>")[0])
    assert data["article"]["id"] == SEED_ID and data["quotes"] and data["claims"]
    assert missing.value.code == 404 and b"list_articles" in missing.value.read()


class AppsHost(ClientExtension):
    """A client that renders MCP Apps, as Claude and other hosts announce it."""

    identifier = "io.modelcontextprotocol/ui"

    def settings(self) -> dict:
        return {"mimeTypes": ["text/html;profile=mcp-app"]}


@pytest.mark.anyio
async def test_the_view_is_an_mcp_app_that_draws_a_tool_result(chromium, seed_settings, tmp_path):
    async with Client(build_server(seed_settings), extensions=[AppsHost()]) as host:
        tools = {t.name: t for t in (await host.list_tools()).tools}
        resources = {str(r.uri): r for r in (await host.list_resources()).resources}
        app = await host.read_resource(view.APP_URI)
        result = await host.call_tool("get_article", {"article_id": SEED_ID})
    async with Client(build_server(seed_settings)) as plain:
        without = await plain.call_tool("get_article", {"article_id": SEED_ID})
    for name in ("get_article", "summarize_claims"):
        assert tools[name].meta["ui"]["resourceUri"] == view.APP_URI
    assert resources[view.APP_URI].mime_type == "text/html;profile=mcp-app"
    assert view.META_KEY in (result.meta or {}) and view.META_KEY not in (without.meta or {})
    # the host's side: the app in an iframe gets the tool result by postMessage and draws it
    message = {"jsonrpc": "2.0", "method": "ui/notifications/tool-result",
               "params": {"_meta": result.meta, "structuredContent": result.structured_content}}
    harness = tmp_path / "host.html"
    harness.write_text(f"""<!doctype html><html><body><iframe id="app" style="width:1200px;height:800px"></iframe>
<script>
const frame = document.getElementById("app");
frame.onload = () => {{
  frame.contentWindow.postMessage({view.embedded_json(message)}, "*");
  setTimeout(() => {{
    const doc = frame.contentDocument;
    const out = document.createElement("pre"); out.id = "seen";
    out.textContent = JSON.stringify({{rendered: doc.body.dataset.rendered,
      speakers: [...doc.querySelectorAll(".speaker")].map((b) => [b.dataset.quote, b.dataset.speaker])}});
    document.body.append(out);
  }}, 500);
}};
frame.srcdoc = {view.embedded_json(app.contents[0].text)};
</script></body></html>""")
    dom, log = browse(chromium, harness, tmp_path)
    seen = json.loads(dom.split('<pre id="seen">')[1].split("</pre>")[0].replace("&quot;", '"').replace("&amp;", "&"))
    assert seen["rendered"] == "1", log[-2000:]
    quotes = result.meta[view.META_KEY]["quotes"]
    assert dict(seen["speakers"]) == {q["id"]: q["speaker"].get("name") or "unresolved" for q in quotes}
