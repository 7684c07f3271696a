"""Exceptions raised by credscore.

Every error says what was wrong, where (table, column, row ids or file) and how to fix it.
Each class subclasses a built-in exception so that callers who catch ``ValueError`` or
``OSError`` keep working.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "ArtifactError",
    "CorpusNotFoundError",
    "CredscoreError",
    "LexiconError",
    "NotFittedError",
    "ParameterError",
    "SchemaError",
]


class CredscoreError(Exception):
    """Base class of every error raised on purpose by credscore."""


class SchemaError(CredscoreError, ValueError):
    """An input table is malformed: a column is missing, a value has the wrong type, ids clash...

    The message names the table, the column, up to 10 offending row ids and the fix.

    Attributes
    ----------
    table : str or None
        Name of the table (``"sources"``, ``"statements"`` or ``"events"``).
    problems : list of dict
        One entry per problem: ``table``, ``column`` (None for the whole table), ``check`` (a
        short stable code such as ``"duplicate_id"``), ``what`` (the sentence of the message),
        ``rows`` (up to 10 row ids, or ``"#3"`` for the 0-based position of a row without an
        id), ``n_rows`` (how many rows in all) and ``fix``.
    """

    def __init__(
        self, message: str, *, table: str | None = None, problems: list[dict] | None = None
    ) -> None:
        super().__init__(message)
        self.table = table
        self.problems = problems or []


class ArtifactError(CredscoreError, OSError):
    """A model artifact is missing, tampered with, or was written by an incompatible version."""


class LexiconError(CredscoreError, ValueError):
    """A cue lexicon or rank table file is malformed."""


class NotFittedError(CredscoreError, _SklearnNotFittedError):
    """A model was used before ``fit`` (also a scikit-learn ``NotFittedError``)."""


class CorpusNotFoundError(CredscoreError, FileNotFoundError):
    """A public corpus (or one of its split files) is not where credscore looked for it.

    The message names every place that was searched and how to point credscore at the data.
    """


class ParameterError(CredscoreError, ValueError):
    """A parameter of a credscore function has a value it does not accept (e.g. ``time_unit``).

    The message names the parameter, the value and the accepted values.
    """
