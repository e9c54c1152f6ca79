"""Evaluate canonical entity extraction: the seed gold, then PolNeAR dev with heuristic checks.

Run: python eval/entities.py [--shared DIR] [--examples N]
The shared datasets default to the `shared` folder beside the repository; exit 2 if they are absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from newsdesk.tools.corpus import build_article, read_file
from newsdesk.tools.extract.entities import extract_entities
from newsdesk.tools.extract.nlp import parse
from newsdesk.tools.extract.places import gazetteer, key
from newsdesk.tools.models import Article, ArticleAnalysis, Entity
from newsdesk.tools.settings import DEFAULT_MODEL, bundled_seeds_dir
from newsdesk.tools.store import FileRow, Store

REPO = Path(__file__).resolve().parents[1]
SEED_FILE = "000_a621f7fa4f80e312.txt"


def load_article(path: Path, article_id: str) -> Article:
    raw = read_file(path, path.read_bytes(), 50_000_000)[0]
    return build_article(raw, article_id)


def surface_keys(entity: Entity) -> set[str]:
    return {key(entity.name), *(key(a) for a in entity.aliases)}


def matches_gold(entity: Entity, gold: dict) -> bool:
    """Canonical name equal to (or containing, word for word) the gold name, or one of its surface forms."""
    name = key(gold["name"]).split()
    words = key(entity.name).split()
    contains = any(words[i : i + len(name)] == name for i in range(len(words)))
    return contains or " ".join(name) in surface_keys(entity)


def evaluate_seed(shared: Path, examples: int) -> tuple[int, int]:
    gold = json.loads((shared / "gold" / "seed_article.gold.json").read_text())
    seeds = bundled_seeds_dir() or REPO / "seeds"
    article = load_article(seeds / SEED_FILE, "seed")
    doc = parse(article.body, DEFAULT_MODEL)
    found = extract_entities(doc, article.id, article.title)
    problems: list[str] = []
    matched: set[str] = set()
    unseen: list[str] = []
    recall = 0
    for g in gold["entities"]:
        hits = [e for e in found if matches_gold(e, g)]
        types = set(g["type"].split("|"))
        ok = len(hits) == 1 and hits[0].type in types
        # an alias is merged when it is one of the entity's forms, or when no other entity carries it
        missing_aliases = [
            a for a in g["aliases"] if hits and key(a) not in surface_keys(hits[0])
            and any(key(a) in surface_keys(e) for e in found if e is not hits[0])
        ]  # fmt: skip
        unseen.extend(
            f"{g['name']}: {a}" for a in g["aliases"] if hits and key(a) not in surface_keys(hits[0])
        )
        if ok and not missing_aliases:
            recall += 1
        elif not hits:
            problems.append(f"missing: {g['name']} ({g['type']})")
        elif len(hits) > 1:
            problems.append(f"split: {g['name']} -> {[(e.name, e.type) for e in hits]}")
        elif not ok:
            problems.append(f"wrong type: {g['name']} is {hits[0].type}, want {g['type']}")
        else:
            problems.append(f"aliases not merged into {g['name']}: {missing_aliases}")
        matched.update(e.id for e in hits)
    leaked = [e.name for e in found for bad in gold["entities_not_in_article"] if key(bad) in surface_keys(e)]
    extras = [e for e in found if e.id not in matched]
    print("== seed article (gold: shared/gold/seed_article.gold.json)")
    print(f"recall: {recall}/{len(gold['entities'])} gold entities found once, typed, aliases merged")
    print(f"not-in-article entities present: {len(leaked)} {leaked if leaked else ''}")
    print(f"precision: {len(matched)}/{len(found)} listed entities are gold; {len(extras)} others to judge:")
    for e in sorted(extras, key=lambda e: -e.salience):
        print(f"   + {e.name} [{e.type}] x{e.mention_count} aliases={e.aliases}")
    for p in problems:
        print(f"   ! {p}")
    print(
        f"gold aliases not among the entity's forms (the body never uses them apart; none stands apart): "
        f"{unseen}"
    )
    roles = [(m.text, e.name) for e in found for m in e.mentions or [] if m.kind == "role"]
    print(f"role mentions: {roles}")
    return recall, len(leaked)


def heuristic_checks(merged: list[Entity], examples: int) -> None:
    gaz = gazetteer()
    checks: dict[str, list[str]] = defaultdict(list)
    by_type: dict[str, list[Entity]] = defaultdict(list)
    for e in merged:
        by_type[e.type].append(e)
    for type_, ents in by_type.items():
        if type_ not in ("PERSON", "ORG"):
            continue
        tails: dict[tuple[str, ...], list[Entity]] = defaultdict(list)
        squashed: dict[str, list[Entity]] = defaultdict(list)
        for e in ents:
            words = tuple(key(e.name).split())
            for i in range(1, len(words)):
                tails[words[i:]].append(e)
            squashed[re.sub(r"[^a-z0-9]", "", key(e.name))].append(e)
        for e in ents:
            longer = tails.get(tuple(key(e.name).split()), [])
            if longer:
                checks["duplicate: name is a word-suffix of another of the same type"].append(
                    f"{e.name!r} ({type_}, x{e.mention_count}) vs {[o.name for o in longer[:3]]}"
                )
        for group in squashed.values():
            if len(group) > 1:
                checks["duplicate: case/punctuation variants of one name"].append(
                    f"{[g.name for g in group]} ({type_})"
                )
    names_by_key: dict[str, set[str]] = defaultdict(set)
    for e in merged:
        names_by_key[key(e.name)].add(e.type)
        if e.type == "PERSON" and gaz.place(e.name):
            checks["PERSON whose name is in the place gazetteer"].append(f"{e.name!r} x{e.mention_count}")
        if e.type in ("PERSON", "ORG") and gaz.demonym(e.name):
            checks["PERSON/ORG whose name is a demonym"].append(f"{e.name!r} [{e.type}]")
        if e.type == "NORP" and gaz.demonym(e.name):
            checks["NORP demonym not linked to its place"].append(e.name)
        if not any(c.isupper() for c in e.name) or e.name[:1].islower():
            checks["lowercase name"].append(f"{e.name!r} [{e.type}]")
        if re.search(r"(^the |['\u2019]s?$|^\W|\W$)", e.name, re.IGNORECASE) and not e.name.endswith("."):
            checks["determiner, possessive or punctuation left at an edge"].append(f"{e.name!r} [{e.type}]")
        if e.type == "PERSON" and len(e.name.split()) == 1:
            checks["one-word PERSON (no full name linked)"].append(f"{e.name!r} x{e.mention_count}")
        if len(e.name.split()) > 6:
            checks["long name (over 6 words)"].append(f"{e.name!r} [{e.type}]")
    for k, types in names_by_key.items():
        if len(types) > 1:
            checks["one name, several types"].append(f"{k!r}: {sorted(types)}")
    print("heuristic checks (counts, then examples):")
    for name, items in checks.items():
        print(f"  {len(items):4d}  {name}")
        for item in items[:examples]:
            print(f"          {item}")


def evaluate_polnear(shared: Path, examples: int) -> None:
    files = sorted((shared / "polnear" / "dev" / "text").glob("*.txt"))
    print(f"\n== PolNeAR dev: {len(files)} articles")
    per_article: dict[str, list[Entity]] = {}
    texts: dict[str, str] = {}
    parse_s = rules_s = rules_cpu = 0.0
    for path in files:
        article = load_article(path, path.stem)
        t0 = time.perf_counter()
        doc = parse(article.body, DEFAULT_MODEL)
        t1, c1 = time.perf_counter(), time.process_time()
        per_article[article.id] = extract_entities(doc, article.id, article.title)
        texts[article.id] = article.body
        parse_s += t1 - t0
        rules_s += time.perf_counter() - t1
        rules_cpu += time.process_time() - c1
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:  # corpus linking as the store does it, article by article
        store = Store(Path(tmp) / "index.sqlite3")
        for n, (article_id, entities) in enumerate(per_article.items()):
            body = texts[article_id]
            article = Article(id=article_id, title=article_id, word_count=len(body.split()), format="plain-text",
                              path=f"{article_id}.txt", body=body, paragraphs=[])
            store.put_file(FileRow(f"{n}.txt", ".", str(n), 0, 0.0, "eval", "ok", None), [(article, 0)])
            store.put_analysis(article_id, store.stamp(article_id), "eval", ArticleAnalysis(entities=entities))
        merged = store.corpus_entities(limit=100_000).items
        store.close()
    merge_s = time.perf_counter() - t0
    local = sum(len(v) for v in per_article.values())
    mentions = Counter(m.kind for e in merged for m in e.mentions or [])
    types = Counter(e.type for e in merged)
    n = len(files)
    print(f"article-level entities: {local} ({local / n:.1f} per article); corpus entities: {len(merged)}")
    print(f"mentions by kind: {dict(mentions)}")
    print(f"corpus entities by type: {dict(types.most_common())}")
    print(f"in 2+ articles: {sum(1 for e in merged if e.article_count > 1)}")
    top = ", ".join(f"{e.name} [{e.type}] {e.article_count}a/{e.mention_count}m" for e in merged[:12])
    print(f"most salient: {top}")
    print(
        f"timing: spaCy {n / parse_s:.1f} articles/s; entity rules {1000 * rules_s / n:.1f} ms/article wall, "
        f"{1000 * rules_cpu / n:.1f} ms CPU ({n / (parse_s + rules_s):.1f} articles/s together); "
        f"corpus linking in the store {1000 * merge_s:.0f} ms"
    )
    heuristic_checks(merged, examples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--examples", type=int, default=6, help="examples printed per heuristic check")
    args = parser.parse_args(argv)
    if not (args.shared / "gold" / "seed_article.gold.json").is_file():
        print(f"shared datasets not found at {args.shared} (pass --shared DIR)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    gazetteer()
    print(f"gazetteer loaded in {time.perf_counter() - t0:.2f} s")
    evaluate_seed(args.shared, args.examples)
    evaluate_polnear(args.shared, args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
