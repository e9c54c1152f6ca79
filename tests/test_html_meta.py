"""A page's metadata as a reader sees it (tools/extract/html_meta.py): the displayed headline, the
article's own authors (precision first), the published date and where it came from."""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk.tools.api import Desk
from newsdesk.tools.extract.html_meta import clean_authors, page_metadata
from newsdesk.tools.settings import Settings

BODY = "<p>" + "The council voted on Tuesday to close the old bridge to traffic for repairs. " * 12 + "</p>"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}<article>{BODY}</article></body></html>"


def test_the_displayed_headline_wins_over_the_seo_title_and_the_site_suffix_goes():
    shown = page('<title>Bridge to close for repairs | The Daily Planet</title>'
                 '<meta property="og:title" content="Bridge to close for repairs - The Daily Planet">'
                 '<meta property="og:site_name" content="The Daily Planet">',
                 "<h1>Bridge to close for repairs</h1>")
    assert page_metadata(shown).title == "Bridge to close for repairs"
    no_h1 = page('<meta property="og:title" content="Council votes to close the old bridge \u2013 Daily Planet">'
                 '<meta property="og:site_name" content="Daily Planet">')
    assert page_metadata(no_h1).title == "Council votes to close the old bridge"
    by_domain = page("<title>Council votes to close the old bridge | planetnews</title>")
    assert page_metadata(by_domain, "https://www.planetnews.com/a/1").title == "Council votes to close the old bridge"


def test_bylines_are_cleaned_to_names_and_an_agency_goes_to_its_own_field():
    assert clean_authors(["By Jane Smith, Senior Reporter and John Doe"], None)[0] == ["Jane Smith", "John Doe"]
    assert clean_authors(["Phil Helsel is a reporter for NBC News."], None)[0] == ["Phil Helsel"]
    assert clean_authors(["By The Associated Press"], None) == ([], "Associated Press")
    assert clean_authors(["Email the author", "Staff", "Updated 3:45 PM"], None) == ([], None)
    assert clean_authors(["Daily Planet"], "The Daily Planet")[0] == []
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge to close",
          "author": [{"@type": "Person", "name": "Jane Smith"}, {"@type": "Organization", "name": "Reuters"}],
          "datePublished": "2024-03-05T10:00:00Z", "dateModified": "2024-03-07T08:00:00Z"}
    meta = page_metadata(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>',
                              '<aside class="related"><span class="byline">By Someone Else</span></aside>'
                              '<p>Jane Smith, in Leeds</p>'))
    assert (meta.authors, meta.agency) == (["Jane Smith"], "Reuters")
    assert (meta.date, meta.date_source) == ("2024-03-05", "json-ld datePublished")


def test_a_sidebar_byline_is_not_the_article_author_and_no_author_is_better_than_a_bad_one():
    sidebar = page("", '<aside class="related-stories"><p class="byline">By Mark Other</p></aside>')
    assert page_metadata(sidebar).authors == []
    own = page("", '<div class="article-byline">By <a rel="author" href="/staff/ann">Ann Lee</a></div>')
    assert page_metadata(own).authors == ["Ann Lee"]


def test_a_metadata_author_the_page_never_shows_is_not_its_byline():
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Bridge to close",
          "author": {"@type": "Person", "name": "Dana Whitfield"}}
    hidden = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert page_metadata(hidden).authors == []
    shown = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>',
                 "<p>Posted by Dana Whitfield</p>")
    assert page_metadata(shown).authors == ["Dana Whitfield"]


def test_a_header_marked_no_promo_is_not_a_promo_box():
    own = page("", '<header class="content__header--no-promo"><p class="byline">By Ann Lee, Bo Chan</p></header>')
    assert page_metadata(own).authors == ["Ann Lee", "Bo Chan"]
    promo = page("", '<div class="promo-box"><p class="byline">By Ann Lee</p></div>')
    assert page_metadata(promo).authors == []


def test_the_published_date_is_kept_over_the_modified_one():
    meta = page_metadata(page('<meta property="article:modified_time" content="2024-05-09T10:00:00Z">'
                              '<meta property="article:published_time" content="2024-05-01T09:00:00Z">'))
    assert (meta.date, meta.date_source) == ("2024-05-01", "meta article:published_time")


def test_get_article_shows_the_byline_agency_and_date_source(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "bridge.html").write_text(page(
        '<title>Bridge to close | Planet</title><meta property="og:site_name" content="Planet">'
        '<meta name="author" content="AP">'
        '<meta property="article:published_time" content="2024-05-01T09:00:00Z">',
        '<h1>Bridge to close</h1><p class="byline">By Jane Smith and The Associated Press</p>'))
    desk = Desk.open(Settings(index_path=tmp_path / "i.sqlite3", corpus_dirs=[folder], include_seeds=False))
    meta = desk.get_article("bridge").article
    desk.close()
    assert (meta.title, meta.source, meta.date, meta.date_source) == (
        "Bridge to close", "Planet", "2024-05-01", "meta article:published_time")
    assert meta.agency == "Associated Press"


def test_metadata_accuracy_on_the_hand_read_pages_stays_above_its_floors(shared_dir):
    """Floors a little under what newsdesk reaches on eval/reference/meta (both parts together)."""
    import gzip
    import importlib.util
    import sys

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "eval"))
    spec = importlib.util.spec_from_file_location("pages", REPO / "eval" / "pages.py")
    pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pages)
    truth = json.loads((shared_dir / "aeb" / "ground-truth.json").read_text())
    title = authors = date = n = 0
    for ref_file in sorted((REPO / "eval" / "reference" / "meta").glob("*.json")):
        ref = json.loads(ref_file.read_text())
        path = shared_dir / ref["source"]
        from newsdesk.tools.corpus import decode_text

        got = pages.newsdesk_meta(decode_text(gzip.decompress(path.read_bytes()), path, html=True),
                                  truth[ref["id"]].get("url"))
        n += 1
        title += pages._norm(got.title) == pages._norm(ref["title"])
        authors += pages._names(got.authors) == pages._names(ref["authors"])
        date += got.date == ref["date"]
    assert n >= 90
    assert title / n >= 0.93 and authors / n >= 0.87 and date / n >= 0.92, (title / n, authors / n, date / n)


def test_the_body_beats_trafilatura_alone_on_both_parts_of_the_shared_pages(shared_dir):
    """The benchmark's 4-gram shingle F1 (eval/pages.py) of get_article's body against trafilatura's
    precision mode, on the tune and the held part: above it on each, and above a floor a little under
    what newsdesk reaches (0.984 / 0.985)."""
    import importlib.util
    import sys

    from .conftest import REPO

    sys.path.insert(0, str(REPO / "eval"))
    spec = importlib.util.spec_from_file_location("pages", REPO / "eval" / "pages.py")
    pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pages)
    loaded = pages.load_pages(shared_dir / "aeb")
    assert len(loaded) >= 90
    precise = pages.trafilatura_body(favor_precision=True)
    for part in ("tune", "held"):
        scores = {}
        for name, extract in (("newsdesk", pages.newsdesk_body), ("trafilatura", precise)):
            pairs = [pages.shingle_pr(extract(html, item.get("url")), item["articleBody"])
                     for page_id, (html, item) in loaded.items() if pages.part(page_id) == part]
            p = sum(x for x, _ in pairs if x is not None) / sum(x is not None for x, _ in pairs)
            r = sum(y for _, y in pairs) / len(pairs)
            scores[name] = 2 * p * r / (p + r)
        assert scores["newsdesk"] > scores["trafilatura"] and scores["newsdesk"] >= 0.975, (part, scores)
