"""Rank tables: loading, validation, hashing and the compiled phrase matcher (private).

A rank table is one or more JSON files (format ``credscore-ranks/1``). Each file may hold:

``version``
    A version string (the bundled tables carry the library's table version).
``scale``
    ``{code: level}``, e.g. ``{"OF-8": 0.85}``; entries that give a ``code`` but no ``level``
    take the level from here.
``modifiers``
    ``{name: {"phrases": [...], "factor": f, "position": "pre"|"post"|"both", ...}}``:
    words such as "former", "deputy" or "candidate" that scale the level of the title they
    qualify.
``markers``
    ``{"national": [...], "state": [...], "local": [...]}``: words that decide which of an
    entry's ``level`` / ``state`` / ``local`` values applies ("U.S. senator" vs "state senator").
``entries``
    A list of ``{"phrases": [...], "family": ..., "kind": ..., "level" or "code": ...}``.

``services``, ``countries``, ``default_country``, ``aliases``, ``word_aliases``, ``scales``
    Military services and countries, and the code a rank word has in each service of each
    country (see :mod:`credscore.features._rank_scales`).
``fuzzy``
    ``{"enabled": true, "exclude": [words]}``: spelling correction of title words, and words
    never corrected (see :mod:`credscore.features._rank_fuzzy`).

Later files extend earlier ones: scale codes and modifiers are updated by name, markers are
unioned, a phrase defined again replaces the earlier definition, a service scale defined again
is replaced, and fuzzy exclusions are unioned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from credscore.exceptions import LexiconError
from credscore.features._rank_model import Rank, normalize_title
from credscore.features._rank_scales import ScaleAcc, ServiceScales, word_variants

__all__ = ["RANK_FAMILIES", "Rank", "RankTable", "load_rank_table", "normalize_title"]

#: The rank families, in a fixed order; ``unknown`` is used when nothing matched.
RANK_FAMILIES: tuple[str, ...] = (
    "military",
    "government",
    "judiciary",
    "organization",
    "media",
    "anonymous",
    "unknown",
)
FORMAT = "credscore-ranks/1"
KINDS = ("title", "generic", "relational", "body", "anonymous", "adjective")
ROLES = ("head", "member", "spokes")
POSITIONS = ("pre", "post", "both")
STRENGTHS = ("strong", "social", "weak")  # anonymity cues: see _rank_resolve
SCOPES = ("national", "state", "local")
MARKER_SCOPES = (*SCOPES, "region")  # region: a US state name, read as "state" before a title
_DATA_DIR = Path(__file__).resolve().parent / "data" / "ranks"
_ENTRY_KEYS = {
    "phrases", "family", "kind", "level", "code", "head", "spokesperson", "state", "local",
    "head_level", "head_code", "relational", "role", "scope", "tail", "strength", "note",
    "qualifier",
}  # fmt: skip
_MOD_KEYS = {
    "phrases", "factor", "position", "clears_head", "candidate", "window", "alone", "note",
}  # fmt: skip


@dataclass
class RankTable:
    """Loaded, validated rank tables and the compiled phrase matcher.

    Build with :func:`load_rank_table`. ``sha256`` is the hash of the canonical content of all
    loaded files (bundled plus user extensions) and goes into every model manifest.

    Attributes
    ----------
    version : str
        Table version; user files with a ``version`` append ``+<their version>``.
    sha256 : str
        SHA-256 of the canonical JSON of the merged content.
    sources : list of str
        Files loaded, in order.
    """

    version: str
    sha256: str
    sources: list[str]
    scale: dict[str, float]
    modifiers: dict[str, dict[str, Any]]
    markers: dict[str, frozenset[str]]
    phrases: dict[str, dict[str, Any]]
    lookup: dict[str, tuple[str, dict[str, Any] | None, str | None]] = field(repr=False)
    first_words: dict[str, int] = field(repr=False)
    military: ServiceScales = field(default_factory=ServiceScales, repr=False)
    cache: dict[Any, Rank] = field(default_factory=dict, repr=False, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"RankTable(version={self.version!r}, sha256={self.sha256[:12]}..., "
            f"phrases={len(self.phrases)}, files={len(self.sources)})"
        )


def _fail(src: str, where: str, why: str) -> LexiconError:
    return LexiconError(f"rank table {src}: {where}: {why}. Fix the file and load it again.")


def _phrases(raw: Any, src: str, where: str) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        raise _fail(src, where, "'phrases' must be a non-empty list of strings")
    out = []
    for p in raw:
        n = normalize_title(p).replace(",", "").strip()
        n = " ".join(n.split())
        if not n:
            raise _fail(src, where, f"phrase {p!r} is empty after normalisation")
        out.append(n)
    return out


def _norm_phrases(src: str, raw: Any, where: str) -> list[str]:
    return _phrases(raw, src, where)


def _level(v: Any, src: str, where: str, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0.0 <= float(v) <= 1.0:
        raise _fail(src, where, f"{name!r} must be a number in [0, 1], got {v!r}")
    return float(v)


def _check_entry(e: Any, i: int, src: str, scale: Mapping[str, float]) -> dict[str, Any]:
    if not isinstance(e, dict):
        raise _fail(src, f"entry {i}", "each entry must be a JSON object")
    first = e.get("phrases")
    where = f"entry {i} ({first[0] if isinstance(first, list) and first else first!r})"
    extra = set(e) - _ENTRY_KEYS
    if extra:
        raise _fail(src, where, f"unknown keys {sorted(extra)}")
    out = dict(e)
    out["phrases"] = _phrases(e.get("phrases"), src, where)
    out.setdefault("kind", "title")
    if out["kind"] not in KINDS:
        raise _fail(src, where, f"kind must be one of {KINDS}, got {out['kind']!r}")
    if out.get("family") not in RANK_FAMILIES[:-1]:
        raise _fail(src, where, f"family must be one of {RANK_FAMILIES[:-1]}")
    if "level" not in out:
        code = str(out.get("code"))
        if code not in scale:
            raise _fail(src, where, f"no 'level' and code {code!r} is not in the scale")
        out["level"] = scale[code]
    for k in ("level", "state", "local", "head_level", "relational"):
        if k in out:
            out[k] = _level(out[k], src, where, k)
    if "head_code" in out and "head_level" not in out:
        if out["head_code"] not in scale:
            raise _fail(src, where, f"head_code {out['head_code']!r} is not in the scale")
        out["head_level"] = scale[out["head_code"]]
    if out.get("role", "head") not in ROLES:
        raise _fail(src, where, f"role must be one of {ROLES}")
    if out.get("strength", "strong") not in STRENGTHS:
        raise _fail(src, where, f"strength must be one of {STRENGTHS}")
    if out.get("scope", "national") not in SCOPES:
        raise _fail(src, where, f"scope must be one of {SCOPES}")
    if not isinstance(out.get("qualifier", False), bool):
        raise _fail(src, where, "'qualifier' must be true or false")
    if out.get("qualifier") and out["kind"] != "body":
        raise _fail(src, where, "'qualifier' applies to bodies only (kind 'body')")
    tail = out.get("tail")
    if tail is not None:
        if not isinstance(tail, dict) or tail.get("family") not in RANK_FAMILIES[:-1]:
            raise _fail(src, where, "'tail' must be {'family': ..., 'level': ...}")
        out["tail"] = {"family": tail["family"], "level": _level(tail.get("level"), src, where,
                                                                  "tail.level")}  # fmt: skip
    return out


def _check_modifier(name: str, m: Any, src: str) -> dict[str, Any]:
    where = f"modifier {name!r}"
    if not isinstance(m, dict):
        raise _fail(src, where, "must be a JSON object")
    extra = set(m) - _MOD_KEYS
    if extra:
        raise _fail(src, where, f"unknown keys {sorted(extra)}")
    out = dict(m)
    out["name"] = name
    out["phrases"] = _phrases(m.get("phrases"), src, where)
    f = m.get("factor")
    if isinstance(f, bool) or not isinstance(f, int | float) or not 0.0 < float(f) <= 1.5:
        raise _fail(src, where, f"'factor' must be a number in (0, 1.5], got {f!r}")
    out["factor"] = float(f)
    out.setdefault("position", "pre")
    if out["position"] not in POSITIONS:
        raise _fail(src, where, f"position must be one of {POSITIONS}")
    out["window"] = int(m.get("window", 4))
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"rank table {path}: cannot be read ({exc}).") from exc
    except json.JSONDecodeError as exc:
        raise LexiconError(f"rank table {path}: invalid JSON ({exc}).") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise LexiconError(f'rank table {path}: expected a JSON object with "format": "{FORMAT}".')
    return doc


def _files(path: str | Path) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.json"))
        if not files:
            raise LexiconError(f"rank table directory {p} holds no *.json file.")
        return files
    if not p.exists():
        raise LexiconError(f"rank table {p} does not exist; pass a JSON file or a directory.")
    return [p]


def plural_ok(phrase: str) -> bool:
    """Whether ``phrase + "s"`` / ``+ "es"`` reads as its plural ("generals", "officials")."""
    last = phrase.rsplit(" ", 1)[-1]
    return len(last) >= 4 and phrase[-1] not in "sy"


def _index(
    phrases: Mapping[str, dict[str, Any]], markers: Mapping[str, Iterable[str]]
) -> tuple[dict[str, tuple[str, dict[str, Any] | None, str | None]], dict[str, int]]:
    """Surface form (incl. simple plurals) -> (phrase, entry, marker scope); first word ->
    longest phrase length in words starting with it."""
    scope_of = {w: sc for sc, words in markers.items() for w in words}
    lookup: dict[str, tuple[str, dict[str, Any] | None, str | None]] = {}
    for form in list(phrases) + list(scope_of):
        hit = (form, phrases.get(form), scope_of.get(form))
        if plural_ok(form):
            for suffix in ("es", "s"):
                lookup.setdefault(form + suffix, hit)
        lookup[form] = hit
    first_words: dict[str, int] = {}
    for form in lookup:
        w = form.split(" ")
        first_words[w[0]] = max(first_words.get(w[0], 1), len(w))
    return lookup, first_words


def load_rank_table(
    path: str | Path | Iterable[str | Path] | None = None, *, extend: bool = True
) -> RankTable:
    """Load the bundled rank tables, optionally extended or replaced by user files.

    Parameters
    ----------
    path : path, list of paths or None
        JSON file(s) or directories of ``*.json`` files in the ``credscore-ranks/1`` format.
        None loads only the bundled tables.
    extend : bool, default True
        True: user files extend the bundled tables (a phrase defined again replaces the
        bundled definition). False: only the user files' entries, modifiers and markers are
        used; the bundled code scale (NATO OF/OR codes, office codes) stays available.

    Returns
    -------
    RankTable

    Raises
    ------
    LexiconError
        A file is missing, is not valid JSON, or an entry is malformed (the message names the
        file and the entry).

    Examples
    --------
    >>> table = load_rank_table()
    >>> len(table.sha256), table.version.count(".") >= 1
    (64, True)
    """
    files: list[Path] = []
    if path is None or extend:
        files += _files(_DATA_DIR)
    if path is not None:
        paths = [path] if isinstance(path, str | Path) else list(path)
        for p in paths:
            files += _files(p)
    scale: dict[str, float] = {}
    modifiers: dict[str, dict[str, Any]] = {}
    markers: dict[str, set[str]] = {s: set() for s in MARKER_SCOPES}
    phrases: dict[str, dict[str, Any]] = {}
    versions: list[str] = []
    canon: list[Any] = []
    acc = ScaleAcc()
    fuzzy_exclude: set[str] = set()
    fuzzy_enabled = True
    if path is not None and not extend:
        core = _read(_DATA_DIR / "00_core.json")
        scale.update(core.get("scale") or {})
        canon.append({"scale": core.get("scale") or {}})
    for f in files:
        src = str(f)
        doc = _read(f)
        canon.append(doc)
        if "version" in doc:
            versions.append(str(doc["version"]))
        for code, lv in (doc.get("scale") or {}).items():
            scale[str(code)] = _level(lv, src, f"scale code {code!r}", "level")
        for name, m in (doc.get("modifiers") or {}).items():
            modifiers[name] = _check_modifier(name, m, src)
        for scope, words in (doc.get("markers") or {}).items():
            if scope not in MARKER_SCOPES:
                raise _fail(src, f"markers {scope!r}", f"scope must be one of {MARKER_SCOPES}")
            markers[scope].update(_phrases(words, src, f"markers {scope!r}"))
        fz = doc.get("fuzzy") or {}
        if not isinstance(fz, dict) or not isinstance(fz.get("exclude", []), list):
            raise _fail(src, "fuzzy", "must be {'enabled': true/false, 'exclude': [words]}")
        fuzzy_exclude.update(normalize_title(str(w)) for w in fz.get("exclude", []))
        fuzzy_enabled = bool(fz.get("enabled", fuzzy_enabled))
        acc.add(doc, partial(_fail, src), partial(_norm_phrases, src), scale)
        entries = doc.get("entries") or []
        if not isinstance(entries, list):
            raise _fail(src, "entries", "must be a list")
        seen: set[str] = set()
        for i, e in enumerate(entries):
            ent = _check_entry(e, i, src, scale)
            for p in ent["phrases"]:
                if p in seen:
                    raise _fail(src, f"entry {i}", f"phrase {p!r} is defined twice in this file")
                seen.add(p)
                phrases[p] = ent
    military = ServiceScales.build(acc)
    for word, abbrevs in acc.aliases.items():  # an abbreviation reads bare like its word
        if phrases.get(word, {}).get("family") == "military":
            for a in abbrevs:
                phrases.setdefault(a, phrases[word])
    for p, ent in [(p, e) for p, e in phrases.items() if e.get("family") == "military"]:
        for form in word_variants(p, acc.word_aliases):  # "master sgt", "lt cmdr"
            phrases.setdefault(form, ent)
    for p, code in military.first_codes().items():  # scale words no entry defines
        phrases.setdefault(p, {"family": "military", "kind": "title", "code": code,
                               "level": scale[code], "phrases": [p]})  # fmt: skip
    for m in modifiers.values():
        for p in m["phrases"]:
            phrases.setdefault(p, {"kind": "modifier", "mod": m})
    lookup, first_words = _index(phrases, markers)
    blob = json.dumps(canon, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    version = "+".join(versions) if versions else "0"
    return RankTable(
        version=version,
        sha256=hashlib.sha256(blob.encode("utf-8")).hexdigest(),
        sources=[str(f) for f in files],
        scale=scale,
        modifiers=modifiers,
        markers={k: frozenset(v) for k, v in markers.items()},
        phrases=phrases,
        lookup=lookup,
        first_words=first_words,
        military=military,
        extra={"fuzzy_exclude": frozenset(fuzzy_exclude), "fuzzy_enabled": fuzzy_enabled},
    )
