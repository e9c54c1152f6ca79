"""The plain-text path: the visible text of a saved news page to its clean article.

Each line is classified (body sentence, heading, headline-like, caption, credit, link, widget, date,
byline, tail or end marker). The article is the contiguous run of lines with the highest score, where
body lines count for their length and headline-like lines against it (Kadane's maximum subarray); markers
such as "More Latest News" or "34 Comments" bound it. Inside the run the noise lines are dropped; the
paragraphs keep their text whole and their order. Already-clean text is one run with nothing to drop.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from enum import Enum


@dataclass
class PageText:
    title: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD when found in the text, else None
    byline: str | None = None  # author name(s) without the leading "By"
    paragraphs: list[str] = field(default_factory=list)  # the article's body paragraphs, whole, in order
    source: str | None = None  # site or publisher name (HTML metadata)
    agency: str | None = None  # news agency credited (HTML metadata)
    date_source: str | None = None  # where the date was read
    url: str | None = None  # canonical URL (HTML metadata)


class Kind(Enum):
    BODY = "body"  # a sentence-punctuated line of some length (or a very long unpunctuated one)
    SHORT = "short"  # a short sentence-punctuated line ("Sorry!", '"We will win," he said.')
    LIST = "list"  # unpunctuated lines right after a line ending in ":" (tour dates, steps)
    HEADING = "heading"  # a few words, no terminal punctuation (subheading, list item, menu entry)
    HEADLINE = "headline"  # 7-20 words, no terminal punctuation (another story's headline, a caption)
    JUNK = "junk"  # no letters, or one odd token
    CAPTION = "caption"  # a photo caption or credit, a repeated line
    LINK = "link"  # "Read more: ...", "Related: ..."
    WIDGET = "widget"  # audio/share/subscribe/ad controls and promos
    DATE = "date"
    BYLINE = "byline"
    TAIL = "tail"  # "More Latest News", "Related": lists of other stories, mostly after the article
    END = "end"  # "34 Comments", "© 2019 Site": nothing after it is the article


_TEXT = (Kind.BODY, Kind.SHORT, Kind.LIST)
_CLOSERS = "\"'”’»)]*"
_TERMINAL = ".!?…:;。！？"
_MIN_BODY_WORDS = 8
_MAX_HEADING_WORDS = 6
_MAX_HEADLINE_WORDS = 20  # longer unpunctuated lines are paragraphs (ending in a link, an emoji...)
_FIRST_OF_BEST = 0.5  # the first segment scoring this share of the best one is the article's
_MIN_ARTICLE = 80.0  # score (about words) of the smallest article that a comments marker ends
_HEAD_LINES = 12  # how far into the run a byline/date block may sit
_MAX_GAP = 16  # lines of a "Related" box inside an article

# Dates: "6 December 2024", "Nov. 18, 2019", "2024-12-06".
_MONTH_NAMES = (
    "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august|sep sept september|"
    "oct october|nov november|dec december"
)
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES.split("|"), 1) for name in names.split()}
_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_DATE = re.compile(
    rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON.replace('mon', 'mon1')}\s*,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b{_MON.replace('mon', 'mon2')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)(?!\d)"
)  # matched against the lowercased line

_BYLINE = re.compile(
    r"^(?:by|written by|words by|posted by|reporting by)\s*:?\s+(?P<name>(?-i:[A-Z]).*)$", re.IGNORECASE
)
_BY_CUT = re.compile(r"\s+(?:[|•·]|-\s|–|—|on\s+\w+day\b|updated\b|published\b).*$|,?\s*\d.*$", re.IGNORECASE)

# Photo credits: a caption ending in "Picture: Alamy" or "(Getty Images)", or a credit line of its own.
_CREDIT_WORD = r"(?:picture|photo|photograph|image|pic|illustration|credit|video|footage)s?(?:\s+credit)?"
_CREDIT_END = re.compile(
    rf"(?:^|[.\s]|(?-i:(?<=[a-z])(?=[A-Z])))(?:{_CREDIT_WORD})\s*[:|]\s*[^.:]{{1,60}}$", re.IGNORECASE
)
_CREDIT_START = re.compile(rf"^(?:{_CREDIT_WORD}|\w+\s+{_CREDIT_WORD})\s*(?:[:|©]|by\b)", re.IGNORECASE)
_AGENCY = (
    r"Getty|Images|AFP|Reuters|AP|PA|EPA|Alamy|Shutterstock|Handout|Supplied|Photo|Picture|Courtesy|File"
)
_CREDIT_PAREN = re.compile(rf"\((?:[^()]{{0,40}}\b)?(?:{_AGENCY})\b[^()]{{0,40}}\)\.?$")
_AGENCY_LINE = re.compile(
    r"\b(?:Getty Images|AFP|Reuters|AP|Associated Press|EPA|PA (?:Wire|Media)|Alamy|"
    r"Shutterstock|NurPhoto|SIPA|Rex Features|iStock)\b"
)
_LEGAL = re.compile(
    r"(?:^|\W)©\s*(?:copyright\s*)?(?:\d{4}|(?-i:[A-Z]))|\ball rights reserved\b|^copyright\b"
    r"|^\(c\)",
    re.IGNORECASE,
)

# Lexicons of page furniture common across sites, matched against the lowercased line without its
# final punctuation.
_LINK = re.compile(
    r"^(?:read more|read also|also read|more reading|related|related stories|related articles|see also|"
    r"more on this(?: story)?|more from \w+|read next|read the full story|watch|listen|recommended|"
    r"most read|trending|click here)\s*(?:[:>»|\-–—]|$)"
)
_WIDGET = re.compile(
    r"^(?:listen to (?:this|the) (?:article|story)|loading(?: audio| video)?\W*|play(?: video| audio)?|"
    r"pause|mute|unmute|share(?: this)?(?: article| story| page| on \w+)?|sharing is caring!?|"
    r"(?:copy|copied)(?: the)? link|print(?: this)?(?: article| page)?|e-?mail(?: this)?(?: article)?|"
    r"\d+\s*shares?|save(?: article| for later| story)?|bookmark|"
    r"follow(?: us)?(?: on \w+)?|subscribe(?: now)?|sign (?:in|up|out)|log (?:in|out)|register|"
    r"advertisement|advert|sponsored(?: content)?|ad|close|open|menu|search|skip to (?:main )?content|"
    r"back to (?:top|gallery)|caption|image|images|photo|video|gallery|view gallery|enlarge|expand|"
    r"\d+\s*min(?:ute)?s? read|reading time.*|facebook|twitter|x|whatsapp|linkedin|pinterest|reddit|"
    r"email|messenger|flipboard|tumblr|telegram|instagram|youtube|mix|next|previous|prev|more|"
    r"tweet|pin it|like|reply|report|embed|download|audio|listen|toggle.*|\W*)$"
)
_TAIL = re.compile(
    r"^(?:see more\b.*|(?:more|latest|top|related|trending|popular|recommended|editor'?s? picks?)"
    r"(?: latest)?(?: news| stories| articles| videos| headlines| reads?| posts)(?: from .*)?|"
    r"most (?:popular|read|viewed|shared|commented)(?: .*)?|you (?:may|might) (?:also )?like.*|"
    r"what to read next|read next|(?:from )?around the web|more (?:from|in|on) .*|related|recommended|"
    r"(?:sponsored|promoted) (?:stories|links|content)|also in .*|in other news|elsewhere on .*|"
    r"more topics|more stories|latest|we recommend|about the author|don['’]?t miss|(?:previous|next) (?:article|story|post)|"
    r"more(?: [\w&'.-]+){1,3})$"
)
_END = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies|thoughts)\b.*|(?:show|view|load|read|post|add) (?:all )?"
    r"comments?.*|comments|leave a (?:comment|reply)|join the (?:conversation|discussion)|"
    r"discussion|reader comments|tell us what you think|have your say|what do you think\??)$"
)

_SKIP = re.compile(r"^(?:skip|jump|go|back)\s+(?:to\s+)?(?:the\s+)?(?:main\s+)?(?:article|content|navigation|"
                   r"menu|story|search|overview|top)\b|^zurück\b", re.IGNORECASE)
_APPEAL = re.compile(  # the reader asked for money or membership
    r"\b(?:please|you can|consider|would you|help us|if you (?:value|enjoy|like))\b.{0,80}\b(?:donat\w*|"
    r"support (?:us|our|this)|contribut\w*|become a (?:member|patron|supporter|subscriber))|"
    r"\bsupport (?:our|independent|quality) (?:journalism|reporting)\b|\bbecome a (?:patron|member) (?:of|today)|"
    r"\bdonate (?:now|today|here)\b|\bpatreon\b|\btip jar\b")
_TAG_LINE = re.compile(r"^(?:tags?|topics?|filed under|categories|category|keywords|related topics)\s*[:\-\u2013]")
_NO_COMMENTS = re.compile(r"^(?:0|no|zero)\s+(?:comments?|responses?|replies|thoughts)\b")
_PROMO = re.compile(
    r"\b(?:newsletters?|subscribe to|sign up (?:for|to)|cookies?|privacy policy|"
    r"terms of (?:use|service)|your inbox|email address)\b"
)
_PROMO_KEYS = ("newsletter", "subscribe", "sign up", "cookie", "privacy", "terms of", "inbox", "email")
_CREDIT_KEYS = ("pic", "photo", "image", "illustration", "credit", "video", "footage")
_FURNITURE = re.compile(
    "|".join(  # one pass for the three lexicons: which one matched is m.lastgroup
        f"(?P<{name}>{rx.pattern[1:-1]})"
        for name, rx in (("end", _END), ("tail", _TAIL), ("widget", _WIDGET))
    )
)
_FURNITURE_KIND = {"end": Kind.END, "tail": Kind.TAIL, "widget": Kind.WIDGET}
_LETTER = re.compile(r"[^\W\d_]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass
class _Line:
    text: str
    words: int
    kind: Kind
    date: str | None = None
    byline: str | None = None


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(_CLOSERS + " ")
    return bool(core) and core[-1] in _TERMINAL


def find_date(text: str) -> str | None:
    """The first calendar date written in text, as ISO YYYY-MM-DD, or None."""
    if not _YEAR.search(text):
        return None
    for m in _DATE.finditer(text.lower()):
        g = m.group
        if g("y3"):
            year, month, day = int(g("y3")), int(g("m3")), int(g("d3"))
        else:
            n = "1" if g("y1") else "2"
            year, month, day = int(g("y" + n)), _MONTHS[g("mon" + n)], int(g("d" + n))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _is_caption(text: str, low: str, sentence: bool) -> bool:
    """A caption carrying its credit ("... Picture: Alamy", "... (Getty Images)") or a credit line."""
    if text.endswith((")", ").")) and _CREDIT_PAREN.search(text):
        return True
    if sentence or not any(k in low for k in _CREDIT_KEYS):
        return False
    return bool((":" in text or "|" in text) and _CREDIT_END.search(text[-80:]) or _CREDIT_START.match(text))


def _is_legal(text: str, low: str) -> bool:
    """A copyright or "All rights reserved" line (the cheap tests first: this runs on every line)."""
    return ("©" in text or "rights reserved" in low or low.startswith(("copyright", "(c)"))) and bool(
        _LEGAL.search(text)
    )


def _classify(text: str) -> _Line:
    """One line's kind, from its length, final punctuation and the lexicons; dates and bylines parsed."""
    # Words: whitespace tokens, or about two characters a word in scripts written without spaces.
    words = len(text.split())
    if not text.isascii() and _CJK.search(text):
        words = max(words, len(_CJK.findall(text)) // 2)
    line = _Line(text, words, Kind.JUNK)
    if not _LETTER.search(text):
        return line
    sentence = _ends_sentence(text)
    if words <= 12 and not (sentence and words > 6):
        if (date := find_date(text)) is not None:
            line.kind, line.date = Kind.DATE, date
            return line
        if not sentence and (m := _BYLINE.match(text)):
            line.kind, line.byline = Kind.BYLINE, _BY_CUT.sub("", m.group("name")).strip(" ,") or None
            return line
    low = text.lower()
    bare = low.strip(" []()|·•").rstrip(" :.!…").strip(" []()|·•")  # "[ 167 comments ]" is "167 comments"
    if _is_legal(text, low):
        line.kind = Kind.CAPTION if words <= 4 else Kind.END  # a photo's "© Name", or the site's footer
    elif words <= 12 and (m := _FURNITURE.fullmatch(bare)) and (m.lastgroup != "widget" or words <= 5):
        line.kind = _FURNITURE_KIND[m.lastgroup or ""]
        if line.kind is Kind.END and _NO_COMMENTS.match(bare):  # an empty comments widget starts nothing
            line.kind = Kind.WIDGET
    elif _is_promo(text, low, words, sentence):
        line.kind = Kind.WIDGET
    elif _LINK.match(low) or (words <= _MAX_HEADLINE_WORDS + 5 and _TEASER.search(text)):
        line.kind = Kind.LINK
    elif _is_caption(text, low, sentence):
        line.kind = Kind.CAPTION
    elif sentence or words > _MAX_HEADLINE_WORDS:
        line.kind = Kind.BODY if words >= _MIN_BODY_WORDS else Kind.SHORT
    elif words == 1 and (text[0].islower() or len(text) < 3):
        line.kind = Kind.JUNK
    elif words <= _MAX_HEADING_WORDS or (text.isupper() and words <= 12):
        line.kind = Kind.HEADING
    else:
        line.kind = Kind.HEADLINE
    return line


_FUNCTION_WORDS = frozenset(re.findall(r"\w+", "the a an of to in and or for on with at by from that is was are were be has have"))


_CONTACT = re.compile(r"\b(?:follow (?:me|us|him|her|them)|(?:can|may) be reached|(?:contact|e-?mail) (?:me|us|him|her|them)|"
                      r"have a tip|send (?:us )?(?:a )?tips?)\b")
_TEASER = re.compile(r"\[(?:VIDEO|PICTURES?|PHOTOS?|GALLERY|INSIGHT|REACTION|REVEAL|LATEST|POLL|LIVE|ANALYSIS|"
                     r"OPINION|COMMENT|INTERVIEW|UPDATE|PICS|MAPS?|WATCH)\][\s|]*$")  # a teaser: "... [VIDEO]"
_FOLLOW = re.compile(r"^(?:follow|like|listen to|watch) [\w' .&-]{1,40} (?:on|at) (?:twitter|instagram|facebook|youtube|tiktok|"
                     r"linkedin|threads|bluesky|x\b|\d)")
_SHORTCODE = re.compile(r"^\[/?[a-z_]+(?:\s+[a-z_]+=|\])")
_OFFER = re.compile(  # the reader offered a subscription: a call to action with a price or a delivery
    r"^(?:get|subscribe|try|join|buy|order|unlock|start)\b.{0,160}(?:(?:£|\$|€|\brs\.?\s?)\d|"
    r"\bper (?:month|year|issue)\b|\bissues for\b|\bfor as little as\b|\bfree trial\b|\bsubscriptions?\b|"
    r"\bdelivered (?:to|through|straight)\b|\bletterbox\b|\byour inbox\b)"
)


def _is_promo(text: str, low: str, words: int, sentence: bool) -> bool:
    """A newsletter or cookie promo; a donation appeal ("Please consider a donation to support our
    journalism"); a tag line ("Tags: ...") or a long unpunctuated tag cloud; the author's contact line
    ("Have a tip? X may be reached at x@site.com. Follow her on Twitter @x"); a CMS shortcode left in the
    text ("[button link=...]"); a subscription offer, a call to action with a price or a delivery ("Get
    Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99.")."""
    return bool(
        (words <= 14 and any(k in low for k in _PROMO_KEYS) and _PROMO.search(low))
        or (words <= 60 and "@" in low and _CONTACT.search(low))
        or (words <= 20 and _FOLLOW.search(low))
        or _SHORTCODE.match(low)
        or (words <= 60 and _OFFER.search(low))
        or (words <= 45 and _APPEAL.search(low))
        or _TAG_LINE.match(low)
        or (words > _MAX_HEADLINE_WORDS and not sentence and _tag_cloud(text))
    )


def _pitch(low: str) -> bool:
    """A promo that is never article text however long: a subscription offer, or an author's contact
    and follow line with a handle or address ("Follow him on Twitter @michaeldwall")."""
    return bool(_OFFER.search(low) or ("@" in low and _CONTACT.search(low)))


def _tag_cloud(text: str) -> bool:
    """A long unpunctuated line of names and topics ("Politics Brexit Theresa May EU Parliament ..."):
    nearly every word capitalised, or short items between separators."""
    words = [w for w in text.split() if w[:1].isalpha()]
    capital = sum(w[:1].isupper() for w in words)
    function = sum(w.lower() in _FUNCTION_WORDS for w in words)
    items = re.split(r"\s*[,|•·#]\s*", text)
    return (bool(words) and capital >= 0.85 * len(words) and function <= 0.05 * len(words)) or (
        len(items) >= 8 and all(len(i.split()) <= 3 for i in items) and function <= 0.05 * len(words))


def _join_broken(raw: list[str]) -> list[str]:
    """Rejoin a paragraph broken over lines: an unpunctuated line, then a line starting in lowercase."""
    out: list[str] = []
    for r in raw:
        if out and out[-1] and r[:1].islower() and not _ends_sentence(out[-1]):
            out[-1] = f"{out[-1]} {r}"
        else:
            out.append(r)
    return out


def _is_credit_only(ln: _Line) -> bool:
    """A photo credit alone on its line: "Photo: Hau Dinh, AP", "(Getty Images)", "Name | Getty Images"."""
    text = ln.text
    if ln.words > 10 or ln.kind in (Kind.BODY, Kind.SHORT, Kind.DATE, Kind.END, Kind.TAIL):
        return False
    return bool(
        _CREDIT_START.match(text)
        or (text.startswith("(") and _CREDIT_PAREN.match(text))
        or (ln.words <= 8 and "(" not in text and _AGENCY_LINE.search(text))
    )


def _mark_captions(lines: list[_Line]) -> None:
    """Captions: the line above a credit line; a line the next one repeats with a credit ("X" then
    "X. Picture: Alamy"); a line shown twice in a row (gallery text)."""
    for a, b in itertools.pairwise(lines):
        if _is_credit_only(b):
            b.kind = Kind.CAPTION
            if a.kind in (Kind.BODY, Kind.SHORT, Kind.HEADLINE, Kind.HEADING):
                a.kind = Kind.CAPTION
        elif a.words >= 3 and b.text.startswith(head := a.text.rstrip(". ")):
            rest = b.text[len(head) :].strip(" .")
            if not rest or (
                len(rest.split()) <= 8
                and (":" in rest or _CREDIT_PAREN.match(rest) or _AGENCY_LINE.search(rest))
            ):
                a.kind = b.kind = Kind.CAPTION


def _mark_repeats(lines: list[_Line]) -> None:
    """An unpunctuated line of several words shown twice on the page is furniture (teasers, captions)."""
    seen: dict[str, int] = {}
    for ln in lines:
        if ln.words >= 4 and ln.kind in (Kind.HEADLINE, Kind.HEADING, Kind.CAPTION):
            seen[ln.text] = seen.get(ln.text, 0) + 1
    for ln in lines:
        if seen.get(ln.text, 0) > 1:
            ln.kind = Kind.CAPTION


def _mark_lists(lines: list[_Line]) -> None:
    """Unpunctuated lines after a sentence ending in a colon are the items it announces (not "Search:")."""
    in_list = False
    for ln in lines:
        if in_list and ln.kind in (Kind.HEADING, Kind.HEADLINE):
            ln.kind = Kind.LIST
            continue
        in_list = ln.kind in (Kind.BODY, Kind.SHORT) and ln.words >= 4 and ln.text.endswith(":")


# Line score = per_word * words + constant: text counts for its length, headline-like lines against.
_WEIGHTS = {
    Kind.BODY: (1.0, 0.0),
    Kind.SHORT: (0.5, 0.0),
    Kind.LIST: (0.5, 0.0),
    Kind.HEADLINE: (-1.5, 0.0),
    Kind.TAIL: (0.0, -20.0),
    Kind.END: (0.0, -20.0),
    Kind.DATE: (0.0, -3.0),  # rare inside an article, common in lists of stories
    Kind.HEADING: (0.0, -2.0),
    Kind.JUNK: (0.0, -2.0),
    Kind.WIDGET: (0.0, -2.0),
    Kind.LINK: (0.0, -2.0),
    Kind.CAPTION: (0.0, -1.0),
    Kind.BYLINE: (0.0, -1.0),  # expected around an article
}


def _score(ln: _Line) -> float:
    per_word, constant = _WEIGHTS[ln.kind]
    return per_word * ln.words + constant


def _kadane(scores: list[float], start: int, end: int) -> tuple[float, int, int]:
    """The contiguous run of scores[start:end] with the highest sum: (sum, lo, hi)."""
    best, best_lo, best_hi = 0.0, start, start
    total, lo = 0.0, start
    for i in range(start, end):
        if total <= 0:
            total, lo = 0.0, i
        total += scores[i]
        if total > best:
            best, best_lo, best_hi = total, lo, i + 1
    return best, best_lo, best_hi


def _hard_end(lines: list[_Line], scores: list[float]) -> int:
    """Where the article part of the page ends: the first comments/footer marker after a real article."""
    best = total = 0.0
    for i, ln in enumerate(lines):
        if ln.kind is Kind.END and best >= _MIN_ARTICLE:
            return i
        total = max(total, 0.0) + scores[i]
        best = max(best, total)
    return len(lines)


def _best_region(lines: list[_Line], scores: list[float]) -> tuple[int, int]:
    """The article's lines, as a half-open range.

    Tail markers split the page into segments; the article is the best run of the first segment that
    scores at least _FIRST_OF_BEST of the best segment, since lists of other stories and comments come
    after the article and can outweigh it.
    """
    end = _hard_end(lines, scores)
    cuts = [i for i in range(end) if lines[i].kind is Kind.TAIL]
    bounds = list(zip([0, *(c + 1 for c in cuts)], [*cuts, end], strict=True))
    runs = [_kadane(scores, a, b) for a, b in bounds]
    top = max(r[0] for r in runs)
    score, lo, hi = next(r for r in runs if r[0] >= _FIRST_OF_BEST * top)
    # An inline "Related" box can split an article: go on past it when body resumes right after it,
    # with a substantial run and no date or byline (which would start the next story).
    while True:
        j = hi
        while j < end and j - hi < _MAX_GAP and lines[j].kind not in (Kind.BODY, Kind.SHORT):
            j += 1
        gap = {x.kind for x in lines[hi:j]}
        if (
            j >= end
            or lines[j].kind is not Kind.BODY
            or Kind.TAIL not in gap
            or Kind.DATE in gap
            or Kind.BYLINE in gap
        ):
            break
        stop = next((i for i in range(j + 1, end) if lines[i].kind is Kind.TAIL), end)
        more, nlo, nhi = _kadane(scores, j, stop)
        if nlo != j or more < max(_MIN_ARTICLE / 2, score / 4):
            break
        hi, score = nhi, score + more
    # A standfirst above the byline/date block is not body: the body starts after that block.
    marks = [
        i
        for i in range(lo, min(hi, lo + _HEAD_LINES))
        if lines[i].kind in (Kind.DATE, Kind.BYLINE) or lines[i].text.lower() == "by"
    ]
    if marks and sum(max(s, 0.0) for s in scores[lo : marks[-1]]) < score / 4:
        lo = marks[-1] + 1
    return lo, hi


def _keep(lines: list[_Line], i: int, hi: int) -> bool:
    """Whether line i of the article's run (ending at hi) is a paragraph or a subheading."""
    ln = lines[i]
    if ln.kind in _TEXT:
        return True
    if ln.kind is not Kind.HEADING or ln.words < 2:
        return False
    # A subheading (or list item) has text or another heading after it inside the run.
    nxt = next((x for x in lines[i + 1 : hi] if x.kind is not Kind.JUNK), None)
    return nxt is not None and nxt.kind in (*_TEXT, Kind.HEADING)


def _title_case(text: str) -> bool:
    words = [w for w in text.split() if len(w) >= 4 and w[0].isalpha()]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _byline(head: list[_Line]) -> str | None:
    found = next((ln.byline for ln in head if ln.byline), None)
    if found is None:  # "By" alone on a line, the name on the next
        found = next(
            (
                b.text
                for a, b in itertools.pairwise(head)
                if a.text.lower() == "by" and 2 <= b.words <= 4 and b.text[:1].isupper()
            ),
            None,
        )
    return found


_FURNITURE_KINDS = (Kind.LINK, Kind.WIDGET, Kind.TAIL, Kind.END)
_BULLET = ("- ", "\u2022 ", "* ")


def drop_furniture(paragraphs: list[str], title: str | None = None) -> list[str]:
    """An extractor's body paragraphs without the page furniture it kept, by the same line rules as the
    text path: the headline repeated in the first lines; "Related: ..." links, share, follow, newsletter and
    subscription promos, "You may also like", "comments" and copyright lines (only lines of a headline's
    length or less: a long line the extractor kept stays); and a trailing run of unpunctuated bullet items
    (a related-stories list) unless a line ending in ":" announces it.
    """
    wanted = (title or "").strip().casefold()
    kept: list[str] = []
    for i, text in enumerate(paragraphs):
        line = _classify(text)
        if (i < 3 and wanted and text.strip().casefold() == wanted) or (
            line.kind in _FURNITURE_KINDS and (line.words <= _MAX_HEADLINE_WORDS or _pitch(text.lower()))
        ):
            continue
        kept.append(text)
    end = len(kept)
    while end and kept[end - 1].startswith(_BULLET) and not _ends_sentence(kept[end - 1]):
        end -= 1
    if end < len(kept) - 1 and end and not kept[end - 1].rstrip().endswith(":"):
        kept = kept[:end]
    return kept


_WORD = re.compile(r"[^\W\d_]{4,}")


def _stems(text: str) -> set[str]:
    """The longer words of a text, cut to five letters ("reunites" and "reunion" meet as "reuni")."""
    return {w[:5] for w in _WORD.findall(text.casefold())}


def names_the_lead(line: str, paragraphs: list[str], shared: int = 1) -> bool:
    """Whether a line shares at least `shared` longer words with the first paragraphs of the article: a
    headline says what the lead is about, a menu line, a site name or a share button does not."""
    return len(_stems(line) & _stems(" ".join(paragraphs[:4]))) >= shared


def headline_like(text: str) -> bool:
    """Whether a line reads as a headline: 2 to 25 words, not a sentence-punctuated body line, and not page
    furniture (menus, "Skip to main content", share buttons, dates, bylines, links, markers)."""
    return _reads_as_headline(_classify(text.strip()))


def _reads_as_headline(line: _Line) -> bool:
    text = line.text
    pieces = re.split(r"\s[|•·»>/]\s", text)
    if len(pieces) >= 3 and all(len(p.split()) <= 3 for p in pieces):  # "Home | News | Sport": a menu
        return False
    if _SKIP.match(text):
        return False
    return 2 <= line.words <= 25 and line.kind in (Kind.HEADLINE, Kind.HEADING, Kind.SHORT) and not (
        line.kind is Kind.SHORT and text.rstrip().endswith("."))


def clean_page_text(text: str, headline: str | None = None) -> PageText:
    """Find the article in a page's visible text: its title, date, byline and body paragraphs.

    `headline`, when known, becomes the title, and lines repeating it are dropped. Without it, a clean
    file's title-case first line set apart by a blank line is the title.
    """
    raw = _join_broken([r.strip() for r in text.splitlines()])
    lines = [_classify(r) for r in raw if r]
    title = headline.strip() if headline and headline.strip() else None
    if not lines:
        return PageText(title=title)
    _mark_captions(lines)
    _mark_repeats(lines)
    _mark_lists(lines)
    if title:
        for ln in lines:
            if ln.text.casefold() == title.casefold():
                ln.kind = Kind.CAPTION
    elif (
        lines[0].words <= 25
        and len(raw) > 1
        and not raw[1]
        and _title_case(lines[0].text)
        and lines[0].kind in (*_TEXT, Kind.HEADING, Kind.HEADLINE)
        and headline_like(lines[0].text)  # as first read: list marking may have changed its kind
        and names_the_lead(lines[0].text, [ln.text for ln in lines[1:5]])
    ):
        title, lines[0].kind = lines[0].text, Kind.CAPTION
    scores = [_score(ln) for ln in lines]

    lo, hi = _best_region(lines, scores)
    head = lines[max(0, lo - 15) : hi][:40]  # date and byline sit just before or in the first lines
    if title is None:  # the nearest headline-like line above the article that names what its lead is about
        lead = [lines[i].text for i in range(lo, min(hi, lo + 4))]
        title = next(
            (
                ln.text
                for ln in reversed(lines[max(0, lo - 8) : lo])
                if ln.kind in (Kind.HEADLINE, Kind.HEADING) and ln.words >= 4 and _reads_as_headline(ln)
                and names_the_lead(ln.text, lead, shared=2)
            ),
            None,
        )
    return PageText(
        title=title,
        date=next((ln.date for ln in head if ln.date), None),
        byline=_byline(head),
        paragraphs=[lines[i].text for i in range(lo, hi) if _keep(lines, i, hi)],
    )
