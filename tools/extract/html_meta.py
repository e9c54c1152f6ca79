"""A news page's metadata as a reader sees it: the displayed headline, the article's own authors, the
published date (and where it came from), the site name and URL. Precision first: no author is better
than a wrong one.

Rules, in order of trust:
- Headline. Candidates: JSON-LD `headline` of an article object, `og:title`, `twitter:title`, the
  page's `<h1>`s and `<title>`. The displayed headline is the `<h1>` that a metadata title agrees with
  (the same words, or the metadata title starting with it); else the metadata headline with the site's
  suffix cut ("Title | Site", "Title - Site", where Site is the site name, the domain, or a short last
  segment); else the first `<h1>` in the article; else `<title>` with its suffix cut.
- Authors. JSON-LD `author` of the article object (a Person, a list, or a name), then author meta tags
  (`author`, `article:author`, `parsely-author`, `sailthru.author`, `dc.creator`), then byline elements
  (`rel=author`, `itemprop=author`, a class or id holding "byline"/"author") outside asides, related
  lists and footers. The first source that gives names wins (no sidebar bylines mixed in). Each name is
  cleaned (a leading "By", "and" lists, roles after a comma, "is a reporter...", e-mail, handles) and kept
  only when it reads as a person's name: 2 to 4 capitalised words, no digits, not a site or agency name.
  A news agency credit ("Associated Press", "Reuters") is kept apart as the agency.
- Date. JSON-LD `datePublished`, then published-time meta tags, then `itemprop=datePublished`, then the
  first `<time datetime>` in the article, then htmldate's original date, then a /YYYY/MM/DD/ in the URL;
  modified dates are never used. The rule that gave it is kept as `date_source`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date as calendar_date
from urllib.parse import urlparse

from lxml import html as lxml_html
from lxml.html import HtmlElement

from .page_text import find_date as written_date

AGENCIES = {  # agency credits, by their usual spellings (lowercase) -> the name shown
    "associated press": "Associated Press", "ap": "Associated Press", "the associated press": "Associated Press",
    "reuters": "Reuters", "thomson reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP",
    "agence france presse": "AFP", "pa": "PA Media", "press association": "PA Media", "pa media": "PA Media",
    "bloomberg": "Bloomberg", "dpa": "dpa", "ansa": "ANSA", "efe": "EFE", "xinhua": "Xinhua", "upi": "UPI",
    "cnn wire": "CNN Wire", "tass": "TASS", "kyodo": "Kyodo", "aap": "AAP", "canadian press": "The Canadian Press",
    "the canadian press": "The Canadian Press",
}
ARTICLE_TYPES = ("article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "webpage", "liveblogposting", "scholarlyarticle", "techarticle", "report")
GENERIC_TYPES = ("webpage", "report")  # used only when no article object has the fields
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
DATE_META = ("article:published_time", "og:published_time", "og:article:published_time", "datepublished",
             "pubdate", "publishdate", "publish-date", "parsely-pub-date", "sailthru.date", "dc.date.issued",
             "dcterms.created", "date", "article.published", "published_time", "cxenseparse:recs:publishtime")
SEPARATORS = re.compile(r"\s+[|\-\u2013\u2014:\u00bb\u2022\u00b7]{1,2}\s+")
_ROLE_WORDS = re.compile(
    r"\b(reporter|correspondent|editor|writer|columnist|contributor|staff|producer|journalist|analyst|"
    r"senior|chief|deputy|associate|managing|news|desk|bureau|photographer|photos?|video|updated|published|"
    r"about|authors?|follow|posts?|team|editorial|admin|contact|share|more|view|profile|bio)\b",
    re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z'\u2019\-]+|[A-Z]\.|[A-Z][a-z]*[A-Z][a-z]+|(?:de|da|van|von|der|del|la|le|di|du|bin|al|el|ibn)|[A-Z]{1}\.[A-Z]\.)$")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})/(\d{1,2})/(\d{1,2})(?:/|$)")


@dataclass
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    date: str | None = None
    date_source: str | None = None
    site: str | None = None
    url: str | None = None


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("\u00a0", " ").split())


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", _norm(text).casefold()).strip()


def parse_page(page: str) -> HtmlElement | None:
    """The page's element tree, or None when it is not HTML lxml can read."""
    try:
        return lxml_html.document_fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return None


def page_metadata(page: str, url: str | None = None, root: HtmlElement | None = None,
                  shown: str | None = None) -> PageMeta:
    """The metadata of one HTML page (`root`: its tree, when already parsed; `shown`: its shown_text, when
    already read); empty fields where the page gives nothing trustworthy."""
    root = root if root is not None else parse_page(page)
    if root is None:
        return PageMeta(url=url)
    metas = _meta_tags(root)
    ld = _json_ld(root)
    article = _article_object(ld)
    site = _site_name(metas, ld)
    page_url = _norm(metas.get("og:url")) or _canonical(root) or url
    meta = PageMeta(site=site, url=page_url or None)
    meta.title = _title(root, metas, article, site, page_url)
    meta.authors, meta.agency = _authors(root, metas, article, site)
    meta.authors = shown_names(meta.authors, shown_text(root) if shown is None else shown)
    meta.date, meta.date_source = _date(root, metas, article, page, page_url)
    return meta


