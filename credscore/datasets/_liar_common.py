"""Pieces shared by the LIAR and LIAR2 loaders: labels, speaker ids, topics, the sources table."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

__all__ = [
    "BINARY_OF_LABEL6",
    "LABEL6",
    "add_issue",
    "build_sources",
    "normalise_topic",
    "slugify_speaker",
    "warn_parse_issues",
]

#: PolitiFact's six verdicts, from least to most reliable (LIAR2's integer label is the index).
LABEL6: tuple[str, ...] = ("pants-fire", "false", "barely-true", "half-true", "mostly-true", "true")

#: Binary reliability used across the project: half-true and above hold up.
BINARY_OF_LABEL6: dict[str, int] = {name: int(i >= 3) for i, name in enumerate(LABEL6)}

# Crowd or unnamed pseudo-speakers ("chain-email", "facebook-posts", "viral-image"...).
_ANONYMOUS = re.compile(
    r"^(?:chain-e-?mails?|viral-[a-z0-9-]+|[a-z]+-posts?|tweets|videos?|youtube-videos|"
    r"bloggers|[a-z]+-bloggers?|blog-posting|social-media|reader-e-?mail|anonymous(?:-[a-z-]+)?|"
    r"multiple-sources|unknown|unidentified(?:-[a-z-]+)?)$"
)
# Words that mark a named organisation rather than a person (LIAR2 has no party column).
_ORGANIZATION = re.compile(
    r"(?:^|-)(?:committee|party|pac|association|foundation|institute|council|coalition|union|"
    r"group|center|centre|network|club|league|fund|alliance|action|inc|llc|department|agency|"
    r"administration|commission|chamber|federation|society|caucus|democrats|republicans|"
    r"gop|dnc|rnc|nrcc|dccc|nrsc|dscc|aclu|nra|aarp|organization|organisation|project|"
    r"campaign|for-america|americans-for|citizens-for)(?:-|$)"
)


def slugify_speaker(names: pd.Series) -> pd.Series:
    """Normalise speaker names to LIAR-style slugs (``"Barack Obama "`` -> ``"barack-obama"``).

    Lowercase, strip, every run of characters other than ``a-z`` and ``0-9`` becomes one
    hyphen, no leading or trailing hyphen. Empty names become ``"unknown"``.
    """
    slug = (
        names.astype("string")
        .fillna("")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", "-", regex=True)
        .str.strip("-")
    )
    return slug.mask(slug == "", "unknown").astype(object)


def normalise_topic(subjects: pd.Series) -> pd.Series:
    """Turn LIAR (``a,b``) or LIAR2 (``a;b``) subject lists into ``"a;b"``, lowercase, no blanks."""
    parts = (
        subjects.astype("string")
        .fillna("")
        .str.lower()
        .str.replace(r"\s*[,;]\s*", ";", regex=True)
        .str.strip(" ;")
    )
    return parts.mask(parts == "", None).astype(object)


def _most_frequent(values: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Most frequent non-empty ``column`` per ``key`` (ties: alphabetically first)."""
    v = values[[key, column]].dropna()
    v = v[v[column].astype(str).str.strip() != ""]
    if v.empty:
        return pd.Series(dtype=object)
    counts = v.groupby([key, column], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values([key, "n", column], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates(key).set_index(key)[column]


def build_sources(statements: pd.DataFrame, org_flag: pd.Series | None = None) -> pd.DataFrame:
    """One row per ``source_id`` of ``statements``.

    ``name`` is the slug with spaces for hyphens, ``title`` the speaker's most frequent non-empty
    ``speaker_title`` (ties: alphabetically first), ``party``/``state`` likewise, ``source_type``
    a heuristic: ``anonymous`` for crowd pseudo-speakers (chain emails, social-media posts,
    viral images), ``organization`` when ``org_flag`` says so or the name reads like one, else
    ``person``. ``organization`` is empty: the corpora do not give a speaker's employer.
    """
    ids = pd.Index(pd.unique(statements["source_id"]), name="source_id").sort_values()
    out = pd.DataFrame(index=ids)
    out["name"] = ids.str.replace("-", " ")
    for col, src in (("title", "speaker_title"), ("party", "party"), ("state", "state")):
        if src in statements:
            out[col] = _most_frequent(statements, "source_id", src).reindex(ids)
    out["organization"] = None
    is_org = ids.str.contains(_ORGANIZATION)
    if org_flag is not None:
        flagged = org_flag.groupby(statements["source_id"]).any().reindex(ids, fill_value=False)
        is_org = is_org | flagged.to_numpy()
    out["source_type"] = np.where(
        ids.str.fullmatch(_ANONYMOUS), "anonymous", np.where(is_org, "organization", "person")
    )
    out["n_statements"] = statements.groupby("source_id").size().reindex(ids).to_numpy()
    out = out.reset_index()
    cols = ["source_id", "name", "title", "organization", "source_type"]
    return out[cols + [c for c in out.columns if c not in cols]]


def add_issue(issues: pd.Series, mask: pd.Series, note: str) -> pd.Series:
    """Append ``note`` to the ``parse_issue`` of the rows in ``mask`` (``"; "``-separated)."""
    out = issues.astype(object).copy()
    prev = out[mask]
    out[mask] = prev.where(prev.isna(), prev.astype(str) + "; " + note).fillna(note)
    return out


def warn_parse_issues(statements: pd.DataFrame, corpus: str) -> None:
    """Warn once, with counts by kind, when some rows did not parse cleanly (they are kept)."""
    issues = statements["parse_issue"].dropna()
    if issues.empty:
        return
    kinds = issues.str.split(":").str[0].value_counts().to_dict()
    sample = statements.loc[issues.index, "statement_id"].head(5).tolist()
    warnings.warn(
        f"{corpus}: {len(issues)} row(s) did not parse cleanly and were kept after repair "
        f"({kinds}); e.g. statement_id {sample}. See statements['parse_issue'].",
        UserWarning,
        stacklevel=3,
    )
