"""Compile a validated qualifier lexicon into one regular expression (private).

Design, driven by how CPython's ``re`` spends its time (measured, see
``experiments/bench_qualifiers.py``):

* The pattern scans a *scan copy* of the text (:func:`scan_text`): lower case, opening
  punctuation and odd whitespace turned into plain spaces, one leading space. Every cue is
  matched together with the space before it, so the pattern starts with a literal space and the
  engine jumps from space to space instead of trying every character.
* All phrases of all categories share one character trie of plain literals: one dispatch on the
  first character per attempt, and the longest phrase wins. Conditions (``then``, ``next``,
  ``not_next``, ``prev``, ``not_prev``, right word boundary) sit at the leaves.
* Building a match object costs time in proportion to the number of capturing groups, so the
  category of most matches is read from the matched phrase (``literal_category``); only the
  matches that the phrase cannot classify carry a marker group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from credscore.exceptions import LexiconError
from credscore.features._qualifiers_gate import WordGate

__all__ = [
    "SplitPattern",
    "canonical_key",
    "codepoints",
    "compile_lexicon",
    "lower_text",
    "scan_codepoints",
    "scan_text",
]

_HYPHEN_CHARS = "-\u2010\u2011"
_HYPHENS = r"\-\u2010\u2011"  # for use inside a regex character class
_APOSTROPHES = "'\u2019\u2018"
#: Separator between the words of a phrase: any run of whitespace and hyphens.
_SEP = rf"[\s{_HYPHENS}]+"
#: Right boundary: no word character, and not the first half of a hyphenated word.
_RIGHT = rf"(?!\w)(?![{_HYPHENS}]\w)"
_BUILTIN_MACROS = {"_": _SEP, "HYPHEN": f"[{_HYPHENS}]", "APOS": f"[{_APOSTROPHES}]"}
_MACRO_RE = re.compile(r"\{([A-Z_][A-Z0-9_]*)\}")
_TOKEN_RE = re.compile(rf"[{_APOSTROPHES}]|[{_HYPHENS}\s]+|[^{_APOSTROPHES}{_HYPHENS}\s]")
_ESCAPE_RE = re.compile(r"\\.")


def _err(where: str, msg: str) -> LexiconError:
    return LexiconError(f"qualifier lexicon {where}: {msg}")


def lower_text(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid.

    ``str.lower`` maps only U+0130 (dotted capital I) to two characters; it becomes ``i``.

    Examples
    --------
    >>> lower_text("\u0130stanbul ALMOST")
    'istanbul almost'
    """
    if "\u0130" in text:
        text = text.replace("\u0130", "i")
    return text.lower()


#: Characters after which a word can start, replaced by a space in the scan copy.
_OPENER_CHARS = (
    '\t\n\r\f\v\u00a0\u2007\u2009\u202f\u3000"([{<\u201c\u201e\u2018\u00ab\u2014\u2013/\u2026*|'
)
_OPENERS = re.compile("[" + re.escape(_OPENER_CHARS) + "]")
_IS_OPENER = np.zeros(0x110000, dtype=bool)
_IS_OPENER[[ord(c) for c in _OPENER_CHARS]] = True
_IS_OPENER_ASCII = _IS_OPENER[:256].copy()


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text``: ``uint8`` when it is ASCII, else ``uint32``."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def scan_codepoints(text: str) -> tuple[str, np.ndarray, np.ndarray]:
    """:func:`scan_text` of ``text``, its code points, and those of ``" " + lower_text(text)``.

    One encode and one decode instead of a regex substitution over the whole text (the scan
    of many joined statements spent a tenth of its time there, measured); the code points
    are reused by the word tokenizer and the word counts.
    """
    low = codepoints(" " + lower_text(text))
    scan = low.copy()
    # np.take on a 256-entry table: uint8 indices through [] are converted first (2x slower)
    scan[np.take(_IS_OPENER_ASCII, low) if low.dtype == np.uint8 else _IS_OPENER[low]] = 32
    if scan.dtype == np.uint8:
        return scan.tobytes().decode("ascii"), scan, low
    return scan.tobytes().decode("utf-32-le", "surrogatepass"), scan, low


def scan_text(text: str) -> str:
    """Return the copy of ``text`` that a compiled lexicon scans.

    One leading space, lower case, opening punctuation and other whitespace turned into plain
    spaces. Character ``i`` of ``text`` is character ``i + 1`` of the copy, so a match that
    starts at the space before a cue (``m.start()``) and ends at ``m.end()`` covers
    ``text[m.start():m.end() - 1]``.

    Examples
    --------
    >>> scan_text("“Probably” (ALL)")
    '  probably”  all)'
    """
    return " " + _OPENERS.sub(" ", lower_text(text))


def _expand(text: str, macros: dict[str, str], where: str) -> str:
    for _ in range(10):  # macros may use macros
        new = _MACRO_RE.sub(lambda m: _lookup(m.group(1), macros, where), text)
        if new == text:
            return new
        text = new
    raise _err(where, "macros nest too deeply (a macro probably refers to itself).")


