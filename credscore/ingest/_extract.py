"""``extract``: one news article -> sources, statements and events tables."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import pandas as pd

from credscore._tables import Tables
from credscore.ingest._eventlink import EVENT_LEAD, link_events, retracted_content, sentence_cues
from credscore.ingest._learned import combine, rule_kind, tagged_statements
from credscore.ingest._link import ASSERTION_KINDS, KINDS
from credscore.ingest._linker import SpeakerLinker, default_linker
from credscore.ingest._prepass import prepass
from credscore.ingest._quotes import Raw
from credscore.ingest._rules import rule_statements
from credscore.ingest._speakers import Mention
from credscore.ingest._speakers_registry import SpeakerRegistry
from credscore.ingest._tagdoc import tag_doc
from credscore.ingest._tagger import TaggerModel, default_tagger
from credscore.ingest._text import segment

__all__ = [
    "EVENT_DELAY",
    "EVENT_LEAD",
    "FALLBACK_PUBLISHED_AT",
    "SOURCE_COLUMNS",
    "STATEMENT_COLUMNS",
    "content_spans",
    "extract",
]

#: ``made_at`` of every statement when ``published_at`` is not given (a fixed, documented
#: epoch rather than "now", so that the output is deterministic).
FALLBACK_PUBLISHED_AT = pd.Timestamp("1970-01-01", tz="UTC")
#: Former name of :data:`EVENT_LEAD` (events are now dated *before* the article's statements).
EVENT_DELAY = EVENT_LEAD

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
    "content_spans",
    "kind",
    "confidence",
    "quote_type",
    "cue",
    "cue_spans",
    "source_span",
    "via",
    "outlet",
    "cites",
    "contradicts",
)
EVENT_COLUMNS = ("event_id", "statement_id", "kind", "at", "source_id", "start", "end")


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


def article_id_of(text: str) -> str:
    """Deterministic id of an article: ``a`` + 10 hex digits of its SHA-256.

    Examples
    --------
    >>> article_id_of("")
    'ae3b0c44298'
    """
    return "a" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _kinds(kinds: str | Iterable[str] | None) -> frozenset[str]:
    if kinds is None or kinds == "assertions":
        return frozenset(ASSERTION_KINDS)
    if kinds == "all":
        return frozenset(KINDS)
    chosen = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = sorted(chosen - set(KINDS))
    if unknown:
        raise ValueError(
            f"kinds={unknown!r} unknown; choose among {list(KINDS)}, 'assertions' (the "
            "default: direct, indirect, according_to) or 'all'"
        )
    return chosen


def _tagger_of(tagger: TaggerModel | str | None) -> TaggerModel | None:
    if tagger is None or tagger == "default":
        return default_tagger()
    if tagger == "rules":
        return None
    if isinstance(tagger, TaggerModel):
        return tagger
    raise ValueError(f"tagger={tagger!r}: pass 'default', 'rules' or a TaggerModel")


def extract(
    text: str,
    published_at: object = None,
    outlet: str | None = None,
    *,
    article_id: str | None = None,
    kinds: str | Iterable[str] | None = None,
    tagger: TaggerModel | str | None = None,
    min_confidence: float | None = None,
    linker: SpeakerLinker | str | None = None,
) -> Tables:
    """Read a news article and return its sources, statements and events.

    Parameters
    ----------
    text : str
        The article, paragraphs separated by newlines.
    published_at : date-like, optional
        Publication time; every statement gets ``made_at = published_at`` (UTC; naive times
        are read as UTC), except a statement that the article reports as walked back, which
        is dated :data:`EVENT_LEAD` before its event, itself dated ``EVENT_LEAD`` before
        ``published_at``. When missing, :data:`FALLBACK_PUBLISHED_AT` (1970-01-01 UTC).
    outlet : str, optional
        The publishing outlet; added as a source and recorded in ``statements.outlet``.
    article_id : str, optional
        Prefix of statement and event ids; defaults to a hash of the text.
    kinds : 'assertions', 'all' or list of str, optional
        Attribution kinds kept as statements: ``direct`` (a quotation), ``indirect``
        (reported speech), ``according_to``, ``belief`` (belief, intention, attitude:
        "believes", "wants", "called for"), ``other``. Default: the assertions (the first
        three), the ones a credibility score is about.
    tagger : 'default', 'rules' or TaggerModel, optional
        The attribution tagger: the bundled one trained on PolNeAR (default), the rules
        alone, or a model of your own.
    min_confidence : float, optional
        Statements whose ``confidence`` (the tagger's mean margin for "content" over
        "outside" on the statement's words) is lower are left out. Default: the threshold
        stored with the tagger (chosen on PolNeAR cross-validation folds); ``float("-inf")``
        keeps everything.
    linker : 'default', 'none' or SpeakerLinker, optional
        The speaker linker that picks each statement's speaker among candidate mentions
        (``credscore.ingest._linker``): the bundled one trained on PolNeAR (default, used
        with a tagger), none (the extractor's first reading), or a model of your own.

    Returns
    -------
    Tables
        ``statements`` has the contract columns plus ``article_id``, ``start``/``end``
        (offsets of the statement in ``text``), ``spans`` (``"a:b;c:d"``; the text is the
        pieces joined by a space), ``content_spans`` (the same pieces as PolNeAR and PARC
        annotate an attribution's content: from a complementiser "that" just before the
        claim, see :func:`content_spans`), ``kind``, ``confidence`` (see ``min_confidence``; empty
        with the rules alone), ``quote_type`` (``direct``/``reported``/
        ``according_to``), ``cue`` and ``cue_spans`` (the attribution cue), ``source_span``
        (offsets of the speaker mention, e.g. "he"), ``via`` (source id of the outlet that
        carried it, e.g. "told CNN"), ``outlet``, ``cites`` (who the speaker cites) and
        ``contradicts`` (semicolon-joined source ids). ``events`` has the contract columns
        plus ``source_id``, ``start``/``end`` of the cue.

    Examples
    --------
    >>> t = extract('"We will not retreat," General Anna Berg said.', published_at="2025-01-02")
    >>> t.statements[["text", "source_id", "kind"]].values.tolist()
    [['We will not retreat', 'anna-berg', 'direct']]
    >>> t.sources.loc[0, "title"]
    'General'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the article), got {type(text).__name__}")
    keep = _kinds(kinds)
    model = _tagger_of(tagger)
    aid = article_id or article_id_of(text)
    made_at = _timestamp(published_at)
    sents = segment(text)
    reg = SpeakerRegistry(aid)
    oid = _known_sources(text, sents, reg, outlet)
    rules = rule_statements(text, sents)
    chooser = _linker_of(linker, model is not None)
    if model is not None:
        raws = tagged_statements(text, tag_doc(text, sents), model, rules)
        floor = model.threshold if min_confidence is None else float(min_confidence)
    else:
        raws = combine([], rules)
        floor = float("-inf")
    cues = sentence_cues(text, sents)
    raws = [r for r in raws if not retracted_content(text, cues, r.sentence, r.start)]
    rows = _rows(text, raws, reg, (keep, floor), made_at, aid, oid, (sents, chooser))
    events = link_events(text, sents, reg, rows, made_at, aid, cues)
    for r in rows:
        r.pop("_sentence")
    return _tables(rows, events, reg)


_THAT_BEFORE_RE = re.compile(r"(?<![\w'’-])that\s+$", re.IGNORECASE)


def content_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """An attribution's content as PolNeAR and PARC annotate it, from the claim's ``spans``.

    The claim ("said that the deal failed" → "the deal failed") leaves out the complementiser
    that introduces it; the corpora count it in the content (266 of 278 such attributions in a
    sample of 150 PolNeAR articles), so an exact-match comparison with them needs it back. The
    first piece then starts at that "that"; nothing else changes.

    Examples
    --------
    >>> t = "She said that the deal failed."
    >>> content_spans(t, [(14, 29)])
    [(9, 29)]
    >>> content_spans("He said the deal failed.", [(8, 23)])
    [(8, 23)]
    >>> content_spans("They said, in that case, it failed.", [(25, 34)])
    [(25, 34)]
    """
    if not spans:
        return []
    a, b = spans[0]
    m = _THAT_BEFORE_RE.search(text, max(0, a - 16), a)
    if m is None:
        return list(spans)
    return [(m.start(), b), *spans[1:]]


def _linker_of(linker: SpeakerLinker | str | None, tagged: bool) -> SpeakerLinker | None:
    if linker is None or linker == "default":
        return default_linker() if tagged else None
    if linker == "none":
        return None
    if isinstance(linker, SpeakerLinker):
        return linker
    raise ValueError(f"linker={linker!r}: pass 'default', 'none' or a SpeakerLinker")


def _known_sources(text: str, sents: list, reg: SpeakerRegistry, outlet: str | None) -> str:
    """Fill the registry from the prepass (and the publishing outlet); the outlet's id."""
    always = prepass(text, sents, reg)
    out_src = None
    if outlet:
        out_src = reg.resolve(Mention("outlet", outlet, "", "", 0, 0))
        always.append(out_src)  # type: ignore[arg-type]
    for known in always:
        if known is not None:
            known.used = True
    return out_src.source_id if out_src is not None else ""


def _rows(
    text: str,
    raws: list[Raw],
    reg: SpeakerRegistry,
    keep: tuple[frozenset[str], float],
    made_at: pd.Timestamp,
    aid: str,
    outlet_id: str,
    linking: tuple[list, SpeakerLinker | None] = ([], None),
) -> list[dict]:
    rows: list[dict] = []
    sents, chooser = linking
    starts = [s.start for s in sents]  # once per article, not once per statement
    for raw in sorted(raws, key=lambda r: (r.start, r.end)):
        src = reg.resolve(raw.attribution.speaker)
        if src is None:
            continue
        sp = raw.attribution.speaker
        if chooser is not None:
            src, near = chooser.choose(text, sents, reg, raw, src, starts)
            if near is not None:
                raw.extra["source_span"] = near
        if src.source_type == "person" and sp is not None:
            reg.note_person(Mention("person", src.name, "", "", sp.start, sp.end, src.gender))
            reg.note_speaker(raw.end, src)
        kind = raw.extra.get("kind", rule_kind(raw))
        conf = raw.extra.get("confidence", float("nan"))
        if kind not in keep[0] or conf < keep[1]:
            continue
        via = reg.resolve(raw.attribution.via) if raw.attribution.via is not None else None
        src.used = True
        if via is not None:
            via.used = True
        cue = raw.extra.get("cue_spans") or []
        span = raw.extra.get("source_span") or (
            (sp.start, sp.end) if sp is not None and sp.end > sp.start else None
        )
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
                "content_spans": ";".join(f"{a}:{b}" for a, b in content_spans(text, raw.spans)),
                "kind": kind,
                "confidence": round(conf, 4),
                "quote_type": raw.quote_type,
                "cue": " ".join(text[a:b] for a, b in cue),
                "cue_spans": ";".join(f"{a}:{b}" for a, b in cue),
                "source_span": f"{span[0]}:{span[1]}" if span else "",
                "via": via.source_id if via is not None else "",
                "outlet": outlet_id,
                "cites": raw.cites,
                "contradicts": "",
                "_sentence": raw.sentence,
            }
        )
    return rows


def _tables(rows: list[dict], events: list[dict], reg: SpeakerRegistry) -> Tables:
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
