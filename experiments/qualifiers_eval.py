"""Per-category precision and recall of ``find_qualifiers`` on the annotated evaluation set.

Run from the repository root::

    python experiments/qualifiers_eval.py [--set datasets/qualifiers/eval.jsonl] [--errors]

A predicted span is a true positive when a gold span of the same category overlaps it (each
gold span is matched at most once); ``exact`` requires identical offsets. Exits with status 1
if any category's overlap precision or recall is below 0.90. The output is recorded in
``experiments/results/qualifiers_eval.txt``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from credscore.features.qualifiers import QUALIFIER_CATEGORIES, find_qualifiers, load_lexicon

FLOOR = 0.90
DEFAULT_SET = Path(__file__).resolve().parents[1] / "datasets" / "qualifiers" / "eval.jsonl"


def match(gold: list[dict], pred: list[tuple[str, int, int]], *, exact: bool) -> list[bool]:
    """Greedy one-to-one matching; returns, for each predicted span, whether it matched."""
    used = [False] * len(gold)
    hits = []
    for cat, start, end in pred:
        ok = False
        for i, g in enumerate(gold):
            if used[i] or g["category"] != cat:
                continue
            same = (g["start"], g["end"]) == (start, end)
            if same or (not exact and g["start"] < end and start < g["end"]):
                used[i] = ok = True
                break
        hits.append(ok)
    return hits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, default=DEFAULT_SET)
    ap.add_argument("--errors", action="store_true", help="print every false positive/negative")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line]
    lex = load_lexicon()
    tp = {m: Counter() for m in ("overlap", "exact")}
    n_pred, n_gold = Counter(), Counter()
    errors = []
    for row in rows:
        text, gold = row["text"], row["spans"]
        pred = [(q.category, q.start, q.end) for q in find_qualifiers(text, lex)]
        for g in gold:
            assert text[g["start"] : g["end"]] == g["cue"], row["id"]
            n_gold[g["category"]] += 1
        for cat, _, _ in pred:
            n_pred[cat] += 1
        for mode in tp:
            for (cat, s, e), ok in zip(pred, match(gold, pred, exact=mode == "exact"), strict=True):
                tp[mode][cat] += ok
                if mode == "overlap" and not ok:
                    errors.append(f"FP {cat:13s} {text[s:e]!r:22s} | {text}")
        hit_gold = match(
            [{"category": c, "start": s, "end": e} for c, s, e in pred],
            [(g["category"], g["start"], g["end"]) for g in gold],
            exact=False,
        )
        for g, ok in zip(gold, hit_gold, strict=True):
            if not ok:
                errors.append(f"FN {g['category']:13s} {g['cue']!r:22s} | {text}")
    n_none = sum(not r["spans"] for r in rows)
    print(
        f"qualifier evaluation: {len(rows)} sentences ({n_none} without any span), {args.set.name}"
    )
    print(f"lexicon {lex.version} sha256 {lex.sha256[:16]}...")
    print(f"{'category':14s} {'gold':>5s} {'pred':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}   exact P/R")
    failed = False
    for cat in QUALIFIER_CATEGORIES:
        row = []
        for mode in ("overlap", "exact"):
            p = tp[mode][cat] / n_pred[cat] if n_pred[cat] else 1.0
            # Recall counts gold spans matched; with one-to-one matching it equals TP / gold.
            r = tp[mode][cat] / n_gold[cat] if n_gold[cat] else 1.0
            row.append((p, r))
        (p, r), (pe, re_) = row
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        flag = "" if min(p, r) >= FLOOR else "   < 0.90 FLOOR"
        failed |= bool(flag)
        print(
            f"{cat:14s} {n_gold[cat]:5d} {n_pred[cat]:5d} {p:6.3f} {r:6.3f} {f1:6.3f}"
            f"   {pe:.3f}/{re_:.3f}{flag}"
        )
    print(
        "note: the set was written by the lexicon's author and partly used during development;"
        "\nsee datasets/qualifiers/README.md for the blind-batch figures."
    )
    if args.errors:
        print("\n".join(sorted(errors)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
