"""``extract``: one news article -> sources, statements and events tables."""

from __future__ import annotations

import bisect
import hashlib
import re

import pandas as pd

from credscore._tables import Tables
from credscore.ingest._events import SENTENCE_SPEAKER, contradiction_cues, event_cues
from credscore.ingest._lexicon import lexicon
from credscore.ingest._quotes import Attribution, Raw, colon_intro, direct
from credscore.ingest._registry import Registry, Source
from credscore.ingest._reported import according_to, reported
from credscore.ingest._speakers import Mention, _person_or_org
from credscore.ingest._text import Sentence, segment
from credscore.ingest._titles import _org_of
from credscore.ingest._tokens import runs, tokens

__all__ = [
    "EVENT_DELAY",
    "FALLBACK_PUBLISHED_AT",
    "SOURCE_COLUMNS",
    "STATEMENT_COLUMNS",
    "extract",
]

#: ``made_at`` of every statement when ``published_at`` is not given (a fixed, documented
#: epoch rather than "now", so that the output is deterministic).
FALLBACK_PUBLISHED_AT = pd.Timestamp("1970-01-01", tz="UTC")
#: An event is dated this long after the article's statements: strictly after the statement
#: it modifies (history features treat equal times as "not before"), so no statement of the
#: same article sees it, while every later article does.
EVENT_DELAY = pd.Timedelta(seconds=1)

#: Events and contradictions look back at most this many statements of the same source (keeps
#: the cost linear on very long inputs; a news article has far fewer).
_LOOKBACK = 50

SOURCE_COLUMNS = ("source_id", "name", "title", "organization", "source_type")
STATEMENT_COLUMNS = (
    "statement_id",
    "source_id",
    "text",
    "made_at",
    "article_id",
    "start",
    "end",
    "spans",
    "quote_type",
    "via",
    "outlet",
    "cites",
    "contradicts",
)
EVENT_COLUMNS = ("event_id", "statement_id", "kind", "at", "source_id", "start", "end")

_CALL_SIGN_RE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)\s+([a-z][^,.;:“”\"\n]{2,120}?)\s+(?:with|under|known\s+by)\s+(?:the\s+)?"
    r"call\s*-?sign\s+[“\"‘']?([^\W\d_][\w\-]*)"
)


def _timestamp(value: object) -> pd.Timestamp:
    if value is None:
        return FALLBACK_PUBLISHED_AT
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"published_at={value!r} is not a date; pass e.g. '2025-02-14' or "
            "'2025-02-14T10:00:00+00:00'"
        ) from exc
    if pd.isna(ts):
        return FALLBACK_PUBLISHED_AT
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _outside_quotes(s: Sentence) -> list[tuple[int, int]]:
    pieces, a = [], s.start
    for q in s.standalone:
        if q.open_at > a:
            pieces.append((a, q.open_at))
        a = max(a, (q.close_at + 1) if q.closed else q.end)
    if a < s.end:
        pieces.append((a, s.end))
    return pieces


_DEMONYM_RE = re.compile(r"(?:an|ian|ean|ese|ish|i|ic)$")
_AFTER_NAME = frozenset("and who was is has had will would could did does later also then".split())


def _adjectival(toks: list, i: int, j: int, m: Mention) -> bool:
    """``North Korean troops``, ``Ukrainian forces``: a demonym, not a person."""
    if m.title or not _DEMONYM_RE.search(toks[j - 1].text):
        return False
    if j >= len(toks):
        return False
    nxt = toks[j]
    if nxt.text == "(":
        return True
    low = nxt.text.lower()
    return (
        nxt.text[:1].islower() and low not in lexicon().reporting_verbs and low not in _AFTER_NAME
    )


def _prepass(text: str, sents: list[Sentence], reg: Registry) -> list[Source]:
    """Full names, titled people, outlets and call signs mentioned anywhere (outside quotes)."""
    lex = lexicon()
    always: list[Source] = []
    for s in sents:
        for a, b in _outside_quotes(s):
            toks = tokens(text, a, b)
            for i, j in runs(toks):
                m = _person_or_org(toks, i, j, text, 0)
                if m is None:
                    continue
                if m.kind == "person":
                    if _adjectival(toks, i, j, m):
                        continue
                    if len(m.name.split()) >= 2:
                        reg.add_fullname(m.name)
                    if m.title or len(m.name.split()) >= 2 or m.name.lower() in reg.fullnames:
                        reg.note_person(m)
                    if m.title:
                        reg.resolve(m)
                    continue
                if m.kind == "organization":
                    reg.note_org(m)
                desc = any(t.low in lex.outlet_descriptors for t in toks[max(0, i - 3) : i])
                if m.kind == "outlet" or (desc and m.kind == "organization" and j - i > 1):
                    src = reg.resolve(Mention("outlet", m.name, "", "", m.start, m.end))
                    if src is not None:
                        always.append(src)
                        alias = re.match(r"\s*\(([^()\s]{2,12})\)", text[m.end : m.end + 20])
                        if alias:
                            reg.add_alias(alias.group(1), src.source_id)
    for cs in _CALL_SIGN_RE.finditer(text):
        title, name = cs.group(1).strip(), cs.group(2)
        mention = Mention("person", name, title, _org_of(title), cs.start(2), cs.end(2))
        src = reg.resolve(mention)
        reg.note_person(mention)
        if src is not None:
            always.append(src)
    return always


