"""Coverage of the rank tables on real titles (LIAR train job titles, LIAR2 speaker descriptions).

Prints, for each corpus, the share of statements whose title resolves to a family other than
``unknown`` (statements with an empty title are excluded from the denominator and counted
separately), the family mix, and the 30 most frequent titles left unknown.

Usage::

    python experiments/rank_coverage.py [--data PATH_TO_SHARED_DATASETS]

Only aggregate figures and titles are printed; statement rows are never written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from credscore.features.rank import default_rank_table, rank_features

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def load_liar_titles(data: Path) -> pd.Series:
    """Job-title column (6th field) of LIAR train.tsv, parsed with quoting disabled."""
    with open(data / "liar" / "train.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return pd.Series([r[5] if len(r) > 5 else "" for r in rows], dtype="object")


def load_liar2_titles(data: Path) -> pd.Series:
    """``speaker_description`` of LIAR2 valid.csv."""
    return pd.read_csv(data / "liar2" / "valid.csv", usecols=["speaker_description"])[
        "speaker_description"
    ]


def coverage(titles: pd.Series) -> dict:
    """Coverage figures of one title column."""
    clean = titles.astype("object").where(titles.notna(), "").astype(str).str.strip()
    nonempty = clean[clean != ""]
    feats = rank_features(nonempty)
    known = feats["rank_known"].astype(bool)
    unknown_titles = Counter(nonempty[~known].str.slice(0, 90))
    return {
        "rows": len(titles),
        "nonempty": len(nonempty),
        "known": int(known.sum()),
        "share": float(known.mean()) if len(nonempty) else float("nan"),
        "distinct": int(nonempty.nunique()),
        "families": feats["rank_family"].value_counts().to_dict(),
        "top_unknown": unknown_titles.most_common(30),
    }


def report(name: str, cov: dict) -> str:
    lines = [
        f"== {name}",
        f"rows: {cov['rows']}  with a non-empty title: {cov['nonempty']}  "
        f"distinct titles: {cov['distinct']}",
        f"resolved to a family other than unknown: {cov['known']} / {cov['nonempty']} "
        f"= {cov['share']:.1%}",
        "families: " + ", ".join(f"{k} {v}" for k, v in cov["families"].items()),
        "30 most frequent unknown titles (count, title):",
    ]
    lines += [f"  {n:4d}  {t!r}" for t, n in cov["top_unknown"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CREDSCORE_DATASETS",
                                                                     DEFAULT_DATA)))  # fmt: skip
    args = ap.parse_args(argv)
    if not (args.data / "liar" / "train.tsv").exists():
        print(f"datasets not found under {args.data}; pass --data", file=sys.stderr)
        return 2
    table = default_rank_table()
    print(f"rank tables {table.version} sha256 {table.sha256[:16]}")
    t0 = time.perf_counter()
    print(report("LIAR train, job title (column 6)", coverage(load_liar_titles(args.data))))
    liar2 = args.data / "liar2" / "valid.csv"
    if liar2.exists():
        print(report("LIAR2 valid, speaker_description", coverage(load_liar2_titles(args.data))))
    print(f"elapsed: {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
