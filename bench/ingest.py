"""Ingest speed: `newsdesk index` against raw spaCy on the same texts with the same processes, in one run.

Run: python bench/ingest.py [--shared ../shared] [--count N] [--jobs J]
The floor is `nlp.pipe(texts, n_process=J, batch_size=16)` of the same pipeline over the same body texts;
the ratio is newsdesk's articles/s over the floor's (1.0: everything besides the NLP costs nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate newsdesk and the floor this many times (the machine's noise shows)")
    parser.add_argument("--keep", type=Path, help="copy the index built here to this path (for bench/latency.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = tmpdir / "corpus"
        corpus.mkdir()
        count = copy_bbc(args.shared, corpus, args.count)
        ours, floors, size, words = [], [], 0, 0
        for n in range(args.rounds):
            index = tmpdir / f"index-{n}.sqlite3"
            command = [sys.executable, "-m", "newsdesk.server.cli", "-q", "index", "--no-seeds", "--index",
                       str(index), "--jobs", str(args.jobs), str(corpus)]
            started = time.perf_counter()
            subprocess.run(command, check=True, env={**os.environ, "NEWSDESK_CORPUS": ""},
                           stdout=subprocess.DEVNULL)
            ours.append(time.perf_counter() - started)
            store = Store(index)
            store.checkpoint()
            texts = [body for _, _, _, body in store.bodies(store.ids())]
            store.close()
            size = index.stat().st_size
            words = sum(len(t.split()) for t in texts)
            if args.keep and n == 0:
                shutil.copy(index, args.keep)
            nlp = load_pipeline(DEFAULT_MODEL)
            started = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=16, n_process=args.jobs):
                pass
            floors.append(time.perf_counter() - started)
            print(f"round {n + 1}: newsdesk index {ours[-1]:.1f} s, raw nlp.pipe {floors[-1]:.1f} s, "
                  f"ratio {floors[-1] / ours[-1]:.2f}", flush=True)
        load_started = time.perf_counter()
        load_pipeline.cache_clear()
        load_pipeline(DEFAULT_MODEL)
        load = time.perf_counter() - load_started
        ours_s, floor_s = statistics.median(ours), statistics.median(floors)

    print(f"articles: {count} BBC texts, {words:,} words, {args.jobs} process(es)")
    print(f"newsdesk index (whole command: start, read, analyse, write), median: {ours_s:.1f} s, "
          f"{count / ours_s:.1f} articles/s, {words / ours_s:,.0f} words/s")
    print(f"raw nlp.pipe(n_process={args.jobs}) of the same texts, median: {floor_s:.1f} s, "
          f"{count / floor_s:.1f} articles/s, {words / floor_s:,.0f} words/s (pipeline load {load:.1f} s not counted)")
    print(f"ratio newsdesk / raw spaCy: {floor_s / ours_s:.2f} (rounds: "
          f"{', '.join(f'{f / o:.2f}' for f, o in zip(floors, ours))})")
    print(f"index size: {size / 1e6:.1f} MB, {size / count / 1e3:.1f} KB per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
