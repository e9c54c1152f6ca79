"""The index: one SQLite file, and every SQL statement of newsdesk.

Schema (version SCHEMA_VERSION, kept in PRAGMA user_version):

- files: one row per corpus file (digest, size, mtime, status, the reason a file was rejected);
- articles: metadata columns and the body text, once; paragraphs: offsets into that body;
- analyses: which articles are analysed, by which versions of the rules, data files and pipeline;
  failures: the articles those versions could not analyse, with the reason (tried again under others);
- entities: corpus-wide, one row per real-world thing, with its counts kept up to date as articles are
  written and removed; entity_names: every spelling with its comparison key (how names are linked and
  looked up); entity_merges: the record of entities merged into others (an old id still finds the
  survivor);
- article_entities: an article's own entities, each linked to a corpus entity; mentions: their offsets;
- quotes and claims: one row per quote and per claim, with the columns the tools filter and sort on,
  and `detail`, the rest of the item as compact JSON (texts the body already holds are left out);
  claim_links: disputes, replies and nesting between claims; totals: corpus-wide claim counts;
  labels: the values of the kind, resolution, stance, certainty, form and type columns;
- dictionaries: the preset dictionary `detail` is deflated with (zlib), copied into each new index;
- articles_fts, quotes_fts, claims_fts: FTS5 full-text indexes (BM25) over titles and bodies, quote text,
  and claim text with its claimant.

Texts of spans, sentences and paragraphs are never stored twice: they are slices of the body, cut again
when read. Corpus entity ids are assigned as articles are written (`_link_entity`); nothing is recomputed
from the whole corpus. The Store is the narrow interface the tools use; a second SQL backend would
implement the same methods.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadArgument, IndexDamaged, IndexOutdated
from .models import (
    ARTICLES_SHOWN,
    Article,
    ArticleAnalysis,
    ArticleCount,
    ArticleMeta,
    Claim,
    Entity,
    Mention,
    Paragraph,
    Quote,
    RejectedFileInfo,
)
from .paging import decode_keyset, decode_offset, encode_cursor, encode_offset

log = logging.getLogger(__name__)

SCHEMA_VERSION = 9  # 1: the first JSON schema (no version); 2: JSON blobs per analysis; 3: relational;
# 4: item details compressed with the dictionary kept in the index; 5: articles refer to their file;
# 6: claim totals, the rank index and the claim search's kind column; 7: labels, default ids left out;
# 8: failures; 9: articles' agency and date source
FAILURES = """
CREATE TABLE failures(
    article INTEGER PRIMARY KEY REFERENCES articles ON DELETE CASCADE,
    version INTEGER NOT NULL REFERENCES versions, reason TEXT NOT NULL);
"""
ARTICLE_AGENCY = """
ALTER TABLE articles ADD COLUMN agency TEXT;
ALTER TABLE articles ADD COLUMN date_source TEXT;
"""
MIGRATIONS = {7: FAILURES, 8: ARTICLE_AGENCY}  # schema n -> n + 1 in place; an index older than these is rebuilt
SEP = " ... "  # how fragments join into a quote's or claim's text

SCHEMA = """
CREATE TABLE files(
    rowid INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, root TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL,
    mtime REAL NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, reason TEXT);
CREATE TABLE remembered_roots(path TEXT PRIMARY KEY);
CREATE TABLE articles(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    file INTEGER NOT NULL REFERENCES files ON DELETE CASCADE, record INTEGER NOT NULL, format TEXT NOT NULL, title TEXT NOT NULL, date TEXT, byline TEXT, source TEXT,
    url TEXT, word_count INTEGER NOT NULL, body TEXT NOT NULL, agency TEXT, date_source TEXT);
CREATE INDEX articles_file ON articles(file);
CREATE INDEX articles_date ON articles(date, rowid);
CREATE INDEX articles_source ON articles(source, date);
CREATE TABLE paragraphs(
    article INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY(article, idx)) WITHOUT ROWID;
