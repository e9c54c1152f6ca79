"""Filling the store: corpus folders mirrored into articles, then every missing analysis computed.

- `sync` walks the folders: new files are read, changed ones (by size, mtime, then content hash) read
  again, removed ones dropped. A folder that is absent (unmounted) keeps its articles.
- `analyse_missing` runs spaCy over the articles with no current analysis, `nlp.pipe` in batches, in
  `jobs` worker processes (each loads the pipeline once), and writes each batch in one transaction, so an
  interrupted run resumes where it stopped. `jobs=1` analyses in this process. An article longer than
  `max_chars`, or one the extractors fail on, is recorded as a failure against that article alone (its
  text is still served; the next version of the rules tries it again).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from .corpus import RawArticle, build_article, file_digest, id_stem, iter_corpus_files, path_key, read_file
from .errors import RejectedFile
from .extract import TEXT_EXTRACTOR_VERSION
from .models import ArticleAnalysis, IndexReport, RejectedFileInfo
from .store import FileRow, Store

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
BATCH = 16  # articles per nlp.pipe call and per transaction
GUARDED_BYTES = 256_000  # larger files are read in a worker process with a time limit (Reader)


def default_jobs() -> int:
    """Worker processes for `newsdesk index`: one per core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# -- files ----------------------------------------------------------------------------------------

