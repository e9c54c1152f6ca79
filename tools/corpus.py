"""Reading corpus folders: which files are articles and how each format becomes paragraphs."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import RejectedFile
from .extract.html_page import extract_html
from .extract.page_text import PageText, clean_page_text, headline_like, names_the_lead
from .models import Article, ArticleFormat, Paragraph

log = logging.getLogger(__name__)
ARTICLE_SUFFIXES = (".txt", ".text", ".html", ".htm", ".html.gz", ".htm.gz", ".json", ".jsonl")
SEED_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$")
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass
class RawArticle:
    """One article read from a file, before it gets its id."""

    path: Path
    record: int  # position inside a JSON Lines / JSON list file; 0 otherwise
    format: ArticleFormat
    page: PageText
    source: str | None = None
    url: str | None = None
    slug: str | None = None  # preferred id stem (a JSON record's own id)


def is_article_file(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith((".", "_")) and name.endswith(ARTICLE_SUFFIXES)


def iter_corpus_files(root: Path) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for each article file below root, sorted; (path, reason) for an article-named entry
    that is skipped. Hidden files and folders are left out. Links to folders are not followed (no loops,
    nothing outside the folder); a link to a file is read only if the file lies inside the folder."""
    if not root.is_dir():
        yield root, None
        return
    inside = root.resolve()
    found: list[tuple[Path, str | None]] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if is_article_file(path):
                found.append((path, _unreadable(path, inside)))
    yield from sorted(found)


def _unreadable(path: Path, inside: Path) -> str | None:
    """Why a corpus entry is not a file to read, or None."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(inside):
                return "symbolic link to a file outside the corpus folder: not read"
        mode = path.stat().st_mode
    except (OSError, RuntimeError):  # a dangling link, a link loop, a file that just went away
        return "broken symbolic link or vanished file"
    return None if stat.S_ISREG(mode) else "not a regular file (a pipe, device or socket)"


def path_key(path: Path) -> str:
    """A file's path as text: a name that is not valid UTF-8 (old archives and zips leave them) has its
    undecodable bytes written as \\xNN."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return text


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slugify(text: str, max_len: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "article"


def gunzip(path: Path, data: bytes, max_bytes: int) -> bytes:
    """Inflate a .gz file, never past max_bytes (a small file can inflate to gigabytes)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise RejectedFile(str(path), f"corrupt gzip file ({exc})") from exc
    if len(out) > max_bytes:
        raise RejectedFile(str(path), f"inflates to over the {max_bytes:,}-byte limit")
    if not inflater.eof:
        raise RejectedFile(str(path), "truncated gzip file")
    return out


BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_WESTERN = {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "ascii", "us-ascii", "iso-8859-15", "cp1252",
            "windows-1252"}  # browsers read all of these as Windows-1252 (WHATWG Encoding)


_LATIN_GUESSES = {"cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4",
                  "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_roman",
                  "mac_latin2", "cp850", "cp437", "cp858"}


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares (<meta charset> or http-equiv Content-Type) in its first 4 KB."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").strip().lower()
    return "cp1252" if name in _WESTERN else name


_MOJIBAKE_HINT = re.compile("[\u0080-\u009f]|[\u00c2\u00c3][\u0080-\u00bf]")
_SPACE = re.compile(r"\s")


def _unmangled(text: str) -> str:
    """Words read twice with the wrong encoding along the way ("FranÃ§ois" for "François") put right by
    ftfy's encoding fixer, word by word (one mangled name must not wait for the whole text to re-encode),
    each word composed first (an archive may store "Ã" as "A" and a combining tilde); text without the
    tell-tale sequences is returned as it is. Linear in the text (a page's minified script is one long
    word)."""
    hit = _MOJIBAKE_HINT.search(text)
    if hit is None:
        return text
    import ftfy

    out, done = [], 0
    while hit is not None:
        start = hit.start()
        while start > done and not text[start - 1].isspace():
            start -= 1
        after = _SPACE.search(text, hit.end())
        end = after.start() if after else len(text)
        out += [text[done:start], ftfy.fix_encoding(unicodedata.normalize("NFC", text[start:end]))]
        done = end
        hit = _MOJIBAKE_HINT.search(text, done)
    out.append(text[done:])
    return "".join(out)


def decode_text(data: bytes, path: Path, html: bool = False) -> str:
    """Text from bytes (see `_decode`), mojibake put right (`_unmangled`)."""
    return _unmangled(_decode(data, path, html))


def _decode(data: bytes, path: Path, html: bool = False) -> str:
    """Text from bytes, as a browser would read them: a byte-order mark first; else UTF-8 when the bytes
    are valid UTF-8; else the charset an HTML page declares; else charset-normalizer's detection (when it
    guesses a Latin code page, Windows-1252 if that reads the bytes); else Windows-1252. Binary (NUL bytes without a UTF-16/32 mark) is rejected."""
    for mark, encoding in BOMS:
        if data.startswith(mark):
            return data[len(mark):].decode(encoding, errors="replace")
    if b"\x00" in data[:4096]:
        raise RejectedFile(str(path), "binary file (NUL bytes): not a text or HTML article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data) if html else None
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            log.debug("%s declares %s but does not decode as it", path, declared)
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None or best.encoding in _LATIN_GUESSES:  # among Latin code pages the Western one is likeliest
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise RejectedFile(str(path), f"undecodable text: no encoding reads it ({exc.reason})") from exc


def read_file(path: Path, data: bytes, max_bytes: int) -> list[RawArticle]:
    """Parse one corpus file into articles; raises RejectedFile with the reason."""
    if len(data) > max_bytes:
        raise RejectedFile(str(path), f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
    name = path.name.lower()
    if name.endswith(".gz"):
        data = gunzip(path, data, max_bytes)
        name = name[:-3]
    text = decode_text(data, path, html=name.endswith((".html", ".htm")))
    if not text.strip():
        raise RejectedFile(str(path), "empty file")
    if name.endswith((".html", ".htm")):
        articles = [RawArticle(path, 0, "html", extract_html(text))]
    elif name.endswith((".json", ".jsonl")):
        articles = read_json_records(path, text, name.endswith(".jsonl"))
    else:
        articles = [read_text(path, text)]
    kept = [a for a in articles if a.page.paragraphs]
    if not kept:
        raise RejectedFile(str(path), "no article text found in the file")
    return kept


def read_text(path: Path, text: str) -> RawArticle:
    first, _, rest = text.partition("\n")
    header = SEED_HEADER.match(first)
    if header:
        page = clean_page_text(rest, headline=header.group(2))
        page.title = header.group(2)
        page.date = header.group(1)
        page.date_source = "file header"
        return RawArticle(path, 0, "seed-text", page)
    page = clean_page_text(text)
    if not page.title:
        page.title = guess_title(text, path, page.paragraphs)
        if page.paragraphs and page.paragraphs[0].strip() == page.title:
            page.paragraphs = page.paragraphs[1:]
    return RawArticle(path, 0, "plain-text", page)


def guess_title(text: str, path: Path, paragraphs: list[str] | None = None) -> str:
    """A first line that reads as a headline (not a menu entry, a date or a sentence) and names what the
    article's lead is about (when its paragraphs are known) is the title; otherwise the file name, which at
    least is not a wrong headline."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    lead = [p for p in paragraphs or [] if p.strip() != first]
    if first and len(first) <= 200 and headline_like(first) and (paragraphs is None or names_the_lead(first, lead)):
        return first
    return path.stem.replace("_", " ").replace("-", " ")


