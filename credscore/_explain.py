"""Reasons: which feature groups moved a score most, in words a fact-checker reads.

Method: group substitution. For each feature group g (the retraction record, the verdict
record, the statement's qualifiers, the source's rank, the context, the wording), the group's
columns are replaced by their values for a *reference statement* — a statement with no
qualifiers, by a source with no record, no known rank and no known context — and the model is
scored again. The reason's weight is ``p(x) - p(x with g at reference)``. For a model that is
additive in the logit (logistic regression) the logit differences are exactly the group's
contributions; for trees the substitution is the standard occlusion measure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from credscore.features import qualifiers as _qualifiers
from credscore.features import rank as _rank

__all__ = ["GROUPS", "group_columns", "group_deltas", "reason_table", "reasons"]

_RETRACTION_COLUMNS = (
    "hist_n_retracted",
    "hist_retraction_rate",
    "hist_days_since_retraction",
    "hist_has_retraction",
    "hist_retracted_decayed",
    "hist_n_confirmed",
)
_RECORD_COLUMNS = ("hist_n_known", "hist_n_failed", "hist_failed_rate")
#: Feature groups, in a fixed order used to break ties.
GROUPS: tuple[str, ...] = (
    "retractions",
    "record",
    "verdicts",
    "qualifiers",
    "rank",
    "context",
    "text",
)

_QUALIFIER_WORDS = {
    "hedge": "hedges",
    "approximator": "approximates",
    "scope_limiter": "limits its scope",
    "hearsay": "relies on others",
    "absolute": "speaks in absolutes",
    "number": "gives figures",
}


def group_of(column: str) -> str | None:
    """The group a feature column belongs to (None for columns outside every group)."""
    if column in _RETRACTION_COLUMNS:
        return "retractions"
    if column in _RECORD_COLUMNS:
        return "record"
    if column.startswith("hist_"):
        return "verdicts"
    if column.startswith("q_"):
        return "qualifiers"
    if column.startswith("rank_"):
        return "rank"
    if column.startswith("ctx_"):
        return "context"
    if column == "text":
        return "text"
    return None


def group_columns(columns: list[str]) -> dict[str, list[str]]:
    """Maps each non-empty group to its columns, in :data:`GROUPS` order."""
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for c in columns:
        g = group_of(c)
        if g is not None:
            out[g].append(c)
    return {g: cols for g, cols in out.items() if cols}


def _plural(n: float, word: str) -> str:
    k = round(n)
    return f"{k} {word}" + ("" if k == 1 else "s")


def _describe_retractions(row: dict, ctx: dict) -> str:
    n = row.get("hist_n_prior", np.nan)
    k = row.get("hist_n_retracted", np.nan)
    if not np.isfinite(n) or n == 0:
        return "no earlier statements on record"
    text = f"walked back {round(k)} of its {_plural(n, 'earlier statement')}"
    confirmed = row.get("hist_n_confirmed", 0.0)
    if np.isfinite(confirmed) and confirmed > 0:
        text += f"; {round(confirmed)} confirmed"
    return text


def _count(row: dict, ctx: dict, n: float, count_col: str, rate_col: str) -> int:
    """The count behind a shrunk rate: the column when present, else the rate unshrunk."""
    if count_col in row:
        return round(row[count_col])
    rate = row.get(rate_col, np.nan)
    a, m = ctx["prior_strength"], ctx["false_prior"]
    return round(min(max(rate * (n + a) - a * m, 0.0), n))


def _describe_verdicts(row: dict, ctx: dict) -> str:
    n = row.get("hist_n_verdicts", np.nan)
    if not np.isfinite(n) or n == 0:
        return "no earlier verdicts on record"
    false = _count(row, ctx, n, "hist_n_false", "hist_false_rate")
    return f"{false} of {_plural(n, 'earlier verdict')} found it false"


def _describe_record(row: dict, ctx: dict) -> str:
    n = row.get("hist_n_known", np.nan)
    if not np.isfinite(n) or n == 0:
        return "no earlier statement with a known outcome"
    failed = _count(row, ctx, n, "hist_n_failed", "hist_failed_rate")
    return (
        f"{failed} of {_plural(n, 'earlier statement')} with a known outcome did not hold up "
        "(found false or walked back)"
    )


def _describe_qualifiers(row: dict, ctx: dict) -> str:
    spans = _qualifiers.find_qualifiers(ctx["text"], ctx["lexicon"]) if ctx["text"] else []
    if not spans:
        return "no hedges, approximations, limits or attributions"
    by_cat: dict[str, list[str]] = {}
    for s in spans:
        by_cat.setdefault(s.category, [])
        if s.cue.lower() not in [c.lower() for c in by_cat[s.category]]:
            by_cat[s.category].append(s.cue)
    parts = [
        f"{_QUALIFIER_WORDS.get(cat, cat)}: " + ", ".join(f"'{c}'" for c in cues[:3])
        for cat, cues in by_cat.items()
    ]
    return "statement " + "; ".join(parts)


def _describe_rank(row: dict, ctx: dict) -> str:
    rank = _rank.resolve_rank(ctx["title"], ctx["rank_table"])
    return _rank.describe_rank(rank)


def _describe_context(row: dict, ctx: dict) -> str:
    context = ctx.get("context")
    return f"made in: {context}" if isinstance(context, str) and context else "context unknown"


def _describe_text(row: dict, ctx: dict) -> str:
    return "the wording of the statement"


_DESCRIBE: dict[str, Callable[[dict, dict], str]] = {
    "retractions": _describe_retractions,
    "record": _describe_record,
    "verdicts": _describe_verdicts,
    "qualifiers": _describe_qualifiers,
    "rank": _describe_rank,
    "context": _describe_context,
    "text": _describe_text,
}


def group_deltas(
    features: pd.DataFrame, reference: pd.Series, proba: Callable[[pd.DataFrame], np.ndarray]
) -> tuple[list[str], np.ndarray]:
    """Each group's effect: ``p(x) - p(x with the group at the reference)``, shape (G, n)."""
    n = len(features)
    groups = group_columns(list(features.columns))
    if not groups or n == 0:
        return list(groups), np.zeros((len(groups), n))
    base = proba(features)
    stacked = []
    for cols in groups.values():
        sub = features.copy()
        for c in cols:
            sub[c] = reference[c]
        stacked.append(sub)
    p_sub = proba(pd.concat(stacked, ignore_index=True)).reshape(len(groups), n)
    return list(groups), base[None, :] - p_sub


