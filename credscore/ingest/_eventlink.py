"""Events and contradictions tied to the statements of one article.

An event cue ("X later walked back his claim") is tied to the earlier statement of the same
source that shares most content words with the cue's sentence; a contradiction cue marks the
source's statements up to that sentence as contradicting the named sources.
"""

from __future__ import annotations

import bisect
import re

import pandas as pd

from credscore.ingest._events import SENTENCE_SPEAKER, Cue, contradiction_cues, event_cues
from credscore.ingest._lexicon import lexicon
from credscore.ingest._speakers import Mention
from credscore.ingest._speakers_registry import SpeakerRegistry
from credscore.ingest._text import Sentence

__all__ = ["EVENT_LEAD", "link_events", "retracted_content", "sentence_cues"]

#: Events are dated this long before the article's statements (history counts only what
#: happened strictly earlier, so every statement the article reports sees its walk-backs),
#: and the statements they walk back another ``EVENT_LEAD`` earlier.
EVENT_LEAD = pd.Timedelta(seconds=1)

#: Events and contradictions look back at most this many statements of the same source (keeps
#: the cost linear on very long inputs; a news article has far fewer).
_LOOKBACK = 50


def sentence_cues(text: str, sents: list[Sentence]) -> list[list[Cue]]:
    """The event cues of every sentence (see :func:`credscore.ingest._events.event_cues`)."""
    return [event_cues(text, s, i) for i, s in enumerate(sents)]


def retracted_content(text: str, cues: list[list[Cue]], sentence: int, start: int) -> bool:
    """Whether a statement starting at ``start`` is what a retraction in its sentence takes
    back ("Reed retracted his claim that the plant would close"): not a new claim, unless a
    new reporting verb introduces it ("..., saying ...")."""
    if not 0 <= sentence < len(cues):
        return False
    for cue in cues[sentence]:
        if cue.kind == "retraction" and cue.end <= start:
            if not lexicon().verb_re.search(text, cue.end, start) and not _NEW_CLAIM_RE.search(
                text, cue.end, start
            ):
                return True
    return False


_NEW_CLAIM_RE = re.compile(r"\b(?:saying|adding|telling|insisting|arguing|noting)\b")


def link_events(
    text: str,
    sents: list[Sentence],
    reg: SpeakerRegistry,
    rows: list[dict],
    made_at: pd.Timestamp,
    aid: str,
    cues_by_sentence: list[list[Cue]] | None = None,
) -> list[dict]:
    """Events of an article tied to its statements (``rows``, which are re-dated in place
    when walked back), and contradiction links written into ``rows``."""
    if cues_by_sentence is None:
        cues_by_sentence = sentence_cues(text, sents)
    by_source: dict[str, list[dict]] = {}
    rows_by_sentence: dict[int, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source_id"], []).append(r)
        rows_by_sentence.setdefault(r["_sentence"], []).append(r)
    events: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(sents):
        cues = cues_by_sentence[i]
        for cue in cues:
            src = reg.resolve(cue.subject)
            if src is None:
                continue
            mine = by_source.get(src.source_id, [])
            k = bisect.bisect_left([r["_sentence"] for r in mine[-_LOOKBACK:]], i)
            earlier = mine[-_LOOKBACK:][:k]
            if not earlier:
                continue
            target = _best_target(text, s, earlier)
            key = (target["statement_id"], cue.kind)
            if key in seen:
                continue
            seen.add(key)
            target["made_at"] = min(target["made_at"], made_at - 2 * EVENT_LEAD)
            events.append(
                {
                    "event_id": f"{aid}-e{len(events) + 1}",
                    "statement_id": target["statement_id"],
                    "kind": cue.kind,
                    "at": made_at - EVENT_LEAD,
                    "source_id": src.source_id,
                    "start": cue.start,
                    "end": cue.end,
                }
            )
        if any(c.kind == "retraction" for c in cues):
            continue
        for cue in contradiction_cues(text, s, i):
            _contradiction(cue, reg, by_source, i, rows_by_sentence)
    return events


_CONTENT_RE = re.compile(r"[^\W_]{3,}|\d[\d.,]*")
_FUNCTION = frozenset(
    "the and that his her its their this these those was were had has have said with from "
    "for not but only later comments remarks claim statement".split()
)


def _best_target(text: str, s: Sentence, earlier: list[dict]) -> dict:
    """The earlier statement sharing most content words with the event sentence (ties:
    the most recent one)."""
    words = {w.lower() for w in _CONTENT_RE.findall(text[s.start : s.end])} - _FUNCTION
    best, best_score = earlier[-1], 0
    for r in reversed(earlier):
        score = len(words & {w.lower() for w in _CONTENT_RE.findall(r["text"])})
        if score > best_score:
            best, best_score = r, score
    return best


def _contradiction(
    cue, reg: SpeakerRegistry, by_source: dict[str, list[dict]], i: int, rows_by_sentence: dict
) -> None:
    src = reg.resolve(cue.subject)
    if src is None or src.source_id not in by_source:
        return
    lex = lexicon()
    targets: list[str] = []
    for obj in cue.objects:
        bare = obj.name.removeprefix("The ")
        if obj.name == SENTENCE_SPEAKER:
            for r in rows_by_sentence.get(i, []):
                if r["source_id"] != src.source_id and r["source_id"] not in targets:
                    targets.append(r["source_id"])
            continue
        if obj.kind == "pronoun":
            t = reg.resolve(obj)
            if t is None or t.source_id not in by_source:
                continue
        elif obj.name in lex.outlets or bare in lex.outlets:
            t = reg.resolve(Mention("outlet", obj.name, "", "", obj.start, obj.end))
        else:
            t = reg.resolve(Mention("person", obj.name, "", "", obj.start, obj.end))
            if t is None or not t.used:
                continue
        if t is not None and t.source_id != src.source_id and t.source_id not in targets:
            t.used = True
            targets.append(t.source_id)
    if not targets:
        return
    mine = by_source[src.source_id][-_LOOKBACK:]
    chosen = [r for r in mine if r["_sentence"] <= i] or mine[:1]
    for r in chosen:
        have = [x for x in r["contradicts"].split(";") if x]
        r["contradicts"] = ";".join(dict.fromkeys(have + targets))