# -- sources --------------------------------------------------------------------------------------

def _meta_tags(root) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if name and content and name not in found:
            found[name] = content
    return found


def _json_ld(root) -> list[dict]:
    objects: list[dict] = []
    for el in root.iter("script"):
        if (el.get("type") or "").strip().lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return objects


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type")
    return [str(k).lower() for k in (kind if isinstance(kind, list) else [kind]) if k]


def _article_object(objects: list[dict]) -> dict | None:
    """The JSON-LD object describing the article (an Article type with a headline, best first)."""
    ranked = [o for o in objects if any(t in ARTICLE_TYPES for t in _types(o))]
    ranked.sort(key=lambda o: (all(t in GENERIC_TYPES for t in _types(o) if t in ARTICLE_TYPES), "headline" not in o))
    return ranked[0] if ranked else None


def _canonical(root) -> str | None:
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href", "").startswith("http"):
            return el.get("href")
    return None


def _site_name(metas: dict[str, str], objects: list[dict]) -> str | None:
    if metas.get("og:site_name"):
        return _norm(metas["og:site_name"])
    for obj in objects:
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return _norm(publisher["name"])
    for obj in objects:
        if "website" in _types(obj) or "organization" in _types(obj) or "newsmediaorganization" in _types(obj):
            if isinstance(obj.get("name"), str):
                return _norm(obj["name"])
    return None


_NEGATED_MARK = re.compile(r"\b(?:no|not|without)-[\w-]*")  # "header--no-promo" says what it is not


def _outside_asides(el) -> bool:
    for parent in el.iterancestors():
        tag = parent.tag if isinstance(parent.tag, str) else ""
        marks = _NEGATED_MARK.sub("", f"{parent.get('class', '')} {parent.get('id', '')}".lower())
        if tag in ("aside", "footer", "nav") or re.search(r"related|recommend|sidebar|promo|more-stories|"
                                                          r"trending|popular|comment|newsletter", marks):
            return False
    return True


# -- title ----------------------------------------------------------------------------------------

def _cut_site(title: str, site: str | None, url: str | None) -> str:
    """'Headline | Site' -> 'Headline' when what follows a separator is the site (its name or its domain),
    or a short last segment after a headline of some length."""
    seps = list(SEPARATORS.finditer(title))
    if not seps:
        return title
    domain = urlparse(url).netloc.lower().removeprefix("www.").split(".")[0] if url else ""
    site_key = _key(site or "")
    for sep in seps:  # the earliest separator after which everything is the site
        tail_key = _key(title[sep.end():])
        if tail_key and ((site_key and (tail_key in site_key or site_key in tail_key))
                         or (domain and domain in tail_key.replace(" ", ""))):
            return _norm(title[: sep.start()])
    last = seps[-1]
    if len(title[last.end():].split()) <= 3 and len(title[: last.start()].split()) >= 4:
        return _norm(title[: last.start()])
    return title


def _title(root, metas, article, site, url) -> str | None:
    h1s = [_norm(h.text_content()) for h in root.iter("h1") if _norm(h.text_content())]
    h1s = [h for h in h1s if 3 <= len(h) <= 300]
    page_title = _norm(root.findtext(".//title"))
    declared = [_norm(article.get("headline")) if article and isinstance(article.get("headline"), str) else "",
                _norm(metas.get("og:title")), _norm(metas.get("twitter:title")), page_title]
    declared = [d for d in declared if d]
    for h in h1s:  # the shown headline that the metadata agrees with
        hk = _key(h)
        if any(_key(d) == hk or _key(d).startswith(hk + " ") for d in declared if len(hk) > 8):
            return h
    for d in declared[:3]:
        cut = _cut_site(d, site, url)
        if cut and (not site or _key(cut) != _key(site)):
            return cut
    if h1s:
        return h1s[0]
    return _cut_site(page_title, site, url) if page_title else None


# -- authors --------------------------------------------------------------------------------------

_BY_PREFIX = re.compile(r"^[\W_]*(?:(?:written|posted|words|story|reporting|text)\s+)?by\b[:\s]*", re.IGNORECASE)


def _split_names(text: str) -> list[str]:
    text = _norm(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\S+@\S+|@\w+|https?://\S+", " ", text)
    text = re.sub(r"\s+(?:is|was)\s+an?\s+.*$", "", text, flags=re.IGNORECASE)  # "X is a reporter for ..."
    pieces = re.split(r"\s*(?:,|;|&|\band\b|\|| - | \u2013 | \u2014 |/)\s*", _BY_PREFIX.sub("", text))
    return [p for p in (_norm(_BY_PREFIX.sub("", piece)).strip(" .:") for piece in pieces) if p]


def _is_name(name: str, site: str | None) -> bool:
    words = name.split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in name) or _ROLE_WORDS.search(name):
        return False
    if site and _key(name) in _key(site):
        return False
    capitals = [w for w in words if w[0].isupper()]
    return len(capitals) >= 2 and all(_NAME_WORD.match(w) or (w.isalpha() and w.isupper() and len(w) <= 3)
                                      for w in words)


