"""Sanity summary of the LIAR and LIAR2 tables built by credscore.datasets (aggregates only).

Prints row counts, base rates, sources, title coverage, parse issues, context types, the
LIAR2 date range and base rate by year, and the overlap between the two corpora. It never
prints a statement: the corpora are research data.

Usage::

    python experiments/liar_tables_summary.py [--out experiments/results/liar_tables_summary.txt]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

from credscore._io import atomic_write_text
from credscore.datasets import corpus_available, default_data_dir, load_liar, load_liar2
from credscore.features.context import context_type


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _tables_block(name: str, t, lines: list[str]) -> None:
    st, src = t.statements, t.sources
    lines.append(f"== {name}: {len(st):,} statements, {len(src):,} sources, {len(t.events)} events")
    for split, g in st.groupby("split", sort=False):
        mix = g["label6"].value_counts(normalize=True)
        mix_s = " ".join(f"{k}={100 * v:.1f}%" for k, v in mix.items())
        lines.append(
            f"  {split:<6} rows={len(g):>6,}  base rate (label=1)={_pct(g['label'].mean())}"
        )
        lines.append(f"         6-way: {mix_s}")
    lines.append(f"  parse issues (kept, reported): {int(st['parse_issue'].notna().sum())}")
    lines.append(f"  rows with a speaker title: {_pct(st['speaker_title'].notna().mean())}")
    lines.append(f"  sources with a title: {_pct(src['title'].notna().mean())}")
    multi = st.dropna(subset=["speaker_title"]).groupby("source_id")["speaker_title"].nunique()
    lines.append(f"  sources with >1 distinct title across rows: {int((multi > 1).sum())}")
    types = src["source_type"].value_counts().to_dict()
    lines.append(f"  source_type (heuristic): {types}")
    per_src = st.groupby("source_id").size()
    lines.append(
        f"  statements per source: median={per_src.median():.0f} max={per_src.max()} "
        f"single-statement sources={_pct((per_src == 1).mean())}"
    )
    ctx = context_type(st["context"]).value_counts(normalize=True)
    lines.append("  context types: " + " ".join(f"{k}={100 * v:.1f}%" for k, v in ctx.items()))


def summarise() -> str:
    lines: list[str] = [f"data dir: {default_data_dir()}"]
    liar = liar2 = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if corpus_available("liar"):
            liar = load_liar()
            _tables_block("LIAR (train+valid; test held out)", liar, lines)
            st = liar.statements
            tr, va = st[st["split"] == "train"], st[st["split"] == "valid"]
            seen = va["source_id"].isin(set(tr["source_id"]))
            lines.append(f"  valid rows whose speaker has training verdicts: {_pct(seen.mean())}")
            lines.append(
                f"  pseudo-time: train {tr['made_at'].min()} .. {tr['made_at'].max()}, "
                f"valid all at {va['made_at'].min()}"
            )
        else:
            lines.append("LIAR: not found")
        if corpus_available("liar2"):
            liar2 = load_liar2()
            _tables_block("LIAR2 (valid only here)", liar2, lines)
            st = liar2.statements
            lines.append(
                f"  dates: {st['made_at'].min():%Y-%m-%d} .. {st['made_at'].max():%Y-%m-%d}"
            )
            by_year = st.groupby(st["made_at"].dt.year)["label"].agg(["size", "mean"])
            lines.append("  base rate by year (rows, label=1):")
            for year, r in by_year.iterrows():
                lines.append(f"    {year}  {int(r['size']):>4}  {_pct(r['mean'])}")
            recent = st["made_at"].dt.year >= 2020
            lines.append(
                f"  before 2020: {_pct(st.loc[~recent, 'label'].mean())} of {int((~recent).sum())}"
                f" rows; 2020 on: {_pct(st.loc[recent, 'label'].mean())} of {int(recent.sum())}"
            )
            social = context_type(st["context"]) == "social_media"
            lines.append(
                f"  social-media context share: before 2020 {_pct(social[~recent].mean())}, "
                f"2020 on {_pct(social[recent].mean())}"
            )
        else:
            lines.append("LIAR2: not found")
    if liar is not None and liar2 is not None:
        a, b = liar.statements, liar2.statements
        lines.append("== LIAR vs LIAR2 (valid)")
        key = "text"
        norm_a = a[key].str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
        norm_b = b[key].str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
        first = pd.Series(a["label"].to_numpy(), index=norm_a.to_numpy())
        first = first[~first.index.duplicated()]
        for split in ("train", "valid"):
            hit = norm_b.isin(set(norm_a[a["split"] == split]))
            same = b.loc[hit, "label"].to_numpy() == first.reindex(norm_b[hit]).to_numpy()
            lines.append(
                f"  LIAR2 valid statements whose text is in LIAR {split}: {int(hit.sum())} "
                f"({_pct(hit.mean())}); same binary label: {_pct(same.mean())}"
            )
        same_id = (
            b["statement_id"]
            .str.removeprefix("liar2:")
            .isin(set(a["statement_id"].str.removeprefix("liar:")))
        )
        lines.append(
            f"  LIAR2 valid ids that also occur as LIAR ids: {int(same_id.sum())} "
            "(different statements: ids are corpus-specific, hence the liar:/liar2: prefixes)"
        )
        lines.append(
            "  LIAR2 valid speakers (slugs) also in LIAR: "
            f"{_pct(liar2.sources['source_id'].isin(set(liar.sources['source_id'])).mean())}"
        )
    lines.append(f"warnings while loading: {len(caught)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the summary to this file")
    args = parser.parse_args(argv)
    text = summarise()
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(args.out, text)
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 120)
    raise SystemExit(main())
