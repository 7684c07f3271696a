"""The rule-based reading of an article: direct quotes, reported speech, "according to"."""

from __future__ import annotations

from credscore.ingest._quotes import Attribution, Raw, colon_intro, direct
from credscore.ingest._reported import according_to, reported
from credscore.ingest._text import Sentence

__all__ = ["rule_statements"]


def rule_statements(text: str, sents: list[Sentence]) -> list[Raw]:
    raws: list[Raw] = []
    pending: Attribution | None = None
    pending_left = 0
    previous: Attribution | None = None
    for i, s in enumerate(sents):
        if any(any(c.isalpha() for c in text[q.start : q.end]) for q in s.standalone):
            found, previous = direct(text, s, i, pending if pending_left else None, previous)
            raws.extend(found)
            pending, pending_left = None, 0
            continue
        intro = colon_intro(text, s)
        found = reported(text, s, i)
        if not found:
            acc = according_to(text, s, i)
            found = [acc] if acc is not None else []
        raws.extend(found)
        previous = found[-1].attribution if found and found[-1].quote_type == "reported" else None
        if intro is not None:
            pending, pending_left = intro, 3
        elif pending_left:
            pending_left -= 1
    return raws