def read_json_records(path: Path, text: str, lines: bool) -> list[RawArticle]:
    records: list[object] = []
    try:
        if lines:
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        raise RejectedFile(str(path), f"line {n} is not valid JSON ({exc.msg})") from exc
        else:
            loaded = json.loads(text)
            records = loaded if isinstance(loaded, list) else [loaded]
    except json.JSONDecodeError as exc:
        raise RejectedFile(str(path), f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    articles = []
    for n, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise RejectedFile(str(path), f"record {n} has no 'text' string (needs title and text)")
        body = record["text"]
        page = clean_page_text(body) if "\n" in body.strip() else PageText(paragraphs=[body.strip()])
        page.title = str(record.get("title") or page.title or guess_title(body, path))
        if record_date := _iso_date(record.get("date")):
            page.date, page.date_source = record_date, "record"
        page.byline = _str_or_none(record.get("author")) or page.byline
        articles.append(
            RawArticle(
                path,
                n,
                "json",
                page,
                source=_str_or_none(record.get("source")),
                url=_str_or_none(record.get("url")),
                slug=_str_or_none(record.get("id")),
            )
        )
    return articles


def _str_or_none(value: object) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value).strip() or None if value is not None else None


def _iso_date(value: object) -> str | None:
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value or ""))
    return match.group(0) if match else None


def build_article(raw: RawArticle, article_id: str) -> Article:
    """Join paragraphs into the body text that every offset refers to."""
    paragraphs: list[Paragraph] = []
    offset = 0
    for text in (p.strip() for p in raw.page.paragraphs):
        if not text:
            continue
        if paragraphs:
            offset += len(PARAGRAPH_SEPARATOR)
        paragraphs.append(Paragraph(index=len(paragraphs), start=offset, end=offset + len(text), text=text))
        offset += len(text)
    body = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    return Article(
        id=article_id,
        title=" ".join((raw.page.title or raw.path.stem).split()),  # metadata on one line
        date=raw.page.date,
        byline=" ".join(raw.page.byline.split()) if raw.page.byline else None,
        agency=raw.page.agency,
        date_source=raw.page.date_source if raw.page.date else None,
        source=" ".join(s.split()) if (s := raw.source or raw.page.source) else None,
        url=raw.url or raw.page.url,
        word_count=len(body.split()),
        format=raw.format,
        path=path_key(raw.path),
        body=body,
        paragraphs=paragraphs,
    )


def id_stem(raw: RawArticle) -> str:
    """Readable id from the file name (plus the record's own id or number for multi-record files)."""
    stem = raw.path.name
    for suffix in (".gz", ".html", ".htm", ".jsonl", ".json", ".txt", ".text"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    if raw.format == "json" and raw.path.suffix.lower() in (".jsonl", ".json"):
        if raw.slug:
            return slugify(raw.slug)
        if raw.record or raw.path.suffix.lower() == ".jsonl":
            return f"{slugify(stem)}-{raw.record + 1}"
    return slugify(stem)
