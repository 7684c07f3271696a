"""Throughput and worst-case timing of the qualifier detector.

Run from the repository root (pin it to one core for a clean figure)::

    taskset -c 0 python experiments/bench_qualifiers.py [--n 200000] [--repeat 3]

1. Generates ``--n`` news-style sentences (seeded; slots filled from word lists, random figures,
   so nearly all sentences are distinct) and times :func:`qualifier_features` on all of them,
   the hot path of the feature extractor. Reports statements per second of CPU time (the process
   is single-threaded, so this is one core) and of wall time, best of ``--repeat`` runs.
2. Times the per-sentence span API :func:`find_qualifiers` on the first 20,000 sentences.
3. Times both functions on adversarial 1 MB strings (long runs of cue prefixes, spaces,
   punctuation, digits) to show linear behaviour.

The output is recorded in ``experiments/results/bench_qualifiers.txt``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections.abc import Callable

from credscore.features.qualifiers import find_qualifiers, load_lexicon, qualifier_features

SUBJECTS = [
    "the ministry",
    "the army",
    "police",
    "the governor",
    "the company",
    "the central bank",
    "the rebels",
    "the mayor",
    "the prime minister",
    "the opposition",
    "the health agency",
    "the union",
    "the spokesman",
    "the regulator",
    "local officials",
    "the coast guard",
    "the defence ministry",
    "investigators",
    "the president's office",
    "the airline",
]
VERBS = [
    "said",
    "announced",
    "confirmed",
    "warned",
    "denied",
    "reported",
    "told reporters",
    "insisted",
    "estimated",
    "acknowledged",
    "claimed",
    "stated",
]
EVENTS = [
    "troops had withdrawn from {place}",
    "{n} people were evacuated from {place}",
    "the bridge over the river was damaged in the night",
    "prices rose {pct} in {month}",
    "the talks would resume in {city} next week",
    "the factory would close by the end of the year",
    "{n} homes were left without power",
    "the border crossing near {place} was reopened",
    "the strike had spread to {n} ports",
    "the outbreak was under control in {place}",
    "the vote would take place on {month} {day}",
    "the convoy reached {place} on {weekday}",
    "exports fell {pct} last year",
    "the fire destroyed {n} hectares of forest",
    "the suspect was arrested in {city}",
    "the dam could not hold for much longer",
]
PLACES = [
    "the northern districts",
    "the capital",
    "the eastern province",
    "the port city",
    "the border region",
    "the coastal villages",
    "the industrial zone",
    "the southern front",
]
CITIES = ["Geneva", "Vienna", "Nairobi", "Lima", "Oslo", "Hanoi", "Dakar", "Tbilisi", "Quito"]
MONTHS = ["January", "March", "May", "June", "August", "October", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HEDGES = ["probably", "possibly", "apparently", "likely", "may have", "could", "seemingly"]
APPROX = ["about", "around", "nearly", "almost", "up to", "as many as", "more than", "at least"]
LIMITERS = ["only in {place}", "in parts of {place}", "at least in {place}", "for now", "so far"]
HEARSAY = ["according to {src}", "{src} reportedly said", "citing {src}", "sources said"]
ABSOLUTES = ["all", "every", "never", "completely", "no one", "entirely", "definitely"]
SOURCES = ["local media", "a senior official", "state television", "witnesses", "the agency"]


def news_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` synthetic news-style sentences, about 40% of them with some qualifier."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        fill = {
            "place": rng.choice(PLACES),
            "city": rng.choice(CITIES),
            "month": rng.choice(MONTHS),
            "weekday": rng.choice(WEEKDAYS),
            "day": rng.randint(1, 28),
            "src": rng.choice(SOURCES),
        }
        num = rng.randint(2, 90000)
        fill["n"] = f"{num:,}" if rng.random() < 0.8 else "several"
        fill["pct"] = f"{rng.randint(1, 99) / 10:.1f} percent"
        event = rng.choice(EVENTS).format(**fill)
        r = rng.random()
        if r < 0.1:
            event = event.replace(fill["n"], f"{rng.choice(APPROX)} {fill['n']}", 1)
        elif r < 0.2:
            event = f"{rng.choice(HEDGES)} {event}" if rng.random() < 0.5 else event
        elif r < 0.3:
            event = f"{event} {rng.choice(LIMITERS).format(**fill)}"
        elif r < 0.35:
            event = f"{rng.choice(ABSOLUTES)} {event}"
        lead = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} on {fill['weekday']} that {event}"
        if rng.random() < 0.12:
            lead = f"{rng.choice(HEARSAY).format(**fill)}, {lead}"
        out.append(lead[0].upper() + lead[1:] + ".")
    return out


def adversarial(kind: str, size: int = 1_000_000) -> str:
    """A ``size``-character string designed to make a backtracking matcher work hard."""
    units = {
        "cue prefixes": "at lea according accordin as many a as man up t ",
        "prefix, hyphen runs": "at------least---- so-so-so- all-all-but- ",
        "spaces": " ",
        "punctuation": ".,;:!?()[]\"'-",
        "digits and commas": "1,000,00",
        "number words": "twenty-five hundred thousand million ",
        "one letter words": "a ",
        "no spaces": "probably",
    }
    unit = units[kind]
    return (unit * (size // len(unit) + 1))[:size]


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (CPU seconds, wall seconds) over ``repeat`` runs."""
    cpu, wall = float("inf"), float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu = min(cpu, time.process_time() - c0)
        wall = min(wall, time.perf_counter() - w0)
    return cpu, wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    lex = load_lexicon()
    sentences = news_sentences(args.n)
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    uniq = len(set(sentences)) / len(sentences)
    print(f"python {platform.python_version()} on {platform.machine()}, ", end="")
    print(
        f"cpus visible {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}"
    )
    print(f"load average at start: {os.getloadavg() if hasattr(os, 'getloadavg') else 'n/a'}")
    print(f"{len(sentences):,} sentences, {words:.1f} words on average, {uniq:.1%} distinct")
    feats = qualifier_features(sentences, lex)
    print(
        f"spans per sentence: {feats.iloc[:, :6].to_numpy().sum() / len(sentences):.2f}; "
        f"sentences with a qualifier: {feats['q_any'].mean():.1%}"
    )
    cpu, wall = best_of(lambda: qualifier_features(sentences, lex), args.repeat)
    print(
        f"qualifier_features : {len(sentences) / cpu:10,.0f} stmts/s (CPU)  "
        f"{len(sentences) / wall:10,.0f} stmts/s (wall)  best of {args.repeat}"
    )
    distinct = list(dict.fromkeys(sentences))
    cpu, wall = best_of(lambda: qualifier_features(distinct, lex), args.repeat)
    print(
        f"  same, distinct only: {len(distinct) / cpu:10,.0f} stmts/s (CPU)  "
        f"{len(distinct) / wall:10,.0f} stmts/s (wall)  ({len(distinct):,} texts, no repeats)"
    )
    sub = sentences[:20_000]
    cpu, wall = best_of(lambda: [find_qualifiers(s, lex) for s in sub], args.repeat)
    print(
        f"find_qualifiers    : {len(sub) / cpu:10,.0f} stmts/s (CPU)  "
        f"{len(sub) / wall:10,.0f} stmts/s (wall)  (span objects, one call per sentence)"
    )
    print("adversarial 1 MB strings (seconds, CPU):")
    worst = 0.0
    for kind in (
        "cue prefixes",
        "prefix, hyphen runs",
        "spaces",
        "punctuation",
        "digits and commas",
        "number words",
        "one letter words",
        "no spaces",
    ):
        text = adversarial(kind)
        c1, _ = best_of(lambda t=text: find_qualifiers(t, lex), 1)
        c2, _ = best_of(lambda t=text: qualifier_features([t], lex), 1)
        worst = max(worst, c1, c2)
        print(f"  {kind:22s} find_qualifiers {c1:6.3f}  qualifier_features {c2:6.3f}")
    print(f"worst adversarial time: {worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
