"""The speaker linker: which source said a statement, chosen among candidate mentions.

For every statement the extractor's own reading (the tagger's source span or the rules'
speaker, pronouns resolved by :class:`~credscore.ingest._speakers_registry.SpeakerRegistry`)
is one candidate; the others are the cue's grammatical subject, the tagger's source span, the
rules' speaker, the object of "according to", the people and organisations named in the
statement's sentence and the two before it (for a he/she pronoun, within
:data:`PRONOUN_REACH` characters) and the last speakers. A linear score over
:data:`FEATURES` (``credscore.ingest._linkfeatures``: what each candidate is and how it
compares with the statement's other candidates, one weight block per statement class) is
fitted as a conditional logit (softmax over each statement's candidates) and the
best-scoring candidate is the speaker.

Weights are trained on PolNeAR by ``experiments/train_attribution_model.py`` and ship as
``data/speaker_linker.json`` (feature names, weights, training fingerprint) with the SHA-256
of its weights; loading checks the hash and the feature list.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from credscore.exceptions import ArtifactError
from credscore.ingest._linkfeatures import (
    CANDIDATE_FEATURES,
    FEATURES,
    STATEMENT_CLASSES,
    Candidate,
    Context,
    candidate_features,
    featurize,
    statement_class,
)
from credscore.ingest._quotes import Raw
from credscore.ingest._speakers import Mention
from credscore.ingest._speakers_registry import (
    Source,
    SpeakerRegistry,
    can_be_he_or_she,
    given_name_gender,
)
from credscore.ingest._text import Sentence

__all__ = [
    "CANDIDATE_FEATURES",
    "FEATURES",
    "STATEMENT_CLASSES",
    "Candidate",
    "SpeakerLinker",
    "candidate_features",
    "candidates",
    "default_linker",
    "featurize",
    "load_linker",
    "statement_class",
    "weights_sha256",
]

FORMAT_VERSION = 2
_FILE = "data/speaker_linker.json"
#: How far back (characters) a he/she statement looks for people it may refer to.
PRONOUN_REACH = 1500


def _add(out: dict[str, Candidate], src: Source | None, origin: str, span=None) -> None:
    if src is None:
        return
    c = out.setdefault(src.source_id, Candidate(src))
    c.origins.add(origin)
    if span is not None and span[1] > span[0] and span not in c.spans:
        c.spans.append(span)


def _default_kind(m: Mention | None) -> str:
    if m is None:
        return "anonymous"
    if m.kind == "pronoun":
        return "pronoun"
    if m.kind in ("outlet", "organization"):
        return "organization"
    return "person" if m.kind == "person" else "anonymous"


def candidates(
    text: str,
    sents: Sequence[Sentence],
    reg: SpeakerRegistry,
    raw: Raw,
    default: Source,
    starts: list[int] | None = None,
) -> tuple[list[Candidate], Context]:
    """The candidate speakers of ``raw`` (the extractor's reading first) and its context.
    ``starts``: the sentences' start offsets, when the caller has them for the article
    (computed from ``sents`` otherwise)."""
    sp = raw.attribution.speaker
    out: dict[str, Candidate] = {}
    _add(out, default, "default", (sp.start, sp.end) if sp is not None else None)
    for origin, m in raw.extra.get("alts", ()):
        if m is None:
            continue
        _add(out, reg.resolve(m), origin, (m.start, m.end))
    cue_spans = raw.extra.get("cue_spans") or []
    cue = cue_spans[0][0] if cue_spans else raw.start
    k = raw.sentence if raw.sentence >= 0 else 0
    lo = sents[max(0, k - 2)].start if sents else 0
    hi = sents[k].end if sents and k < len(sents) else raw.end
    hi = max(hi, raw.end)
    pronoun = sp.name.lower() if sp is not None and sp.kind == "pronoun" else ""
    reach = min(lo, cue - PRONOUN_REACH) if _pronoun_gender(raw) else lo
    i = bisect.bisect_left(reg._mention_pos, max(0, reach))
    j = bisect.bisect_right(reg._mention_pos, hi)
    ranked: list[str] = []
    for m in reversed(reg._mention_src[i:j]):
        if m.kind != "person":
            continue
        src = reg._person(m)
        if m.start >= lo:
            _add(out, src, "window", (m.start, m.end))
        elif src.source_id in out:
            out[src.source_id].spans.append((m.start, m.end))
        else:
            _add(out, src, "window", (m.start, m.end))
        if m.start < cue and src.source_id not in ranked:
            ranked.append(src.source_id)
    i = bisect.bisect_left(reg._org_pos, lo)
    j = bisect.bisect_right(reg._org_pos, hi)
    for m in reg._org_src[i:j]:
        _add(out, reg.resolve(m), "window", (m.start, m.end))
    n = bisect.bisect_left(reg._speaker_pos, raw.start)
    prev: list[Source] = []
    for s in reversed(reg._speaker_src[max(0, n - 6) : n]):
        if all(s.source_id != p.source_id for p in prev):
            prev.append(s)
    for r, s in enumerate(prev[:3]):
        _add(out, s, "prev1" if r == 0 else "prev2")
        out[s.source_id].prev_rank = r + 1
    for r, sid in enumerate(ranked, start=1):
        if sid in out:
            out[sid].pron_rank = r
    ctx = Context(
        raw.start,
        raw.end,
        cue,
        list(raw.spans),
        raw.extra.get("kind", "indirect"),
        _default_kind(sp),
        pronoun,
        [s.start for s in sents] if starts is None else starts,
        k,
        cue_spans[-1][1] if cue_spans else cue,
        text,
    )
    return list(out.values()), ctx


#: Only spaces between a speaker mention and its cue ("the State Department said").
_GAP = re.compile(r"\s{1,3}")
#: Mentions that the adjacency rule leaves to the linker: pronouns (resolved, not read) and
#: adverbs that a reading may take for a subject ("falsely suggesting").
_NOT_SUBJECTS = frozenset(("he", "she", "i", "we", "they", "it", "you"))


def _adjacent_subject(text: str, sp: Mention | None, cue: int, cue_end: int) -> bool:
    """Whether the extractor's own speaker mention touches the cue ("the source recalled",
    "said Lee Epstein"): the grammatical subject of the cue, which no mention further away
    outranks."""
    if sp is None or sp.kind == "pronoun" or sp.end <= sp.start:
        return False
    word = text[sp.start : sp.end].lower()
    if word in _NOT_SUBJECTS or word.endswith("ly"):
        return False
    return bool(_GAP.fullmatch(text, sp.end, cue) or _GAP.fullmatch(text, cue_end, sp.start))


#: What lies between a person's name and the cue when the name is the subject and the
#: rest its apposition: "Brian Deese, the White House climate change adviser, said", "Holger
#: Schmieding of Berenberg, Germany's largest private bank, warned", "Dean Johnson, a
#: salesman from Sumter, South Carolina, says".
_APPOSITION_TO_CUE = re.compile(
    r"(?:\s+(?:of|at|from)\s+[^,.;:\"“”()]{1,50})?(?:,\s+[^,.;:\"“”()]{2,150}){1,3},\s*"
)


#: A lower-case word just before a name makes it an object ("quoted Wassim Bouhlel, a Nice
#: native, as saying"), unless it is a conjunction.
_OBJECT_BEFORE = re.compile(
    r"\b(?!(?:and|but|while|as|when|because|then|meanwhile)\b)[a-z][\w’'-]*\s+$"
)


def _apposed_person(
    text: str, cands: Sequence[Candidate], cue: int
) -> tuple[Source, tuple[int, int]] | None:
    """The person candidate whose name opens the apposition that runs up to the cue, when
    the extractor's reading is a place or an organisation inside that apposition."""
    for c in cands:
        if c.source.source_type != "person":
            continue
        for a, b in c.spans:
            if (
                b < cue
                and _APPOSITION_TO_CUE.fullmatch(text, b, cue)
                and not _OBJECT_BEFORE.search(text, max(0, a - 30), a)
            ):
                return c.source, (a, b)
    return None