CREATE TABLE labels(rowid INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);  -- kinds, stances, types...
CREATE TABLE dictionaries(name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE versions(rowid INTEGER PRIMARY KEY, version TEXT NOT NULL UNIQUE);
CREATE TABLE analyses(
    article INTEGER PRIMARY KEY REFERENCES articles ON DELETE CASCADE,
    version INTEGER NOT NULL REFERENCES versions);
CREATE TABLE entities(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, type TEXT NOT NULL,
    mention_count INTEGER NOT NULL DEFAULT 0, article_count INTEGER NOT NULL DEFAULT 0,
    salience REAL NOT NULL DEFAULT 0);
CREATE INDEX entities_rank ON entities(salience DESC, name);
CREATE TABLE entity_names(
    entity INTEGER NOT NULL REFERENCES entities ON DELETE CASCADE, name TEXT NOT NULL, key TEXT NOT NULL,
    role TEXT NOT NULL,  -- name | alias | description (demonym, role: never linked) | surname
    mentions INTEGER NOT NULL, PRIMARY KEY(entity, name, role)) WITHOUT ROWID;
CREATE INDEX entity_names_key ON entity_names(key, role);
CREATE TABLE entity_merges(
    old_id TEXT PRIMARY KEY, entity INTEGER NOT NULL REFERENCES entities ON DELETE CASCADE,
    reason TEXT NOT NULL);
CREATE TABLE article_entities(
    article INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, seq INTEGER NOT NULL,
    local_id TEXT NOT NULL, entity INTEGER NOT NULL REFERENCES entities, name TEXT NOT NULL,
    type TEXT NOT NULL, mention_count INTEGER NOT NULL, salience REAL NOT NULL, aliases TEXT NOT NULL,
    PRIMARY KEY(article, seq)) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities(entity, article);
CREATE INDEX article_entities_top ON article_entities(entity, mention_count DESC);
CREATE TABLE mentions(
    article INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE, start INTEGER NOT NULL,
    end INTEGER NOT NULL, entity_seq INTEGER NOT NULL, kind TEXT NOT NULL, sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL, PRIMARY KEY(article, start, entity_seq)) WITHOUT ROWID;
CREATE TABLE quotes(
    rowid INTEGER PRIMARY KEY, article INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE,
    seq INTEGER NOT NULL, id TEXT, kind INTEGER NOT NULL REFERENCES labels, speaker_seq INTEGER,
    speaker INTEGER REFERENCES entities, resolution INTEGER NOT NULL REFERENCES labels, detail BLOB NOT NULL);
CREATE INDEX quotes_article ON quotes(article, seq);
CREATE INDEX quotes_speaker ON quotes(speaker, rowid);
CREATE TABLE claims(
    rowid INTEGER PRIMARY KEY, article INTEGER NOT NULL REFERENCES articles ON DELETE CASCADE,
    seq INTEGER NOT NULL, id TEXT, attributed INTEGER NOT NULL, claimant_seq INTEGER,
    claimant INTEGER REFERENCES entities, claimant_kind INTEGER NOT NULL REFERENCES labels,
    claimant_name TEXT NOT NULL, stance INTEGER NOT NULL REFERENCES labels,
    certainty INTEGER NOT NULL REFERENCES labels, form INTEGER NOT NULL REFERENCES labels,
    type INTEGER NOT NULL REFERENCES labels,
    checkworthiness REAL NOT NULL, start INTEGER NOT NULL, disputed INTEGER NOT NULL, detail BLOB NOT NULL);
CREATE INDEX claims_article ON claims(article, seq);
CREATE INDEX claims_claimant ON claims(claimant, attributed, checkworthiness DESC);
CREATE INDEX claims_rank ON claims(checkworthiness DESC, attributed);
CREATE TABLE totals(name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO totals VALUES('claims', 0), ('attributed claims', 0);
CREATE TABLE claim_links(
    source INTEGER NOT NULL REFERENCES claims ON DELETE CASCADE,
    target INTEGER NOT NULL REFERENCES claims ON DELETE CASCADE,
    kind TEXT NOT NULL,  -- disputes | responds_to | parent
    PRIMARY KEY(source, kind, target)) WITHOUT ROWID;
CREATE INDEX claim_links_target ON claim_links(target, kind);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
INSERT INTO articles_fts(articles_fts, rank) VALUES('rank', 'bm25(2.0, 1.0)');  -- a title word counts twice
CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE claims_fts USING fts5(
    text, claimant, kind, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2');
""" + FAILURES

DETAIL_DICTIONARY = Path(__file__).parent / "data" / "detail.zdict"  # new indexes take a copy
FILE_COLUMNS = "path, root, digest, size, mtime, version, status, reason"
ARTICLE_COLUMNS = "a.rowid, a.id, a.title, a.date, a.byline, a.source, a.url, a.word_count, a.agency, a.date_source"


@dataclass
class FileRow:
    path: str
    root: str
    digest: str
    size: int
    mtime: float
    version: str
    status: str
    reason: str | None


@dataclass(frozen=True)
class Within:
    """Articles a corpus-wide list is limited to: dated from / to (YYYY-MM-DD, or a month or a year),
    and from one source."""

    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None

    def __bool__(self) -> bool:
        return bool(self.date_from or self.date_to or self.source)

    def clause(self, column: str) -> tuple[str, list[Any]]:
        """`column IN (the articles)`, or nothing when unlimited."""
        if not self:
            return "", []
        where, params = _article_where(self, "a")
        return f"{column} IN (SELECT a.rowid FROM articles a WHERE {' AND '.join(where)})", params


def _article_where(within: Within, alias: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if within.date_from:
        where.append(f"{alias}.date >= ?")
        params.append(within.date_from)
    if within.date_to:
        where.append(f"{alias}.date <= ?")
        params.append(within.date_to + "~")  # a month or a year includes its days
    if within.source:
        where.append(f"{alias}.source = ? COLLATE NOCASE")
        params.append(within.source)
    return where, params


@dataclass
class Page:
    """One page of a list: the items, how many match in all, and the cursor of the next page."""

    items: list[Any]
    total: int
    next_cursor: str | None
    after: list[str] = field(default_factory=list)  # after[i]: the cursor of the page that follows item i


class Store:
    """The index file. Thread-safe: each thread reads through its own connection (WAL: readers never
    wait for the writer); writes take one lock, so this process has one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise IndexDamaged(str(self.path), "it is a folder, not an index file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexOutdated(str(self.path), f"its folder cannot be made ({exc.strerror})") from exc
        # a file this process may not write is served as it is: no sync, no analysis, no migration
        self.read_only = self.path.exists() and not os.access(self.path, os.W_OK)
        self._lock = threading.RLock()  # the writer's
        self._read = nullcontext()  # reads need no lock
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._closed = False
        self._writes = 0
        self._moved: dict[int, int] = {}  # entities merged while one article is written: old -> new
        self._labels: dict[str, int] = {}
        self._values: dict[int, str] = {}
        try:
            with self._lock:
                if self.read_only:
                    self._check_version()
                else:
                    if self._db.execute("PRAGMA page_count").fetchone()[0] == 0:  # a new file: freed pages
                        self._db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # can be given back; set it first
                    self._db.execute("PRAGMA journal_mode=WAL")
                    self._migrate()
                self._zdict = self._db.execute("SELECT data FROM dictionaries WHERE name='detail'").fetchone()[0]
                self._window = max(9, min(15, (len(self._zdict) - 1).bit_length()))  # bits that hold it
        except sqlite3.DatabaseError as exc:
            self.close()
            raise IndexDamaged(str(self.path), f"it is not a readable newsdesk index ({exc})") from exc
        except BaseException:
            self.close()
            raise

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection."""
        db = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise sqlite3.ProgrammingError(f"the index {self.path} is closed")
            if self.read_only:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                                     timeout=30)
            else:
                db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _check_version(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise IndexOutdated(str(self.path), f"it is read-only and of schema {version}, and this newsdesk reads "
                                f"schema {SCHEMA_VERSION}; make it writable so it can be brought up to date")

    def _migrate(self) -> None:
        """Create the schema, or keep a current one. An index of an older schema is rebuilt (its files
        are read again on the next sync; the corpus files themselves are never touched)."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version == SCHEMA_VERSION:
            return
        while version in MIGRATIONS:
            with self._db:
                self._db.executescript(f"BEGIN;{MIGRATIONS[version]}PRAGMA user_version={version + 1}; COMMIT;")
            log.info("index %s: schema %d migrated to %d", self.path, version, version + 1)
            version += 1
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise IndexOutdated(
                str(self.path), f"it was made by a newer newsdesk (schema {version}, this one reads "
                f"{SCHEMA_VERSION}); upgrade newsdesk or point NEWSDESK_INDEX at another file"
            )
        roots: list[str] = []
        if tables and "articles" not in tables:  # every newsdesk schema had one: this is another program's
            raise IndexDamaged(str(self.path), "it is an SQLite file of another program, not a newsdesk index "
                               "(it is left as it is)")
        if tables:
            if "remembered_roots" in tables:
                roots = [r[0] for r in self._db.execute("SELECT path FROM remembered_roots")]
            log.warning("index %s has schema %d; rebuilding it as schema %d (the corpus folders are read "
                        "again)", self.path, version, SCHEMA_VERSION)
            self._db.execute("PRAGMA foreign_keys=OFF")
            for (name,) in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%_fts_%'"
            ).fetchall():
                self._db.execute(f'DROP TABLE IF EXISTS "{name}"')
            self._db.execute("PRAGMA foreign_keys=ON")
        with self._db:
            self._db.executescript("BEGIN;" + SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
            self._db.executemany("INSERT OR IGNORE INTO remembered_roots VALUES(?)", [(r,) for r in roots])
            self._db.execute("INSERT INTO dictionaries VALUES('detail', ?)", (DETAIL_DICTIONARY.read_bytes(),))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for db in self._connections:
                db.close()
            self._connections.clear()

    def _label_id(self, value: str, create: bool = True) -> int:
        """The row of a label ('direct', 'asserts', 'hedged'...); -1 for one never stored (create=False)."""
        if value not in self._labels:
            if create:
                self._db.execute("INSERT OR IGNORE INTO labels(value) VALUES(?)", (value,))
            row = self._db.execute("SELECT rowid FROM labels WHERE value=?", (value,)).fetchone()
            if row is None:
                return -1
            self._labels[value] = row[0]
            self._values[row[0]] = value
        return self._labels[value]

    def _label(self, rowid: int) -> str:
        if rowid not in self._values:  # written by another connection since
            for r in self._db.execute("SELECT rowid, value FROM labels"):
                self._values[r[0]], self._labels[r[1]] = r[1], r[0]
        return self._values[rowid]

    def _pack(self, detail: Any) -> bytes:
        """An item's detail as stored: compact JSON, deflated with the index's own preset dictionary
        (zlib; the dictionary is the `dictionaries` row 'detail', so any zlib reader can open it). The window
        is the smallest that holds the dictionary and the hash table small: as small an output for an item
        of a few hundred bytes, and half the time of zlib's defaults (most of it setting up its tables)."""
        packer = zlib.compressobj(9, zlib.DEFLATED, self._window, 4, zdict=self._zdict)
        return packer.compress(_dumps(detail).encode()) + packer.flush()

    def _unpack(self, blob: bytes) -> Any:
        return json.loads(zlib.decompressobj(zdict=self._zdict).decompress(blob))

    def state(self) -> tuple[int, int]:
        """Changes when anything is written, by this connection or another process (for caches)."""
        with self._read:
            return self._db.execute("PRAGMA data_version").fetchone()[0], self._writes

    def compact(self) -> None:
        """After a large write: merge each full-text index into one b-tree and give the freed pages
        back to the file system (an index built in batches shrinks by about a tenth)."""
        with self.transaction():
            for table in ("articles_fts", "quotes_fts", "claims_fts"):
                self._db.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
        with self._lock:
            self._db.executescript("PRAGMA incremental_vacuum;")  # run to the end: every free page
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the index file."""
        with self._read:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside one transaction; nested ones join the outer one (a batch is one commit)."""
        with self._lock:
            if getattr(self._local, "depth", 0):
                yield
                return
            self._local.depth = 1
            try:
                with self._db:
                    yield
            except BaseException:
                self._labels.clear()  # labels added in the rolled-back transaction are gone
                self._values.clear()
                raise
            finally:
                self._local.depth = 0
                self._writes += 1

    # -- files ----------------------------------------------------------------------------------

    def file(self, path: str) -> FileRow | None:
        with self._read:
            row = self._db.execute(f"SELECT {FILE_COLUMNS} FROM files WHERE path=?", (path,)).fetchone()
        return FileRow(**dict(row)) if row else None

    def files(self) -> list[FileRow]:
        with self._read:
            return [FileRow(**dict(r)) for r in self._db.execute(f"SELECT {FILE_COLUMNS} FROM files ORDER BY path")]

    def touch_file(self, path: str, mtime: float) -> None:
        with self.transaction():
            self._db.execute("UPDATE files SET mtime=? WHERE path=?", (mtime, path))

    def keep_file(self, path: str, digest: str, size: int, mtime: float, reason: str) -> None:
        """A file that can no longer be read keeps the articles read from it before (status 'kept')."""
        with self.transaction():
            self._db.execute("UPDATE files SET digest=?, size=?, mtime=?, status='kept', reason=? WHERE path=?",
                             (digest, size, mtime, reason, path))

    def put_file(self, row: FileRow, articles: Sequence[tuple[Article, int]] = ()) -> list[str]:
        """Replace a file and its articles (article, record number); returns the articles' ids, which
        are made unique against other files' articles."""
        ids = []
        with self.transaction():
            self._delete_file(row.path)
            file = self._db.execute(
                f"INSERT INTO files({FILE_COLUMNS}) VALUES(?,?,?,?,?,?,?,?)",
                (row.path, row.root, row.digest, row.size, row.mtime, row.version, row.status, row.reason)).lastrowid
            for article, record in articles:
                article = article.model_copy(update={"id": self._unique_id(article.id)})
                self._insert_article(article, file, record)
                ids.append(article.id)
        return ids

    def delete_file(self, path: str) -> None:
        with self.transaction():
            self._delete_file(path)

    def _delete_file(self, path: str) -> None:
        for (rowid,) in self._db.execute(
            "SELECT a.rowid FROM articles a JOIN files f ON f.rowid = a.file WHERE f.path=?", (path,)
        ).fetchall():
            self._delete_analysis(rowid)
            self._db.execute(
                "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
                "SELECT 'delete', rowid, title, body FROM articles WHERE rowid=?", (rowid,))
            self._db.execute("DELETE FROM articles WHERE rowid=?", (rowid,))
        self._db.execute("DELETE FROM files WHERE path=?", (path,))

    def _unique_id(self, stem: str) -> str:
        """The file's own earlier articles are gone by now: a taken id belongs to another file."""
        candidate, n = stem, 1
        while self._db.execute("SELECT 1 FROM articles WHERE id=?", (candidate,)).fetchone():
            n += 1
            candidate = f"{stem}-{n}"
        return candidate

    def remember_roots(self, roots: Iterable[Path], forget: bool = False) -> None:
        """Folders given to `newsdesk index` stay part of the corpus of this index until forgotten."""
        sql = "DELETE FROM remembered_roots WHERE path=?" if forget else "INSERT OR IGNORE INTO remembered_roots VALUES(?)"
        paths = [str(Path(r).expanduser().resolve()) for r in roots]
        with self.transaction():
            self._db.executemany(sql, [(p,) for p in paths])
            for path in paths if forget else []:  # a forgotten folder's articles leave the index
                for (file,) in self._db.execute("SELECT path FROM files WHERE root=?", (path,)).fetchall():
                    self._delete_file(file)

    def remembered_roots(self) -> list[Path]:
        with self._read:
            return [Path(r["path"]) for r in self._db.execute("SELECT path FROM remembered_roots ORDER BY path")]

    def rejected(self) -> list[RejectedFileInfo]:
        with self._read:
            rows = self._db.execute("SELECT path, reason FROM files WHERE status!='ok' ORDER BY path").fetchall()
        return [RejectedFileInfo(path=r["path"], reason=r["reason"] or "rejected") for r in rows]

    # -- articles -------------------------------------------------------------------------------

    def _insert_article(self, article: Article, file: int, record: int) -> None:
        cur = self._db.execute(
            "INSERT INTO articles(id, file, record, format, title, date, byline, source, url, "
            "word_count, body, agency, date_source) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, file, record, article.format, article.title, article.date, article.byline,
             article.source, article.url, article.word_count, article.body, article.agency, article.date_source),
        )
        rowid = cur.lastrowid
        self._db.executemany(
            "INSERT INTO paragraphs VALUES(?,?,?,?)", [(rowid, p.index, p.start, p.end) for p in article.paragraphs]
        )
        self._db.execute("INSERT INTO articles_fts(rowid, title, body) VALUES(?,?,?)",
                         (rowid, article.title, article.body))

    def article_path(self, article_id: str) -> str | None:
        with self._read:
            row = self._db.execute("SELECT f.path FROM articles a JOIN files f ON f.rowid = a.file WHERE a.id=?",
                                   (article_id,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        with self._read:
            return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def ids(self, prefix: str = "", limit: int | None = None) -> list[str]:
        sql = "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id"
        params: list[Any] = [prefix, prefix + "\U0010ffff"]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._read:
            return [r[0] for r in self._db.execute(sql, params)]

    def get(self, article_id: str) -> Article | None:
        with self._read:
            row = self._db.execute("SELECT a.*, f.path FROM articles a JOIN files f ON f.rowid = a.file "
                                   "WHERE a.id=?", (article_id,)).fetchone()
            if row is None:
                return None
            paragraphs = self._db.execute(
                "SELECT idx, start, end FROM paragraphs WHERE article=? ORDER BY idx", (row["rowid"],)
            ).fetchall()
        body = row["body"]
        return Article(
            id=row["id"], title=row["title"], date=row["date"], byline=row["byline"], source=row["source"],
            url=row["url"], word_count=row["word_count"], format=row["format"], path=row["path"], body=body,
            agency=row["agency"], date_source=row["date_source"],
            paragraphs=[Paragraph(index=p["idx"], start=p["start"], end=p["end"], text=body[p["start"]:p["end"]])
                        for p in paragraphs],
        )

    def list_articles(
        self,
        query: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        entity: str | None = None,
        sort: str = "newest",
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """Articles matching every filter, as (ArticleMeta, snippet or None). sort: 'newest' (date, then
        newest row) or 'relevance' (BM25, title weighted twice; needs a query)."""
        where, params = [], []
        join = ""
        if query:
            if (match := fts_query(query)) is None:
                return Page([], 0, None)
            join += " JOIN articles_fts f ON f.rowid = a.rowid"
            where.append("articles_fts MATCH ?")
            params.append(match)
        more_where, more_params = _article_where(Within(date_from, date_to, source), "a")
        where += more_where
        params += more_params
        if entity:
            where.append("a.rowid IN (SELECT article FROM article_entities WHERE entity = "
                         "(SELECT rowid FROM entities WHERE id = ?))")
            params.append(entity)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._read:
            if query and len(where) == 1:  # the full-text index alone counts its matches
                total = self._count("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", params)
            else:
                total = self._count(f"SELECT COUNT(*) FROM articles a{join}{clause}", params)
            if sort == "relevance" and query:
                offset = decode_offset(cursor, total)
                if len(where) == 1:  # rank in the full-text index, then read just the page's articles
                    found = [r[0] for r in self._fetch(
                        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
                        [*params, limit + 1, offset])]
                    by_row = {r["rowid"]: r for r in self._fetch(
                        f"SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.rowid IN ({','.join('?' * len(found))})",
                        found)}
                    rows = [by_row[f] for f in found if f in by_row]
                else:
                    rows = self._fetch(f"SELECT {ARTICLE_COLUMNS} FROM articles a{join}{clause} "
                                       "ORDER BY f.rank, a.rowid LIMIT ? OFFSET ?", [*params, limit + 1, offset])
                items, more = rows[:limit], len(rows) > limit
                next_cursor = encode_offset(offset + limit) if more else None
                after = [encode_offset(offset + n + 1) for n in range(len(items))]
            else:
                start = decode_keyset(cursor, 2)  # (date or None, rowid); undated articles come last
                keyset = ""
                kparams: list[Any] = []
                if start and start[0] is not None:
                    keyset = "(a.date < ? OR (a.date = ? AND a.rowid < ?) OR a.date IS NULL)"
                    kparams = [start[0], start[0], start[1]]
                elif start:
                    keyset = "(a.date IS NULL AND a.rowid < ?)"
                    kparams = [start[1]]
                if keyset:
                    keyset = (" AND " if clause else " WHERE ") + keyset
                rows = self._fetch(
                    f"SELECT {ARTICLE_COLUMNS} FROM articles a{join}{clause}{keyset} "
                    "ORDER BY a.date DESC, a.rowid DESC LIMIT ?",
                    [*params, *kparams, limit + 1],
                )
                items, more = rows[:limit], len(rows) > limit
                after = [encode_cursor([r["date"], r["rowid"]]) for r in items]
                next_cursor = after[-1] if more and after else None
            snippets: dict[int, str] = {}
            if query and items:  # snippets for the page only
                rowids = [r["rowid"] for r in items]
                snippets = {r[0]: r[1] for r in self._fetch(
                    "SELECT rowid, snippet(articles_fts, 1, '[', ']', '...', 12) FROM articles_fts WHERE "
                    f"articles_fts MATCH ? AND rowid IN (SELECT rowid FROM articles WHERE rowid IN "
                    f"({','.join('?' * len(items))}) AND length(body) <= {SNIPPET_BODY_CHARS})",
                    [match, *rowids])}
                for r in self._fetch(f"SELECT rowid, body FROM articles WHERE rowid IN ({','.join('?' * len(items))}) "
                                     f"AND length(body) > {SNIPPET_BODY_CHARS}", rowids):
                    snippets[r[0]] = plain_snippet(r[1], match)
        return Page([(_meta(r), snippets.get(r["rowid"])) for r in items], total, next_cursor, after)

    def _count(self, sql: str, params: Sequence[Any]) -> int:
        try:
            return int(self._db.execute(sql, params).fetchone()[0])
        except sqlite3.OperationalError as exc:
            raise _query_error(exc) from exc

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise _query_error(exc) from exc

    # -- analyses -------------------------------------------------------------------------------

    def missing_analyses(self, version: str, limit: int | None = None) -> list[str]:
        """Ids of the articles with no analysis of this version (in reading order of the index)."""
        sql = ("SELECT a.id FROM articles a LEFT JOIN analyses an ON an.article = a.rowid AND an.version = "
               "(SELECT rowid FROM versions WHERE version = ?) LEFT JOIN failures f ON f.article = a.rowid AND "
               "f.version = (SELECT rowid FROM versions WHERE version = ?) "
               "WHERE an.article IS NULL AND f.article IS NULL ORDER BY a.rowid")
        params: list[Any] = [version, version]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._read:
            return [r[0] for r in self._db.execute(sql, params)]

    def analysed(self, version: str) -> int:
        with self._read:
            return int(self._db.execute(
                "SELECT COUNT(*) FROM analyses WHERE version = (SELECT rowid FROM versions WHERE version = ?)",
                (version,)).fetchone()[0])

    def put_failure(self, article_id: str, stamp: str, version: str, reason: str) -> bool:
        """Record that this version cannot analyse the article (unless it changed since it was read)."""
        with self.transaction():
            row = self._db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
            if row is None or str(row[0]) != stamp:
                return False
            self._delete_analysis(row[0])
            self._db.execute("INSERT OR IGNORE INTO versions(version) VALUES(?)", (version,))
            self._db.execute("INSERT OR REPLACE INTO failures SELECT ?, rowid, ? FROM versions WHERE version = ?",
                             (row[0], reason, version))
            return True

    def failure(self, article_id: str, version: str) -> str | None:
        """Why this version cannot analyse the article, or None."""
        with self._read:
            row = self._db.execute(
                "SELECT f.reason FROM failures f JOIN articles a ON a.rowid = f.article JOIN versions v "
                "ON v.rowid = f.version WHERE a.id = ? AND v.version = ?", (article_id, version)).fetchone()
        return row[0] if row else None

    def failures(self, version: str, limit: int = 100) -> list[tuple[str, str]]:
        """(article id, reason) of the articles this version cannot analyse."""
        with self._read:
            return [(r[0], r[1]) for r in self._db.execute(
                "SELECT a.id, f.reason FROM failures f JOIN articles a ON a.rowid = f.article WHERE f.version = "
                "(SELECT rowid FROM versions WHERE version = ?) ORDER BY a.rowid LIMIT ?", (version, limit))]

    def failed(self, version: str) -> int:
        with self._read:
            return int(self._db.execute(
                "SELECT COUNT(*) FROM failures WHERE version = (SELECT rowid FROM versions WHERE version = ?)",
                (version,)).fetchone()[0])

    def is_analysed(self, article_id: str, version: str) -> bool:
        with self._read:
            return self._db.execute(
                "SELECT 1 FROM analyses an JOIN articles a ON a.rowid = an.article JOIN versions v "
                "ON v.rowid = an.version WHERE a.id = ? AND v.version = ?", (article_id, version)
            ).fetchone() is not None

    def bodies(self, ids: Sequence[str]) -> list[tuple[str, str, str, str]]:
        """(id, stamp, title, body) of these articles, for analysis; the stamp (the article's row) tells
        `put_analysis` whether the article changed since."""
        with self._read:
            out = []
            for article_id in ids:
                row = self._db.execute("SELECT rowid, id, title, body FROM articles WHERE id=?",
                                       (article_id,)).fetchone()
                if row:
                    out.append((row["id"], str(row["rowid"]), row["title"], row["body"]))
            return out

    def stamp(self, article_id: str) -> str | None:
        """What `put_analysis` checks to know the article has not changed since it was read."""
        with self._read:
            row = self._db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def put_analysis(self, article_id: str, stamp: str, version: str, analysis: ArticleAnalysis) -> bool:
        """Write one article's analysis, replacing an older one, and link its entities into the corpus.
        False when the article is gone or has changed since it was read (the analysis is dropped)."""
        with self.transaction():
            return self._put_analysis(article_id, stamp, version, analysis)

    def put_analyses(self, items: Iterable[tuple[str, str, str, ArticleAnalysis]]) -> int:
        """Many analyses in one transaction; returns how many were written."""
        with self.transaction():
            return sum(self._put_analysis(*item) for item in items)

    def _put_analysis(self, article_id: str, stamp: str, version: str, analysis: ArticleAnalysis) -> bool:
        row = self._db.execute("SELECT rowid, body FROM articles WHERE id=?", (article_id,)).fetchone()
        if row is None or str(row["rowid"]) != stamp:
            return False
        rowid, body = row["rowid"], row["body"]
        self._delete_analysis(rowid)
        self._db.execute("DELETE FROM failures WHERE article=?", (rowid,))
        from .extract.entity_linking import LinkKey

        seq_of: dict[str, int] = {}
        corpus_of: dict[int, int] = {}
        kinds = [LinkKey.of(entity) for entity in analysis.entities]
        self._moved: dict[int, int] = {}
        for seq, (entity, kind) in enumerate(zip(analysis.entities, kinds)):
            seq_of[entity.id] = seq
            corpus_of[seq] = self._link_entity(entity, kind)
        for seq in corpus_of:  # an entity linked earlier in this article may have been merged since
            while corpus_of[seq] in self._moved:
                corpus_of[seq] = self._moved[corpus_of[seq]]
        self._db.executemany(
            "INSERT INTO article_entities VALUES(?,?,?,?,?,?,?,?,?)",
            [(rowid, seq, e.id, corpus_of[seq], e.name, e.type, e.mention_count, e.salience, _dumps(kind.aliases))
             for seq, (e, kind) in enumerate(zip(analysis.entities, kinds))])
        self._db.executemany(
            "INSERT OR IGNORE INTO mentions VALUES(?,?,?,?,?,?,?)",
            [(rowid, m.start, m.end, seq_of[e.id], m.kind, m.sentence_start, m.sentence_end)
             for e in analysis.entities for m in e.mentions or []],
        )
        self._add_to_entities(rowid)
        for seq, quote in enumerate(analysis.quotes):
            local = seq_of.get(quote.speaker.entity_id) if quote.speaker.entity_id else None
            known = {"resolution"} | ({"entity_id", "name"} if local is not None else set())
            detail = pack(quote.model_dump(mode="json", exclude={"id": True, "article_id": True, "kind": True,
                                                                  "speaker": known}), body)
            cur = self._db.execute(
                "INSERT INTO quotes(article, seq, id, kind, speaker_seq, speaker, resolution, detail) "
                "VALUES(?,?,?,?,?,?,?,?)",
                (rowid, seq, _own_id(quote.id, article_id, _quote_id(seq)), self._label_id(quote.kind), local,
                 corpus_of.get(local) if local is not None else None, self._label_id(quote.speaker.resolution),
                 self._pack(detail)),
            )
            self._db.execute("INSERT INTO quotes_fts(rowid, text) VALUES(?,?)", (cur.lastrowid, quote.text))
        claim_rows: dict[str, int] = {}
        for seq, claim in enumerate(analysis.claims):
            local = seq_of.get(claim.claimant.entity_id) if claim.claimant.entity_id else None
            detail = pack(claim.model_dump(mode="json", exclude={
                "id": True, "article_id": True, "attributed": True, "stance": True, "certainty": True,
                "form": True, "type": True, "checkworthiness": True, "disputed": True, "disputes": True,
                "responds_to": True, "parent_id": True,
                "claimant": {"name", "kind"} | ({"entity_id"} if local is not None else set())}), body)
            cur = self._db.execute(
                "INSERT INTO claims(article, seq, id, attributed, claimant_seq, claimant, claimant_kind, "
                "claimant_name, stance, certainty, form, type, checkworthiness, start, disputed, detail) "
                "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (rowid, seq, _own_id(claim.id, article_id, _claim_id(seq)), claim.attributed, local,
                 corpus_of.get(local) if local is not None else None, self._label_id(claim.claimant.kind),
                 claim.claimant.name, *(self._label_id(v) for v in (claim.stance, claim.certainty, claim.form,
                                                                    claim.type)),
                 claim.checkworthiness, claim.start, claim.disputed, self._pack(detail)),
            )
            claim_rows[claim.id] = cur.lastrowid
            self._db.execute("INSERT INTO claims_fts(rowid, text, claimant, kind) VALUES(?,?,?,?)",
                             (cur.lastrowid, claim.text, _written(claim.claimant.kind, claim.claimant.name),
                              _kind(claim.attributed)))
        links = []
        for claim in analysis.claims:
            targets = [("disputes", t) for t in claim.disputes] + [("responds_to", t) for t in claim.responds_to]
            targets += [("parent", claim.parent_id)] if claim.parent_id else []
            links += [(claim_rows[claim.id], claim_rows[t], kind) for kind, t in targets if t in claim_rows]
        self._db.executemany("INSERT OR IGNORE INTO claim_links VALUES(?,?,?)", links)
        self._db.execute("INSERT OR IGNORE INTO versions(version) VALUES(?)", (version,))
        self._db.execute("INSERT INTO analyses SELECT ?, rowid FROM versions WHERE version = ?", (rowid, version))
        self._add_totals(rowid, 1)
        return True

    def _delete_analysis(self, rowid: int) -> None:
        """Remove an article's analysis and take its counts out of the corpus entities."""
        if self._db.execute("SELECT 1 FROM analyses WHERE article=?", (rowid,)).fetchone() is None:
            return
        body = self._db.execute("SELECT body FROM articles WHERE rowid=?", (rowid,)).fetchone()["body"]
        for q in self._db.execute("SELECT rowid, detail FROM quotes WHERE article=?", (rowid,)).fetchall():
            text = unpack(self._unpack(q["detail"]), body)["text"]
            self._db.execute("INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES('delete', ?, ?)",
                             (q["rowid"], text))
        for c in self._db.execute("SELECT rowid, claimant_kind, claimant_name, attributed, detail FROM claims "
                                  "WHERE article=?", (rowid,)).fetchall():
            d = unpack(self._unpack(c["detail"]), body)
            self._db.execute(
                "INSERT INTO claims_fts(claims_fts, rowid, text, claimant, kind) VALUES('delete', ?, ?, ?, ?)",
                (c["rowid"], d["text"], _written(self._label(c["claimant_kind"]), c["claimant_name"]),
                 _kind(c["attributed"])))
        touched = self._remove_from_entities(rowid)
        self._add_totals(rowid, -1)
        for table in ("quotes", "claims", "mentions", "article_entities", "analyses"):
            self._db.execute(f"DELETE FROM {table} WHERE article=?", (rowid,))
        self._db.executemany("DELETE FROM entities WHERE rowid=? AND article_count <= 0", [(t,) for t in touched])
        self._rename(touched)

    def _add_totals(self, article: int, sign: int) -> None:
        """Corpus-wide claim counts, kept as articles are written and removed (no scan to count)."""
        n, attributed = self._db.execute(
            "SELECT COUNT(*), coalesce(SUM(attributed), 0) FROM claims WHERE article=?", (article,)).fetchone()
        self._db.executemany("UPDATE totals SET n = n + ? WHERE name = ?",
                             [(sign * n, "claims"), (sign * attributed, "attributed claims")])

    # -- corpus entities --------------------------------------------------------------------------

    def _link_entity(self, entity: Entity, kind: Any) -> int:
        """The corpus entity an article's entity is, creating it when none fits (rules in
        entity_linking); a new entity absorbs the earlier ones it is the fuller name of."""
        from .extract import entity_linking as rules

        chosen = rules.choose(kind, self._candidates(kind.key, ("name", "alias", "surname")))
        if chosen is None:
            existing = self._db.execute(
                "SELECT rowid FROM entities WHERE id = ? UNION ALL "
                "SELECT entity FROM entity_merges WHERE old_id = ? LIMIT 1", (kind.id, kind.id)).fetchone()
            if existing:
                chosen = existing[0]
            else:
                chosen = self._db.execute(
                    "INSERT INTO entities(id, name, type) VALUES(?,?,?)", (kind.id, entity.name, entity.type)
                ).lastrowid
                for key, rule in kind.absorbs():
                    rivals = self._db.execute(
                        "SELECT COUNT(DISTINCT entity) FROM entity_names WHERE key=? AND role='surname' "
                        "AND entity != ?", (key, chosen)).fetchone()[0] if rule == "surname" else 0
                    found = [c for c in self._candidates(key, ("name",)) if c.rowid != chosen]
                    for old in rules.absorbed(kind, rule, found, rivals):
                        self._merge(old.rowid, chosen, f"{old.name!r} is a shorter name of {kind.name!r} ({rule})")
        self._db.executemany(
            "INSERT INTO entity_names VALUES(?,?,?,?,?) "
            "ON CONFLICT(entity, name, role) DO UPDATE SET mentions = mentions + excluded.mentions",
            [(chosen, name, key, role, weight) for name, key, role, weight in kind.names()],
        )
        return chosen

    def _candidates(self, key: str, roles: Sequence[str]) -> list[Any]:
        from .extract import entity_linking as rules

        rows = self._db.execute(
            "SELECT e.rowid, e.id, e.name, e.type, e.mention_count, n.role FROM entity_names n "
            f"JOIN entities e ON e.rowid = n.entity WHERE n.key = ? AND n.role IN ({','.join('?' * len(roles))})",
            (key, *roles)).fetchall()
        return [rules.Candidate(**dict(r)) for r in rows]

    def _merge(self, old: int, new: int, reason: str) -> None:
        old_id = self._db.execute("SELECT id FROM entities WHERE rowid=?", (old,)).fetchone()[0]
        for table, column in (("article_entities", "entity"), ("quotes", "speaker"), ("claims", "claimant"),
                              ("entity_merges", "entity")):
            self._db.execute(f"UPDATE {table} SET {column}=? WHERE {column}=?", (new, old))
        self._db.execute(
            "INSERT INTO entity_names SELECT ?, name, key, role, mentions FROM entity_names WHERE entity=? "
            "ON CONFLICT(entity, name, role) DO UPDATE SET mentions = mentions + excluded.mentions", (new, old))
        self._db.execute("DELETE FROM entities WHERE rowid=?", (old,))
        self._db.execute("INSERT OR REPLACE INTO entity_merges VALUES(?,?,?)", (old_id, new, reason))
        self._moved[old] = new
        self._recount([new])

    def _add_to_entities(self, article: int) -> None:
        touched = [r[0] for r in self._db.execute(
            "SELECT DISTINCT entity FROM article_entities WHERE article=?", (article,))]
        self._db.execute(
            "UPDATE entities SET mention_count = mention_count + s.m, salience = salience + s.sal, "
            "article_count = article_count + 1 FROM (SELECT entity, SUM(mention_count) AS m, SUM(salience) AS sal "
            "FROM article_entities WHERE article=? GROUP BY entity) AS s WHERE entities.rowid = s.entity",
            (article,))
        self._rename(touched)

    def _remove_from_entities(self, article: int) -> list[int]:
        from .extract import entity_linking as rules

        rows = self._db.execute("SELECT * FROM article_entities WHERE article=?", (article,)).fetchall()
        self._db.execute(
            "UPDATE entities SET mention_count = mention_count - s.m, salience = salience - s.sal, "
            "article_count = article_count - 1 FROM (SELECT entity, SUM(mention_count) AS m, SUM(salience) AS sal "
            "FROM article_entities WHERE article=? GROUP BY entity) AS s WHERE entities.rowid = s.entity",
            (article,))
        for r in rows:
            aliases = [tuple(a) for a in json.loads(r["aliases"])]
            local = Entity(id=r["local_id"], name=r["name"], type=r["type"], aliases=[a for a, _ in aliases],
                           mention_count=r["mention_count"], article_count=1, articles=[], salience=r["salience"])
            for name, _key, role, mentions in rules.LinkKey.of(local, aliases).names():
                self._db.execute("UPDATE entity_names SET mentions = mentions - ? WHERE entity=? AND name=? AND role=?",
                                 (mentions, r["entity"], name, role))
        self._db.execute("DELETE FROM entity_names WHERE mentions <= 0")
        return sorted({r["entity"] for r in rows})

    def _recount(self, entities: Iterable[int]) -> None:
        for rowid in entities:
            self._db.execute(
                "UPDATE entities SET mention_count = s.m, salience = s.sal, article_count = s.n FROM "
                "(SELECT coalesce(SUM(mention_count), 0) AS m, coalesce(SUM(salience), 0) AS sal, "
                "COUNT(DISTINCT article) AS n FROM article_entities WHERE entity=?) AS s WHERE rowid=?",
                (rowid, rowid))
        self._rename(entities)

    def _rename(self, entities: Iterable[int]) -> None:
        """A corpus entity is called by its best spelling (entity_linking.best_name)."""
        from .extract import entity_linking as rules

        for rowid in entities:
            row = self._db.execute("SELECT type, name FROM entities WHERE rowid=?", (rowid,)).fetchone()
            if row is None:
                continue
            names = self._db.execute(
                "SELECT name, mentions FROM entity_names WHERE entity=? AND role='name'", (rowid,)).fetchall()
            best = rules.best_name(row["type"], {n["name"]: n["mentions"] for n in names})
            if best and best != row["name"]:
                self._db.execute("UPDATE entities SET name=? WHERE rowid=?", (best, rowid))

    # -- reading entities -------------------------------------------------------------------------

    def _entities(self, rows: Sequence[sqlite3.Row], top_articles: int = ARTICLES_SHOWN,
                  aliases: int = 12) -> list[Entity]:
        out = []
        for r in rows:
            names = self._db.execute(
                "SELECT name FROM entity_names WHERE entity=? AND role != 'surname' AND name != ? "
                "GROUP BY name ORDER BY SUM(mentions) DESC, name LIMIT ?", (r["rowid"], r["name"], aliases)
            ).fetchall()
            per_article: dict[str, int] = defaultdict(int)
            for a in self._db.execute(
                "SELECT ar.id, ae.mention_count FROM article_entities ae JOIN articles ar ON ar.rowid = ae.article "
                "WHERE ae.entity=? ORDER BY ae.mention_count DESC LIMIT ?", (r["rowid"], top_articles * 2)
            ):
                per_article[a["id"]] += a["mention_count"]
            ranked = sorted(per_article.items(), key=lambda kv: -kv[1])[:top_articles]
            out.append(Entity(
                id=r["id"], name=r["name"], type=r["type"], aliases=[n[0] for n in names],
                mention_count=r["mention_count"], article_count=r["article_count"],
                articles=[ArticleCount(article_id=a, mentions=n) for a, n in ranked],
                salience=round(r["salience"], 3),
            ))
        return out

    def entity(self, id_or_name: str) -> Entity | None:
        """An entity by id (or a merged-away id), else by name or alias (case- and accent-insensitive
        key); the most salient wins."""
        from .extract.entity_linking import name_key

        with self._read:
            row = self._db.execute(
                "SELECT * FROM entities WHERE id = ? UNION ALL SELECT e.* FROM entity_merges m "
                "JOIN entities e ON e.rowid = m.entity WHERE m.old_id = ? LIMIT 1",
                (id_or_name.strip().lower(), id_or_name.strip().lower())).fetchone()
            if row is None:
                row = self._db.execute(
                    "SELECT e.* FROM entity_names n JOIN entities e ON e.rowid = n.entity WHERE n.key IN (?, ?) "
                    "AND n.role IN ('name', 'alias', 'description') ORDER BY n.role = 'description', "
                    "e.salience DESC LIMIT 1", (name_key(id_or_name), name_key(id_or_name, "NORP"))).fetchone()
            return self._entities([row])[0] if row else None

    def entity_matches(self, text: str, types: Iterable[str] = (), limit: int = 5) -> list[tuple[Entity, str, str]]:
        """The entities a name can mean, as (entity, how it matched, the name that matched): the id (or a
        merged-away id), then a canonical name or alias with the same key, then names or surnames whose
        key starts with it; each step by salience, each an indexed lookup (entity_names_key)."""
        from .extract.entity_linking import name_key
        from .extract.places import key

        types = sorted(types)
        typed = f" AND e.type IN ({','.join('?' * len(types))})" if types else ""
        found: dict[int, tuple[sqlite3.Row, str, str]] = {}
        with self._read:
            wanted = text.strip().lower()
            for r in self._db.execute(
                    "SELECT e.*, e.id AS hit FROM entities e WHERE e.id = ?" + typed + " UNION ALL SELECT e.*, "
                    "m.old_id FROM entity_merges m JOIN entities e ON e.rowid = m.entity WHERE m.old_id = ?" + typed,
                    [wanted, *types, wanted, *types]):
                found.setdefault(r["rowid"], (r, "id", r["hit"]))
            for r in self._db.execute(
                    "SELECT e.*, n.name AS hit, n.role FROM entity_names n JOIN entities e ON e.rowid = n.entity "
                    "WHERE n.key IN (?, ?) AND n.role IN ('name', 'alias', 'description')" + typed +
                    " ORDER BY n.role = 'description', e.salience DESC LIMIT ?",
                    [name_key(text), name_key(text, "NORP"), *types, limit * 4]):
                how = "name" if r["hit"] == r["name"] else "alias"
                found.setdefault(r["rowid"], (r, how, r["hit"]))
            if len(found) < limit and (start := key(text)):
                for r in self._db.execute(
                        "SELECT e.*, n.name AS hit FROM entity_names n JOIN entities e ON e.rowid = n.entity "
                        "WHERE n.key >= ? AND n.key < ?" + typed + " ORDER BY e.salience DESC LIMIT ?",
                        [start, start + "\U0010ffff", *types, limit * 4]):
                    found.setdefault(r["rowid"], (r, "part", r["hit"]))
            chosen = list(found.values())[:limit]
            entities = self._entities([r for r, _, _ in chosen])
        return [(e, how, hit) for e, (_, how, hit) in zip(entities, chosen)]

    def mentions_of(self, entity_id: str, article_id: str | None = None, limit: int = 20,
                    cursor: str | None = None) -> Page:
        """One corpus entity's mentions, article by article in text order (in one article, or all)."""
        where, params = ["ae.entity = ?"], [self._entity_rowid(entity_id)]
        if article_id:
            where.append("ae.article = (SELECT rowid FROM articles WHERE id = ?)")
            params.append(article_id)
        clause = " AND ".join(where)
        base = ("FROM article_entities ae JOIN mentions m ON m.article = ae.article AND m.entity_seq = ae.seq "
                f"WHERE {clause}")
        with self._read:
            total = self._count(f"SELECT COUNT(*) {base}", params)
            start = decode_keyset(cursor, 2)
            keyset = " AND (m.article, m.start) > (?, ?)" if start else ""
            rows = self._fetch(f"SELECT m.* {base}{keyset} ORDER BY m.article, m.start LIMIT ?",
                               [*params, *start, limit + 1])
            bodies = self._bodies(r["article"] for r in rows[:limit])
        items = []
        for m in rows[:limit]:
            article, body = bodies[m["article"]]
            items.append(Mention(
                start=m["start"], end=m["end"], text=body[m["start"]:m["end"]], article_id=article, kind=m["kind"],
                sentence=body[m["sentence_start"]:m["sentence_end"]], sentence_start=m["sentence_start"],
                sentence_end=m["sentence_end"]))
        after = [encode_cursor([m["article"], m["start"]]) for m in rows[:limit]]
        return Page(items, total, after[-1] if len(rows) > limit else None, after)

    def _entity_rowid(self, entity_id: str) -> int:
        """The row of a corpus entity by its id; -1 (matching nothing) when there is none."""
        row = self._db.execute("SELECT rowid FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return row[0] if row else -1

    def has_written_claimant(self, text: str) -> bool:
        """Whether some claim's source, as written (not an entity), holds these words."""
        with self._read:
            return self._db.execute("SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT 1",
                                    ("claimant : " + _phrase(text),)).fetchone() is not None

    def entity_names_like(self, text: str, limit: int = 200) -> list[str]:
        """Names of entities whose key starts with the first letters of text (for suggestions)."""
        from .extract.places import key

        k = key(text)[:3]
        if not k:
            return []
        with self._read:
            return [r[0] for r in self._db.execute(
                "SELECT DISTINCT e.name FROM entity_names n JOIN entities e ON e.rowid = n.entity "
                "WHERE n.key >= ? AND n.key < ? LIMIT ?", (k, k + "\U0010ffff", limit))]

    def corpus_entities(
        self, types: Iterable[str] = (), query: str | None = None, min_mentions: int = 1,
        related_to: str | None = None, limit: int = 20, cursor: str | None = None,
    ) -> Page:
        """Corpus entities by salience (or, with related_to, by articles shared with that entity)."""
        from .extract.places import key

        where = ["e.mention_count >= ?"]
        params: list[Any] = [min_mentions]
        types = sorted(types)
        if types:
            where.append(f"e.type IN ({','.join('?' * len(types))})")
            params += types
        if query:
            where.append("e.rowid IN (SELECT entity FROM entity_names WHERE instr(key, ?) > 0)")
            params.append(key(query))
        clause = " AND ".join(where)
        with self._read:
            if related_to:
                anchor = self._entity_rowid(related_to)
                base = (  # over the RELATED_ARTICLES articles that name the anchor most
                    "FROM (SELECT b.entity AS entity, COUNT(DISTINCT b.article) AS shared FROM article_entities b "
                    "WHERE b.article IN (SELECT article FROM article_entities WHERE entity = ? "
                    "ORDER BY mention_count DESC LIMIT ?) AND b.entity != ? GROUP BY b.entity) s "
                    "JOIN entities e ON e.rowid = s.entity WHERE " + clause
                )
                head = [anchor, RELATED_ARTICLES, anchor]
                total = self._count(f"SELECT COUNT(*) {base}", [*head, *params])
                offset = decode_offset(cursor, total)
                rows = self._fetch(f"SELECT e.* {base} ORDER BY s.shared DESC, e.salience DESC, e.name "
                                   "LIMIT ? OFFSET ?", [*head, *params, limit, offset])
            else:
                total = self._count(f"SELECT COUNT(*) FROM entities e WHERE {clause}", params)
                offset = decode_offset(cursor, total)
                rows = self._fetch(f"SELECT e.* FROM entities e WHERE {clause} "
                                   "ORDER BY e.salience DESC, e.name LIMIT ? OFFSET ?", [*params, limit, offset])
            end = offset + len(rows)
            return Page(self._entities(rows), total, encode_offset(end) if end < total else None,
                        [encode_offset(offset + n + 1) for n in range(len(rows))])

    def article_entities(self, article_id: str, include_mentions: bool = False) -> list[tuple[Entity, Entity]]:
        """An article's entities as (the article's own view, the corpus entity it is), by salience."""
        with self._read:
            art = self._db.execute("SELECT rowid, body FROM articles WHERE id=?", (article_id,)).fetchone()
            if art is None:
                return []
            rows = self._db.execute(
                "SELECT ae.*, e.rowid AS e_rowid FROM article_entities ae JOIN entities e ON e.rowid = ae.entity "
                "WHERE ae.article=? ORDER BY ae.seq", (art["rowid"],)).fetchall()
            linked = self._db.execute(
                "SELECT * FROM entities WHERE rowid IN (SELECT entity FROM article_entities WHERE article=?)",
                (art["rowid"],)).fetchall()
            corpus = {r["rowid"]: e for r, e in zip(linked, self._entities(linked))}
            mentions: dict[int, list[Mention]] = defaultdict(list)
            if include_mentions:
                body = art["body"]
                for m in self._db.execute("SELECT * FROM mentions WHERE article=? ORDER BY start", (art["rowid"],)):
                    mentions[m["entity_seq"]].append(Mention(
                        start=m["start"], end=m["end"], text=body[m["start"]:m["end"]], article_id=article_id,
                        kind=m["kind"], sentence=body[m["sentence_start"]:m["sentence_end"]],
                        sentence_start=m["sentence_start"], sentence_end=m["sentence_end"]))
        out = []
        for r in rows:
            local = Entity(
                id=r["local_id"], name=r["name"], type=r["type"], aliases=[a for a, _ in json.loads(r["aliases"])],
                mention_count=r["mention_count"], article_count=1,
                articles=[ArticleCount(article_id=article_id, mentions=r["mention_count"])],
                salience=r["salience"], mentions=mentions[r["seq"]] if include_mentions else None,
            )
            out.append((local, corpus[r["e_rowid"]]))
        return out

    # -- quotes and claims ------------------------------------------------------------------------

    def _names(self, article_rowids: Iterable[int]) -> dict[tuple[int, int], tuple[str, str]]:
        """(article rowid, entity seq) -> (corpus id, corpus name)."""
        out = {}
        for rowid in set(article_rowids):
            for r in self._db.execute(
                "SELECT ae.seq, e.id, e.name FROM article_entities ae JOIN entities e ON e.rowid = ae.entity "
                "WHERE ae.article=?", (rowid,)):
                out[(rowid, r["seq"])] = (r["id"], r["name"])
        return out

    def _bodies(self, article_rowids: Iterable[int]) -> dict[int, tuple[str, str]]:
        out = {}
        for rowid in set(article_rowids):
            r = self._db.execute("SELECT id, body FROM articles WHERE rowid=?", (rowid,)).fetchone()
            out[rowid] = (r["id"], r["body"])
        return out

    def quotes(
        self, article_id: str | None = None, speaker: str | None = None, query: str | None = None,
        kinds: Iterable[str] = (), limit: int = 20, cursor: str | None = None, within: Within = Within(),
    ) -> Page:
        """Quotes in text order (article by article), or by relevance with a query."""
        where, params = [], []
        join = ""
        if within:
            sql, more = within.clause("q.article")
            where.append(sql)
            params += more
        if article_id:
            where.append("q.article = (SELECT rowid FROM articles WHERE id = ?)")
            params.append(article_id)
        if speaker:
            where.append("q.speaker = ?")
            params.append(self._entity_rowid(speaker))
        kinds = sorted(kinds)
        if kinds:
            where.append(f"q.kind IN ({','.join('?' * len(kinds))})")
            params += [self._label_id(k, create=False) for k in kinds]
        if query:
            if (match := fts_query(query)) is None:
                return Page([], 0, None)
            join = " JOIN quotes_fts f ON f.rowid = q.rowid"
            where.append("quotes_fts MATCH ?")
            params.append(match)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        with self._read:
            if query and len(where) == 1:
                total = self._count("SELECT COUNT(*) FROM quotes_fts WHERE quotes_fts MATCH ?", params)
            else:
                total = self._count(f"SELECT COUNT(*) FROM quotes q{join}{clause}", params)
            if query:
                offset = decode_offset(cursor, total)
                rows = self._fetch(f"SELECT q.* FROM quotes q{join}{clause} ORDER BY f.rank, q.rowid "
                                   "LIMIT ? OFFSET ?", [*params, limit + 1, offset])
                after = [encode_offset(offset + n + 1) for n in range(min(limit, len(rows)))]
            else:
                start = decode_keyset(cursor, 1)
                keyset = ((" AND " if clause else " WHERE ") + "q.rowid > ?") if start else ""
                rows = self._fetch(f"SELECT q.* FROM quotes q{clause}{keyset} ORDER BY q.rowid LIMIT ?",
                                   [*params, *start, limit + 1])
                after = [encode_cursor([r["rowid"]]) for r in rows[:limit]]
            next_cursor = after[-1] if len(rows) > limit else None
            rows = rows[:limit]
            bodies = self._bodies(r["article"] for r in rows)
            names = self._names(r["article"] for r in rows)
        return Page([self._quote(r, bodies, names) for r in rows], total, next_cursor, after)

    def _quote(self, r: sqlite3.Row, bodies: dict, names: dict) -> Quote:
        article_id, body = bodies[r["article"]]
        d = unpack(self._unpack(r["detail"]), body)
        d["speaker"]["resolution"] = self._label(r["resolution"])
        if r["speaker_seq"] is not None:
            corpus_id, name = names[(r["article"], r["speaker_seq"])]
            d["speaker"] = {**d["speaker"], "entity_id": corpus_id, "name": name}
        return Quote.model_validate({**d, "id": f"{article_id}:{r['id'] or _quote_id(r['seq'])}",
                                     "article_id": article_id, "kind": self._label(r["kind"])})

    def article_claims(self, article_id: str) -> list[Claim]:
        """Every claim of one article, in text order, claimants as corpus entities."""
        with self._read:
            rows = self._db.execute(
                "SELECT c.* FROM claims c WHERE c.article = (SELECT rowid FROM articles WHERE id=?) ORDER BY c.seq",
                (article_id,)).fetchall()
            return self._claims(rows)

    def claims(
        self, claimant: str | None = None, claimant_text: str | None = None, query: str | None = None,
        min_checkworthiness: float = 0.0, include_unattributed: bool = False, limit: int = 20,
        cursor: str | None = None, within: Within = Within(),
    ) -> tuple[Page, list[dict[str, Any]], dict[str, int]]:
        """Claims over the corpus, most check-worthy first: the page (with its exact total), the breakdown and each claimant's count (by tools.claims.claimant_key; empty with a claimant
        filter, whose total is theirs). The breakdown and the claimant counts are of the COUNTED_CLAIMS
        most check-worthy matching claims: exact up to that many, and always holding the first pages."""
        plus = "+" if claimant_text or query else ""  # "+c.x": the FTS match drives, not an index
        where, params = [f"{plus}c.checkworthiness >= ?"], [min_checkworthiness]
        if not include_unattributed:
            where.append(f"{plus}c.attributed = 1")
        if claimant:
            where.append("c.claimant = ?")
            params.append(self._entity_rowid(claimant))
        match = []
        if claimant_text:
            match.append("claimant : " + _phrase(claimant_text))
        if query:
            if (searched := fts_query(query)) is None:
                return Page([], 0, None), [], {}
            match.append(f"text : ({searched})")
        if match:
            where.append("c.rowid IN (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?)")
            params.append(" AND ".join(match))
        if within:
            sql, more = within.clause("c.article")
            where.append(sql)
            params += more
        clause = " WHERE " + " AND ".join(where)
        with self._read:
            if not (claimant or match or min_checkworthiness or within):
                name = "claims" if include_unattributed else "attributed claims"
                total = self._db.execute("SELECT n FROM totals WHERE name=?", (name,)).fetchone()[0]
            elif match and not (claimant or min_checkworthiness or within):  # the search index alone
                kind = "" if include_unattributed else " AND kind : attributed"
                total = self._count("SELECT COUNT(*) FROM claims_fts WHERE claims_fts MATCH ?",
                                    [" AND ".join(match) + kind])
            else:
                total = self._count(f"SELECT COUNT(*) FROM claims c{clause}", params)
            source = "claims c"
            if match and total > DENSE_MATCHES:  # walk the rank index and keep the matches: stops early
                source = "claims c INDEXED BY claims_rank"
                clause = clause.replace("+c.", "c.")
            order = " ORDER BY c.checkworthiness DESC, c.rowid"
            sample = self._fetch(  # the breakdown: the COUNTED_CLAIMS most check-worthy matching claims
                "SELECT c.*, coalesce('id:' || e.id, k.value || ':' || lower(c.claimant_name)) AS who "
                f"FROM {source} LEFT JOIN entities e ON e.rowid = c.claimant "
                f"LEFT JOIN labels k ON k.rowid = c.claimant_kind{clause}{order} LIMIT ?",
                [*params, COUNTED_CLAIMS])
            stats = [_breakdown(sample, self._label)]
            start = decode_keyset(cursor, 2)
            if not start and (limit < len(sample) or len(sample) < COUNTED_CLAIMS):
                rows = sample[:limit + 1]  # the first page is the head of the sample
            else:
                keyset = " AND (c.checkworthiness, -c.rowid) < (?, ?)" if start else ""
                rows = self._fetch(f"SELECT c.* FROM {source}{clause}{keyset}{order} LIMIT ?",
                                   [*params, *start, limit + 1])
            after = [encode_cursor([r["checkworthiness"], -r["rowid"]]) for r in rows[:limit]]
            next_cursor = after[-1] if len(rows) > limit else None
            rows = rows[:limit]
            claims = self._claims(rows)
        totals = dict(Counter(r["who"] for r in sample)) if not claimant else {}
        return Page(claims, total, next_cursor, after), stats, totals

    def _claims(self, rows: Sequence[sqlite3.Row], names: dict | None = None) -> list[Claim]:
        bodies = self._bodies(r["article"] for r in rows)
        names = names if names is not None else self._names(r["article"] for r in rows)
        ids = {}
        links: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            for link in self._db.execute("SELECT l.kind, l.target, c.id, c.seq FROM claim_links l JOIN claims c "
                                         "ON c.rowid = l.target WHERE l.source=?", (r["rowid"],)):
                ids[link["target"]] = link["id"] or _claim_id(link["seq"])
                links[r["rowid"]][link["kind"]].append(link["target"])
        out = []
        for r in rows:
            article_id, body = bodies[r["article"]]
            d = unpack(self._unpack(r["detail"]), body)
            claimant = {**d["claimant"], "name": r["claimant_name"], "kind": self._label(r["claimant_kind"])}
            if r["claimant_seq"] is not None:
                corpus_id, name = names[(r["article"], r["claimant_seq"])]
                claimant = {**claimant, "entity_id": corpus_id, "name": name}
            for dispute in d.get("disputed_by", []):
                by = dispute["by"]
                local = by.get("entity_id")
                seq = self._seq(r["article"], local) if local else None
                if seq is not None:
                    by["entity_id"], by["name"] = names.get((r["article"], seq)) or (local, by["name"])
            link = links.get(r["rowid"], {})
            full = {kind: [f"{article_id}:{ids[t]}" for t in link.get(kind, [])]
                    for kind in ("disputes", "responds_to", "parent")}
            parent = full["parent"]
            out.append(Claim.model_validate({
                **d, "id": f"{article_id}:{r['id'] or _claim_id(r['seq'])}", "article_id": article_id,
                "attributed": bool(r["attributed"]), "claimant": claimant, "stance": self._label(r["stance"]),
                "certainty": self._label(r["certainty"]), "form": self._label(r["form"]),
                "type": self._label(r["type"]), "checkworthiness": r["checkworthiness"], "disputed": bool(r["disputed"]),
                "disputes": full["disputes"], "responds_to": full["responds_to"],
                "parent_id": parent[0] if parent else None,
            }))
        return out

    def _seq(self, article: int, local_id: str) -> int | None:
        row = self._db.execute("SELECT seq FROM article_entities WHERE article=? AND local_id=?",
                               (article, local_id)).fetchone()
        return row[0] if row else None

    def analysis(self, article_id: str) -> ArticleAnalysis | None:
        """An article's analysis as it was extracted (article-level entity ids), e.g. to copy it."""
        with self._read:
            row = self._db.execute("SELECT rowid FROM articles WHERE id=?", (article_id,)).fetchone()
            if row is None:
                return None
            local = {(row["rowid"], r["seq"]): (r["local_id"], r["name"]) for r in self._db.execute(
                "SELECT seq, local_id, name FROM article_entities WHERE article=?", (row["rowid"],))}
            bodies = self._bodies([row["rowid"]])
            quotes = [self._quote(r, bodies, local) for r in self._db.execute(
                "SELECT * FROM quotes WHERE article=? ORDER BY seq", (row["rowid"],)).fetchall()]
            claims = self._claims(self._db.execute(
                "SELECT * FROM claims WHERE article=? ORDER BY seq", (row["rowid"],)).fetchall(), local)
        entities = [e for e, _ in self.article_entities(article_id, include_mentions=True)]
        return ArticleAnalysis(entities=entities, quotes=quotes, claims=claims)

    def size(self) -> dict[str, int]:
        """Bytes per table and index (from the dbstat view when SQLite has it)."""
        with self._read:
            try:
                rows = self._db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
            except sqlite3.OperationalError:
                return {}
        return {r[0]: r[1] for r in rows}


# -- helpers --------------------------------------------------------------------------------------

DENSE_MATCHES = 1_000  # a search matching more claims pages by the rank index, not by its matches
RELATED_ARTICLES = 500  # related_to ranks co-occurrence within the anchor's most mentioning articles
COUNTED_CLAIMS = 200  # a corpus-wide breakdown reads at most this many claims (the total is exact)


def remove_index(path: Path) -> list[Path]:
    """Delete an index file (with its WAL files) to make it again; returns the folders it remembered, when
    they can still be read from it."""
    roots: list[Path] = []
    if path.is_file():
        try:
            with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
                roots = [Path(r[0]) for r in db.execute("SELECT path FROM remembered_roots")]
        except sqlite3.DatabaseError:
            log.warning("index %s is unreadable: the folders it remembered are lost", path)
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.is_file() or part.is_symlink():
            part.unlink()
    return roots


def _breakdown(rows: Sequence[sqlite3.Row], label: Any) -> dict[str, Any]:
    return {
        "counted": len(rows),
        "attributed": sum(r["attributed"] for r in rows),
        "disputed": sum(r["disputed"] for r in rows),
        "hedged": sum(label(r["certainty"]) == "hedged" for r in rows),
        "conditional": sum(label(r["certainty"]) == "conditional" for r in rows),
        "articles": len({r["article"] for r in rows}),
        "claimants": len({r["who"] for r in rows}),
        "by_type": dict(Counter(label(r["type"]) for r in rows).most_common()),
        "by_stance": dict(Counter(label(r["stance"]) for r in rows).most_common()),
    }

def _written(kind: str, name: str) -> str:
    """The claimant words the search indexes: only sources that are not entities ("some experts");
    an entity is found by its id, the article's own claims by `kind`."""
    return name if kind in ("group", "unnamed", "unresolved") else ""


def _kind(attributed: bool | int) -> str:
    return "attributed" if attributed else "unattributed"


def _meta(r: sqlite3.Row) -> ArticleMeta:
    return ArticleMeta(id=r["id"], title=r["title"], date=r["date"], byline=r["byline"], source=r["source"],
                       url=r["url"], word_count=r["word_count"], agency=r["agency"], date_source=r["date_source"])


def _quote_id(seq: int) -> str:
    return f"q{seq + 1}"


def _claim_id(seq: int) -> str:
    return f"claim-{seq}"


def _own_id(item_id: str, article_id: str, default: str) -> str | None:
    """An item's id within its article, or None when it is the default for its position."""
    suffix = item_id.removeprefix(f"{article_id}:")
    return None if suffix == default else suffix


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def pack(value: Any, body: str, key: str | None = None) -> Any:
    """Drop what the body already holds: a span's text (its slice), a sentence given by offsets, a text
    that is its fragments joined, a sentence found verbatim in the body; nulls and empty lists (the
    models' defaults). A span left with only its offsets is kept as [start, end]."""
    if isinstance(value, list):
        return [pack(v, body, "item") for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: pack(v, body, k) for k, v in value.items() if v is not None and (v != [] or k in _REQUIRED_LISTS)}
    text = out.get("text")
    if isinstance(text, str):
        if isinstance(value.get("fragments"), list):
            if text == SEP.join(body[f["start"]:f["end"]] for f in value["fragments"]):
                del out["text"]
        elif isinstance(out.get("start"), int) and isinstance(out.get("end"), int) and (
            body[out["start"]:out["end"]] == text
        ):
            del out["text"]
    sentence = out.get("sentence")
    if isinstance(sentence, str):
        if "sentence_start" in out and body[out["sentence_start"]:out.get("sentence_end", 0)] == sentence:
            del out["sentence"]
        elif "sentence_start" not in out and (at := body.find(sentence)) >= 0 and sentence:
            del out["sentence"]
            out["sentence@"] = [at, at + len(sentence)]
    if set(out) == {"start", "end"} and key not in _WHOLE:
        return [out["start"], out["end"]]
    return out


_REQUIRED_LISTS = {"fragments"}
_WHOLE = {None}  # the top-level item itself is never a bare span


def unpack(value: Any, body: str) -> Any:
    """The inverse of `pack`."""
    if isinstance(value, list):
        if len(value) == 2 and all(type(v) is int for v in value):
            return {"start": value[0], "end": value[1], "text": body[value[0]:value[1]]}
        return [unpack(v, body) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: unpack(v, body) for k, v in value.items()}
    if "text" not in out:
        if isinstance(out.get("fragments"), list):
            out["text"] = SEP.join(f["text"] for f in out["fragments"])
        elif isinstance(out.get("start"), int) and isinstance(out.get("end"), int):
            out["text"] = body[out["start"]:out["end"]]
    if "sentence@" in out:
        out["sentence"] = out.pop("sentence@")["text"]
    elif "sentence" not in out and "sentence_start" in out:
        out["sentence"] = body[out["sentence_start"]:out["sentence_end"]]
    return out


# -- full-text queries ---------------------------------------------------------------------------

_BAREWORD = re.compile(r"^[^\W_]+\*?$")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # FTS5 reads a query as a C string: a NUL would end it
MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32  # words and phrases; a search of more is not a search, and FTS5's snippets slow down
SNIPPET_BODY_CHARS = 100_000  # longer bodies get a plain snippet: FTS5's costs more than linear there


def plain_snippet(body: str, match: str, words: int = 12) -> str:
    """A snippet without FTS5: the words around the first whole-word occurrence of a query word."""
    wanted = {w.casefold() for w in re.findall(r"[^\W_]+", match) if w not in _OPERATORS}
    for hit in re.finditer(r"[^\W_]+", body):
        if hit.group(0).casefold() in wanted:
            before = body[: hit.start()].split()[-words // 2 :] if hit.start() else []
            after = body[hit.end() :].split()[: words // 2]
            return "..." + " ".join([*before, f"[{hit.group(0)}]", *after]) + "..."
    return body[:80] + "..."


def _phrase(text: str) -> str:
    return '"' + _CONTROL.sub(" ", text).replace('"', '""') + '"'


def fts_query(query: str) -> str | None:
    """The search syntax the tools document: words (all must match, any order), "quoted phrases",
    prefix* , OR, NOT, and parentheses. Words with punctuation become phrases ("U.S." -> "U.S.").
    None when the query holds nothing searchable (it matches nothing)."""
    if len(query) > MAX_QUERY_CHARS:
        raise BadArgument("query", f"is {len(query)} characters; at most {MAX_QUERY_CHARS}")
    query = _CONTROL.sub(" ", query)
    tokens = re.findall(r'"[^"]*"|\(|\)|[^\s()"]+', query)
    if query.count('"') % 2:
        raise BadArgument("query", 'has an unclosed quotation mark; close the phrase with "')
    out: list[str] = []
    for token in tokens:
        if token.startswith('"') or token in "()" or token in _OPERATORS or _BAREWORD.match(token):
            term = token
        else:
            words = re.findall(r"[^\W_]+", token)
            if not words:
                continue
            term = _phrase(" ".join(words)) + ("*" if token.endswith("*") else "")
        if term in out and term not in _OPERATORS and term not in "()":  # "a a a" asks for "a" once
            if out and out[-1] in _OPERATORS:
                out.pop()
            continue
        out.append(term)
    terms = [t for t in out if t not in _OPERATORS and t not in "()"]
    if len(terms) > MAX_QUERY_TERMS:
        raise BadArgument("query", f"has {len(terms)} words and phrases; at most {MAX_QUERY_TERMS}")
    if not terms:
        return None
    return " ".join(out)


def _query_error(exc: sqlite3.OperationalError) -> BadArgument | sqlite3.OperationalError:
    message = str(exc)
    if "fts5" in message or "syntax error" in message or "no such column" in message:
        return BadArgument("query", f"is not a valid search ({message.removeprefix('fts5: ')}). Use words, "
                           '"exact phrases", prefix*, OR, NOT and parentheses')
    return exc
