"""LIAR (Wang, ACL 2017) as credscore tables, with leak-free, point-in-time history.

LIAR has no dates, and its five count columns are each speaker's verdict tally over the whole
corpus *including the statement itself* (test split included): they leak the label and are
dropped. Leave-one-out counts are no fix (leave-one-out target encoding). Instead, the loader
writes a *pseudo-time* into ``made_at`` so that the engine's own point-in-time history
(statements with ``made_at < t``, verdicts with ``label_at`` or ``made_at`` ``< t``) is leak-free:

* training rows are put in a seeded random order; the k-th row (k = 0, 1, ...) is made at
  ``TRAIN_ORIGIN + k seconds`` (2000-01-01 UTC) and its verdict is known ``LABEL_DELAY``
  (1 ms) later, so each training row sees the verdicts of the rows before it, never its own
  or later ones;
* every ``valid`` and ``test`` row is made at one instant, ``TRAIN_ORIGIN + n_train
  seconds`` (:func:`eval_time`), the slot after the last training row: each sees all
  training verdicts and no other evaluation row (ties are "not before"). The whole corpus
  spans about three hours of pseudo-time, so time-decayed history features stay ~undecayed.

Rows are split on tabs with quoting disabled (statements contain quote characters). A line
that does not have 14 fields is repaired, kept, reported in ``statements["parse_issue"]`` and
by a warning -- never dropped silently. The corpus has no retraction events: ``events`` is empty.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

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

__all__ = [
    "LABEL_DELAY",
    "LIAR_COLUMNS",
    "TRAIN_ORIGIN",
    "TRAIN_STEP",
    "eval_time",
    "load_liar",
    "read_liar_tsv",
]

#: The 14 columns of a LIAR TSV line (no header in the files).
LIAR_COLUMNS: tuple[str, ...] = (
    "id",
    "label",
    "statement",
    "subject",
    "speaker",
    "speaker_title",
    "state",
    "party",
    "leaky_barely_true_count",
    "leaky_false_count",
    "leaky_half_true_count",
    "leaky_mostly_true_count",
    "leaky_pants_fire_count",
    "context",
)
_N = len(LIAR_COLUMNS)
_COUNTS = slice(8, 13)

#: Pseudo-time of the first training row in the seeded order.
TRAIN_ORIGIN = pd.Timestamp("2000-01-01", tz="UTC")
#: Spacing between consecutive training rows in the pseudo-order.
TRAIN_STEP = pd.Timedelta(seconds=1)
#: Delay between a row's pseudo-time and the pseudo-time its verdict becomes known
#: (shorter than ``TRAIN_STEP``: the next row in the order sees it).
LABEL_DELAY = pd.Timedelta(milliseconds=1)


def eval_time(n_train: int) -> pd.Timestamp:
    """Pseudo-time of every valid/test row: the slot right after the last of ``n_train`` rows.

    Kept close to the training rows (hours, not years) so that time-decayed history features
    treat training and evaluation rows alike.

    Examples
    --------
    >>> eval_time(10)
    Timestamp('2000-01-01 00:00:10+0000', tz='UTC')
    """
    return TRAIN_ORIGIN + TRAIN_STEP * n_train


_ID_LINE = re.compile(r"^[^\t]*\.json\t")
_INT = re.compile(r"^\s*\d+(?:\.0+)?\s*$")


def _repair(fields: list[str]) -> tuple[list[str], str]:
    """Fit a line with more than 14 fields into 14, and say how."""
    n = len(fields)
    # The five counts are the only run of 5 integer fields; find it to anchor the columns.
    for start in range(8, n - 5 + 1):
        if all(_INT.match(f) for f in fields[start : start + 5]):
            statement = " ".join(fields[2 : start - 5])
            context = " ".join(fields[start + 5 :])
            fixed = [fields[0], fields[1], statement, *fields[start - 5 : start + 5], context]
            where = "statement" if start > 8 else "context"
            return fixed, f"extra_fields: {n} fields, extra tabs merged into {where}"
    fixed = [*fields[:13], " ".join(fields[13:])]
    return fixed, f"extra_fields: {n} fields, no count columns found, tail merged into context"


def read_liar_tsv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read one LIAR TSV file with quoting disabled, repairing and reporting bad lines.

    Lines are split on tabs only (quote characters are text). A line with fewer than 14
    fields whose next line does not start a new record (``<id>.json<TAB>``) is joined with it
    (an embedded newline); one still short is padded with empty fields; one with more than 14
    fields has its extra tabs merged back into the statement or context, anchored on the five
    count columns. Every such row is kept, with a description in ``parse_issue`` (else NA).

    Parameters
    ----------
    path : path-like
        A LIAR ``train.tsv``, ``valid.tsv`` or ``test.tsv``.

    Returns
    -------
    DataFrame
        The columns :data:`LIAR_COLUMNS` as strings, plus ``line`` (1-based line number in the
        file) and ``parse_issue``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> row = ["1.json", "true", 'He said "hi".', "a,b", "jane-doe", "Mayor", "Ohio",
    ...        "democrat", "0", "0", "0", "0", "0", "a speech"]
    >>> bad = ["2.json", "false", "Tab", "inside", "c", "john-roe", "", "", "none",
    ...        "1", "0", "0", "0", "0", "a tweet"]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "x.tsv")
    ...     _ = p.write_text("\\t".join(row) + "\\n" + "\\t".join(bad) + "\\n")
    ...     df = read_liar_tsv(p)
    >>> df["statement"].tolist()
    ['He said "hi".', 'Tab inside']
    >>> df["parse_issue"].notna().tolist()
    [False, True]
    """
    text = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines_s = pd.Series(lines, dtype=object)
    n_fields = lines_s.str.count("\t").to_numpy() + 1
    if not lines:
        return pd.DataFrame(columns=[*LIAR_COLUMNS, "line", "parse_issue"], dtype=object)
    if (n_fields == _N).all():  # the clean, vectorised path
        table = lines_s.str.split("\t", expand=True)
        table.columns = list(LIAR_COLUMNS)
        table["line"] = np.arange(1, len(lines) + 1)
        table["parse_issue"] = pd.Series(pd.NA, index=table.index, dtype=object)
        return table
    rows: list[list[str]] = []
    line_no: list[int] = []
    issues: list[object] = []
    blank: list[int] = []
    i = 0
    while i < len(lines):
        start = i
        if lines[i].strip() == "":  # between records: not a row, but say so
            blank.append(i + 1)
            i += 1
            continue
        fields = lines[i].split("\t")
        notes: list[str] = []
        while len(fields) < _N and i + 1 < len(lines) and not _ID_LINE.match(lines[i + 1]):
            i += 1
            cont = lines[i].split("\t")
            fields = [*fields[:-1], fields[-1] + " " + cont[0], *cont[1:]]
        if i > start:
            notes.append(f"joined_lines: lines {start + 1}-{i + 1} joined (embedded newline)")
        if len(fields) < _N:
            notes.append(f"missing_fields: {len(fields)} fields, padded with empty fields")
            fields = fields + [""] * (_N - len(fields))
        elif len(fields) > _N:
            fields, extra = _repair(fields)
            notes.append(extra)
        rows.append(fields)
        line_no.append(start + 1)
        issues.append("; ".join(notes) if notes else pd.NA)
        i += 1
    if blank:
        warnings.warn(
            f"{path}: skipped {len(blank)} blank line(s) between records (lines {blank[:10]})",
            UserWarning,
            stacklevel=2,
        )
    out = pd.DataFrame(rows, columns=list(LIAR_COLUMNS), dtype=object)
    out["line"] = np.asarray(line_no, dtype=int)
    out["parse_issue"] = pd.Series(issues, dtype=object)
    return out


