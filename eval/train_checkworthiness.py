"""Train the check-worthiness model shipped in tools/data/checkworthiness.json (numpy only).

    python eval/train_checkworthiness.py [--shared DIR] [--out tools/data/checkworthiness.json] [--no-write]

Data: ClaimBuster 2.5xNCS (`<shared>/claimbuster/cb_2.5xNCS.json`, 9,674 debate sentences labelled 0/1).
Model: TF-IDF over `tokenize`/`ngrams` from newsdesk.tools.extract.checkworthiness (the run-time code, so
training and scoring cannot drift): terms in at least MIN_DF training sentences, idf = ln((1+n)/(1+df)) + 1,
tf = 1 + ln(count), rows l2-normalised; then L2-regularised logistic regression, loss
sum(log(1 + exp(-y z))) + ||w||^2 / (2 C), minimised by L-BFGS (written below). No randomness except
the stratified fold split, which uses a fixed seed, so two runs print and write the same thing.

Prints the 5-fold cross-validated average precision of the learned model, and of the combined run-time
score (learned + rules, with no source/dispute/entity flags, which debate text does not give us) as a
check that the rules do not destroy the learned signal. C was chosen once from {0.5, 1, 2, 4, 8} by this
same 5-fold CV, so the printed AP is slightly optimistic.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from newsdesk.tools.extract.checkworthiness import MODEL_FORMAT, combine, ngrams, rules, tokenize

REPO = Path(__file__).resolve().parents[1]
DATA_FILE = "claimbuster/cb_2.5xNCS.json"
MIN_DF = 2
C = 4.0
FOLDS = 5
SEED = 20240
DECIMALS = 4


# -- data and features ------------------------------------------------------------------------------


def load(shared: Path) -> tuple[list[str], np.ndarray]:
    rows = json.loads((shared / DATA_FILE).read_text(encoding="utf-8"))
    rows.sort(key=lambda r: r["sentence_id"])
    return [r["text"] for r in rows], np.array([r["label"] for r in rows], dtype=np.float64)


class Sparse:
    """A CSR-like matrix as coordinate arrays: enough for X @ w and X.T @ r with np.bincount."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]) -> None:
        self.rows, self.cols, self.vals, self.shape = rows, cols, vals, shape

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=self.vals * w[self.cols], minlength=self.shape[0])

    def tdot(self, r: np.ndarray) -> np.ndarray:
        return np.bincount(self.cols, weights=self.vals * r[self.rows], minlength=self.shape[1])


def fit_vocabulary(docs: list[list[str]]) -> tuple[list[str], np.ndarray]:
    """Terms with document frequency >= MIN_DF (sorted) and their smoothed idf."""
    df: dict[str, int] = {}
    for terms in docs:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    vocab = sorted(t for t, n in df.items() if n >= MIN_DF)
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in vocab])
    return vocab, idf


def vectorize(docs: list[list[str]], vocab: list[str], idf: np.ndarray) -> Sparse:
    """Exactly LearnedModel.probability's weighting: (1 + ln tf) * idf, l2-normalised per row."""
    index = {t: i for i, t in enumerate(vocab)}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, terms in enumerate(docs):
        counts: dict[int, int] = {}
        for t in terms:
            if (j := index.get(t)) is not None:
                counts[j] = counts.get(j, 0) + 1
        ws = {j: (1.0 + math.log(c)) * idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in ws.values())) or 1.0
        for j, w in sorted(ws.items()):
            rows.append(r)
            cols.append(j)
            vals.append(w / norm)
    return Sparse(
        np.array(rows, dtype=np.int64),
        np.array(cols, dtype=np.int64),
        np.array(vals),
        (len(docs), len(vocab)),
    )


# -- logistic regression ------------------------------------------------------------------------------


def _loss_grad(theta: np.ndarray, X: Sparse, y: np.ndarray, c: float) -> tuple[float, np.ndarray]:
    """theta = [w..., b]; labels y in {0, 1}; the intercept is not regularised."""
    w, b = theta[:-1], theta[-1]
    z = X.dot(w) + b
    s = 2.0 * y - 1.0
    loss = float(np.sum(np.logaddexp(0.0, -s * z)) + w @ w / (2.0 * c))
    r = -s / (1.0 + np.exp(s * z))  # d loss / d z
    return loss, np.concatenate([X.tdot(r) + w / c, [r.sum()]])


def lbfgs(f, x0: np.ndarray, *, memory: int = 10, max_iter: int = 1000, gtol: float = 1e-6) -> np.ndarray:
    """Minimise a smooth convex f (returning loss, gradient) by L-BFGS with Armijo backtracking."""
    x = x0.copy()
    fx, g = f(x)
    s_hist: list[np.ndarray] = []
    y_hist: list[np.ndarray] = []
    for _ in range(max_iter):
        if np.max(np.abs(g)) < gtol:
            break
        q = g.copy()
        alphas = []
        for s, yv in zip(reversed(s_hist), reversed(y_hist)):
            a = (s @ q) / (yv @ s)
            alphas.append(a)
            q -= a * yv
        if s_hist:
            q *= (s_hist[-1] @ y_hist[-1]) / (y_hist[-1] @ y_hist[-1])
        for (s, yv), a in zip(zip(s_hist, y_hist), reversed(alphas)):
            q += (a - (yv @ q) / (yv @ s)) * s
        d = -q
        if g @ d >= 0:  # not a descent direction: restart from steepest descent
            d, s_hist, y_hist = -g, [], []
        step = 1.0 if s_hist else 1.0 / max(1.0, float(np.linalg.norm(g)))
        while True:
            x_new = x + step * d
            f_new, g_new = f(x_new)
            if f_new <= fx + 1e-4 * step * (g @ d) or step < 1e-12:
                break
            step *= 0.5
        s, yv = x_new - x, g_new - g
        if s @ yv > 1e-12:
            s_hist.append(s)
            y_hist.append(yv)
            if len(s_hist) > memory:
                s_hist.pop(0)
                y_hist.pop(0)
        converged = abs(fx - f_new) <= 1e-10 * max(1.0, abs(fx))
        x, fx, g = x_new, f_new, g_new
        if converged:
            break
    return x