def _lookup(name: str, macros: dict[str, str], where: str) -> str:
    if name in _BUILTIN_MACROS:
        return _BUILTIN_MACROS[name]
    if name not in macros:
        raise _err(where, f"unknown macro {{{name}}}; define it under 'macros'.")
    return f"(?:{macros[name]})"


def _check_regex(rx: str, where: str) -> str:
    try:
        compiled = re.compile(rx)
    except re.error as exc:
        raise _err(where, f"invalid regex {rx!r} ({exc}).") from exc
    if compiled.groups:
        raise _err(where, "capturing groups are not allowed; write (?:...) instead of (...).")
    return rx


def _user_rx(entry: dict[str, Any], key: str, macros: dict[str, str], where: str) -> str:
    rx = _expand(entry[key], macros, where)
    if any(c.isupper() for c in _ESCAPE_RE.sub("", rx)):
        raise _err(where, f"{key!r} has upper-case letters; patterns see lower-cased text.")
    return _check_regex(rx, where)


def _literal_tokens(phrase: str) -> tuple[str, ...]:
    """Split a phrase into trie tokens: lower-case characters, separators, apostrophes."""
    out: list[str] = []
    for tok in _TOKEN_RE.findall(lower_text(phrase.strip())):
        if tok[0] in _APOSTROPHES:
            out.append("'")
        elif tok[0] in _HYPHEN_CHARS or tok[0].isspace():
            out.append(" ")
        else:
            out.append(tok)
    return tuple(out)


def _token_regex(tok: str) -> str:
    if tok == " ":
        return _SEP
    if tok == "'":
        return f"[{_APOSTROPHES}]"
    return re.escape(tok)


def _leaf_regex(entry: dict[str, Any], tokens: tuple[str, ...], macros: dict, where: str) -> str:
    """What is checked (and, for ``then``, consumed) at the end of a phrase: the trie leaf."""
    parts = []
    cue_fixed = "".join(r"\s" if t == " " else re.escape(t) for t in tokens)
    for prev in entry.get("not_prev", []):
        words = r"\s".join(re.escape(w) for w in lower_text(prev).split())
        parts.append(_check_regex(rf"(?<!\b{words}\s{cue_fixed})", where))
    prevs = [r"\s".join(re.escape(w) for w in lower_text(p).split()) for p in entry.get("prev", [])]
    if prevs:
        parts.append("(?:" + "|".join(rf"(?<=\b{w}\s{cue_fixed})" for w in prevs) + ")")
    if "then" in entry:
        parts.append(_user_rx(entry, "then", macros, where))
    if "next" in entry:
        parts.append(f"(?={_user_rx(entry, 'next', macros, where)})")
    if "not_next" in entry:
        parts.append(f"(?!{_user_rx(entry, 'not_next', macros, where)})")
    if entry.get("boundary", True):
        parts.append(_RIGHT)
    return "".join(parts)


def _emit(node: dict[Any, Any], groups: list[int]) -> str:
    """Regex of a trie node: longer continuations first, then the leaves ending here.

    ``groups`` collects, in pattern order, the category of each marker group emitted.
    """
    alts = [_token_regex(tok) + _emit(node[tok], groups) for tok in sorted(k for k in node if k)]
    for _, leaf, cat_idx, marker in sorted(node.get("", []), key=lambda x: x[0]):
        if marker:
            groups.append(cat_idx)
            leaf += "()"
        alts.append(leaf)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


_KEY_SEP_RE = re.compile(rf"[\s{_HYPHENS}]+")
_KEY_APOS = str.maketrans(dict.fromkeys(_APOSTROPHES[1:], "'"))


def canonical_key(matched: str) -> str:
    """Canonical form of a matched phrase (scan text): one space between words, ``'``.

    Examples
    --------
    >>> canonical_key(" at -  least")
    ' at least'
    """
    return _KEY_SEP_RE.sub(" ", matched).translate(_KEY_APOS)


@dataclass(frozen=True)
class SplitPattern:
    """The combined pattern cut in two, for a faster scan with the same matches.

    In the combined pattern every attempt that the trie cannot complete pays for the raw
    patterns' first-character gate, a lookahead (about half the scan time on news text,
    measured): CPython's ``re`` skips a branch alternative cheaply only when it starts with a
    literal or a character class. Here the trie is scanned alone (``trie``, its groups numbered
    as in the combined pattern) and the raw patterns (``raw``, whose groups ``1..k`` have the
    categories ``raw_category``) are tried only where a space is followed by a character of
    ``gate``; :func:`credscore.features._qualifiers_core.lexicon_hits` merges the two streams
    in the combined pattern's order (leftmost match, the trie first at equal start, no
    overlap), so the spans are exactly those of the combined pattern.
    """

    trie: re.Pattern[str]
    raw: re.Pattern[str]
    raw_category: tuple[int, ...]
    gate: re.Pattern[str]
    #: ``gate_class.fullmatch(chr(c))`` for ``c < 256``, and the class alone (for the rare
    #: code points above): the scan finds gates from its code points with these.
    gate_ascii: np.ndarray = field(repr=False, compare=False)
    gate_class: re.Pattern[str] = field(repr=False)
    #: Where the trie may match in an ASCII scan copy, from its words (the tokenizer's).
    words: WordGate | None = field(default=None, repr=False, compare=False)


