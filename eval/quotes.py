"""Evaluate the quote extractor on PolNeAR (dev by default): `python eval/quotes.py [--split train]`.

Matching rules (/work/shared/polnear/README.md):
- the extractor reads the raw .txt (offsets are file offsets), with no entity list; one annotator per
  article (the alphabetically first .ann);
- gold quotes are attributions whose Content (with Content2, merged) contains or is wrapped in double
  quotation marks: " “ ” „ and the two-apostrophe '' some archives (NYT) use; the other attributions are the
  gold for indirect speech, scored apart;
- a predicted quote is the union of its fragments; a fragment of a direct quote is taken with the marks
  around it (gold content spans include them); the fragments of a split quote are one prediction, and so
  is a quotation left open at a paragraph end with its "continuation" quote in the next paragraph (one
  attribution in PolNeAR); a continuation of a closed quotation stays a prediction of its own;
- a quote with no words in marks (an interview transcript's turn, "PENCE: ...") is scored with the
  unquoted attributions, as the gold rule above puts it;
- lenient: overlap >= 50 % of the shorter of the two character sets; strict: character Jaccard >= 0.8
  with the whole gold content; speaker: the lenient match plus a speaker mention that overlaps the gold
  Source (a gold attribution without Source wants no speaker mention);
- precision counts predictions that match some gold item, recall gold items matched by some prediction;
- speaker by entity (what a user sees): the extractor runs with the article's entities; over lenient
  matches whose gold Source has a name mention of an entity as its syntactic head (so the gold speaker
  is known as an entity), the share whose resolved speaker is that entity. Pronoun and role sources have no gold entity in
  PolNeAR (no coreference), so they are left out of this figure; eval/speakers.py scores them by hand.
Also printed: articles where extraction raised (must be 0) and seconds per article.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_cues import DEFAULT_POLNEAR, MODEL, AnnArticle, load_split

DOUBLE_MARKS = ('"', "“", "”", "„", "''")


@dataclass
class Item:
    chars: frozenset[int]
    source: frozenset[int] | None
    label: str = ""
    text: str = ""


def has_double_mark(text: str) -> bool:
    return any(m in text for m in DOUBLE_MARKS)


def gold_items(article: AnnArticle) -> tuple[list[Item], list[Item]]:
    """(quotes, indirect) gold attributions of one article."""
    quotes: list[Item] = []
    indirect: list[Item] = []
    text = article.text
    for event in article.events:
        spans = article.spans(event, "Content", "Content2")
        if not spans:
            continue
        content = "".join(text[a:b] for a, b in spans)
        a0, b0 = spans[0][0], spans[-1][1]
        wrapped = has_double_mark(text[max(0, a0 - 2) : a0]) and has_double_mark(text[b0 : b0 + 2])
        src = article.spans(event, "Source")
        item = Item(
            chars=frozenset(i for a, b in spans for i in range(a, b)),
            source=frozenset(i for a, b in src for i in range(a, b)) if src else None,
            text=content,
        )
        (quotes if has_double_mark(content) or wrapped else indirect).append(item)
    return quotes, indirect


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """A fragment with the quotation marks (and the comma or stop just inside them) around it."""
    while start > 0 and text[start - 1] in "\"“”„'":
        start -= 1
    while end < len(text) and text[end] in "\"“”„',.?!":
        end += 1
    return start, end


def merge_open_continuations(text: str, quotes: list) -> list:
    """A quotation left open at a paragraph end and taken up by the next paragraph is one quotation:
    such a continuation quote is scored together with the quote it continues (PolNeAR annotates it as one
    attribution). Continuations of a closed quotation stay apart."""
    out: list = []
    for q in quotes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and q.speaker.resolution == "continuation"
            and prev.kind == "direct"
            and q.kind == "direct"
        ):
            end = prev.fragments[-1].end
            if text[end : end + 1] not in ('"', "“", "”", "'"):
                out[-1] = prev.model_copy(update={"fragments": prev.fragments + q.fragments})
                continue
        out.append(q)
    return out


def predicted_items(text: str, quotes) -> tuple[list[Item], list[Item]]:
    out_q: list[Item] = []
    out_i: list[Item] = []
    for q in merge_open_continuations(text, quotes):
        chars: set[int] = set()
        for f in q.fragments:
            a, b = _widen(text, f.start, f.end) if q.kind == "direct" else (f.start, f.end)
            chars.update(range(a, b))
        m = q.speaker.mention
        item = Item(frozenset(chars), frozenset(range(m.start, m.end)) if m else None, q.kind, q.text)
        unmarked = q.kind == "indirect" or (q.kind == "direct" and not q.quoted)  # a transcript turn
        (out_i if unmarked else out_q).append(item)
    return out_q, out_i


def lenient(p: Item, g: Item) -> bool:
    shorter = min(len(p.chars), len(g.chars))
    return shorter > 0 and len(p.chars & g.chars) >= 0.5 * shorter


def strict(p: Item, g: Item) -> bool:
    union = len(p.chars | g.chars)
    return union > 0 and len(p.chars & g.chars) / union >= 0.8


def speaker_ok(p: Item, g: Item) -> bool:
    if g.source is None:
        return p.source is None
    return p.source is not None and bool(p.source & g.source)


def with_speaker(p: Item, g: Item) -> bool:
    return lenient(p, g) and speaker_ok(p, g)


class Score:
    def __init__(self) -> None:
        self.tp_p = self.n_p = self.tp_g = self.n_g = 0

    def add(self, preds: list[Item], golds: list[Item], match) -> tuple[list[Item], list[Item]]:
        """Count one article; returns (unmatched predictions, unmatched gold)."""
        fp = [p for p in preds if not any(match(p, g) for g in golds)]
        fn = [g for g in golds if not any(match(p, g) for p in preds)]
        self.n_p += len(preds)
        self.n_g += len(golds)
        self.tp_p += len(preds) - len(fp)
        self.tp_g += len(golds) - len(fn)
        return fp, fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp_p / self.n_p if self.n_p else 0.0
        r = self.tp_g / self.n_g if self.n_g else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def line(self, name: str) -> str:
        p, r, f = self.prf()
        counts = f"(pred {self.n_p}, gold {self.n_g})"
        return f"{name:<22} P {100 * p:5.1f}  R {100 * r:5.1f}  F1 {100 * f:5.1f}   {counts}"


class EntityScore:
    """Speaker right by entity, over matched quotes whose gold Source is a name of a known entity."""

    def __init__(self) -> None:
        self.right = self.total = 0
        self.misses: list[str] = []

    def add(self, doc, quotes, gold: list[Item], entities, name: str = "") -> None:
        text = doc.text
        names = [
            (m.start, m.end, e.id) for e in entities for m in e.mentions or [] if m.kind in ("name", "alias")
        ]
        preds = [
            (q, frozenset(i for f in q.fragments for i in range(*_widen(text, f.start, f.end))))
            for q in merge_open_continuations(text, quotes)
            if q.kind != "indirect"
        ]
        for g in gold:
            if not g.source:
                continue
            span = doc.char_span(min(g.source), max(g.source) + 1, alignment_mode="expand")
            if span is None or not len(span):
                continue
            head = span.root.idx  # the name must be the head ("the Florida senator" names no Florida)
            want = {eid for a, b, eid in names if a <= head < b}
            if len(want) != 1:
                continue
            match = next((q for q, chars in preds if lenient(Item(chars, None), g)), None)
            if match is None:
                continue
            self.total += 1
            if match.speaker.entity_id in want:
                self.right += 1
            else:
                src = text[min(g.source) : max(g.source) + 1]
                sp = match.speaker
                self.misses.append(
                    f"ENTITY\t{name}\twant {src!r} got {sp.name} ({sp.resolution}, "
                    f"{sp.mention.text if sp.mention else '-'})\t{match.text[:60]}"
                )

    def line(self) -> str:
        acc = 100 * self.right / self.total if self.total else 0.0
        return f"{'speaker by entity':<22} {acc:5.1f} % of matched quotes with a named gold source ({self.right}/{self.total})"


def parse_all(texts: list[str], cache: Path | None):
    """Parse the texts (spaCy, the project's pipeline); optionally cached as a DocBin."""
    from spacy.tokens import DocBin

    from newsdesk.tools.extract.nlp import load_pipeline

    nlp = load_pipeline(MODEL)
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs, 0.0
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    elapsed = time.perf_counter() - start
    if cache is not None:
        bin_ = DocBin()
        for d in docs:
            bin_.add(d)
        cache.parent.mkdir(parents=True, exist_ok=True)
        bin_.to_disk(cache)
    return docs, elapsed


def context(text: str, chars: frozenset[int], width: int = 100) -> str:
    a, b = min(chars), max(chars) + 1
    return (text[max(0, a - width) : a] + "[[" + text[a:b] + "]]" + text[b : b + width // 2]).replace(
        "\n", "⏎"
    )


def main(argv: list[str] | None = None) -> int:
    from newsdesk.tools.extract.entities import extract_entities
    from newsdesk.tools.extract.quotes import extract_quotes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--cache", type=Path, help="folder to keep parsed documents in between runs")
    parser.add_argument("--errors", type=Path, help="write unmatched predictions and gold items here")
    args = parser.parse_args(argv)

    articles = load_split(args.polnear, args.split)
    cache = args.cache / f"polnear-{args.split}-{MODEL}.spacy" if args.cache else None
    docs, parse_seconds = parse_all([a.text for a in articles], cache)

    scores = {
        k: Score()
        for k in (
            "quote lenient",
            "quote strict",
            "quote+speaker",
            "indirect lenient",
            "indirect strict",
            "indirect+speaker",
        )
    }
    by_entity = EntityScore()
    failed = 0
    extract_seconds = 0.0
    errors: list[str] = []
    for article, doc in zip(articles, docs):
        gold_q, gold_i = gold_items(article)
        start = time.perf_counter()
        try:
            entities = extract_entities(doc, article.name)
            quotes = extract_quotes(doc, article.name, entities)
        except Exception:  # the count of failing articles is the point here
            failed += 1
            traceback.print_exc()
            continue
        finally:
            extract_seconds += time.perf_counter() - start
        pred_q, pred_i = predicted_items(article.text, quotes)
        by_entity.add(doc, quotes, gold_q, entities, article.name)
        fp, fn = scores["quote lenient"].add(pred_q, gold_q, lenient)
        sfp, sfn = scores["quote strict"].add(pred_q, gold_q, strict)
        spfp, spfn = scores["quote+speaker"].add(pred_q, gold_q, with_speaker)
        scores["indirect lenient"].add(pred_i, gold_i, lenient)
        scores["indirect strict"].add(pred_i, gold_i, strict)
        scores["indirect+speaker"].add(pred_i, gold_i, with_speaker)
        if args.errors:
            t = article.text
            errors += [f"FP\t{article.name}\t{p.label}\t{context(t, p.chars)}" for p in fp]
            errors += [f"FN\t{article.name}\t\t{context(t, g.chars)}" for g in fn]
            errors += [
                f"STRICT-FN\t{article.name}\t{_chars(t, next(p for p in pred_q if lenient(p, g)).chars)}\t"
                f"{context(t, g.chars)}"
                for g in sfn
                if g not in fn
            ]
            errors += [
                f"SPEAKER\t{article.name}\t{_src(t, p)} vs {_src(t, g)}\t{context(t, g.chars)}"
                for g in spfn
                if g not in fn
                for p in pred_q
                if lenient(p, g)
            ][: len(spfn)]

    n = len(articles)
    print(
        f"PolNeAR {args.split}: {n} articles, {scores['quote lenient'].n_g} "
        f"gold quotes, {scores['indirect lenient'].n_g} gold unquoted attributions"
    )
    for name, score in scores.items():
        print(score.line(name))
    print(by_entity.line())
    print(f"articles where extraction raised: {failed}")
    per = extract_seconds / max(n, 1)
    parse_per = parse_seconds / max(n, 1)
    print(
        f"seconds per article: extraction {per:.3f}" + (f", parsing {parse_per:.3f}" if parse_seconds else "")
    )
    if args.errors:
        args.errors.write_text("\n".join(errors + by_entity.misses) + "\n", encoding="utf-8")
    return 1 if failed else 0


def _chars(text: str, chars: frozenset[int]) -> str:
    return "".join(text[i] if i - 1 in chars or i == min(chars) else " ... " + text[i] for i in sorted(chars))


def _src(text: str, item: Item) -> str:
    if not item.source:
        return "-"
    return text[min(item.source) : max(item.source) + 1]


if __name__ == "__main__":
    sys.exit(main())
