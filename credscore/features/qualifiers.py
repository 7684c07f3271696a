"""Scope qualifiers: fast, span-level detection of how a statement bounds itself.

Six categories, found in one scan of the text by a single compiled pattern built from a
versioned cue lexicon (``credscore/features/data/qualifiers.json``):

==================  =============================================================
``hedge``           epistemic uncertainty: *probably*, *may have*, *it appears*
``approximator``    imprecise quantity: *almost*, *about 300*, *as many as*, *up to*
``scope_limiter``   narrows where/who/when: *only*, *in parts of*, *at least in*, *for now*
``hearsay``         second-hand attribution: *according to*, *reportedly*, *sources said*
``absolute``        universal or categorical: *all*, *never*, *completely*, *no one*
``number``          a concrete figure: *8,000*, *4.7 percent*, *a third*, *1.2 million*
==================  =============================================================

Spans are minimal: an approximator span holds the cue words (``"at least"``), the figure after
it is a separate ``number`` span (``"17"``). Ambiguous words are resolved by context: *about* is
an approximator only before a figure, *at least* is an approximator before a figure and a scope
limiter before *in/for/until...*; *may* before a date is a month, not a hedge.

Users extend or replace the cues with their own JSON file (:func:`load_lexicon`); the lexicon's
``sha256`` belongs in the model manifest (:meth:`Lexicon.manifest_entry`).

Examples
--------
>>> from credscore.features.qualifiers import find_qualifiers, qualifier_features
>>> text = "His comments only referred to areas where our units are active."
>>> [(q.category, q.cue) for q in find_qualifiers(text)]
[('scope_limiter', 'only'), ('scope_limiter', 'areas where')]
>>> int(qualifier_features([text]).loc[0, "q_scope_limiter"])
2
"""

from __future__ import annotations

from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon, load_lexicon
from credscore.features._qualifiers_scan import (
    FEATURE_COLUMNS,
    Qualifier,
    find_qualifiers,
    qualifier_features,
)

__all__ = [
    "FEATURE_COLUMNS",
    "QUALIFIER_CATEGORIES",
    "Lexicon",
    "Qualifier",
    "find_qualifiers",
    "load_lexicon",
    "qualifier_features",
]