def _records(features: pd.DataFrame, wording: pd.DataFrame | None) -> list[dict]:
    """Feature rows as dicts, with ``wording``'s columns (left out of the model) added."""
    records = features.to_dict("records")
    if wording is None:
        return records
    return [{**w, **r} for w, r in zip(wording.to_dict("records"), records, strict=True)]


def _describe(group: str, i: int, records: list[dict], inputs: dict) -> str:
    ctx = {
        **inputs["ctx"],
        "text": inputs["texts"][i],
        "title": inputs["titles"][i],
        "context": inputs["contexts"][i],
    }
    return _DESCRIBE[group](records[i], ctx)


def reason_table(
    features: pd.DataFrame,
    reference: pd.Series,
    proba: Callable[[pd.DataFrame], np.ndarray],
    *,
    texts: list[str],
    titles: list,
    contexts: list,
    describe_ctx: dict,
    wording: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Long table of reasons: one row per (statement, group) with its weight and words.

    Parameters
    ----------
    features : DataFrame
        Model input, one row per statement.
    reference : Series
        Feature values of the reference statement.
    proba : callable
        Maps a feature frame to P(holds up).
    texts, titles, contexts : lists aligned with ``features``
        Raw inputs, used only to word the reasons.
    describe_ctx : dict
        ``prior_strength``, ``false_prior``, ``lexicon``, ``rank_table``.
    wording : DataFrame, optional
        Extra columns aligned with ``features`` used only to word the reasons (e.g. history
        counts the model leaves out).
    """
    groups, deltas = group_deltas(features, reference, proba)
    records = _records(features, wording)
    inputs = {"ctx": describe_ctx, "texts": texts, "titles": titles, "contexts": contexts}
    rows = [
        {
            "row": i,
            "group": g,
            "delta": float(deltas[gi, i]),
            "description": _describe(g, i, records, inputs),
        }
        for i in range(len(features))
        for gi, g in enumerate(groups)
    ]
    return pd.DataFrame(rows, columns=["row", "group", "delta", "description"])


def reasons(
    features: pd.DataFrame,
    reference: pd.Series,
    proba: Callable[[pd.DataFrame], np.ndarray],
    *,
    texts: list[str],
    titles: list,
    contexts: list,
    describe_ctx: dict,
    top: int = 3,
    wording: pd.DataFrame | None = None,
) -> list[str]:
    """One string per statement: the ``top`` groups with the largest ``|delta|``, in words.

    Groups moving the probability by less than half a point are left out; only the groups
    shown are put into words.
    """
    groups, deltas = group_deltas(features, reference, proba)
    n = len(features)
    if not groups:
        return ["" for _ in range(n)]
    order = np.argsort(-np.abs(deltas), axis=0, kind="stable")[:top]
    records = _records(features, wording)
    inputs = {"ctx": describe_ctx, "texts": texts, "titles": titles, "contexts": contexts}
    out = []
    for i in range(n):
        parts = []
        for gi in order[:, i]:
            d = deltas[gi, i]
            if abs(d) < 0.005:
                continue
            sign = "+" if d > 0 else "-"
            words = _describe(groups[gi], i, records, inputs)
            parts.append(f"{words} ({sign}{abs(d) * 100:.0f} pts)")
        out.append("; ".join(parts) if parts else "close to the base rate on every feature")
    return out
