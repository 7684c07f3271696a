"""The three tables of credscore and their column contract (no validation here; see schema)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = [
    "EVENT_KINDS",
    "RETRACTION_KINDS",
    "SOURCE_TYPES",
    "TABLE_COLUMNS",
    "Tables",
    "ValidatedTables",
]

#: Kinds of event that can happen to an earlier statement.
EVENT_KINDS: tuple[str, ...] = (
    "retraction",
    "correction",
    "scope_narrowing",
    "clarification",
    "confirmation",
)
#: Event kinds that count as the source walking a statement back.
RETRACTION_KINDS: tuple[str, ...] = ("retraction", "correction", "scope_narrowing")
#: Suggested values of ``sources.source_type`` (free text is accepted).
SOURCE_TYPES: tuple[str, ...] = ("person", "outlet", "organization", "anonymous")

#: Required and optional columns of each table. Extra columns are kept untouched.
TABLE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "sources": {
        "required": ("source_id",),
        "optional": ("name", "title", "organization", "source_type"),
    },
    "statements": {
        "required": ("statement_id", "source_id", "text", "made_at"),
        "optional": ("topic", "context", "label", "label_at"),
    },
    "events": {
        "required": ("event_id", "statement_id", "kind", "at"),
        "optional": (),
    },
}


def _empty(table: str) -> pd.DataFrame:
    """An empty table with the required columns of ``table``."""
    spec = TABLE_COLUMNS[table]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in spec["required"]})


@dataclass(frozen=True)
class Tables:
    """The sources, statements and events of one corpus.

    Parameters
    ----------
    statements : DataFrame
        One row per attributed claim: ``statement_id``, ``source_id``, ``text``, ``made_at``
        and optionally ``topic``, ``context``, ``label`` (1 held up, 0 did not) and ``label_at``.
    sources : DataFrame, optional
        One row per speaker or outlet: ``source_id`` and optionally ``name``, ``title``,
        ``organization``, ``source_type``. ``None``: derived from the statements' source ids
        by :func:`credscore.validate_tables` (no titles).
    events : DataFrame, optional
        One row per thing that happened to an earlier statement: ``event_id``,
        ``statement_id``, ``kind`` (one of :data:`EVENT_KINDS`) and ``at``. ``None``: no events.

    Examples
    --------
    >>> import pandas as pd
    >>> t = Tables(statements=pd.DataFrame({"statement_id": ["s1"], "source_id": ["a"],
    ...     "text": ["It rained."], "made_at": ["2024-01-01"]}))
    >>> len(t.statements), t.sources is None
    (1, True)
    """

    statements: pd.DataFrame
    sources: pd.DataFrame | None = None
    events: pd.DataFrame | None = None


#: Handed by the validator to :class:`ValidatedTables`; nothing else has it.
_VALIDATOR_TOKEN = object()


@dataclass(frozen=True)
class ValidatedTables(Tables):
    """Tables that passed :func:`credscore.validate_tables`: all three present, normalised.

    Only the validator (and :func:`credscore.schema.combine_tables`, which joins two of them)
    makes these; ``validate_tables`` returns one as it is, without checking it again, so every
    later stage validates its input once at no cost. Each frame has a fresh ``RangeIndex``, the
    schema's columns with their normalised types (see :mod:`credscore.schema`) and the input's
    extra columns; treat the frames as read-only.

    Examples
    --------
    >>> import pandas as pd
    >>> from credscore import validate_tables
    >>> v = validate_tables(pd.DataFrame({"statement_id": ["s1"], "source_id": ["a"],
    ...     "text": ["It rained."], "made_at": ["2024-01-01"]}))
    >>> type(v).__name__, validate_tables(v) is v, v.sources["source_id"].tolist()
    ('ValidatedTables', True, ['a'])
    >>> ValidatedTables(v.statements, v.sources, v.events)
    Traceback (most recent call last):
    ...
    TypeError: ValidatedTables are made by credscore.validate_tables(...); pass your frames to it
    """

    statements: pd.DataFrame
    sources: pd.DataFrame
    events: pd.DataFrame
    _token: object = field(default=None, repr=False, compare=False, kw_only=True)
    #: Arrays the validator computed on the way (event -> statement positions, source
    #: codes), reused by later stages instead of computing them again; private.
    _known: dict = field(default_factory=dict, repr=False, compare=False, kw_only=True)

    def __post_init__(self) -> None:
        if self._token is not _VALIDATOR_TOKEN:
            raise TypeError(
                "ValidatedTables are made by credscore.validate_tables(...); pass your frames to it"
            )
