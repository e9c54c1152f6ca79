"""Ingest speed: `newsdesk index` against raw spaCy on the same texts with the same processes, in one run.

Run: python bench/ingest.py [--shared ../shared] [--count N] [--jobs J]
The floor is `nlp.pipe(texts, n_process=J, batch_size=16)` of the same pipeline over the same body texts;
the ratio is newsdesk's articles/s over the floor's (1.0: everything besides the NLP costs nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsdesk.tools.extract.nlp import load_pipeline
from newsdesk.tools.ingest import default_jobs
from newsdesk.tools.settings import DEFAULT_MODEL
from newsdesk.tools.store import Store


def copy_bbc(shared: Path, target: Path, count: int) -> int:
    files = sorted((shared / "bbc").glob("*/*.txt"))[:count]
    for path in files:
        shutil.copy(path, target / f"{path.parent.name}-{path.name}")
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--count", type=int, default=2225, help="BBC articles (all 2,225 by default)")
    parser.add_argument("--jobs", type=int, default=default_jobs())
    parser.add_argument("--keep", type=Path, help="copy the index built here to this path (for bench/latency.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = tmpdir / "corpus"
        corpus.mkdir()
        count = copy_bbc(args.shared, corpus, args.count)
        index = tmpdir / "index.sqlite3"
        command = [sys.executable, "-m", "newsdesk.server.cli", "-q", "index", "--no-seeds", "--index", str(index),
                   "--jobs", str(args.jobs), str(corpus)]
        started = time.perf_counter()
        subprocess.run(command, check=True, env={**os.environ, "NEWSDESK_CORPUS": ""})
        ours = time.perf_counter() - started
        store = Store(index)
        store.checkpoint()
        texts = [body for _, _, _, body in store.bodies(store.ids())]
        size = index.stat().st_size + sum(p.stat().st_size for p in tmpdir.glob("index.sqlite3-*"))
        store.close()
        if args.keep:
            shutil.copy(index, args.keep)
        words = sum(len(t.split()) for t in texts)

        nlp = load_pipeline(DEFAULT_MODEL)
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=16, n_process=args.jobs):
            pass
        floor = time.perf_counter() - started
        load_started = time.perf_counter()
        load_pipeline.cache_clear()
        load_pipeline(DEFAULT_MODEL)
        load = time.perf_counter() - load_started

    print(f"articles: {count} BBC texts, {words:,} words, {args.jobs} process(es)")
    print(f"newsdesk index (whole command: start, read, analyse, write): {ours:.1f} s, "
          f"{count / ours:.1f} articles/s, {words / ours:,.0f} words/s")
    print(f"raw nlp.pipe(n_process={args.jobs}) of the same texts: {floor:.1f} s, {count / floor:.1f} articles/s, "
          f"{words / floor:,.0f} words/s (pipeline load {load:.1f} s not counted)")
    print(f"ratio newsdesk / raw spaCy: {floor / ours:.2f}")
    print(f"index size: {size / 1e6:.1f} MB, {size / count / 1e3:.1f} KB per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
