"""LIAR2 (Xu & Kechadi, IEEE Access 2024) as credscore tables, dated and leak-free.

LIAR2 gives each statement its date, so history needs no pseudo-order: ``made_at`` is the
statement date at UTC midnight and ``label_at`` is left empty, which the engine reads as "the
verdict is known from ``made_at`` on". Same-day statements of a speaker therefore do not see
each other's verdicts (ties are "not before").

Dropped on purpose: the six ``*_counts`` columns (each speaker's tally over the whole corpus,
this row's own verdict included -- they leak the label) and ``justification`` (the
fact-checker's verdict text: it contains the answer). The corpus has no retraction events, so
``events`` is empty. Rows are kept even when they do not parse cleanly; see ``parse_issue``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from credscore._tables import Tables, empty_table
from credscore.datasets._liar_common import (
    BINARY_OF_LABEL6,
    LABEL6,
    add_issue,
    build_sources,
    normalise_topic,
    slugify_speaker,
    warn_parse_issues,
)
from credscore.datasets._paths import read_splits

__all__ = ["LIAR2_COLUMNS", "LIAR2_DROPPED", "load_liar2", "read_liar2_csv"]

#: Header of a LIAR2 CSV file.
LIAR2_COLUMNS: tuple[str, ...] = (
    "id",
    "label",
    "statement",
    "date",
    "subject",
    "speaker",
    "speaker_description",
    "state_info",
    "true_counts",
    "mostly_true_counts",
    "half_true_counts",
    "mostly_false_counts",
    "false_counts",
    "pants_on_fire_counts",
    "context",
    "justification",
)
#: Columns never carried into the tables: they leak the label.
LIAR2_DROPPED: tuple[str, ...] = (*LIAR2_COLUMNS[8:14], "justification")


def read_liar2_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read one LIAR2 CSV file as strings, keeping and reporting rows that do not parse cleanly.

    A line with too many fields has the surplus merged into its last column (the dropped
    ``justification``); a line with too few is padded. Either way the row is kept and
    described in ``parse_issue`` (NA for clean rows).

    Parameters
    ----------
    path : path-like
        A LIAR2 ``train.csv``, ``valid.csv`` or ``test.csv`` (with its header line).

    Returns
    -------
    DataFrame
        The file's columns as strings (missing values as empty strings) plus ``parse_issue``.

    Examples
    --------
    >>> import io
    >>> head = "id,label,statement,date,speaker\\n"
    >>> df = read_liar2_csv(io.StringIO(head + '7,5,"Say ""hi"", ok",'
    ...                     '"May 1, 2020",jane doe\\n8,0,Short\\n'))
    >>> df["statement"].tolist(), df["parse_issue"].notna().tolist()
    (['Say "hi", ok', 'Short'], [False, True])
    """
    surplus: list[list[str]] = []

    def merge_surplus(fields: list[str]) -> list[str]:
        surplus.append(fields)
        width = len(header)
        return [*fields[: width - 1], ",".join(fields[width - 1 :])]

    header = pd.read_csv(path, nrows=0).columns.tolist()
    if hasattr(path, "seek"):
        path.seek(0)
    raw = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        na_values=[],
        engine="python",
        on_bad_lines=merge_surplus,
    )
    short = raw.isna().any(axis=1)
    issue = pd.Series(pd.NA, index=raw.index, dtype=object)
    issue = add_issue(issue, short, "missing_fields: fewer fields than the header, padded")
    if surplus:
        first = {tuple(f[:3]) for f in surplus}
        key = pd.Series(list(zip(raw.iloc[:, 0], raw.iloc[:, 1], raw.iloc[:, 2], strict=True)))
        issue = add_issue(issue, key.isin(first), "extra_fields: surplus merged into last column")
    out = raw.fillna("")
    out["parse_issue"] = issue
    return out