def compile_lexicon(
    content: dict[str, Any], categories: tuple[str, ...], where: str
) -> tuple[re.Pattern[str], tuple[int, ...], dict[str, int], SplitPattern | None]:
    """Compile validated lexicon content into one pattern.

    Returns the pattern, the category index of each capturing group (index 0 is the whole
    match, ``-1``), the category of each phrase matched without a group, keyed by the
    canonical match text (with its leading space, see :func:`canonical_key`), and the same
    pattern split into trie and raw parts (:class:`SplitPattern`) when there are both and
    every raw pattern has a ``first`` gate, else ``None``.

    All phrases share one character trie, so each attempt dispatches once on the first
    character and the longest phrase wins (continuations are tried before the leaves that end
    at a node). A match object costs time in proportion to the number of groups, so only the
    matches that the phrase text cannot classify carry a group: phrases listed in more than one
    category (their context decides), phrases with a ``then`` extension, and raw patterns (one
    group per category).
    """
    macros = content.get("macros", {})
    leaves: list[tuple[int, tuple[str, ...], str, bool]] = []
    gate_leaves: list[tuple[tuple[str, ...], bool]] = []
    raw: list[list[str]] = [[] for _ in categories]
    raw_firsts: list[str | None] = []
    for cat_idx, cat in enumerate(categories):
        for i, entry in enumerate(content["categories"].get(cat, [])):
            here = f"{where}, category {cat!r} entry #{i} ({entry!r})"
            if isinstance(entry, str):
                entry = {"cue": entry}
            if "regex" in entry:
                body = _user_rx(entry, "regex", macros, here)
                tail = _leaf_regex(
                    {k: v for k, v in entry.items() if k != "not_prev"}, (), macros, here
                )
                gate = f"(?=[{entry['first']}])" if "first" in entry else ""
                raw[cat_idx].append(_check_regex(gate + body + tail, here))
                raw_firsts.append(entry.get("first"))
                continue
            cues = entry["cue"] if isinstance(entry["cue"], list) else [entry["cue"]]
            for cue in cues:
                tokens = _literal_tokens(cue)
                leaf = _leaf_regex(entry, tokens, macros, here)
                leaves.append((cat_idx, tokens, leaf, "then" in entry))
                open_end = "then" in entry or not entry.get("boundary", True)
                gate_leaves.append((tokens, open_end))
    cats_of: dict[tuple[str, ...], set[int]] = {}
    for cat_idx, tokens, _, _ in leaves:
        cats_of.setdefault(tokens, set()).add(cat_idx)
    trie: dict[Any, Any] = {}
    literal_category: dict[str, int] = {}
    for cat_idx, tokens, leaf, extends in leaves:
        marker = extends or len(cats_of[tokens]) > 1
        if not marker:
            # keyed as canonical_key reads a match ("-ish" is " ish", not "  ish")
            literal_category[canonical_key(" " + "".join(tokens))] = cat_idx
        node = trie
        for tok in tokens:
            node = node.setdefault(tok, {})
        # Conditional leaves first, then by category order (stable sort keeps entry order).
        node.setdefault("", []).append(((leaf == _RIGHT, cat_idx), leaf, cat_idx, marker))
    groups: list[int] = [-1]
    branches = [_emit(trie, groups)] if trie else []
    n_trie_groups = len(groups)
    raw_branches = []
    for cat_idx, alts in enumerate(raw):
        if alts:
            groups.append(cat_idx)
            raw_branches.append("(" + "|".join(alts) + ")")
    gated = [f for f in raw_firsts if f is not None]
    gate_class = "[" + "".join(gated) + "]" if len(gated) == len(raw_firsts) else ""
    if raw_branches:
        # One shared first-character gate in front of all raw patterns (when each has one):
        # a failed lookahead is much cheaper than entering each raw group.
        gate = f"(?={gate_class})" if gate_class else ""
        branches.append(gate + "(?:" + "|".join(raw_branches) + ")")
    if not branches:
        raise _err(where, "contains no cues at all.")
    try:
        pattern = re.compile(" (?:" + "|".join(branches) + ")")
        split = None
        if trie and raw_branches and gate_class:
            cls = re.compile(gate_class)
            split = SplitPattern(
                trie=re.compile(" (?:" + branches[0] + ")"),
                raw=re.compile(" " + branches[1]),
                raw_category=tuple(groups[n_trie_groups:]),
                gate=re.compile(" " + gate_class),
                gate_ascii=np.array([cls.fullmatch(chr(c)) is not None for c in range(256)]),
                gate_class=cls,
                words=WordGate(gate_leaves),
            )
    except re.error as exc:  # pragma: no cover - every part was checked on its own
        raise _err(where, f"the combined pattern does not compile ({exc}).") from exc
    return pattern, tuple(groups), literal_category, split
