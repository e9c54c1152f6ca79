"""Score the page-text and HTML extraction paths on the article-extraction benchmark (AEB) pages.

Run: python eval/aeb.py [--shared ../shared] [--bbc-sample 300] [--gate]

Rows: the HTML path (trafilatura), the plain-text path (page rendered to visible text, then
clean_page_text), and all visible text as a baseline; then token recall of clean_page_text on corpora that
are already clean (PolNeAR dev texts, a sample of BBC files), which must stay near 1. With --gate the exit
status is 1 when a figure falls below its pinned floor (FLOORS).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from lxml import etree
from lxml import html as lxml_html

from newsdesk.tools.extract.html_page import extract_html
from newsdesk.tools.extract.page_text import PageText, clean_page_text

# Elements a browser never shows as text.
_INVISIBLE = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "head",
    "title",
    "meta",
    "link",
    "iframe",
    "object",
    "embed",
    "canvas",
    "select",
    "option",
    "button",
    "input",
    "textarea",
    "map",
}
# Block-level elements: their text starts and ends on lines of its own. <p> and headings get a blank line.
_BLOCK = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "caption",
    "center",
    "picture",
    "video",
    "audio",
}
_PARA = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
_CELL = {"td", "th"}
_WS = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def _hidden(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style


def visible_text(page_html: str) -> str:
    """Render HTML to its visible text, like a browser's "save as text": one block per line."""
    try:
        root = lxml_html.document_fromstring(page_html)
    except (etree.ParserError, ValueError):
        return ""
    out: list[str] = []  # text pieces; runs of "\n" are line breaks
    # Depth-first walk with an explicit stack (pages nest deeper than Python's recursion limit).
    # ("open", el) emits the element's own text and children; ("close", el) its end break and tail.
    stack: list[tuple[str, etree._Element]] = [("open", root)]
    while stack:
        action, el = stack.pop()
        tag = el.tag.split("}")[-1].lower() if isinstance(el.tag, str) else ""
        if action == "close":
            if tag in _PARA:
                out.append("\n\n")
            elif tag in _BLOCK:
                out.append("\n")
            elif tag in _CELL:
                out.append(" ")
            if el.tail:
                out.append(el.tail)
            continue
        if not tag or tag in _INVISIBLE or _hidden(el):  # comments, scripts, hidden: only the tail shows
            if el.tail:
                out.append(el.tail)
            continue
        if tag in _PARA:
            out.append("\n\n")
        elif tag in _BLOCK or tag == "br":
            out.append("\n")
        if el.text:
            out.append(el.text)
        stack.append(("close", el))
        stack.extend(("open", child) for child in reversed(el))
    text = "".join(out)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = _WS.sub(" ", raw).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip()


def _tokens(text: str) -> Counter[str]:
    return Counter(text.split())


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 of bags of whitespace tokens (the AEB measure)."""
    p, g = _tokens(pred), _tokens(gold)
    common = sum((p & g).values())
    if not p and not g:
        return 1.0, 1.0, 1.0
    prec = common / sum(p.values()) if p else 0.0
    rec = common / sum(g.values()) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


# Pinned floors for --gate, a little under the figures measured on this half of AEB.
FLOORS = {
    "html: extract_html": 0.965,
    "text: clean_page_text(visible)": 0.92,
    "polnear dev text": 0.99,
    "bbc sample": 0.99,
}
METHODS = ("html: extract_html", "text: clean_page_text(visible)", "text: all visible text (baseline)")
T = TypeVar("T")


def _body(pt: PageText) -> str:
    return "\n".join(pt.paragraphs)


def _mean(rows: Iterable[tuple[float, ...]]) -> tuple[float, ...]:
    rows = list(rows)
    return tuple(sum(col) / len(rows) for col in zip(*rows)) if rows else ()


def _timed(fn: Callable[..., T], *args: object) -> tuple[T, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - t0) * 1000


def score_aeb(aeb: Path, verbose: bool = False) -> dict[str, tuple[float, ...]]:
    """Mean (P, R, F1, ms per page, pages) of each method. The text path's time is clean_page_text's
    alone; rendering the visible text is timed in the baseline row."""
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    scores: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in METHODS}
    for page_id, item in sorted(truth.items()):
        path = aeb / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        page = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        gold = item["articleBody"]
        html_pt, html_ms = _timed(extract_html, page, item.get("url"))
        visible, visible_ms = _timed(visible_text, page)
        text_pt, text_ms = _timed(clean_page_text, visible)
        for name, pred, ms in zip(
            METHODS, (_body(html_pt), _body(text_pt), visible), (html_ms, text_ms, visible_ms), strict=True
        ):
            scores[name].append((*prf(pred, gold), ms))
        if verbose:
            print(f"{page_id[:10]} " + " ".join(f"{scores[m][-1][2]:.3f}" for m in METHODS))
    return {m: (*_mean(s), len(s)) for m, s in scores.items()}


def clean_recall(files: list[Path]) -> tuple[float, float, int]:
    """Mean token recall of (title + paragraphs) against the whole file, and mean ms per file."""
    recs, times = [], []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        t0 = time.perf_counter()
        pt = clean_page_text(text)
        times.append((time.perf_counter() - t0) * 1000)
        kept = "\n".join(([pt.title] if pt.title else []) + pt.paragraphs)
        recs.append(prf(kept, text)[1])
    return (sum(recs) / len(recs), sum(times) / len(times), len(recs)) if recs else (0.0, 0.0, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared",
        help="the shared data folder (default: 'shared' next to the repo)",
    )
    ap.add_argument("--bbc-sample", type=int, default=300, help="how many BBC files to sample")
    ap.add_argument("-v", "--verbose", action="store_true", help="print F1 per page")
    ap.add_argument("--gate", action="store_true", help="exit 1 if a figure is below its floor")
    args = ap.parse_args(argv)
    aeb = args.shared / "aeb"
    if not (aeb / "ground-truth.json").is_file():
        print(
            f"error: no AEB data at {aeb} (expected ground-truth.json and html/); pass --shared DIR",
            file=sys.stderr,
        )
        return 2

    print(f"AEB pages in {aeb}")
    print(f"{'method':36} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8} {'pages':>6}")
    below: list[str] = []
    for name, (p, r, f1, ms, n) in score_aeb(aeb, args.verbose).items():
        print(f"{name:36} {p:6.3f} {r:6.3f} {f1:6.3f} {ms:8.1f} {int(n):6d}")
        if f1 < FLOORS.get(name, 0.0):
            below.append(f"{name} F1 {f1:.3f} < {FLOORS[name]}")

    print("\nclean_page_text on already-clean text (token recall of title + paragraphs vs the whole file)")
    print(f"{'corpus':36} {'recall':>6} {'ms/file':>8} {'files':>6}")
    polnear = sorted((args.shared / "polnear" / "dev" / "text").glob("*.txt"))
    bbc_all = sorted((args.shared / "bbc").glob("*/*.txt"))
    bbc = random.Random(0).sample(bbc_all, min(args.bbc_sample, len(bbc_all)))
    for name, files in (("polnear dev text", polnear), ("bbc sample", bbc)):
        if files:
            rec, ms, n = clean_recall(files)
            print(f"{name:36} {rec:6.3f} {ms:8.2f} {n:6d}")
            if rec < FLOORS[name]:
                below.append(f"{name} recall {rec:.3f} < {FLOORS[name]}")
        else:
            print(f"{name:36} {'absent':>6}")
    if below:
        print("\nbelow floor: " + "; ".join(below))
    return 1 if below and args.gate else 0


if __name__ == "__main__":
    sys.exit(main())