def pseudo_times(split: pd.Series, seed: int) -> tuple[pd.Series, pd.Series]:
    """made_at and label_at from the seeded pseudo-order (see the module docstring)."""
    train = np.flatnonzero((split == "train").to_numpy())
    made = pd.Series(eval_time(len(train)), index=split.index, dtype="datetime64[ns, UTC]")
    order = np.random.default_rng(seed).permutation(len(train))
    made.iloc[train] = TRAIN_ORIGIN + TRAIN_STEP * order  # type: ignore[call-overload]
    return made, made + LABEL_DELAY


def load_liar(
    path: str | os.PathLike[str] | None = None,
    *,
    splits: Sequence[str] | None = ("train", "valid"),
    seed: int = 0,
) -> Tables:
    """Load LIAR as credscore tables with leak-free point-in-time history.

    Parameters
    ----------
    path : path-like, optional
        Folder holding ``train.tsv``/``valid.tsv`` (and ``test.tsv`` if you have it).
        Default ``$CREDSCORE_DATASETS/liar``, else ``<repo>/../shared/datasets/liar``.
    splits : sequence of {"train", "valid", "test"} or None, default ("train", "valid")
        Which split files to read; None reads every split file present.
    seed : int, default 0
        Seed of the random pseudo-order of the training rows (see below).

    Returns
    -------
    Tables
        ``statements``: ``statement_id`` (``"liar:<politifact id>"``), ``source_id`` (the
        speaker slug, lowercased), ``text``, ``made_at``, ``label_at``, ``topic`` (subjects,
        ``;``-separated), ``context``, ``label`` (1 for half-true and above, else 0),
        ``label6`` (the verdict name), ``subject`` (raw), ``speaker_title`` (this row's job
        title), ``party``, ``state``, ``split``, ``parse_issue`` (NA when the line parsed
        cleanly). ``sources``: one row per speaker, ``title`` = the speaker's most frequent
        non-empty job title. ``events``: empty (PolitiFact has no retraction events).

    Raises
    ------
    CorpusNotFoundError
        When the folder or a requested split file is missing (a ``FileNotFoundError``).

    Notes
    -----
    *History without leaks.* LIAR has no dates and its count columns are the speaker's tally
    over all splits including the row itself: they are dropped. Training rows get pseudo-times
    ``TRAIN_ORIGIN + k seconds`` in a random order drawn with ``seed`` and their verdicts
    become known 1 ms later, so a training row's history holds only rows before it. Valid and
    test rows are all made at :func:`eval_time` (right after every training row, tied with
    each other), so each sees every training verdict and no evaluation verdict. Same seed,
    same order; another seed, another order. The pseudo-times carry no meaning beyond this
    order: do not read them as dates (e.g. for drift or recency analyses).

    *Parse issues.* See :func:`read_liar_tsv`; a warning counts the repaired rows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from credscore.datasets import load_liar
    >>> def line(i, label, speaker):
    ...     return "\\t".join([f"{i}.json", label, "A claim.", "taxes", speaker, "Mayor",
    ...                       "Ohio", "democrat", "0", "0", "0", "0", "0", "a speech"]) + "\\n"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = pathlib.Path(d, "train.tsv").write_text(line(1, "true", "jane-doe")
    ...                                                  + line(2, "false", "jane-doe"))
    ...     _ = pathlib.Path(d, "valid.tsv").write_text(line(3, "half-true", "jane-doe"))
    ...     t = load_liar(d, seed=0)
    >>> t.statements[["statement_id", "label", "label6", "split"]].values.tolist()[1:]
    [['liar:2', 0.0, 'false', 'train'], ['liar:3', 1.0, 'half-true', 'valid']]
    >>> st = t.statements.set_index("statement_id")
    >>> bool(st.loc["liar:3", "made_at"] > st["made_at"].iloc[:2].max())  # sees all train
    True
    >>> t.sources[["source_id", "title", "source_type"]].values.tolist()
    [['jane-doe', 'Mayor', 'person']]
    """
    raw = read_splits("liar", path, splits, read_liar_tsv, "('train', 'valid')")
    statements = _to_statements(raw, seed)
    warn_parse_issues(statements, "LIAR")
    sources = build_sources(statements, org_flag=statements["party"] == "organization")
    return Tables(statements=statements, sources=sources, events=empty_table("events"))


