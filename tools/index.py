"""The embedded SQLite index: extracted articles keyed by file content hash, plus per-article analyses."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .corpus import build_article, file_digest, id_stem, iter_corpus_files, read_file
from .errors import RejectedFile
from .extract import TEXT_EXTRACTOR_VERSION
from .models import Article, ArticleMeta, IndexReport, RejectedFileInfo

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, root TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL,
    mtime REAL NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, reason TEXT);
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, path TEXT NOT NULL, record INTEGER NOT NULL, digest TEXT NOT NULL,
    title TEXT NOT NULL, date TEXT, body TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_path ON articles(path);
CREATE TABLE IF NOT EXISTS remembered_roots(path TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS analyses(
    article_id TEXT NOT NULL, kind TEXT NOT NULL, version TEXT NOT NULL, digest TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY(article_id, kind));
"""

Progress = Callable[[int, int, str], None]


class Index:
    """Thread-safe wrapper around one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- building -------------------------------------------------------------------------------

    def sync(self, roots: Iterable[Path], max_file_bytes: int, progress: Progress | None = None) -> IndexReport:
        """Mirror the corpus folders: add new files, re-extract changed ones, drop removed ones."""
        report = IndexReport()
        root_list = [Path(r) for r in roots]
        files: list[tuple[Path, Path]] = []
        for root in root_list:
            if not root.exists():
                report.rejected.append(RejectedFileInfo(path=str(root), reason="corpus folder does not exist"))
                continue
            files.extend((root, path) for path in iter_corpus_files(root))
        report.files_seen = len(files)
        seen = {str(path) for _, path in files}
        present = {str(r) for r in root_list if r.exists()}
        absent = {str(r) for r in root_list} - present  # an unmounted folder keeps its articles
        with self._lock, self._db:  # prune first, so a moved file keeps its id
            for row in self._db.execute("SELECT path, root FROM files").fetchall():
                if row["root"] not in absent and row["path"] not in seen:
                    self._delete_file(row["path"])
                    report.removed += 1
        for n, (root, path) in enumerate(files, 1):
            if progress:
                progress(n, len(files), path.name)
            try:
                self._sync_file(root, path, max_file_bytes, report)
            except OSError as exc:
                self._record_rejection(root, path, "", 0, 0.0, f"cannot read file ({exc.strerror})", report)
            except Exception as exc:  # one file's failure must not stop the others or lose the index
                log.exception("extraction failed for %s", path)
                reason = f"extraction failed ({type(exc).__name__}: {exc})"
                self._record_rejection(root, path, "", 0, 0.0, reason, report)
        report.articles = self.count()
        return report

    def _sync_file(self, root: Path, path: Path, max_file_bytes: int, report: IndexReport) -> None:
        stat = path.stat()
        key = str(path)
        with self._lock:
            row = self._db.execute("SELECT * FROM files WHERE path=?", (key,)).fetchone()
        if row and row["size"] == stat.st_size and row["mtime"] == stat.st_mtime and row["version"] == (
            TEXT_EXTRACTOR_VERSION
        ):
            self._count_unchanged(row, report)
            return
        if stat.st_size > max_file_bytes:
            reason = f"file is {stat.st_size:,} bytes, over the {max_file_bytes:,}-byte limit"
            self._record_rejection(root, path, "", stat.st_size, stat.st_mtime, reason, report)
            return
        data = path.read_bytes()
        digest = file_digest(data)
        if row and row["digest"] == digest and row["version"] == TEXT_EXTRACTOR_VERSION:
            with self._lock, self._db:
                self._db.execute("UPDATE files SET mtime=? WHERE path=?", (stat.st_mtime, key))
            self._count_unchanged(row, report)
            return
        try:
            raws = read_file(path, data, max_file_bytes)
        except RejectedFile as exc:
            self._record_rejection(root, path, digest, stat.st_size, stat.st_mtime, exc.reason, report)
            return
        with self._lock, self._db:
            self._delete_file(key)
            for raw in raws:
                article = build_article(raw, self._unique_id(id_stem(raw), key))
                self._db.execute(
                    "INSERT INTO articles(id, path, record, digest, title, date, body, data) "
                    "VALUES(?,?,?,?,?,?,?,?)",
                    (article.id, key, raw.record, digest, article.title, article.date, article.body,
                     article.model_dump_json()),
                )
            self._db.execute(
                "INSERT INTO files VALUES(?,?,?,?,?,?,?,NULL)",
                (key, str(root), digest, stat.st_size, stat.st_mtime, TEXT_EXTRACTOR_VERSION, "ok"),
            )
        if row:
            report.updated += 1
        else:
            report.added += 1

    def _count_unchanged(self, row: sqlite3.Row, report: IndexReport) -> None:
        report.unchanged += 1
        if row["status"] != "ok":
            report.rejected.append(RejectedFileInfo(path=row["path"], reason=row["reason"] or "rejected"))

    def _record_rejection(
        self, root: Path, path: Path, digest: str, size: int, mtime: float, reason: str, report: IndexReport
    ) -> None:
        log.warning("rejected %s: %s", path, reason)
        report.rejected.append(RejectedFileInfo(path=str(path), reason=reason))
        with self._lock, self._db:
            self._delete_file(str(path))
            self._db.execute(
                "INSERT INTO files VALUES(?,?,?,?,?,?,?,?)",
                (str(path), str(root), digest, size, mtime, TEXT_EXTRACTOR_VERSION, "rejected", reason),
            )

    def _delete_file(self, key: str) -> None:
        ids = [r["id"] for r in self._db.execute("SELECT id FROM articles WHERE path=?", (key,))]
        self._db.executemany("DELETE FROM analyses WHERE article_id=?", [(i,) for i in ids])
        self._db.execute("DELETE FROM articles WHERE path=?", (key,))
        self._db.execute("DELETE FROM files WHERE path=?", (key,))

    def _unique_id(self, stem: str, path: str) -> str:
        taken = self._db.execute("SELECT path FROM articles WHERE id=?", (stem,)).fetchone()
        if taken is None or taken["path"] == path:
            return stem
        return f"{stem}-{hashlib.sha1(path.encode()).hexdigest()[:6]}"

    def remember_roots(self, roots: Iterable[Path], forget: bool = False) -> None:
        """Folders given to `newsdesk index` stay part of the corpus of this index until forgotten."""
        sql = "DELETE FROM remembered_roots WHERE path=?" if forget else "INSERT OR IGNORE INTO remembered_roots VALUES(?)"
        with self._lock, self._db:
            self._db.executemany(sql, [(str(Path(r).expanduser().resolve()),) for r in roots])

    def remembered_roots(self) -> list[Path]:
        with self._lock:
            return [Path(r["path"]) for r in self._db.execute("SELECT path FROM remembered_roots ORDER BY path")]

    # -- reading --------------------------------------------------------------------------------

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def ids(self) -> list[str]:
        with self._lock:
            return [r["id"] for r in self._db.execute("SELECT id FROM articles ORDER BY id")]

    def digests(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(r["id"], r["digest"]) for r in self._db.execute("SELECT id, digest FROM articles ORDER BY id")]

    def get(self, article_id: str) -> Article | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM articles WHERE id=?", (article_id,)).fetchone()
        return Article.model_validate_json(row["data"]) if row else None

    def list_meta(self, query: str | None = None) -> list[ArticleMeta]:
        """Articles ordered by date (newest first) then id; query matches every word in title or body."""
        sql = "SELECT data FROM articles"
        params: list[str] = []
        words = [w for w in (query or "").lower().split() if w]
        if words:
            clause = "(lower(title) LIKE ? ESCAPE '\\' OR lower(body) LIKE ? ESCAPE '\\')"
            sql += " WHERE " + " AND ".join([clause] * len(words))
            for word in words:
                pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                params += [pattern, pattern]
        sql += " ORDER BY coalesce(date, '') DESC, id"
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        return [ArticleMeta.model_validate_json(r["data"]) for r in rows]

    def rejected(self) -> list[RejectedFileInfo]:
        with self._lock:
            rows = self._db.execute("SELECT path, reason FROM files WHERE status!='ok' ORDER BY path").fetchall()
        return [RejectedFileInfo(path=r["path"], reason=r["reason"] or "rejected") for r in rows]

    # -- analyses -------------------------------------------------------------------------------

    def get_analysis(self, article_id: str, kind: str, version: str) -> Any | None:
        with self._lock:
            row = self._db.execute(
                "SELECT an.data FROM analyses an JOIN articles ar ON ar.id = an.article_id "
                "WHERE an.article_id=? AND an.kind=? AND an.version=? AND an.digest=ar.digest",
                (article_id, kind, version),
            ).fetchone()
        return json.loads(row["data"]) if row else None

    def missing_analyses(self, kind: str, version: str) -> list[str]:
        """Ids of the articles with no current analysis of this kind and version."""
        with self._lock:
            rows = self._db.execute(
                "SELECT ar.id FROM articles ar LEFT JOIN analyses an ON an.article_id = ar.id AND an.kind=? "
                "AND an.version=? AND an.digest = ar.digest WHERE an.article_id IS NULL ORDER BY ar.id",
                (kind, version),
            ).fetchall()
        return [r["id"] for r in rows]

    def put_analysis(self, article_id: str, kind: str, version: str, data: Any) -> None:
        with self._lock, self._db:
            digest = self._db.execute("SELECT digest FROM articles WHERE id=?", (article_id,)).fetchone()
            if digest is None:
                return
            self._db.execute(
                "INSERT OR REPLACE INTO analyses VALUES(?,?,?,?,?)",
                (article_id, kind, version, digest["digest"], json.dumps(data)),
            )
