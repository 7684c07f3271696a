"""Context-type table: loading, validation, hashing and resolution of one context (private).

The table is a JSON file (see ``data/contexts.json``) with ``name``, ``version``,
``fallback`` and ``missing`` category names and an ordered list of ``categories``, each
``{"name", "description", "patterns": [regex, ...]}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from credscore.exceptions import LexiconError

__all__ = ["DEFAULT_CONTEXT_RESOURCE", "ContextTable", "load_context_table", "normalise_context"]

DEFAULT_CONTEXT_RESOURCE = "data/contexts.json"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SPACE = re.compile(r"\s+")
_TRAILING = " \t.,;:!?-–—\"'"


def normalise_context(text: object) -> str:
    """Lowercase, collapse whitespace, strip trailing punctuation; ``""`` for missing values.

    Examples
    --------
    >>> normalise_context("  A  TV ad. ")
    'a tv ad'
    """
    if not isinstance(text, str):
        return ""
    return _SPACE.sub(" ", text.lower()).strip(_TRAILING)


#: Most normalised contexts a table remembers the type of.
MEMO_SIZE = 100_000


@dataclass(frozen=True)
class ContextTable:
    """A loaded, validated and compiled context-type table; build it with ``load_context_table``.

    Attributes
    ----------
    version : str
        The ``version`` field of the file.
    sha256 : str
        SHA-256 of the file bytes; record it in model manifests.
    source : str
        Where the table came from.
    categories : tuple of str
        Category names in column order: the matched ones, then ``fallback``, then ``missing``.
    fallback, missing : str
        Category of a context that matches no pattern, and of an empty or missing context.
    """

    version: str
    sha256: str
    source: str
    categories: tuple[str, ...]
    fallback: str
    missing: str
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(repr=False)
    #: Normalised contexts already resolved (contexts repeat from batch to batch), at most
    #: :data:`MEMO_SIZE` of them; not part of the table's identity.
    _memo: dict[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def columns(self) -> tuple[str, ...]:
        """Feature column names, ``ctx_<category>``, in order."""
        return tuple(f"ctx_{c}" for c in self.categories)

    def resolve(self, text: object) -> str:
        """Context type of one free-text context (earliest match, then longest, then first).

        Examples
        --------
        >>> t = load_context_table()
        >>> [t.resolve(c) for c in ("a TV interview", "a Facebook post about a speech", None)]
        ['interview', 'social_media', 'unknown']
        """
        norm = normalise_context(text)
        if not norm:
            return self.missing
        known = self._memo.get(norm)
        if known is not None:
            return known
        best: tuple[int, int, int] | None = None
        best_name = self.fallback
        for rank, (name, pattern) in enumerate(self.patterns):
            m = pattern.search(norm)  # the leftmost match of this category
            if m is None:
                continue
            key = (m.start(), m.start() - m.end(), rank)
            if best is None or key < best:
                best, best_name = key, name
        if len(self._memo) < MEMO_SIZE:
            self._memo[norm] = best_name
        return best_name

    def manifest_entry(self) -> dict[str, str]:
        """Return the ``{"name", "version", "sha256", "source"}`` record for a model manifest.

        Examples
        --------
        >>> sorted(load_context_table().manifest_entry())
        ['name', 'sha256', 'source', 'version']
        """
        return {
            "name": "contexts",
            "version": self.version,
            "sha256": self.sha256,
            "source": self.source,
        }


def _err(where: str, msg: str) -> LexiconError:
    return LexiconError(f"context table {where}: {msg}")


def _compile(data: dict[str, Any], where: str) -> list[tuple[str, re.Pattern[str]]]:
    cats = data.get("categories")
    if not isinstance(cats, list) or not cats:
        raise _err(where, "'categories' must be a non-empty list of {name, patterns} objects.")
    out: list[tuple[str, re.Pattern[str]]] = []
    for i, cat in enumerate(cats):
        if not isinstance(cat, dict) or not isinstance(cat.get("name"), str):
            raise _err(where, f"categories[{i}] needs a string 'name'.")
        name, pats = cat["name"], cat.get("patterns")
        if not _NAME.match(name):
            raise _err(where, f"category name {name!r} must be lowercase snake_case.")
        if not isinstance(pats, list) or not pats or not all(isinstance(p, str) for p in pats):
            raise _err(where, f"category {name!r} needs a non-empty list of string 'patterns'.")
        try:
            out.append((name, re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)))
        except re.error as exc:
            raise _err(where, f"category {name!r} has an invalid pattern ({exc}).") from exc
    return out


def load_context_table(path: str | Path | None = None) -> ContextTable:
    """Load and validate a context-type table (default: the bundled ``data/contexts.json``).

    Parameters
    ----------
    path : path-like, optional
        A JSON file in the format of the bundled table.

    Returns
    -------
    ContextTable
        With ``version``, ``sha256``, ``categories`` and the compiled patterns.

    Raises
    ------
    LexiconError
        When the file cannot be read or is malformed (the message says what and where).

    Examples
    --------
    >>> t = load_context_table()
    >>> t.categories[-2:], len(t.sha256)
    (('other', 'unknown'), 64)
    """
    if path is None:
        raw = resources.files("credscore.features").joinpath(DEFAULT_CONTEXT_RESOURCE).read_bytes()
        where = f"<bundled {DEFAULT_CONTEXT_RESOURCE}>"
    else:
        where = str(path)
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise _err(where, f"cannot be read ({exc}). Pass an existing JSON file.") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _err(where, f"is not valid UTF-8 JSON ({exc}).") from exc
    if not isinstance(data, dict):
        raise _err(where, "the top level must be a JSON object.")
    for key in ("version", "fallback", "missing"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise _err(where, f"needs a non-empty string {key!r}.")
    patterns = _compile(data, where)
    names = [n for n, _ in patterns] + [data["fallback"], data["missing"]]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise _err(
            where, f"category names must be unique (fallback and missing included): {dupes}."
        )
    return ContextTable(
        version=data["version"],
        sha256=hashlib.sha256(raw).hexdigest(),
        source=where,
        categories=tuple(names),
        fallback=data["fallback"],
        missing=data["missing"],
        patterns=tuple(patterns),
    )
