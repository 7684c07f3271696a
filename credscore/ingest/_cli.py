"""``credscore extract``: articles on disk -> the three tables on disk."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from credscore._tables import Tables
from credscore.ingest._extract import extract

__all__ = ["add_extract_parser", "cli_extract", "extract_files"]


def extract_files(
    paths: list[str | os.PathLike],
    published_at: object = None,
    outlet: str | None = None,
    **options: object,
) -> Tables:
    """Extract several article files and concatenate their tables.

    A source named in several articles keeps one row (its longest title wins).

    Parameters
    ----------
    paths : list of path-like
        UTF-8 text files, one article each; a directory stands for its ``*.txt`` files.
    published_at, outlet, **options
        As in :func:`credscore.ingest.extract` (``kinds``, ``tagger``, ``min_confidence``),
        applied to every file.

    Examples
    --------
    >>> extract_files([]).statements.empty
    True
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    parts = []
    for p in files:
        text = Path(p).read_text(encoding="utf-8", errors="replace")
        parts.append(extract(text, published_at=published_at, outlet=outlet, **options))  # type: ignore[arg-type]
    if not parts:
        return extract("")
    sources = pd.concat([t.sources for t in parts], ignore_index=True)
    if not sources.empty:
        sources = (
            sources.assign(_n=sources["title"].fillna("").str.len())
            .sort_values("_n", ascending=False, kind="stable")
            .drop_duplicates("source_id")
            .drop(columns="_n")
            .sort_index()
            .reset_index(drop=True)
        )
    return Tables(
        statements=pd.concat([t.statements for t in parts], ignore_index=True),
        sources=sources,
        events=pd.concat([t.events for t in parts], ignore_index=True),
    )


def add_extract_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``extract`` on the ``credscore`` command's subparsers.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
    >>> _ = add_extract_parser(sub)
    >>> p.parse_args(["extract", "a.txt", "--out", "d"]).out
    'd'
    """
    p = subparsers.add_parser(
        "extract",
        help="read news articles and write sources/statements/events tables",
        description="Extract attributed statements, their sources and retraction-type events "
        "from plain-text news articles. `credscore score OUT` reads the result directly.",
    )
    p.add_argument(
        "articles", nargs="+", help="UTF-8 text file(s), one article each, or directories of them"
    )
    p.add_argument(
        "--published-at",
        default=None,
        help="publication date/time (UTC if no offset); default 1970-01-01 UTC",
    )
    p.add_argument("--outlet", default=None, help="name of the publishing outlet")
    p.add_argument("--out", required=True, help="output directory (created if needed)")
    p.add_argument("--format", default="csv", choices=("csv", "jsonl", "parquet"))
    p.add_argument(
        "--kinds",
        default="assertions",
        help="attribution kinds kept: 'assertions' (direct, indirect, according_to; the "
        "default), 'all', or a comma-separated list of direct, indirect, according_to, "
        "belief, other",
    )
    p.add_argument(
        "--tagger",
        default="default",
        choices=("default", "rules"),
        help="the bundled attribution tagger trained on PolNeAR (default) or the rules alone",
    )
    p.add_argument(
        "--min-confidence",
        type=float,
        default=None,
        help="leave out statements whose confidence is lower (default: the tagger's threshold)",
    )
    p.set_defaults(func=cli_extract)
    return p


def _n(df: pd.DataFrame | None) -> int:
    return 0 if df is None else len(df)


def cli_extract(args: argparse.Namespace) -> int:
    """Handler of ``credscore extract``; returns the exit status."""
    from credscore._io import write_tables

    kinds = getattr(args, "kinds", "assertions")
    if kinds not in ("assertions", "all"):
        kinds = [k.strip() for k in kinds.split(",") if k.strip()]
    try:
        tables = extract_files(
            args.articles,
            published_at=args.published_at,
            outlet=args.outlet,
            kinds=kinds,
            tagger=getattr(args, "tagger", "default"),
            min_confidence=getattr(args, "min_confidence", None),
        )
    except ValueError as exc:
        print(f"credscore extract: {exc}", file=sys.stderr)
        return 2
    write_tables(tables, args.out, fmt=getattr(args, "format", "csv"))
    print(
        f"{len(tables.statements)} statements, {_n(tables.sources)} sources, "
        f"{_n(tables.events)} events -> {args.out}"
    )
    return 0