def _pronoun_gender(raw: Raw) -> str:
    """``m``/``f`` when the statement's own speaker is a he/him/his/she/her pronoun."""
    sp = raw.attribution.speaker
    if sp is None or sp.kind != "pronoun" or sp.gender not in ("m", "f"):
        return ""
    return sp.gender


def _gender_of(src: Source) -> str:
    """A person's known gender (from the given name, else as recorded: a title or an earlier
    pronoun); "" when unknown or not a person. The given name comes first: a recorded gender
    may come from a pronoun that was resolved to the wrong Clinton."""
    if src.source_type != "person":
        return ""
    return given_name_gender(src.name) or src.gender


def weights_sha256(coef: Sequence[float], intercept: float) -> str:
    """SHA-256 of the weights as written in the data file."""
    body = json.dumps({"coef": [float(c) for c in coef], "intercept": float(intercept)})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class SpeakerLinker:
    """A linear scorer of candidates (``coef`` over :data:`FEATURES`, plus ``intercept``)."""

    coef: np.ndarray
    intercept: float
    meta: dict = field(default_factory=dict)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Score of every candidate row of ``x``."""
        return x @ self.coef + self.intercept

    def choose(
        self,
        text: str,
        sents: Sequence[Sentence],
        reg: SpeakerRegistry,
        raw: Raw,
        default: Source,
        starts: list[int] | None = None,
    ) -> tuple[Source, tuple[int, int] | None]:
        """The chosen speaker of ``raw`` and the span of its mention nearest the cue
        (``starts`` as in :func:`candidates`)."""
        cands, ctx = candidates(text, sents, reg, raw, default, starts)
        if len(cands) == 1:
            return default, None
        if default.source_type != "person" and not text.startswith(
            ("according", "According"), ctx.cue
        ):
            # "Brian Deese, the White House climate change adviser, said": Deese, not the
            # White House that the reading took from the apposition
            holder = _apposed_person(text, cands, ctx.cue)
            if holder is not None:
                return holder
        if _adjacent_subject(text, raw.attribution.speaker, ctx.cue, ctx.cue_end):
            return default, None
        scores = self.scores(featurize(cands, ctx))
        want = _pronoun_gender(raw)
        if want:
            # "she said" is never a man known as one, nor an organisation or a group,
            # whatever the other features say
            clash = np.array(
                [
                    not can_be_he_or_she(c.source) or _gender_of(c.source) not in ("", want)
                    for c in cands
                ]
            )
            if not clash.all():
                scores = np.where(clash, -np.inf, scores)
        best = cands[int(np.argmax(scores))]
        if best.source is default:
            return default, None
        near = min(best.spans, key=lambda s: abs(s[0] - ctx.cue)) if best.spans else None
        return best.source, near

    def to_json(self, extra_meta: dict | None = None) -> bytes:
        """The data file: metadata, features, weights and their SHA-256."""
        meta = dict(self.meta)
        meta.update(extra_meta or {})
        meta["format_version"] = FORMAT_VERSION
        meta["features"] = list(FEATURES)
        meta["coef"] = [float(c) for c in self.coef]
        meta["intercept"] = float(self.intercept)
        meta["weights_sha256"] = weights_sha256(meta["coef"], meta["intercept"])
        return (json.dumps(meta, indent=1, sort_keys=True) + "\n").encode("utf-8")


def load_linker(meta: dict, where: str = _FILE) -> SpeakerLinker:
    """A linker from its parsed data file; refuses a file whose hash or features differ."""
    if meta.get("format_version") != FORMAT_VERSION or meta.get("features") != list(FEATURES):
        raise ArtifactError(
            f"{where}: format version {meta.get('format_version')!r} or feature list differs "
            f"from this credscore's (version {FORMAT_VERSION}); reinstall credscore or retrain "
            "with experiments/train_attribution_model.py"
        )
    coef, intercept = meta.get("coef", []), meta.get("intercept", 0.0)
    if weights_sha256(coef, intercept) != meta.get("weights_sha256"):
        raise ArtifactError(
            f"{where}: SHA-256 of the weights differs from the one recorded in the file; it "
            "was changed or damaged. Reinstall credscore or retrain with "
            "experiments/train_attribution_model.py"
        )
    return SpeakerLinker(np.asarray(coef, dtype=np.float64), float(intercept), meta)


@cache
def default_linker() -> SpeakerLinker | None:
    """The bundled linker, or None when the package ships none."""
    try:
        body = resources.files("credscore.ingest").joinpath(_FILE).read_bytes()
    except FileNotFoundError:
        return None
    return load_linker(json.loads(body), _FILE)
