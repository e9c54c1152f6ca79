"""Rewrite the README's demo excerpt from a real run of `newsdesk demo` on the seed.

Run: python eval/readme_excerpt.py   (rewrites the text between the `<!-- demo:start -->` and
`<!-- demo:end -->` markers; prints nothing else)

The excerpt keeps each section's heading and its first lines (EXCERPT_LINES), long lines cut at
LINE_CHARS characters with an ellipsis, so the README shows what a client really gets.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
SECTIONS = {"list_entities": 4, "find_quotes": 5, "summarize_claims": 8}
LINE_CHARS = 230
START, END = "<!-- demo:start -->", "<!-- demo:end -->"


def excerpt(output: str) -> str:
    blocks = re.split(r"(?m)^(?======)", output)
    out = []
    for block in blocks:
        title = block.split("\n", 1)[0]
        name = next((n for n in SECTIONS if f"===== {n}(" in title), None)
        if name is None:
            continue
        lines = [ln for ln in block.splitlines()[: SECTIONS[name] + 1]]
        if name == "summarize_claims" and "Disputes:" in block:
            tail = block[block.index("Disputes:") :].splitlines()[:2]
            lines += ["...", *tail]
        cut = [ln if len(ln) <= LINE_CHARS else ln[: LINE_CHARS - 3] + "..." for ln in lines]
        out.append("```text\n" + "\n".join(cut) + "\n...\n```")
    return "\n\n".join(out)


def main() -> int:
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:  # a new index: the output of a first run on the seed
        env = {**os.environ, "NEWSDESK_INDEX": str(Path(folder) / "index.sqlite3")}
        env.pop("NEWSDESK_CORPUS", None)
        run = subprocess.run([sys.executable, "-m", "newsdesk.server", "demo"], capture_output=True, text=True,
                             timeout=300, check=True, env=env)
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README has no {START} ... {END} markers", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{excerpt(run.stdout)}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
