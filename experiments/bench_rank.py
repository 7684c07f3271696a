"""Benchmark: rank features for 1,000,000 titles (with hints), against the plain alternative.

Titles are drawn Zipf-like (a few very frequent, many rare) from a pool of distinct realistic
titles: LIAR job titles and LIAR2 speaker descriptions (read at run time, when the corpora are
present; never written anywhere), the rank forms of ``datasets/ranks/`` with and without their
service, and synthetic titles built from the tables' vocabulary. Hints are drawn the same way
from service/organisation names and statement contexts, about half of them empty.

Measured in the same run:

* ``rank_features`` / ``resolve_ranks`` (factorise, resolve each distinct (title, hint) once),
  cold cache and warm cache, without and with hints;
* the plain alternative: ``resolve_rank`` called row by row (with its cache, so every repeat is
  a dictionary hit), on the same column;
* spelling correction: the deletion index (``_rank_fuzzy.FuzzyIndex``) against rapidfuzz's
  ``process.extractOne`` with a Levenshtein cutoff (when rapidfuzz is installed), on the
  distinct title words the tables do not know.

Usage::

    python experiments/bench_rank.py [--n 1000000] [--seed 0] [--repeat 3]

Figures go to ``experiments/results/bench_rank.txt``.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from credscore._io import atomic_write_text
from credscore.features._rank_fuzzy import FuzzyIndex
from credscore.features._rank_model import normalize_title
from credscore.features._rank_read import fuzzy_index
from credscore.features.rank import load_rank_table, rank_features, resolve_rank, resolve_ranks

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CREDSCORE_DATASETS", ROOT.parent / "shared" / "datasets"))
OUT = ROOT / "experiments" / "results" / "bench_rank.txt"
HEADS = (
    "Colonel|Lt. Gen.|U.S. Senator|state representative|Governor|Mayor|Defence Minister|"
    "spokesperson for the Ministry of Defence|CNN host|blogger|Chief Executive|judge|Sergeant|"
    "professor|sources close to the cabinet|an adviser to the President|Social media posting|"
    "columnist|activist|Navy Captain|Staff Sergeant|Chief Warrant Officer 3|Air Vice Marshall"
).split("|")
MODS = ["", "former ", "deputy ", "acting ", "candidate for ", "retired ", "senior "]
TAILS = ["", ", {n}th District", " of the {n}th Battalion", ", Acme {n} Inc.", " from Region {n}"]
ORGS = [
    "U.S. Navy",
    "Royal Air Force",
    "Armed Forces of Ukraine",
    "Russian Ministry of Defence",
    "U.S. Army",
    "Coast Guard",
    "British Army",
    "Pentagon",
    "Bundeswehr",
]


def corpus_titles() -> tuple[list[str], list[str]]:
    """Distinct LIAR/LIAR2 titles and contexts (empty lists when the corpora are absent)."""
    titles: list[str] = []
    contexts: list[str] = []
    liar = DATA / "liar" / "train.tsv"
    if liar.exists():
        with open(liar, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
        titles += [r[5] for r in rows if len(r) > 13 and r[5]]
        contexts += [r[13] for r in rows if len(r) > 13 and r[13]]
    liar2 = DATA / "liar2" / "valid.csv"
    if liar2.exists():
        df = pd.read_csv(liar2, usecols=["speaker_description", "context"])
        titles += df["speaker_description"].dropna().astype(str).tolist()
        contexts += df["context"].dropna().astype(str).tolist()
    return list(dict.fromkeys(titles)), list(dict.fromkeys(contexts))


def rank_forms() -> list[str]:
    out: list[str] = []
    with open(ROOT / "datasets" / "ranks" / "stanag2116_ranks.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out += [r["rank"], f"{r['prefix']} {r['rank']}"]
    with open(ROOT / "datasets" / "ranks" / "forms.csv", encoding="utf-8") as fh:
        out += [r["title"] for r in csv.DictReader(fh)]
    return list(dict.fromkeys(out))


def make_column(pool: list[str], n: int, rng: np.random.Generator, missing: float) -> pd.Series:
    """``n`` values drawn Zipf-like from ``pool`` (shuffled), a share ``missing`` set to None."""
    pool = list(pool)
    rng.shuffle(pool)
    w = 1.0 / np.arange(1, len(pool) + 1) ** 1.1
    idx = rng.choice(len(pool), size=n, p=w / w.sum())
    s = pd.Series(np.array(pool, dtype=object)[idx])
    s[rng.random(n) < missing] = None
    return s


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def fuzzy_section(table, words: list[str]) -> list[str]:
    idx = fuzzy_index(table)
    assert idx is not None
    unknown = [
        w for w in dict.fromkeys(words) if len(w) >= 5 and w.isalpha() and w not in idx.known
    ]
    fresh = FuzzyIndex(idx.vocab, idx.exclude, known=idx.known)
    t = time.perf_counter()
    ours = [fresh.correct(w) for w in unknown]
    dt = time.perf_counter() - t
    lines = [
        f"spelling correction of {len(unknown):,} distinct unknown words (>= 5 letters):",
        f"  deletion index: {dt * 1e6 / max(1, len(unknown)):.1f} us/word, "
        f"{sum(o is not None for o in ours)} corrected",
    ]
    try:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein
    except ImportError:
        lines.append("  rapidfuzz: not installed (pip install rapidfuzz to compare)")
        return lines
    vocab = [v for v in idx.vocab if len(v) >= 5]
    t = time.perf_counter()
    theirs = [
        process.extractOne(
            w, vocab, scorer=Levenshtein.distance, score_cutoff=2 if len(w) >= 8 else 1
        )
        for w in unknown
    ]
    dt2 = time.perf_counter() - t
    lines.append(
        f"  rapidfuzz extractOne (Levenshtein cutoff): {dt2 * 1e6 / max(1, len(unknown)):.1f}"
        f" us/word, {sum(o is not None for o in theirs)} within the cutoff "
        "(no first-letter rule, no transpositions)"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    corpus, contexts = corpus_titles()
    synthetic = [
        f"{MODS[i % len(MODS)]}{HEADS[(i // 7) % len(HEADS)]}"
        + TAILS[(i // 161) % len(TAILS)].format(n=i)
        for i in range(15_000)
    ]
    pool = list(dict.fromkeys(corpus + rank_forms() + synthetic))
    hint_pool = list(
        dict.fromkeys(
            ORGS + contexts + [f"{o}, {c}" for o, c in zip(ORGS * 50, contexts[:450], strict=False)]
        )
    )
    titles = make_column(pool, args.n, rng, 0.05)
    hints = make_column(hint_pool, args.n, rng, 0.5)
    lines = [
        f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of "
        f"{args.repeat} runs",
        f"titles: {len(titles):,}  distinct: {titles.nunique():,} ({len(corpus):,} from LIAR/"
        f"LIAR2)  missing: {int(titles.isna().sum()):,}; hints: distinct "
        f"{hints.nunique():,}, empty {int(hints.isna().sum()):,}",
    ]
    for label, kw in (("no hints", {}), ("with hints", {"hints": hints})):
        table = load_rank_table()
        t = time.perf_counter()
        df = rank_features(titles, table, **kw)
        cold = time.perf_counter() - t
        warm, _ = best(lambda kw=kw, table=table: rank_features(titles, table, **kw), args.repeat)
        lines.append(
            f"rank_features, {label}: cold {cold:.2f} s, warm {warm:.2f} s "
            f"({args.n / warm:,.0f} titles/s; known {df['rank_known'].mean():.1%})"
        )
    table = load_rank_table()
    _, ranks = resolve_ranks(titles, table, hints=hints)
    warm, _ = best(lambda: resolve_ranks(titles, table, hints=hints), args.repeat)
    lines.append(f"resolve_ranks with hints, warm: {warm:.2f} s ({len(ranks):,} distinct Ranks)")
    vals, hvals = titles.tolist(), hints.tolist()
    plain, _ = best(
        lambda: [resolve_rank(v, table, hint=h) for v, h in zip(vals, hvals, strict=True)], 1
    )
    lines.append(
        f"plain alternative, resolve_rank row by row (warm cache): {plain:.2f} s "
        f"= {plain / warm:.1f}x resolve_ranks"
    )
    words = [w for t in corpus + synthetic for w in normalize_title(t).split(" ")]
    lines += fuzzy_section(table, words)
    text = "\n".join(lines)
    print(text)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(OUT, text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
