"""Coverage of the rank tables on real titles (LIAR train job titles, LIAR2 speaker descriptions).

Prints, for each corpus, the share of statements whose title resolves to a family other than
``unknown`` (statements with an empty title are excluded from the denominator and counted
separately), the family mix, how many readings used a spelling correction, and (with
``--show-unknown``, on screen only) the 30 most frequent titles left unknown.

Usage::

    python experiments/rank_coverage.py [--data PATH_TO_SHARED_DATASETS] [--show-unknown]

Only aggregate figures go to ``experiments/results/rank_coverage.txt``: no title or other
corpus text is written to the repository.
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

from credscore._io import atomic_write_text
from credscore.features.rank import default_rank_table, rank_features, resolve_ranks

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
RESULTS = Path(__file__).resolve().parent / "results" / "rank_coverage.txt"


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
    codes, ranks = resolve_ranks(nonempty)
    fuzzy = sum(ranks[c].fuzzy for c in codes)
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
        "fuzzy": int(fuzzy),
        "military": int((feats["rank_family"] == "military").sum()),
    }


def report(name: str, cov: dict, show_unknown: bool = False) -> str:
    lines = [
        f"== {name}",
        f"rows: {cov['rows']}  with a non-empty title: {cov['nonempty']}  "
        f"distinct titles: {cov['distinct']}",
        f"resolved to a family other than unknown: {cov['known']} / {cov['nonempty']} "
        f"= {cov['share']:.1%}",
        "families: " + ", ".join(f"{k} {v}" for k, v in cov["families"].items()),
        f"readings that used a spelling correction: {cov['fuzzy']}",
    ]
    if show_unknown:
        lines.append("30 most frequent unknown titles (count, title):")
        lines += [f"  {n:4d}  {t!r}" for t, n in cov["top_unknown"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CREDSCORE_DATASETS",
                                                                     DEFAULT_DATA)))  # fmt: skip
    ap.add_argument(
        "--show-unknown",
        action="store_true",
        help="also print the most frequent unknown titles (screen only)",
    )
    args = ap.parse_args(argv)
    if not (args.data / "liar" / "train.tsv").exists():
        print(f"datasets not found under {args.data}; pass --data", file=sys.stderr)
        return 2
    table = default_rank_table()
    t0 = time.perf_counter()
    out = [f"rank tables {table.version} sha256 {table.sha256[:16]}"]
    corpora = [("LIAR train, job title (column 6)", load_liar_titles(args.data))]
    if (args.data / "liar2" / "valid.csv").exists():
        corpora.append(("LIAR2 valid, speaker_description", load_liar2_titles(args.data)))
    shown = []
    for name, titles in corpora:
        cov = coverage(titles)
        out.append(report(name, cov))
        shown.append(report(name, cov, args.show_unknown))
    out.append(f"elapsed: {time.perf_counter() - t0:.2f} s")
    print("\n".join([out[0], *shown, out[-1]]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS, "\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