def _statements(text: str, sents: list[Sentence]) -> list[Raw]:
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


def article_id_of(text: str) -> str:
    """Deterministic id of an article: ``a`` + 10 hex digits of its SHA-256.

    Examples
    --------
    >>> article_id_of("")
    'ae3b0c44298'
    """
    return "a" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def extract(
    text: str,
    published_at: object = None,
    outlet: str | None = None,
    *,
    article_id: str | None = None,
) -> Tables:
    """Read a news article and return its sources, statements and events.

    Parameters
    ----------
    text : str
        The article, paragraphs separated by newlines.
    published_at : date-like, optional
        Publication time; every statement gets ``made_at = published_at`` (UTC; naive times
        are read as UTC). When missing, :data:`FALLBACK_PUBLISHED_AT` (1970-01-01 UTC) is used.
    outlet : str, optional
        The publishing outlet; added as a source and recorded in ``statements.outlet``.
    article_id : str, optional
        Prefix of statement and event ids; defaults to a hash of the text.

    Returns
    -------
    Tables
        ``statements`` has the contract columns plus ``article_id``, ``start``/``end``
        (offsets of the statement in ``text``), ``spans`` (``"a:b;c:d"`` for quotes split by
        an attribution; the text is the pieces joined by a space), ``quote_type``
        (``direct``/``reported``/``according_to``), ``via`` (source id of the outlet that
        carried it, e.g. "told CNN"), ``outlet``, ``cites`` (who the speaker cites, e.g.
        "reports from ...") and ``contradicts`` (semicolon-joined source ids).
        ``events`` has the contract columns plus ``source_id``, ``start``/``end`` of the cue.

    Examples
    --------
    >>> t = extract('"We will not retreat," General Anna Berg said.', published_at="2025-01-02")
    >>> t.statements[["text", "source_id", "quote_type"]].values.tolist()
    [['We will not retreat,', 'anna-berg', 'direct']]
    >>> t.sources.loc[0, "title"]
    'General'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the article), got {type(text).__name__}")
    aid = article_id or article_id_of(text)
    made_at = _timestamp(published_at)
    sents = segment(text)
    reg = Registry(aid)
    always = _prepass(text, sents, reg)
    out_src = None
    if outlet:
        out_src = reg.resolve(Mention("outlet", outlet, "", "", 0, 0))
        always.append(out_src)  # type: ignore[arg-type]
    for known in always:
        if known is not None:
            known.used = True

    rows: list[dict] = []
    for raw in sorted(_statements(text, sents), key=lambda r: (r.start, r.end)):
        src = reg.resolve(raw.attribution.speaker)
        if src is None:
            continue
        via = reg.resolve(raw.attribution.via) if raw.attribution.via is not None else None
        src.used = True
        if via is not None:
            via.used = True
        if src.source_type == "person" and raw.attribution.speaker is not None:
            sp = raw.attribution.speaker
            reg.note_person(Mention("person", src.name, "", "", sp.start, sp.end, src.gender))
        rows.append(
            {
                "statement_id": f"{aid}-s{len(rows) + 1}",
                "source_id": src.source_id,
                "text": raw.text(text),
                "made_at": made_at,
                "article_id": aid,
                "start": raw.start,
                "end": raw.end,
                "spans": ";".join(f"{a}:{b}" for a, b in raw.spans),
                "quote_type": raw.quote_type,
                "via": via.source_id if via is not None else "",
                "outlet": out_src.source_id if out_src is not None else "",
                "cites": raw.cites,
                "contradicts": "",
                "_sentence": raw.sentence,
            }
        )
    events = _events(text, sents, reg, rows, made_at, aid)
    for r in rows:
        r.pop("_sentence")
    statements = pd.DataFrame(rows, columns=list(STATEMENT_COLUMNS))
    statements["made_at"] = pd.to_datetime(statements["made_at"], utc=True)
    for col in ("start", "end"):
        statements[col] = statements[col].astype("int64")
    used = [s for s in reg.sources.values() if s.used]
    sources = pd.DataFrame(
        [{c: getattr(s, c) for c in SOURCE_COLUMNS} for s in used], columns=list(SOURCE_COLUMNS)
    )
    ev = pd.DataFrame(events, columns=list(EVENT_COLUMNS))
    ev["at"] = pd.to_datetime(ev["at"], utc=True)
    return Tables(statements=statements, sources=sources, events=ev)


def _events(
    text: str,
    sents: list[Sentence],
    reg: Registry,
    rows: list[dict],
    made_at: pd.Timestamp,
    aid: str,
) -> list[dict]:
    by_source: dict[str, list[dict]] = {}
    rows_by_sentence: dict[int, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source_id"], []).append(r)
        rows_by_sentence.setdefault(r["_sentence"], []).append(r)
    events: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for i, s in enumerate(sents):
        cues = event_cues(text, s, i)
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
            events.append(
                {
                    "event_id": f"{aid}-e{len(events) + 1}",
                    "statement_id": target["statement_id"],
                    "kind": cue.kind,
                    "at": made_at + EVENT_DELAY,
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
    cue, reg: Registry, by_source: dict[str, list[dict]], i: int, rows_by_sentence: dict
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
