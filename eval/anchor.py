"""Check a hand-written reference file and cut its spans to anchors (see reference/README.md).

    python eval/anchor.py eval/reference/bbc-politics-336.json [--write]

Every span (a quote's `contains`, a claim's `evidence_contains`, a dispute's `dispute_contains` and
`claim_contains`) must occur in the article's text as `eval/speakers.py` compares it (case, quotation
marks and spacing ignored). A span of 5 words or more is cut to its shortest prefix of at least 5
words (12 at most) that occurs once in the article; a shorter span (a one-word partial quote) is kept.
Prints each problem; with --write, saves the cut spans. Exit status 1 when a span is missing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from speakers import load_article, norm

MIN_WORDS, MAX_WORDS = 5, 12
SPAN_FIELDS = {
    "quotes": ("contains",),
    "not_quotes": ("contains",),
    "claims": ("evidence_contains",),
    "disputes": ("dispute_contains", "claim_contains"),
}


def anchor(span: str, body: str) -> str | None:
    """The shortest prefix of `span` (MIN_WORDS..MAX_WORDS words) occurring once in `body`; the span
    itself when shorter than MIN_WORDS words; None when it does not occur at all."""
    words = span.split()
    if norm(span) not in body:
        return None
    if len(words) < MIN_WORDS:
        return span
    for n in range(MIN_WORDS, min(len(words), MAX_WORDS) + 1):
        prefix = " ".join(words[:n])
        if body.count(norm(prefix)) == 1:
            return prefix
    return " ".join(words[:MAX_WORDS])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    ref = json.loads(args.reference.read_text())
    body = norm(load_article(args.shared, ref["source"]).body)
    missing = 0
    for section, fields in SPAN_FIELDS.items():
        for item in ref.get(section, []):
            for field in fields:
                span = item.get(field)
                if not span:
                    continue
                cut = anchor(span, body)
                if cut is None:
                    missing += 1
                    print(f"MISSING {section}.{field}: {span!r}")
                elif cut != span:
                    item[field] = cut
                elif len(span.split()) >= MIN_WORDS and body.count(norm(span)) > 1:
                    print(f"NOT UNIQUE {section}.{field}: {span!r}")
    if args.write:
        args.reference.write_text(json.dumps(ref, indent=2, ensure_ascii=False) + "\n")
    print(f"{args.reference.name}: {missing} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
