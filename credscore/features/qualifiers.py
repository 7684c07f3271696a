"""Scope qualifiers: fast, span-level detection of how a statement bounds itself.

Nine categories, found in one scan of the text by a single compiled pattern built from a
versioned cue lexicon (``credscore/features/data/qualifiers.json``):

==================  =============================================================
``hedge``           epistemic uncertainty: *probably*, *may have*, *it appears*, *suggests*
``approximator``    imprecise quantity: *almost*, *about 300*, *as many as*, *up to*
``scope_limiter``   narrows where/who/when: *only*, *in parts of*, *at least in*, *for now*
``hearsay``         second-hand attribution: *according to*, *reportedly*, *sources said*
``absolute``        universal or categorical: *all*, *never*, *completely*, *no one*
``number``          a concrete figure: *8,000*, *4.7 percent*, *a third*, *1.2 million*
``weasel``          vague attribution (beside hearsay): *critics argue*, *some people say*,
                    *it is widely expected*, *considered by some*
``peacock``         praise without a source: *one of the most*, *legendary*, *world-class*
``refutation``      denial of a claim or report: *denied reports that*, *the reports ... are
                    wrong*, *dismissed claims*, *baseless* (reports named in order to refute
                    them are not hearsay)
==================  =============================================================

Spans are minimal: an approximator span holds the cue words (``"at least"``), the figure after
it is a separate ``number`` span (``"17"``). Ambiguous words are resolved by context: *about* is
an approximator only before a figure, *at least* is an approximator before a figure and a scope
limiter before *in/for/until...*; *may* before a date, or after *last/next/this* with no verb
after it, is a month; *could not* is a negation, not a hedge; *likelihood* alone is statistics.

A **learned model** (``credscore/features/data/qualifier_model.npz``, trained on the CoNLL-2010
Wikipedia and BioScope corpora plus our annotated set by ``experiments/train_qualifier_model.py``)
rides on the lexicon: it scores every word from hashed n-gram features and the lexicon spans
around it, gives each text ``q_uncertainty`` (the probability that it carries an uncertainty
cue: hedge, weasel or peacock wording, speculation) and adds the cue words the lexicon misses
as ``hedge`` spans marked ``learned``. Counts per category saturate at 3 (``COUNT_CAP``).

Users extend or replace the cues with their own JSON file (:func:`load_lexicon`); the lexicon's
``sha256`` covers the cue file and the model file and belongs in the model manifest
(:meth:`Lexicon.manifest_entry`).

Examples
--------
>>> from credscore.features.qualifiers import find_qualifiers, qualifier_features
>>> text = "His comments only referred to areas where our units are active."
>>> [(q.category, q.cue) for q in find_qualifiers(text)]
[('scope_limiter', 'only'), ('scope_limiter', 'areas where')]
>>> int(qualifier_features([text]).loc[0, "q_scope_limiter"])
2
>>> [(q.category, q.cue) for q in find_qualifiers("The army denied reports that it withdrew.")]
[('refutation', 'denied reports that')]
"""

from __future__ import annotations

from credscore.features._qualifiers_core import COUNT_CAP, QUALIFYING
from credscore.features._qualifiers_lexicon import QUALIFIER_CATEGORIES, Lexicon, load_lexicon
from credscore.features._qualifiers_model import QualifierModel
from credscore.features._qualifiers_scan import (
    FEATURE_COLUMNS,
    SPAN_COLUMNS,
    Qualifier,
    find_qualifiers,
    qualifier_features,
    scan_qualifiers,
)

__all__ = [
    "COUNT_CAP",
    "FEATURE_COLUMNS",
    "QUALIFIER_CATEGORIES",
    "QUALIFYING",
    "SPAN_COLUMNS",
    "Lexicon",
    "Qualifier",
    "QualifierModel",
    "find_qualifiers",
    "load_lexicon",
    "qualifier_features",
    "scan_qualifiers",
]
