"""A progress bar on stderr for long corpus work (quiet when stderr is not a terminal)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Self

from tqdm import tqdm


class ProgressBar:
    def __init__(self, label: str, enabled: bool = True, unit: str = "file") -> None:
        self.label = label
        self.unit = unit
        self.enabled = enabled
        self._bar: tqdm | None = None

    def __enter__(self) -> Self:
        return self

    def update(self, done: int, total: int, item: str) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = tqdm(total=total, desc=self.label, unit=self.unit, file=sys.stderr, leave=True,
                             mininterval=0.2 if sys.stderr.isatty() else 2.0)
        self._bar.total = total
        self._bar.set_postfix_str(item[:40], refresh=False)
        self._bar.update(done - self._bar.n)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.close()
