"""Keeping a served corpus current without making a client wait: one background thread that reads the
corpus folders again and analyses what is missing, whenever it is asked to: at start, and when a file
in a corpus folder changes (a second thread watches the folders with the `watchfiles` package).

A corpus-wide call waits for it at most `wait` seconds (with progress), then answers with what is
analysed so far; the answer's `coverage` says how much that is.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .api import Desk

log = logging.getLogger(__name__)

Listener = Callable[[int, int], None]


class Background:
    def __init__(self, desk: Desk, sync_first: bool = True, start_delay: float = 0.0) -> None:
        self.desk = desk
        self.start_delay = start_delay  # let the first requests through before reading the folders
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._sync = sync_first
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self.error: str | None = None
        self.changed: Callable[[], None] | None = None  # called after a sync that changed the article list
        self._thread = threading.Thread(target=self._run, name="newsdesk-analysis", daemon=True)

    def start(self, watch: bool = False) -> None:
        self._wake.set()
        self._thread.start()
        if watch:  # the folders are read here, while the index is open (a quick stop closes it)
            roots = [r for r in self.desk.roots() if r.is_dir()]
            if roots:
                threading.Thread(target=self._watch, args=(roots,), name="newsdesk-watch", daemon=True).start()

    def _watch(self, roots: list[Path]) -> None:
        """Read the folders again after article files change (changes within a second are one)."""
        from watchfiles import watch

        from .corpus import is_article_file

        try:
            for _changes in watch(*roots, watch_filter=lambda _change, path: is_article_file(Path(path)),
                                  debounce=1000, stop_event=self._stop, raise_interrupt=False):
                self.refresh()
        except Exception:  # watching is a convenience: the server keeps serving without it
            log.warning("cannot watch the corpus folders for changes", exc_info=True)

    def refresh(self) -> None:
        """Read the folders again, then analyse what is new (e.g. after files changed)."""
        self._sync = True
        self._idle.clear()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait(self, timeout: float, listener: Listener | None = None) -> bool:
        """Wait until everything is analysed or `timeout` passes; True when complete."""
        if self._idle.is_set() and self.desk.coverage().complete:
            return True
        if listener:
            with self._lock:
                self._listeners.append(listener)
        try:
            return self._idle.wait(timeout)
        finally:
            if listener:
                with self._lock:
                    self._listeners.remove(listener)

    def _notify(self, done: int, total: int, item: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(done, total)
            except Exception:  # a listener's failure must not stop the analysis
                log.debug("progress listener failed", exc_info=True)

    def _run(self) -> None:
        if self.start_delay:
            self._stop.wait(self.start_delay)
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                break
            self._idle.clear()
            try:
                if self._sync:
                    self._sync = False
                    before = self.desk.store.count()
                    report = self.desk.refresh()
                    if (report.added or report.removed or report.updated or before != report.articles) and (
                        self.changed
                    ):
                        self.changed()
                started = time.perf_counter()
                done = self.desk.analyse_all(self._notify, stop=self._stop)
                if done:
                    log.info("analysed %d articles in %.1f s", done, time.perf_counter() - started)
                self.error = None
            except Exception as exc:  # keep serving what is indexed; say why analysis stopped
                log.exception("background analysis failed")
                self.error = f"{type(exc).__name__}: {exc}"
            if not self._wake.is_set():
                self._idle.set()