def clean_authors(raw: list[str], site: str | None) -> tuple[list[str], str | None]:
    names: list[str] = []
    agency = None
    for text in raw:
        for piece in _split_names(text):
            known = AGENCIES.get(piece.casefold().strip(". "))
            if known:
                agency = agency or known
                continue
            piece = piece.title() if piece.isupper() and len(piece) > 3 else piece
            if _is_name(piece, site) and _key(piece) not in {_key(n) for n in names}:
                names.append(piece)
    return names, agency


def _ld_authors(article: dict | None) -> list[str]:
    if not article:
        return []
    value = article.get("author") or article.get("creator")
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            if "organization" in _types(item) and not AGENCIES.get(item["name"].casefold()):
                continue
            out.append(item["name"])
    return out


def _byline_elements(root) -> list[str]:
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "script", "style", "link", "body", "html"):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if (el.get("rel") == "author" or el.get("itemprop") == "author"
                or re.search(r"\bbyline\b|\bauthor-?name\b|\bauthor\b|\bbyline__", marks)):
            text = _norm(el.text_content())
            if text and len(text) <= 120 and _outside_asides(el):
                found.append(text)
        if len(found) >= 6:
            break
    return found


def _authors(root, metas, article, site) -> tuple[list[str], str | None]:
    """The first source that names authors; the page's byline instead when it names every one of them
    and more (metadata often lists only the first of several co-authors)."""
    agency = None
    shown, shown_agency = clean_authors(_byline_elements(root), site)
    sources = [_ld_authors(article), [metas[k] for k in AUTHOR_META if k in metas and not metas[k].startswith("http")]]
    for raw in sources:
        names, found_agency = clean_authors(raw, site)
        agency = agency or found_agency
        if names:
            keys = {_key(n) for n in names}
            if keys < {_key(n) for n in shown}:
                return shown, agency or shown_agency
            return names, agency
    return shown, agency or shown_agency


def shown_text(root) -> str:
    """The text a reader sees in the page's body (not its scripts or styles), as a match key."""
    body = root.find("body")
    return _key(" ".join(body.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"))) if (
        body is not None) else ""


def shown_names(names: list[str], shown: str) -> list[str]:
    """The names the page shows somewhere in its body (`shown`, from shown_text): a CMS account's name in
    metadata only, on a press release or a post, is not the article's byline. A page without a body
    (`shown` empty) keeps them."""
    return [n for n in names if _key(n) in shown] if shown else names


# -- date -----------------------------------------------------------------------------------------

def _iso(value: object) -> str | None:
    match = _ISO.search(str(value or ""))
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31 else None


def _shown_date(root) -> str | None:
    """The first date written out in the article's own date elements (<time>, or an element whose class
    says date, time, published or posted), as the reader sees it."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "html", "body", "head"):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}".lower()
        if el.tag == "time" or re.search(r"date|time|publish|posted|dateline", marks):
            text = _norm(el.text_content())
            if 6 <= len(text) <= 80 and _outside_asides(el) and (found := written_date(text)):
                return found
    return None


def _near(a: str, b: str) -> bool:
    return abs((calendar_date.fromisoformat(a) - calendar_date.fromisoformat(b)).days) <= 1


def _date(root, metas, article, page: str, url: str | None) -> tuple[str | None, str | None]:
    """The published date; a date the page shows within a day of it wins (metadata times are often UTC,
    the page shows the publisher's local day)."""
    found, source = _declared_date(root, metas, article)
    shown = _shown_date(root)
    if shown and (found is None or _near(shown, found)):
        return shown, "shown on the page"
    if found:
        return found, source
    return _guessed_date(page, url)


def _declared_date(root, metas, article) -> tuple[str | None, str | None]:
    if article and (found := _iso(article.get("datePublished") or article.get("dateCreated"))):
        return found, "json-ld datePublished"
    for name in DATE_META:
        if name in metas and (found := _iso(metas[name])):
            return found, f"meta {name}"
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("itemprop") == "datePublished":
            if found := _iso(el.get("content") or el.get("datetime") or el.text_content()):
                return found, "itemprop datePublished"
    for el in root.iter("time"):
        if _outside_asides(el) and (found := _iso(el.get("datetime"))):
            return found, "time element"
    return None, None


def _guessed_date(page: str, url: str | None) -> tuple[str | None, str | None]:
    try:
        from htmldate import find_date

        found = find_date(page, original_date=True, outputformat="%Y-%m-%d", url=url)
    except Exception:
        found = None
    if found:
        return found, "htmldate"
    if url and (match := _URL_DATE.search(url)):
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", "url"
    return None, None