def train(
    docs: list[list[str]], y: np.ndarray, c: float = C
) -> tuple[list[str], np.ndarray, np.ndarray, float]:
    vocab, idf = fit_vocabulary(docs)
    X = vectorize(docs, vocab, idf)
    theta = lbfgs(lambda t: _loss_grad(t, X, y, c), np.zeros(len(vocab) + 1))
    return vocab, idf, theta[:-1], float(theta[-1])


def predict(
    docs: list[list[str]], vocab: list[str], idf: np.ndarray, coef: np.ndarray, b: float
) -> np.ndarray:
    z = vectorize(docs, vocab, idf).dot(coef) + b
    return 1.0 / (1.0 + np.exp(-z))


# -- evaluation ---------------------------------------------------------------------------------------------


def average_precision(y: np.ndarray, scores: np.ndarray) -> float:
    """Mean precision at the rank of each positive (scores sorted high to low, ties kept together)."""
    order = np.argsort(-scores, kind="stable")
    ys, ss = y[order], scores[order]
    tp = np.cumsum(ys)
    last_of_tie = np.r_[ss[1:] != ss[:-1], True]  # evaluate precision only where the threshold changes
    tp_at, n_at = tp[last_of_tie], (np.arange(len(ys)) + 1)[last_of_tie]
    recall_gain = np.diff(np.r_[0.0, tp_at]) / tp[-1]
    return float(np.sum(recall_gain * tp_at / n_at))


def stratified_folds(y: np.ndarray, k: int = FOLDS, seed: int = SEED) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    for label in (0.0, 1.0):
        idx = np.flatnonzero(y == label)
        fold[rng.permutation(idx)] = np.arange(len(idx)) % k
    return fold


def cross_validate(
    texts: list[str], y: np.ndarray, c: float = C, k: int = FOLDS
) -> tuple[list[float], list[float]]:
    """Per-fold AP of the learned model and of the combined run-time score."""
    docs = [ngrams(tokenize(t)) for t in texts]
    fold = stratified_folds(y, k)
    learned, combined = [], []
    for f in range(k):
        tr, te = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        vocab, idf, coef, b = train([docs[i] for i in tr], y[tr], c)
        p = predict([docs[i] for i in te], vocab, idf, coef, b)
        learned.append(average_precision(y[te], p))
        mixed = np.array([combine(pi, rules(texts[i])) for pi, i in zip(p, te)])
        combined.append(average_precision(y[te], mixed))
    return learned, combined


# -- main ----------------------------------------------------------------------------------------------------


def model_json(vocab: list[str], idf: np.ndarray, coef: np.ndarray, b: float, cv_ap: float, n: int) -> dict:
    return {
        "format": MODEL_FORMAT,
        "description": "TF-IDF (word 1-2 grams, sublinear tf, l2) + L2 logistic regression, "
        "trained by eval/train_checkworthiness.py on ClaimBuster 2.5xNCS (CC BY 4.0).",
        "training_sentences": n,
        "min_df": MIN_DF,
        "C": C,
        "cv_average_precision": round(cv_ap, 4),
        "intercept": round(b, DECIMALS),
        "vocabulary": vocab,
        "idf": [round(float(v), DECIMALS) for v in idf],
        "coef": [round(float(v), DECIMALS) for v in coef],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO / "tools" / "data" / "checkworthiness.json")
    ap.add_argument("--no-write", action="store_true", help="only print the cross-validated AP")
    args = ap.parse_args(argv)
    if not (args.shared / DATA_FILE).is_file():
        print(f"missing {args.shared / DATA_FILE}: pass --shared DIR", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    texts, y = load(args.shared)
    learned, combined = cross_validate(texts, y)
    cv_ap = float(np.mean(learned))
    print(f"{len(texts)} sentences, {int(y.sum())} check-worthy; C={C}, min_df={MIN_DF}")
    folds = ", ".join(f"{v:.3f}" for v in learned)
    print(f"5-fold CV average precision, learned model: {cv_ap:.4f} (folds {folds})")
    print(f"5-fold CV average precision, combined score (no flags): {np.mean(combined):.4f}")
    if not args.no_write:
        vocab, idf, coef, b = train([ngrams(tokenize(t)) for t in texts], y)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(
            model_json(vocab, idf, coef, b, cv_ap, len(texts)), ensure_ascii=False, separators=(",", ":")
        )
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(vocab)} terms)")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