def _clean(s: pd.Series) -> pd.Series:
    s = s.astype(object).where(s.notna(), "").astype(str).str.strip()
    return s.mask(s == "", None).astype(object)


def _to_statements(raw: pd.DataFrame, seed: int) -> pd.DataFrame:
    label6 = _clean(raw["label"]).str.lower()
    label = label6.map(BINARY_OF_LABEL6).astype("float64")
    unknown = label6.notna() & label.isna()
    issue = add_issue(raw["parse_issue"], unknown, "unknown_label: not one of " + str(LABEL6))
    ids = _clean(raw["id"]).str.replace(r"\.json$", "", regex=True)
    made_at, label_at = pseudo_times(raw["split"], seed)
    out = pd.DataFrame(
        {
            "statement_id": ("liar:" + ids.fillna("line" + raw["line"].astype(str))).astype(object),
            "source_id": slugify_speaker(_clean(raw["speaker"])),
            "text": _clean(raw["statement"]),
            "made_at": made_at,
            "label_at": label_at,
            "topic": normalise_topic(raw["subject"]),
            "context": _clean(raw["context"]),
            "label": label,
            "label6": label6,
            "subject": _clean(raw["subject"]),
            "speaker_title": _clean(raw["speaker_title"]),
            "party": _clean(raw["party"]).str.lower(),
            "state": _clean(raw["state"]),
            "split": raw["split"].astype(object),
            "parse_issue": issue.astype(object),
        }
    )
    dup = out["statement_id"].duplicated(keep=False)
    if dup.any():  # keep every row; make ids unique and say so
        suffix = "#" + out.loc[dup, "split"] + "-" + raw.loc[dup, "line"].astype(str)
        out.loc[dup, "statement_id"] = out.loc[dup, "statement_id"] + suffix
        note = "duplicate_id: id repeated in the corpus, split and line appended"
        out["parse_issue"] = add_issue(out["parse_issue"], dup, note)
    return out
