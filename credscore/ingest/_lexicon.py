"""Word lists for the rule-based extractor, read once from ``data/lexicon.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Lexicon", "lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Compiled word lists (sets are lower-case; ``outlets`` keeps its case)."""

    reporting_verbs: frozenset[str]
    zero_that_verbs: frozenset[str]
    title_words: frozenset[str]
    name_titles: frozenset[str]
    role_nouns: frozenset[str]
    anonymous_cues: frozenset[str]
    organization_nouns: frozenset[str]
    outlets: frozenset[str]
    outlet_descriptors: frozenset[str]
    non_names: frozenset[str]
    collective_names: frozenset[str]
    verb_re: re.Pattern[str]


def _alternation(words: frozenset[str]) -> str:
    """A regular expression matching exactly ``words``, as a trie ("sa(?:id|ys?)"), so that
    each position of the text costs one pass down the trie instead of one try per word.

    Examples
    --------
    >>> _alternation(frozenset({"said", "says", "say"}))
    'sa(?:id|y(?:s)?)'
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_re(trie)


def _trie_re(node: dict) -> str:
    ends = "" in node
    alts = [re.escape(ch) + _trie_re(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if ends:
        return ("(?:" + body + ")?") if len(alts) == 1 else body + "?"
    return body


@cache
def lexicon() -> Lexicon:
    """The package lexicon (cached).

    Examples
    --------
    >>> "said" in lexicon().reporting_verbs
    True
    """
    raw = json.loads(
        resources.files("credscore.ingest").joinpath("data/lexicon.json").read_text("utf-8")
    )

    def s(key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in raw[key])

    verbs = s("reporting_verbs")
    # "is quoted as saying" / "was quoted as saying" count as one reporting verb.
    verb_re = re.compile(
        r"\b(?:(?:is|was|were|are)\s+quoted\s+as\s+saying|pointed\s+out|went\s+on\s+to\s+say|"
        + _alternation(verbs)
        + r")\b",
        re.IGNORECASE,
    )
    return Lexicon(
        reporting_verbs=verbs,
        zero_that_verbs=s("zero_that_verbs"),
        title_words=s("title_words"),
        name_titles=s("name_titles"),
        role_nouns=s("role_nouns"),
        anonymous_cues=s("anonymous_cues"),
        organization_nouns=s("organization_nouns"),
        outlets=frozenset(raw["outlets"]),
        outlet_descriptors=s("outlet_descriptors"),
        non_names=s("capitalised_non_names"),
        collective_names=frozenset(raw["collective_names"]),
        verb_re=verb_re,
    )
