"""The rule-based extractor's reading of an article as per-token codes (tagger features)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from credscore.ingest._quotes import Raw
from credscore.ingest._tagdoc import TagDoc
from credscore.ingest._tagfeatures import RULE_CODES

__all__ = ["rule_codes"]


def _token_range(doc: TagDoc, a: int, b: int) -> tuple[int, int]:
    lo = int(np.searchsorted(doc.ends, a, side="right"))
    hi = int(np.searchsorted(doc.starts, b, side="left"))
    return lo, hi


def rule_codes(doc: TagDoc, raws: Sequence[Raw]) -> np.ndarray:
    """Per-token :data:`RULE_CODES`: the quote type of a rule statement covering the token,
    or ``speaker`` for the words of its speaker mention.

    Examples
    --------
    >>> from credscore.ingest._tagdoc import tag_doc
    >>> from credscore.ingest._quotes import Attribution
    >>> from credscore.ingest._speakers import Mention
    >>> d = tag_doc("Ann Lee said prices rose.")
    >>> who = Attribution(Mention("person", "Ann Lee", "", "", 0, 7))
    >>> raw = Raw(13, 24, [(13, 24)], "reported", who)
    >>> rule_codes(d, [raw]).tolist()
    [4, 4, 0, 2, 2, 0]
    """
    codes = np.zeros(doc.n, dtype=np.int64)
    for r in raws:
        code = RULE_CODES.get(r.quote_type, 0)
        for a, b in r.spans:
            lo, hi = _token_range(doc, a, b)
            codes[lo:hi] = code
        sp = r.attribution.speaker
        if sp is not None and sp.end > sp.start:
            lo, hi = _token_range(doc, sp.start, sp.end)
            codes[lo:hi] = RULE_CODES["speaker"]
    return codes
