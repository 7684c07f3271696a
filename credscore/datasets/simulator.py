"""A simulator of sources, statements and events whose labels come from a *known* probability.

Generative model (all draws from one ``numpy.random.Generator`` seeded by ``random_state``):

* **Sources.** Each source gets a title from :data:`TITLES` (rank family and an authority
  ``a`` in [0, 1]) and a latent reliability ``z_s ~ Normal(0, 1)``. Its effect on the log-odds
  is ``theta_s = RANK_EFFECT * (a - 0.6) + reliability_sd * z_s``.
* **Statements.** Each statement picks a source (sources differ in how much they say: weights
  ~ Gamma(2)), a time uniform over 2021-2024 (UTC), and independent qualifier flags with the
  rates of :data:`QUALIFIER_RATES` (an approximator only ever qualifies a number). Its text is
  built from templates that carry exactly the cues of its flags (hedges "probably", hearsay
  "according to reports", scope limiters "only in ...", absolutes "all", approximators
  "about 300", specific numbers "312").
* **Truth.** ``true_p = expit(INTERCEPT + theta_s + Σ_q QUALIFIER_EFFECT[q] · flag_q)`` and
  ``label ~ Bernoulli(true_p)``; the verdict arrives ``label_at = made_at + 1 + Exp(30)`` days.
* **Events.** A statement that did not hold up is later retracted (15%), corrected (10%) or
  scope-narrowed (10%); one that held up is confirmed (30%) or clarified (5%); each event
  happens ``1 + Exp(45)`` days after the statement. Unreliable sources therefore accumulate
  retractions, and a source's point-in-time record reveals ``z_s`` as it grows.

What ``true_p`` is: the probability given the title's authority, the qualifier flags **and**
the latent ``z_s``. With ``reliability_sd=0`` it depends only on what the statement and the
title show, so a well-specified model on those features can reach it (a logistic regression on
the true features gets within ~0.005 mean absolute difference on 50k statements). With
``reliability_sd > 0`` the source effect must be learnt from the source's history; early
statements of a source have little history, so even an ideal point-in-time model keeps an
error of order ``reliability_sd / sqrt(statements per source)`` there. For that case
``return_latent=True`` also gives ``observable_p``: the Bayes posterior predictive probability
given the title, the qualifiers and every verdict of the same source known before the statement
(at its verdict or its first event, whichever came first), with the true coefficients. It is the
best any point-in-time model can do (up to the weak information in an event's *absence*), so
"fitted p close to observable_p" is the achievable target.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from credscore._tables import Tables
from credscore.datasets._drift import Drift
from credscore.datasets._posterior import observable_p

__all__ = [
    "INTERCEPT",
    "QUALIFIER_EFFECT",
    "QUALIFIER_RATES",
    "RANK_EFFECT",
    "TITLES",
    "Drift",
    "simulate",
]

#: (title, rank family, organization, source_type, authority in [0, 1]). The authority equals
#: the ``rank_level`` that credscore's rank table (version 2025.1) gives the title, so a model
#: using that feature can represent the rank effect exactly; the simulator never reads the
#: table, so its truth stays fixed if the table changes.
TITLES: tuple[tuple[str, str, str, str, float], ...] = (
    ("Lieutenant General", "military", "Armed Forces General Staff", "person", 0.85),
    ("Major General", "military", "Armed Forces", "person", 0.80),
    ("Colonel", "military", "Armed Forces", "person", 0.70),
    ("Captain", "military", "Armed Forces", "person", 0.55),
    ("Sergeant", "military", "Armed Forces", "person", 0.32),
    ("Defence Minister", "government", "Ministry of Defence", "person", 0.90),
    ("Deputy Minister", "government", "Ministry of Foreign Affairs", "person", 0.765),
    ("Presidential Adviser", "government", "Office of the President", "person", 0.45),
    ("Government Spokesperson", "government", "Government Press Office", "person", 0.62),
    ("U.S. Senator", "government", "United States Senate", "person", 0.85),
    ("Member of Parliament", "government", "Parliament", "person", 0.80),
    ("Chief Correspondent", "media", "The Daily Ledger", "person", 0.50),
    ("columnist", "media", "The Evening Courier", "person", 0.40),
    ("blogger", "media", "", "person", 0.25),
    ("anonymous source", "anonymous", "", "anonymous", 0.15),
)
#: Source effect on the log-odds per unit of authority, centred at authority 0.6.
RANK_EFFECT: float = 1.6
#: Baseline log-odds.
INTERCEPT: float = 0.3
#: Effect of each qualifier flag on the log-odds that the statement holds up.
QUALIFIER_EFFECT: dict[str, float] = {
    "hedge": -0.2,
    "approximator": 0.2,
    "scope_limiter": 0.4,
    "hearsay": -0.6,
    "absolute": -0.5,
    "number": 0.1,
}
#: Share of statements carrying each flag (approximator: share *of numbered* statements).
QUALIFIER_RATES: dict[str, float] = {
    "hedge": 0.25,
    "approximator": 0.45,
    "scope_limiter": 0.15,
    "hearsay": 0.2,
    "absolute": 0.15,
    "number": 0.45,
}

_FIRST = np.array(
    [
        "Anna",
        "Boris",
        "Carla",
        "Dmitri",
        "Elena",
        "Farid",
        "Greta",
        "Hugo",
        "Irina",
        "James",
        "Katya",
        "Leon",
        "Maria",
        "Nikolai",
        "Olga",
        "Pavel",
    ]
)
_LAST = np.array(
    [
        "Ivanenko",
        "Smith",
        "Kowalski",
        "Petrov",
        "Garcia",
        "Novak",
        "Meyer",
        "Haddad",
        "Larsen",
        "Rossi",
        "Tanaka",
        "Dubois",
        "Okafor",
        "Silva",
    ]
)
_SUBJECTS = np.array(
    [
        "Enemy forces",
        "Our units",
        "The convoy",
        "Local authorities",
        "The brigade",
        "Government troops",
        "The militia",
        "Border guards",
    ]
)
_HEDGED_VERBS = np.array(
    [
        "have probably withdrawn from",
        "have likely left",
        "may have abandoned",
        "have possibly pulled out of",
    ]
)
_VERBS = np.array(["have withdrawn from", "have left", "have abandoned", "have pulled out of"])
_NOUNS = np.array(["positions", "villages", "checkpoints", "supply depots"])
_HEARSAY = np.array(["According to reports, ", "Reportedly, ", "According to local media, "])
_SCOPES = np.array(
    [
        " only in the areas where our units are active",
        " only in the eastern sector",
        " in some areas",
    ]
)
_APPROX = np.array(["about", "roughly", "approximately", "nearly"])
_TOPICS = np.array(["military", "politics", "security", "economy"])
_CONTEXTS = np.array(
    [
        "a press conference",
        "a TV interview",
        "a statement",
        "a social media post",
        "a parliamentary hearing",
    ]
)
_START = pd.Timestamp("2021-01-01", tz="UTC")
_SPAN_DAYS = 4 * 365


def _pick(rng: np.random.Generator, words: np.ndarray, n: int) -> np.ndarray:
    return words.astype(object)[rng.integers(0, words.shape[0], n)]


def _texts(rng: np.random.Generator, flags: dict[str, np.ndarray]) -> np.ndarray:
    n = flags["hedge"].shape[0]
    blank = np.full(n, "", dtype=object)
    prefix = np.where(flags["hearsay"], _pick(rng, _HEARSAY, n), blank)
    subject = _pick(rng, _SUBJECTS, n)
    subject = np.where(flags["hearsay"], np.char.lower(subject.astype(str)).astype(object), subject)
    verb = np.where(flags["hedge"], _pick(rng, _HEDGED_VERBS, n), _pick(rng, _VERBS, n))
    count = rng.integers(12, 900, n)
    rounded = np.maximum(50, np.round(count / 50).astype(int) * 50)
    number = np.where(
        flags["approximator"],
        _pick(rng, _APPROX, n) + " " + rounded.astype(str).astype(object) + " ",
        count.astype(str).astype(object) + " ",
    )
    number = np.where(flags["number"], number, blank)
    quant = np.where(flags["absolute"], "all ", "")
    obj = np.where(flags["number"], number + _pick(rng, _NOUNS, n), quant + _pick(rng, _NOUNS, n))
    obj = np.where(flags["number"] & flags["absolute"], "all " + obj, obj)
    scope = np.where(flags["scope_limiter"], _pick(rng, _SCOPES, n), blank)
    return prefix + subject + " " + verb + " " + obj + scope + "."


def simulate(
    n_statements: int = 50_000,
    n_sources: int | None = None,
    *,
    reliability_sd: float = 0.5,
    random_state: int | None = 0,
    return_latent: bool = False,
    drift: Drift | None = None,
) -> tuple[Tables, pd.Series] | tuple[Tables, pd.Series, dict[str, pd.DataFrame]]:
    """Simulate a labelled corpus whose labels are drawn from a known probability.

    Parameters
    ----------
    n_statements : int, default=50_000
    n_sources : int, optional
        Defaults to ``max(1, n_statements // 100)`` (about 100 statements per source).
    reliability_sd : float, default=0.5
        Spread of the latent source reliability on the log-odds scale; 0 makes ``true_p`` a
        function of the observable title authority and qualifiers only (see the module docstring).
    random_state : int or None, default=0
        Seed; the output is identical for identical arguments.
    return_latent : bool, default=False
        Also return the generating quantities, kept out of the tables: a dict with
        ``"sources"`` (indexed by ``source_id``: ``family``, ``authority``, ``reliability``
        ``z_s``, ``effect`` ``theta_s``) and ``"statements"`` (indexed like the statements: one
        boolean column per qualifier flag, the true ``logit`` and ``observable_p``, the Bayes
        posterior predictive probability given everything observable before the statement;
        see the module docstring).
    drift : Drift, optional
        Move the base rate and the observable effects from a date on
        (:class:`~credscore.datasets._drift.Drift`); without it nothing changes, draw for draw.

    Returns
    -------
    tables : Tables
        ``sources``, ``statements`` (sorted by ``made_at``, with ``label`` and ``label_at``) and
        ``events``; timestamps are tz-aware UTC.
    true_p : Series
        ``P(label = 1)`` of each statement, indexed like ``tables.statements``.
    latent : dict of DataFrame
        Only with ``return_latent=True``.

    Examples
    --------
    >>> tables, true_p = simulate(2_000, random_state=1)
    >>> len(tables.statements), len(tables.sources), true_p.between(0, 1).all()
    (2000, 20, np.True_)
    """
    if n_statements < 1:
        raise ValueError(f"n_statements must be at least 1, got {n_statements}.")
    n_src = max(1, n_statements // 100) if n_sources is None else int(n_sources)
    if n_src < 1:
        raise ValueError(f"n_sources must be at least 1, got {n_sources}.")
    rng = np.random.default_rng(random_state)
    n = int(n_statements)

    sources, latent_src = _sources(rng, n_src, reliability_sd)
    source_ids = sources["source_id"].to_numpy(dtype=object)
    effect, reliability = latent_src["effect"].to_numpy(), latent_src["reliability"].to_numpy()

    # statements, in time order
    activity = rng.gamma(2.0, size=n_src)
    src = rng.choice(n_src, size=n, p=activity / activity.sum())
    if n >= n_src:  # every source speaks at least once
        src[rng.choice(n, n_src, replace=False)] = np.arange(n_src)
    offsets = np.sort(rng.random(n)) * _SPAN_DAYS
    made_at = _START + pd.to_timedelta(offsets, unit="D")
    flags = {q: rng.random(n) < r for q, r in QUALIFIER_RATES.items()}
    flags["approximator"] &= flags["number"]
    logit = INTERCEPT + effect[src]
    for q, b in QUALIFIER_EFFECT.items():
        logit = logit + b * flags[q]
    if drift is not None:  # no random draw: without drift every later draw is unchanged
        logit = drift.shift(logit, INTERCEPT + reliability_sd * reliability[src], made_at)
    true_p = 1.0 / (1.0 + np.exp(-logit))
    label = (rng.random(n) < true_p).astype(np.int64)
    label_at = made_at + pd.to_timedelta(1.0 + rng.exponential(30.0, n), unit="D")
    statement_ids = np.array([f"st{i:07d}" for i in range(n)], dtype=object)
    statements = pd.DataFrame(
        {
            "statement_id": statement_ids,
            "source_id": source_ids[src],
            "text": _texts(rng, flags),
            "made_at": made_at,
            "topic": _pick(rng, _TOPICS, n),
            "context": _pick(rng, _CONTEXTS, n),
            "label": label,
            "label_at": label_at,
        }
    )

    events, has, delay = _events(rng, label, statement_ids, made_at)

    tables = Tables(statements=statements, sources=sources, events=events)
    p = pd.Series(true_p, index=statements.index, name="true_p")
    if not return_latent:
        return tables, p
    latent_sources = latent_src.set_index(pd.Index(source_ids, name="source_id"))
    latent_statements = pd.DataFrame(flags, index=statements.index)
    latent_statements["logit"] = logit
    known_at = label_at.asi8.copy()
    np.minimum.at(known_at, has, (made_at[has] + delay).asi8)
    base = logit - reliability_sd * reliability[src]
    latent_statements["observable_p"] = observable_p(
        src, base, reliability_sd, label, made_at.asi8, known_at
    )
    return tables, p, {"sources": latent_sources, "statements": latent_statements}


def _events(
    rng: np.random.Generator, label: np.ndarray, statement_ids: np.ndarray, made_at: pd.Index
) -> tuple[pd.DataFrame, np.ndarray, pd.TimedeltaIndex]:
    """Walk-backs for statements that failed, confirmations for those that held.

    Returns the events table, the positions of the statements that got one, and the delays.
    """
    kinds = np.array(
        ["retraction", "correction", "scope_narrowing", "confirmation", "clarification"],
        dtype=object,
    )
    u = rng.random(len(label))
    held = label == 1
    code = np.select(
        [
            ~held & (u < 0.15),
            ~held & (u < 0.25),
            ~held & (u < 0.35),
            held & (u < 0.30),
            held & (u < 0.35),
        ],
        [0, 1, 2, 3, 4],
        default=-1,
    )
    has = np.flatnonzero(code >= 0)
    delay = pd.to_timedelta(1.0 + rng.exponential(45.0, has.shape[0]), unit="D")
    events = pd.DataFrame(
        {
            "statement_id": statement_ids[has],
            "kind": kinds[code[has]],
            "at": made_at[has] + delay,
        }
    )
    events = events.sort_values("at", kind="stable").reset_index(drop=True)
    events.insert(0, "event_id", [f"ev{i:07d}" for i in range(len(events))])
    events["event_id"] = events["event_id"].astype(object)
    return events, has, delay


def _sources(
    rng: np.random.Generator, n_src: int, reliability_sd: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sources table and each source's latent family, authority, reliability and effect."""
    title_idx = rng.integers(0, len(TITLES), n_src)
    column = [np.array([t[k] for t in TITLES], dtype=object)[title_idx] for k in range(4)]
    titles, families, orgs, types = column
    authority = np.array([t[4] for t in TITLES])[title_idx]
    reliability = rng.standard_normal(n_src)
    effect = RANK_EFFECT * (authority - 0.6) + reliability_sd * reliability
    names = _pick(rng, _FIRST, n_src) + " " + _pick(rng, _LAST, n_src)
    names = np.where(types == "anonymous", "", names)
    source_ids = np.array([f"src{i:05d}" for i in range(n_src)], dtype=object)
    sources = pd.DataFrame(
        {
            "source_id": source_ids,
            "name": names,
            "title": titles,
            "organization": orgs,
            "source_type": types,
        }
    )
    latent = pd.DataFrame(
        {"family": families, "authority": authority, "reliability": reliability, "effect": effect}
    )
    return sources, latent
