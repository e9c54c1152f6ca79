"""Build tool: writes tools/data/detail.zdict, the preset dictionary the store deflates item details with.

Run: python eval/detail_dictionary.py
It is the compact JSON details of the bundled seed's quotes and claims (offsets, resolutions, reasons:
no text beyond the seed's own), as the store writes them. A new index copies the file into its
`dictionaries` table, so changing it later never affects an existing index.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import zlib
from pathlib import Path

from newsdesk.tools.api import Desk
from newsdesk.tools.settings import Settings
from newsdesk.tools.store import DETAIL_DICTIONARY

MAX_BYTES = 32 * 1024  # zlib's window


def main() -> int:
    if not DETAIL_DICTIONARY.exists():
        DETAIL_DICTIONARY.write_bytes(b"{}")
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index.sqlite3"
        desk = Desk.open(Settings(index_path=index))
        desk.analyse_all()
        desk.close()
        db = sqlite3.connect(index)
        zdict = db.execute("SELECT data FROM dictionaries WHERE name='detail'").fetchone()[0]
        texts = [zlib.decompressobj(zdict=zdict).decompress(blob)
                 for table in ("quotes", "claims") for (blob,) in db.execute(f"SELECT detail FROM {table}")]
        db.close()
    data = b"".join(texts)[-MAX_BYTES:]
    DETAIL_DICTIONARY.write_bytes(data)
    print(f"wrote {DETAIL_DICTIONARY} ({len(data):,} bytes from {len(texts)} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
