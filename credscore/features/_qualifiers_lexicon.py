"""Loading and validating the qualifier cue lexicon (private; see ``qualifiers``).

File format (JSON, UTF-8)::

    {
      "version": "1.0.0",                      # required, recorded with the hash
      "macros": {"NUM": "\\d|two|three"},      # optional regex snippets, used as {NUM}
      "categories": {                          # keys: the six QUALIFIER_CATEGORIES
        "hedge": [
          "probably",                          # a phrase
          {"cue": ["may have", "might have"]}, # one or more phrases sharing the options below
          {"cue": "about", "next": "{_}{NUM}"},          # must be followed by ...
          {"cue": "all", "not_next": "{_}but\\b"},       # must not be followed by ...
          {"cue": "suspect", "prev": ["police", "we"]},  # must come right after one of ...
          {"cue": "only", "not_prev": ["not", "if"]},    # must not come right after ...
          {"cue": "twenty", "then": "(?:{_}five)?"},     # extends the span
          {"regex": "\\d+(?:\\.\\d+)?", "first": "0-9", "boundary": false}
        ]
      },
      "remove": {"hedge": ["could"]}           # user files with extend=True: drop defaults
    }

Phrases match case-insensitively at the start of a word, with any run of spaces or hyphens
between their words and straight or curly apostrophes; unless ``"boundary": false`` they must
end at a word boundary that is not a hyphen inside a word (``all`` does not match ``all-out``).
``next``, ``not_next``, ``then`` and ``regex`` are Python regular expressions evaluated on the
lower-cased text (write them in lower case, without capturing groups); ``{_}`` is a word
separator, ``{HYPHEN}`` and ``{APOS}`` hyphen and apostrophe classes. ``prev`` and ``not_prev``
are words checked with a single space before the phrase. ``first`` is a character class that
every match of a ``regex`` starts with (a cheap gate). See ``_qualifiers_compile`` for how all
of this becomes one regular expression.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

from credscore.exceptions import LexiconError
from credscore.features._qualifiers_compile import SplitPattern, compile_lexicon
from credscore.features._qualifiers_model import QualifierModel, load_model_file

__all__ = ["DEFAULT_LEXICON_RESOURCE", "QUALIFIER_CATEGORIES", "Lexicon", "load_lexicon"]

#: The span categories, in feature-column order: the six original ones, then vague
#: attribution (``weasel``), ``peacock`` wording and ``refutation``.
QUALIFIER_CATEGORIES: tuple[str, ...] = (
    "hedge",
    "approximator",
    "scope_limiter",
    "hearsay",
    "absolute",
    "number",
    "weasel",
    "peacock",
    "refutation",
)
#: Bundled default lexicon, relative to the ``credscore.features`` package.
DEFAULT_LEXICON_RESOURCE = "data/qualifiers.json"

_ENTRY_KEYS = {
    "cue",
    "regex",
    "then",
    "next",
    "not_next",
    "prev",
    "not_prev",
    "first",
    "boundary",
    "note",
}
_TOP_KEYS = {"format", "version", "description", "macros", "categories", "remove"}


@dataclass(frozen=True)
class Lexicon:
    """A loaded, validated and compiled cue lexicon.

    Build one with :func:`load_lexicon`; the fields are read-only.

    Attributes
    ----------
    version : str
        The ``version`` field of the file (``"<default>+<user>"`` when a user file extends it),
        followed by ``";model=<version>"`` when a learned model is attached.
    sha256 : str
        What model manifests record: without a learned model, :attr:`lexicon_sha256`; with
        one, the SHA-256 of ``"<lexicon_sha256>:<model sha256>"``, so that it changes whenever
        the cue file or the model file changes.
    lexicon_sha256 : str
        SHA-256 of the cue file bytes, or of the canonical merged JSON when a user file extends
        the default.
    source : str
        Where the lexicon came from (file paths, ``+``-joined).
    content : dict
        The merged lexicon content (macros and entries per category).
    pattern : re.Pattern
        The single compiled pattern; each alternative ends with an empty marker group.
    group_category : tuple of int
        For each capturing group, the index of its category in ``QUALIFIER_CATEGORIES``.
    literal_category : dict
        Category index of each phrase matched without a capturing group, keyed by its
        canonical match text (a leading space, then the phrase with single spaces).
    model : QualifierModel or None
        The learned component (``q_uncertainty`` and learned cue spans), or ``None``.
    split : SplitPattern or None
        The same pattern cut into its trie and raw parts, for a faster scan with the same
        matches; ``None`` when the lexicon has no raw patterns or one lacks a ``first`` gate.
    """

    version: str
    sha256: str
    source: str
    content: dict[str, Any] = field(repr=False)
    pattern: re.Pattern[str] = field(repr=False)
    group_category: tuple[int, ...] = field(repr=False)
    literal_category: dict[str, int] = field(repr=False)
    lexicon_sha256: str = ""
    model: QualifierModel | None = field(default=None, repr=False)
    split: SplitPattern | None = field(default=None, repr=False)

    def manifest_entry(self) -> dict[str, str]:
        """Return the ``{"name", "version", "sha256", "source"}`` record for a model manifest.

        Examples
        --------
        >>> sorted(load_lexicon(learned=False).manifest_entry())
        ['name', 'sha256', 'source', 'version']
        >>> sorted(load_lexicon().manifest_entry())[:2]
        ['lexicon_sha256', 'model_sha256']
        """
        entry = {
            "name": "qualifiers",
            "version": self.version,
            "sha256": self.sha256,
            "source": self.source,
        }
        if self.model is not None:
            entry["lexicon_sha256"] = self.lexicon_sha256
            entry["model_sha256"] = self.model.sha256
        return entry


def _err(where: str, msg: str) -> LexiconError:
    return LexiconError(f"qualifier lexicon {where}: {msg}")


def _read_json(path: Path | None) -> tuple[dict[str, Any], bytes, str]:
    if path is None:
        ref = resources.files("credscore.features").joinpath(DEFAULT_LEXICON_RESOURCE)
        raw = ref.read_bytes()
        where = f"<bundled {DEFAULT_LEXICON_RESOURCE}>"
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
        raise _err(where, "the top level must be a JSON object with 'version' and 'categories'.")
    return data, raw, where


def _validate(data: dict[str, Any], where: str, *, partial: bool) -> None:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _err(
            where, f"unknown top-level key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}."
        )
    if not isinstance(data.get("version"), str) or not data["version"]:
        raise _err(where, "needs a non-empty string 'version' field (e.g. \"1.0.0\").")
    macros = data.get("macros", {})
    if not isinstance(macros, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in macros.items()
    ):
        raise _err(where, "'macros' must map NAME to a regex string.")
    cats = data.get("categories")
    if not isinstance(cats, dict) or (not cats and not partial):
        raise _err(where, "'categories' must be an object mapping category name to a list.")
    for cat, entries in cats.items():
        if cat not in QUALIFIER_CATEGORIES:
            raise _err(where, f"unknown category {cat!r}; use one of {QUALIFIER_CATEGORIES}.")
        if not isinstance(entries, list):
            raise _err(where, f"category {cat!r} must be a list of entries.")
        for i, entry in enumerate(entries):
            _validate_entry(entry, f"{where}, category {cat!r} entry #{i} ({entry!r})")
    remove = data.get("remove", {})
    if not isinstance(remove, dict) or not all(
        k in QUALIFIER_CATEGORIES and isinstance(v, list) for k, v in remove.items()
    ):
        raise _err(where, "'remove' must map a category name to a list of cue phrases.")


def _validate_entry(entry: Any, where: str) -> None:
    if isinstance(entry, str):
        if not entry.strip():
            raise _err(where, "a phrase must not be empty.")
        return
    if not isinstance(entry, dict):
        raise _err(where, "an entry must be a phrase string or an object with 'cue' or 'regex'.")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise _err(where, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}.")
    if ("cue" in entry) == ("regex" in entry):
        raise _err(where, "give exactly one of 'cue' (a phrase) or 'regex' (a pattern).")
    main = entry.get("cue", entry.get("regex"))
    mains = main if isinstance(main, list) and "cue" in entry else [main]
    if not mains or not all(isinstance(m, str) and m.strip() for m in mains):
        raise _err(where, "'cue' must be a phrase or a list of phrases, 'regex' a pattern.")
    if "first" in entry and "regex" not in entry:
        raise _err(where, "'first' (a first-character gate) only applies to 'regex' entries.")
    for key in ("then", "next", "not_next", "first"):
        if key in entry and not isinstance(entry[key], str):
            raise _err(where, f"{key!r} must be a regex string.")
    for key in ("prev", "not_prev"):
        words = entry.get(key, [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise _err(where, f"{key!r} must be a list of words (or short phrases).")
        if words and "regex" in entry:
            raise _err(
                where, f"{key!r} only applies to 'cue' entries; use a lookbehind in 'regex'."
            )
    if "boundary" in entry and not isinstance(entry["boundary"], bool):
        raise _err(where, "'boundary' must be true or false.")


def _entry_cues(entry: Any) -> list[str]:
    cue = entry if isinstance(entry, str) else entry.get("cue", [])
    return [c.casefold() for c in ([cue] if isinstance(cue, str) else cue)]


def _merge(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    categories: dict[str, list[Any]] = {
        c: list(base["categories"].get(c, [])) for c in QUALIFIER_CATEGORIES
    }
    for cat, phrases in user.get("remove", {}).items():
        drop = {p.casefold() for p in phrases}
        categories[cat] = [e for e in categories[cat] if not (set(_entry_cues(e)) & drop)]
    for cat, entries in user["categories"].items():
        categories[cat].extend(entries)
    return {
        "version": f"{base['version']}+{user['version']}",
        "macros": {**base.get("macros", {}), **user.get("macros", {})},
        "categories": categories,
    }


#: Compiled lexicons by the SHA-256 of their content: compiling takes about 0.15 s, and an
#: application that builds many extractors loads the same lexicon again and again. The
#: compiled parts are never modified after compiling. Bounded, oldest dropped first.
_Compiled = tuple[re.Pattern[str], tuple[int, ...], dict[str, int], SplitPattern | None]
_COMPILED: dict[str, _Compiled] = {}
_COMPILED_MAX = 16


def _compiled(digest: str, content: dict[str, Any], where: str) -> _Compiled:
    hit = _COMPILED.get(digest)
    if hit is None:
        hit = compile_lexicon(content, QUALIFIER_CATEGORIES, where)
        while len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[digest] = hit
    return hit


def load_lexicon(
    path: str | PathLike[str] | None = None,
    *,
    extend: bool = True,
    learned: bool | str | PathLike[str] = True,
) -> Lexicon:
    """Load, validate and compile a qualifier cue lexicon, with the learned model attached.

    Parameters
    ----------
    path : str or path-like, optional
        A user JSON lexicon. ``None`` loads the bundled default
        (``credscore/features/data/qualifiers.json``).
    extend : bool, default True
        With a user file: ``True`` adds its entries to the default (and drops the default
        phrases listed under its ``remove`` key); ``False`` uses the user file alone.
    learned : bool or path-like, default True
        ``True`` attaches the bundled learned model
        (``credscore/features/data/qualifier_model.npz``), a path attaches that model file,
        ``False`` uses the cues alone (no ``q_uncertainty``, no learned spans).

    Returns
    -------
    Lexicon
        With ``version``, ``sha256`` (covering the cue file and the model file), the
        compiled pattern and the model.

    Raises
    ------
    LexiconError
        If the file cannot be read, is not JSON, or an entry is malformed; the message names
        the file, the category and the entry.

    Examples
    --------
    >>> lex = load_lexicon()
    >>> len(lex.sha256), lex.model is not None
    (64, True)
    >>> load_lexicon(learned=False).sha256 == lex.lexicon_sha256
    True
    """
    base, base_raw, base_where = _read_json(None)
    _validate(base, base_where, partial=False)
    if path is None:
        content, raw, where = base, base_raw, base_where
        digest = hashlib.sha256(raw).hexdigest()
    else:
        user, raw, where = _read_json(Path(path))
        _validate(user, where, partial=extend)
        if extend:
            content = _merge(base, user)
            canonical = json.dumps(
                content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
            )
            digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            where = f"{base_where}+{where}"
        else:
            if user.get("remove"):
                raise _err(where, "'remove' only makes sense with extend=True.")
            content = user
            digest = hashlib.sha256(raw).hexdigest()
    pattern, groups, literals, split = _compiled(digest, content, where)
    version, combined = str(content["version"]), digest
    model = None
    if learned is not False:
        model = load_model_file(None if learned is True else learned)
        version = f"{version};model={model.version}"
        combined = hashlib.sha256(f"{digest}:{model.sha256}".encode()).hexdigest()
        where = f"{where}+{model.source}"
    return Lexicon(
        version=version,
        sha256=combined,
        source=where,
        content=content,
        pattern=pattern,
        group_category=groups,
        literal_category=literals,
        lexicon_sha256=digest,
        model=model,
        split=split,
    )