def load_liar2(
    path: str | os.PathLike[str] | None = None,
    *,
    splits: Sequence[str] | None = ("valid",),
) -> Tables:
    """Load LIAR2 as credscore tables, dated by the statement date.

    Parameters
    ----------
    path : path-like, optional
        Folder holding LIAR2's ``train.csv``, ``valid.csv``, ``test.csv`` (any subset).
        Default ``$CREDSCORE_DATASETS/liar2``, else ``<repo>/../shared/datasets/liar2``.
    splits : sequence of {"train", "valid", "test"} or None, default ("valid",)
        Which split files to read; None reads every split file present.

    Returns
    -------
    Tables
        ``statements``: ``statement_id`` (``"liar2:<id>"``), ``source_id`` (the speaker name
        as a LIAR-style slug: ``"barack obama"`` -> ``"barack-obama"``), ``text``, ``made_at``
        (statement date, UTC midnight), ``label_at`` (NaT: verdict known from ``made_at``),
        ``topic`` (subjects, ``;``-separated), ``context``, ``label`` (1 for half-true and
        above), ``label6``, ``subject`` (raw), ``speaker_title`` (this row's
        ``speaker_description``), ``state``, ``split``, ``parse_issue``. ``sources``: one
        row per speaker, ``title`` = the most frequent description. ``events``: empty.

    Raises
    ------
    CorpusNotFoundError
        When the folder or a requested split file is missing (a ``FileNotFoundError``).

    Notes
    -----
    The six count columns and ``justification`` are dropped (:data:`LIAR2_DROPPED`): the
    counts include the row's own verdict and the justification states it. Rows whose label
    is not 0-5 keep ``label`` NaN; rows whose date does not parse keep ``made_at`` NaT; both
    are reported in ``parse_issue`` and by a warning.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from credscore.datasets import load_liar2
    >>> csv = ("id,label,statement,date,subject,speaker,speaker_description,state_info,"
    ...        "context,justification\\n"
    ...        '1,3,"Taxes rose.","May 1, 2020",taxes,Jane Doe,a mayor,ohio,a speech,secret\\n')
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "valid.csv").write_text(csv)
    ...     t = load_liar2(d)
    >>> t.statements[["statement_id", "source_id", "label", "label6"]].values.tolist()
    [['liar2:1', 'jane-doe', 1.0, 'half-true']]
    >>> "justification" in t.statements, t.sources["title"].tolist()
    (False, ['a mayor'])
    """
    raw = read_splits("liar2", path, splits, read_liar2_csv, "('valid',)")
    statements = _to_statements(raw)
    warn_parse_issues(statements, "LIAR2")
    return Tables(
        statements=statements, sources=build_sources(statements), events=empty_table("events")
    )


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    if name not in raw:
        return pd.Series(None, index=raw.index, dtype=object)
    s = raw[name].astype(object).where(raw[name].notna(), "").astype(str).str.strip()
    return s.mask(s == "", None).astype(object)


def _to_statements(raw: pd.DataFrame) -> pd.DataFrame:
    code = pd.to_numeric(_col(raw, "label"), errors="coerce")
    valid = code.isin(range(len(LABEL6)))
    label6 = pd.Series(None, index=raw.index, dtype=object)
    label6[valid] = np.asarray(LABEL6, dtype=object)[code[valid].astype(int).to_numpy()]
    issue = add_issue(raw["parse_issue"], ~valid, "bad_label: not an integer 0-5")
    date = _col(raw, "date")
    made_at = pd.to_datetime(date, format="%B %d, %Y", errors="coerce", utc=True)
    made_at = made_at.astype("datetime64[ns, UTC]")
    issue = add_issue(issue, made_at.isna(), "bad_date: not like 'May 1, 2020'")
    speaker = _col(raw, "speaker")
    ids = _col(raw, "id")
    ids = ids.fillna("row" + pd.Series(raw.index.astype(str), index=raw.index))
    out = pd.DataFrame(
        {
            "statement_id": (
                "liar2:" + ids.fillna("row" + pd.Series(raw.index.astype(str), index=raw.index))
            ).astype(object),
            "source_id": slugify_speaker(speaker),
            "text": _col(raw, "statement"),
            "made_at": made_at,
            "label_at": pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]"),
            "topic": normalise_topic(_col(raw, "subject")),
            "context": _col(raw, "context"),
            "label": label6.map(BINARY_OF_LABEL6).astype("float64"),
            "label6": label6,
            "subject": _col(raw, "subject"),
            "speaker_name": speaker,
            "speaker_title": _col(raw, "speaker_description"),
            "state": _col(raw, "state_info"),
            "split": raw["split"].astype(object),
            "parse_issue": issue,
        }
    )
    dup = out["statement_id"].duplicated(keep=False)
    if dup.any():  # keep every row; make ids unique and say so
        out.loc[dup, "statement_id"] = out.loc[dup, "statement_id"] + "#" + out.loc[dup, "split"]
        out.loc[dup, "statement_id"] += "-" + out.index[dup].astype(str)
        out["parse_issue"] = add_issue(out["parse_issue"], dup, "duplicate_id: suffix appended")
    return out
