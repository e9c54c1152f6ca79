"""get_article on real pages, in one run: body-extraction variants side by side and metadata accuracy.

Run: python eval/pages.py [--shared ../shared]

Pages: ../shared/aeb (real news and blog HTML with the true body text). Parts: `tune` (ids starting
0-7: rules may be chosen by looking at them) and `held` (8-f: only ever scored). Body scores:
- tokF1: bag of whitespace tokens, precision/recall/F1 per page, mean (the figure used so far);
- the benchmark's own: 4-gram shingles of \\w+ tokens (lowercased); precision averaged over the pages
  with output, recall over all pages, F1 of the two means;
- <0.5: pages whose tokF1 is under 0.5; ms: mean milliseconds a page.
Metadata: exact accuracy against eval/reference/meta/*.json (read by hand from the pages): title
(whitespace-normalised, case kept), authors (the set of names; a page with no author is right only
when none is given), author precision (of the pages given authors, how many are right), date.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import prf, visible_text

from newsdesk.tools.corpus import decode_text
from newsdesk.tools.extract.html_page import extract_html
from newsdesk.tools.extract.page_text import clean_page_text

REFERENCE = Path(__file__).resolve().parent / "reference" / "meta"
_WORD = re.compile(r"\w+")


def part(page_id: str) -> str:
    return "tune" if page_id[0] in "01234567" else "held"


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _WORD.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def shingle_pr(pred: str, gold: str) -> tuple[float | None, float]:
    p, g = shingles(pred), shingles(gold)
    common = sum((p & g).values())
    return (common / sum(p.values()) if p else None), (common / sum(g.values()) if g else 0.0)


def trafilatura_body(**options: bool) -> Callable[[str, str | None], str]:
    import trafilatura

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, url=url, include_comments=False, include_tables=True, **options) or ""
    return run


def readability_body(html: str, url: str | None) -> str:
    from lxml import html as lxml_html
    from readability import Document

    try:
        root = lxml_html.fromstring(Document(html).summary(html_partial=True))
    except Exception:
        return ""
    out: list[str] = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "li", "pre", "blockquote"):
        text = " ".join(el.text_content().split())
        if text and not (out and text in out[-1]):
            out.append(text)
    return "\n".join(out)


def agreed_tail(html: str, url: str | None) -> str:
    """trafilatura (precision) with its tail cut where readability-lxml stops agreeing: the paragraphs after
    the last one readability also has (half its shingles) go, when readability covers 60 % of the text."""
    precise, other = trafilatura_body(favor_precision=True)(html, url), readability_body(html, url)
    mine, theirs = shingles(precise), shingles(other)
    if not mine or sum(c for k, c in mine.items() if k in theirs) < 0.6 * sum(mine.values()):
        return precise
    paragraphs = [p for p in precise.split("\n") if p.strip()]

    def agreed(paragraph: str) -> bool:
        own = shingles(paragraph)
        return sum(c for k, c in own.items() if k in theirs) >= 0.5 * max(1, sum(own.values()))

    last = max((i for i, p in enumerate(paragraphs) if agreed(p)), default=len(paragraphs) - 1)
    return "\n".join(paragraphs[: last + 1])


def newsdesk_body(html: str, url: str | None) -> str:
    return "\n".join(extract_html(html, url).paragraphs)


def text_path(html: str, url: str | None) -> str:
    return "\n".join(clean_page_text(visible_text(html)).paragraphs)


def body_variants() -> dict[str, Callable[[str, str | None], str]]:
    variants = {
        "trafilatura favor_precision": trafilatura_body(favor_precision=True),
        "trafilatura default": trafilatura_body(),
        "trafilatura favor_recall": trafilatura_body(favor_recall=True),
        "newsdesk extract_html": newsdesk_body,
        "text path: clean_page_text(visible)": text_path,
    }
    try:
        import readability  # noqa: F401

        variants["readability-lxml"] = readability_body
        variants["precision, tail cut by readability"] = agreed_tail
    except ImportError:
        pass
    return variants


def load_pages(aeb: Path) -> dict[str, tuple[str, dict]]:
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for page_id, item in sorted(truth.items()):
        path = aeb / "html" / f"{page_id}.html.gz"
        if path.exists():
            pages[page_id] = (decode_text(gzip.decompress(path.read_bytes()), path, html=True), item)
    return pages


def score_bodies(pages: dict[str, tuple[str, dict]]) -> None:
    variants = body_variants()
    results: dict[str, dict[str, list]] = {name: {} for name in variants}
    for page_id, (html, item) in pages.items():
        for name, fn in variants.items():
            started = time.perf_counter()
            pred = fn(html, item.get("url"))
            ms = (time.perf_counter() - started) * 1000
            results[name][page_id] = [prf(pred, item["articleBody"])[2], *shingle_pr(pred, item["articleBody"]), ms]
    for which in ("tune", "held"):
        ids = [p for p in pages if part(p) == which]
        print(f"\nbody, {which} part ({len(ids)} pages)")
        print(f"{'variant':38} {'tokF1':>6} {'shP':>6} {'shR':>6} {'shF1':>6} {'<0.5':>5} {'ms':>6}")
        for name, rows in results.items():
            picked = [rows[p] for p in ids]
            tok = sum(r[0] for r in picked) / len(picked)
            precisions = [r[1] for r in picked if r[1] is not None]
            sp = sum(precisions) / len(precisions) if precisions else 0.0
            sr = sum(r[2] for r in picked) / len(picked)
            sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
            low = sum(r[0] < 0.5 for r in picked)
            ms = sum(r[3] for r in picked) / len(picked)
            print(f"{name:38} {tok:6.3f} {sp:6.3f} {sr:6.3f} {sf:6.3f} {low:5d} {ms:6.1f}")


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("\u00a0", " ").replace("\u2019", "'").split())


def _names(names: list[str]) -> set[str]:
    return {_norm(n).casefold() for n in names}


def score_metadata(pages: dict[str, tuple[str, dict]]) -> None:
    refs = {}
    for path in sorted(REFERENCE.glob("*.json")):
        ref = json.loads(path.read_text(encoding="utf-8"))
        if ref["id"] in pages:
            refs[ref["id"]] = ref
    if not refs:
        print(f"\nmetadata: no reference files in {REFERENCE}")
        return
    extractors = {"newsdesk (get_article)": newsdesk_meta, "newsdesk text path": text_meta}
    wrong: list[str] = []
    for which in ("tune", "held"):
        ids = [p for p in refs if part(p) == which]
        print(f"\nmetadata, {which} part ({len(ids)} pages read by hand)")
        if not ids:
            continue
        print(f"{'extractor':26} {'title':>6} {'t.prec':>6} {'author':>6} {'a.prec':>6} {'a.given':>7} {'date':>6} "
              f"{'ms':>6}")
        for name, fn in {**extractors, "trafilatura metadata": trafilatura_meta}.items():
            title = author = date = given = right_given = titled = right_titled = 0
            ms = 0.0
            for page_id in ids:
                ref, (html, item) = refs[page_id], pages[page_id]
                started = time.perf_counter()
                got = fn(html, item.get("url"))
                ms += (time.perf_counter() - started) * 1000
                title += _norm(got.title) == _norm(ref["title"])
                if got.title and got.title != "page":  # a title given (the text path's "none" is the file name)
                    titled += 1
                    right_titled += _norm(got.title) == _norm(ref["title"])
                same = _names(got.authors) == _names(ref["authors"])
                author += same
                if got.authors:
                    given += 1
                    right_given += same
                date += (got.date or None) == (ref["date"] or None)
                if name.startswith("newsdesk") and which == "tune":
                    for field, mine, theirs in (("title", _norm(got.title), _norm(ref["title"])),
                                                ("authors", sorted(_names(got.authors)), sorted(_names(ref["authors"]))),
                                                ("date", got.date, ref["date"])):
                        if mine != theirs:
                            wrong.append(f"  {page_id[:10]} {field}: {mine!r} != {theirs!r}")
            n = len(ids)
            print(f"{name:26} {title / n:6.2f} {right_titled / max(titled, 1):6.2f} {author / n:6.2f} "
                  f"{right_given / max(given, 1):6.2f} "
                  f"{given:7d} {date / n:6.2f} {ms / n:6.1f}")
    if wrong:
        print("\nnewsdesk's metadata misses on the tune part:")
        print("\n".join(wrong))


def newsdesk_meta(html: str, url: str | None):
    """What get_article shows: extract_html's title, byline (names, comma-separated) and date."""
    from newsdesk.tools.extract.html_meta import PageMeta

    page = extract_html(html, url)
    return PageMeta(title=page.title, date=page.date, authors=(page.byline or "").split(", ") if page.byline else [])


def text_meta(html: str, url: str | None):
    """The page saved as its visible text (the seed's form), read as get_article reads a .txt file."""
    from newsdesk.tools.corpus import read_text
    from newsdesk.tools.extract.html_meta import PageMeta

    page = read_text(Path("page.txt"), visible_text(html)).page
    return PageMeta(title=page.title, date=page.date, authors=[page.byline] if page.byline else [])


def trafilatura_meta(html: str, url: str | None):
    import trafilatura

    from newsdesk.tools.extract.html_meta import PageMeta

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_precision=True)
    if doc is None:
        return PageMeta()
    author = getattr(doc, "author", None) or ""
    return PageMeta(title=getattr(doc, "title", None), date=(getattr(doc, "date", None) or "")[:10] or None,
                    authors=[a.strip() for a in re.split(r";|,| and ", author) if a.strip()])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--no-body", action="store_true", help="metadata only")
    args = ap.parse_args(argv)
    aeb = args.shared / "aeb"
    if not (aeb / "ground-truth.json").is_file():
        print(f"error: no AEB data at {aeb}; pass --shared DIR", file=sys.stderr)
        return 2
    pages = load_pages(aeb)
    if not args.no_body:
        score_bodies(pages)
    score_metadata(pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