class Reader:
    """Reads corpus files, a large one in a worker process that gets `seconds` (a deeply nested page or a
    file built to be slow cannot stall the index: it is rejected with the reason)."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes, self.seconds = max_bytes, seconds
        self._pool: ProcessPoolExecutor | None = None

    def read(self, path: Path, data: bytes) -> list[RawArticle]:
        if len(data) <= GUARDED_BYTES:
            return read_file(path, data, self.max_bytes)
        if self._pool is None:  # started, and its imports done, before any file's time counts
            self._pool = ProcessPoolExecutor(1, mp_context=get_context("spawn"))
            self._pool.submit(_read_guarded, Path("start.txt"), b"Start.", self.max_bytes).result(timeout=300)
        future = self._pool.submit(_read_guarded, path, data, self.max_bytes)
        try:
            result = future.result(timeout=self.seconds)
        except FuturesTimeout:
            self.close()
            raise RejectedFile(str(path), f"reading it took over {self.seconds:g} s (NEWSDESK_MAX_READ_SECONDS)"
                               ) from None
        except BrokenProcessPool:
            self.close()
            raise RejectedFile(str(path), "reading it crashed the reader (out of memory?)") from None
        if isinstance(result, str):
            raise RejectedFile(str(path), result)
        return result

    def close(self) -> None:
        if self._pool is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.kill()  # a worker stuck in a parse does not stop when asked
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _read_guarded(path: Path, data: bytes, max_bytes: int) -> list[RawArticle] | str:
    try:
        return read_file(path, data, max_bytes)
    except RejectedFile as exc:  # its reason crosses the process boundary, not the exception
        return exc.reason


def sync(store: Store, roots: Iterable[Path], max_file_bytes: int, progress: Progress | None = None,
         read_seconds: float = 60.0) -> IndexReport:
    """Mirror the corpus folders: add new files, re-extract changed ones, drop removed ones."""
    reader = Reader(max_file_bytes, read_seconds)
    try:
        return _sync(store, roots, reader, progress)
    finally:
        reader.close()


def _sync(store: Store, roots: Iterable[Path], reader: Reader, progress: Progress | None) -> IndexReport:
    report = IndexReport()
    root_list = [Path(r) for r in roots]
    files: list[tuple[Path, Path, str | None]] = []
    for root in root_list:
        if not root.exists():
            report.rejected.append(RejectedFileInfo(path=path_key(root), reason="corpus folder does not exist"))
            continue
        files.extend((root, path, skip) for path, skip in iter_corpus_files(root))
    report.files_seen = len(files)
    seen = {path_key(path) for _, path, _ in files}
    # Only files gone from the folders synced now are pruned. A configured folder that is missing
    # (unmounted) and a folder this call was not given (a plain `serve` beside an index built with
    # `--corpus DIR`) keep their articles; a moved folder's files take their ids back (`_sync_file`).
    present = {path_key(r) for r in root_list if r.exists()}
    for row in store.files():  # prune first, so a moved file keeps its id
        if row.root in present and row.path not in seen:
            store.delete_file(row.path)
            report.removed += 1
    for n, (root, path, skip) in enumerate(files, 1):
        if progress:
            progress(n, len(files), path_key(path).rsplit("/", 1)[-1])
        try:
            if skip:
                _reject(store, root, path, "", 0, 0.0, skip, report)
            else:
                _sync_file(store, root, path, reader, report, seen)
        except OSError as exc:
            _reject(store, root, path, "", 0, 0.0, f"cannot read file ({exc.strerror})", report)
        except Exception as exc:  # one file's failure must not stop the others or lose the index
            log.exception("extraction failed for %s", path)
            _reject(store, root, path, "", 0, 0.0, f"extraction failed ({type(exc).__name__}: {exc})", report)
    report.articles = store.count()
    return report


def _sync_file(store: Store, root: Path, path: Path, reader: Reader, report: IndexReport,
               seen: set[str]) -> None:
    max_file_bytes = reader.max_bytes
    stat = path.stat()
    key = path_key(path)
    row = store.file(key)
    if row and row.size == stat.st_size and row.mtime == stat.st_mtime and row.version == TEXT_EXTRACTOR_VERSION:
        _unchanged(row, report)
        return
    if stat.st_size > max_file_bytes:
        reason = f"file is {stat.st_size:,} bytes, over the {max_file_bytes:,}-byte limit"
        _reject(store, root, path, "", stat.st_size, stat.st_mtime, reason, report, row)
        return
    data = path.read_bytes()
    digest = file_digest(data)
    if row and row.digest == digest and row.version == TEXT_EXTRACTOR_VERSION:
        store.touch_file(key, stat.st_mtime)
        _unchanged(row, report)
        return
    try:
        raws = reader.read(path, data)
    except RejectedFile as exc:
        _reject(store, root, path, digest, stat.st_size, stat.st_mtime, exc.reason, report, row)
        return
    articles = [(build_article(raw, id_stem(raw)), raw.record) for raw in raws]
    for article, _ in articles:  # an id held by a file no longer on disk (a moved folder) is taken over
        holder = store.article_path(article.id)
        if holder and holder != key and holder not in seen and not Path(holder).exists():
            store.delete_file(holder)
    store.put_file(FileRow(key, path_key(root), digest, stat.st_size, stat.st_mtime, TEXT_EXTRACTOR_VERSION, "ok", None),
                   articles)
    if row:
        report.updated += 1
    else:
        report.added += 1


def _unchanged(row: FileRow, report: IndexReport) -> None:
    report.unchanged += 1
    if row.status != "ok":
        report.rejected.append(RejectedFileInfo(path=row.path, reason=row.reason or "rejected"))


def _reject(store: Store, root: Path, path: Path, digest: str, size: int, mtime: float, reason: str,
            report: IndexReport, row: FileRow | None = None) -> None:
    """A file that cannot be read is listed with the reason. One that was read before keeps its articles
    (a bad save, a truncated copy): they go only when the file is removed or readable again."""
    key = path_key(path)
    row = row or store.file(key)
    if row is not None and (row.status, row.reason, row.digest, row.size, row.mtime) == (
            "rejected", reason, digest, size, mtime):  # rejected as last time (a skipped link): nothing to write
        report.rejected.append(RejectedFileInfo(path=key, reason=reason))
        return
    if row is not None and row.status in ("ok", "kept"):
        reason += "; the articles read from it before are kept"
        log.warning("%s: %s", key, reason)
        report.rejected.append(RejectedFileInfo(path=key, reason=reason))
        store.keep_file(key, digest, size, mtime, reason)
        return
    log.warning("rejected %s: %s", key, reason)
    report.rejected.append(RejectedFileInfo(path=key, reason=reason))
    store.put_file(FileRow(key, path_key(root), digest, size, mtime, TEXT_EXTRACTOR_VERSION, "rejected", reason))


# -- analyses -------------------------------------------------------------------------------------

Work = list[tuple[str, str, str, str]]  # (article id, stamp, title, body)
Result = tuple[str, str, "ArticleAnalysis | str"]  # (article id, stamp, analysis or why there is none)


def _batches(store: Store, version: str) -> Iterator[Work]:
    todo = store.missing_analyses(version)
    for start in range(0, len(todo), BATCH):
        yield store.bodies(todo[start:start + BATCH])


class Workers:
    """The analysis worker processes of one run. `start` starts them before they are needed, without
    waiting for them (`newsdesk index` does it before reading the folders, so they load the pipeline
    meanwhile); `pool` waits. They are forked from a fork server that has imported spaCy and read the
    extractors' tables once (`worker_preload`): each worker starts with them, shared copy-on-write,
    instead of reading them again (about 2 s of CPU each). The fork server runs none of this process's
    threads; where there is none (Windows), workers are spawned."""

    def __init__(self, model: str, jobs: int) -> None:
        self.model, self.jobs = model, jobs
        self._pool: ProcessPoolExecutor | None = None
        self._starting: threading.Thread | None = None

    def start(self) -> None:
        if self._starting is None:  # starting a worker waits for the fork server's imports: in a thread
            self._starting = threading.Thread(target=self._start, name="newsdesk-workers", daemon=True)
            self._starting.start()

    def _start(self) -> None:
        if "forkserver" in get_all_start_methods():
            context = get_context("forkserver")
            context.set_forkserver_preload(["newsdesk.tools.worker_preload"])
        else:
            context = get_context("spawn")
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_worker_init,
                                         initargs=(self.model,))
        for _ in range(self.jobs):  # each submit starts one process: all of them now
            self._pool.submit(int)

    def pool(self) -> ProcessPoolExecutor:
        self.start()
        assert self._starting is not None
        self._starting.join()
        if self._pool is None:
            raise RuntimeError("the analysis workers could not be started")
        return self._pool

    def close(self) -> None:
        if self._starting is not None:
            self._starting.join()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        self._pool = self._starting = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def analyse_missing(
    store: Store, model: str, jobs: int = 1, progress: Progress | None = None,
    stop: threading.Event | None = None, max_chars: int = 200_000, workers: Workers | None = None,
) -> int:
    """Analyse every article with no current analysis; returns how many were written. With `jobs` over 1
    the work goes to worker processes (`workers`, else started here)."""
    from .extract import analysis_version

    version = analysis_version(model)
    total = len(store.missing_analyses(version))
    if not total:
        return 0
    done = 0

    def write(results: list[Result]) -> None:
        nonlocal done
        with store.transaction():
            done += store.put_analyses((aid, stamp, version, analysis) for aid, stamp, analysis in results
                                       if not isinstance(analysis, str))
            for aid, stamp, reason in results:
                if isinstance(reason, str):
                    log.warning("article %s not analysed: %s", aid, reason)
                    done += store.put_failure(aid, stamp, version, reason)
        if progress and results:
            progress(done, total, results[-1][0])

    if jobs <= 1 and workers is None:
        for work in _batches(store, version):
            if stop is not None and stop.is_set():
                break
            write(analyse_batch(work, model, max_chars))
        return done
    with Workers(model, jobs) if workers is None else nullcontext(workers) as running:
        pool = running.pool()
        pending: set[Future] = set()
        for work in _batches(store, version):
            if stop is not None and stop.is_set():
                break
            pending.add(pool.submit(_analyse_batch_sent, work, model, max_chars))
            if len(pending) >= 2 * running.jobs:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    write(_received(future.result()))
        for future in pending:
            write(_received(future.result()))
    return done


def _analyse_batch_sent(work: Work, model: str, max_chars: int) -> list[tuple[str, str, bytes | str]]:
    """`analyse_batch` in a worker, each analysis sent back as JSON: pydantic dumps and validates JSON in
    its compiled core, where pickling the models is Python code on both sides (a BBC article's analysis:
    0.6 ms against 1.9 ms, most of it in the writing process)."""
    return [(aid, stamp, result if isinstance(result, str) else result.model_dump_json().encode())
            for aid, stamp, result in analyse_batch(work, model, max_chars)]


def _received(results: list[tuple[str, str, bytes | str]]) -> list[Result]:
    return [(aid, stamp, ArticleAnalysis.model_validate_json(result) if isinstance(result, bytes) else result)
            for aid, stamp, result in results]


def _worker_init(model: str) -> None:
    """Load the pipeline once, then keep numpy's BLAS to one thread for good: the workers already take a
    core each, and a BLAS pool per worker oversubscribes them (600 texts, 2 workers on 2 cores: 52 s
    against 30 s)."""
    from threadpoolctl import threadpool_limits

    from .extract import warm_tables
    from .extract.nlp import load_pipeline

    load_pipeline(model)
    warm_tables()  # already read where the worker was forked from the fork server
    threadpool_limits(1, user_api="blas")  # a plain call: the limit stays (only a `with` restores it)


def analyse_batch(work: Work, model: str, max_chars: int = 200_000) -> list[Result]:
    """Parse a batch with nlp.pipe and run the extractors on each Doc; an article that cannot be analysed
    gets the reason instead (its own failure, never the batch's)."""
    from .analysis import analyse_doc
    from .extract.nlp import pipe

    out: list[Result] = [(aid, stamp, too_long(body, max_chars) or "") for aid, stamp, _, body in work]
    todo = [n for n, result in enumerate(out) if not result[2]]
    try:
        docs = pipe([work[n][3] for n in todo], model)
    except Exception:  # one text the pipeline refuses: parse the others one by one
        docs = None
    for k, n in enumerate(todo):
        aid, stamp, title, body = work[n]
        try:
            doc = docs[k] if docs is not None else pipe([body], model)[0]
            out[n] = (aid, stamp, analyse_doc(doc, aid, title))
        except Exception as exc:  # recorded against this article; the others go on
            log.exception("analysis failed for %s", aid)
            out[n] = (aid, stamp, f"the analysis failed ({type(exc).__name__})")
    return out


def too_long(body: str, max_chars: int) -> str | None:
    if len(body) > max_chars:
        return (f"the article is {len(body):,} characters, over the analysis limit of {max_chars:,} "
                "(NEWSDESK_MAX_ANALYSIS_CHARS)")
    return None
