"""Throughput of the qualifier family on real statements, and worst-case timing.

Run from the repository root (pin it to one core for a clean figure)::

    taskset -c 0 python experiments/bench_qualifiers.py [--repeat 11]

1. The whole qualifier family as the extractor runs it -- :func:`scan_qualifiers` (lexicon
   scan, learned model, counts), and with ``spans=True`` (the spans table the explanations
   quote) -- on the **distinct** LIAR train+valid statements (read at run time; no statement is
   printed or written), against ``pandas.Series.str.count`` of one 16-cue regex on the same
   texts in the same run. Best CPU time of ``--repeat`` runs each; statements per CPU-second.
2. The same with the lexicon alone (no learned model), and the per-sentence span API.
3. Every call on adversarial 1 MB strings (runs of cue prefixes, spaces, punctuation, digits,
   repeated cues, the refutation lookahead): each must stay under 2 s (issue 20).

The output is recorded in ``experiments/results/bench_qualifiers.txt``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
import warnings
from collections.abc import Callable

import pandas as pd

from credscore.datasets import load_liar
from credscore.features.qualifiers import find_qualifiers, load_lexicon, scan_qualifiers

#: The plain alternative: one regex of 16 common cues, counted per statement.
CUES_16 = re.compile(
    r"\b(?:probably|possibly|perhaps|maybe|likely|may|might|could|apparently|seems?|suggests?"
    r"|allegedly|reportedly|according to|almost|about)\b",
    re.IGNORECASE,
)
LIMIT_S = 2.0


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
        "refutation lookahead": "the reports ",
        "repeated hearsay": "according to reports, ",
        "denial then determiners": "denied the the the ",
    }
    unit = units[kind]
    return (unit * (size // len(unit) + 1))[:size]


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU seconds over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    texts = pd.Series(
        list(dict.fromkeys(load_liar().statements["text"].fillna("").astype(str))), dtype=object
    )
    n = len(texts)
    lex, lex_only = load_lexicon(), load_lexicon(learned=False)
    print(f"python {platform.python_version()} on {platform.machine()}, ", end="")
    print(f"cpus visible {len(os.sched_getaffinity(0))}, load average {os.getloadavg()}")
    words = texts.str.split().str.len().mean()
    print(f"{n:,} distinct LIAR statements, {words:.1f} words on average (best of {args.repeat})")
    runs = {
        "str.count, one 16-cue regex (baseline)": lambda: texts.str.count(CUES_16),
        "qualifier family: scan_qualifiers": lambda: scan_qualifiers(texts, lex),
        "  same, spans=True (spans table too)": lambda: scan_qualifiers(texts, lex, spans=True),
        "  lexicon alone (no learned model)": lambda: scan_qualifiers(texts, lex_only),
    }
    base = None
    for name, fn in runs.items():
        cpu = best_of(fn, args.repeat)
        base = base or cpu
        print(f"{name:42s} {n / cpu:10,.0f} stmts/CPU-s  {base / cpu:5.2f}x str.count")
    sub = texts.iloc[:2000].tolist()
    cpu = best_of(lambda: [find_qualifiers(s, lex) for s in sub], args.repeat)
    print(f"{'find_qualifiers, one call per statement':42s} {len(sub) / cpu:10,.0f} stmts/CPU-s")
    print(f"adversarial 1 MB strings (CPU seconds per call; limit {LIMIT_S} s):")
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
        "refutation lookahead",
        "repeated hearsay",
        "denial then determiners",
    ):
        text = adversarial(kind)
        c1 = best_of(lambda t=text: find_qualifiers(t, lex), 1)
        c2 = best_of(lambda t=text: scan_qualifiers([t], lex, spans=True), 1)
        worst = max(worst, c1, c2)
        print(f"  {kind:24s} find_qualifiers {c1:6.3f}  scan_qualifiers(spans) {c2:6.3f}")
    print(
        f"worst adversarial call: {worst:.3f} s ({'under' if worst < LIMIT_S else 'OVER'} "
        f"{LIMIT_S} s)"
    )
    return 0 if worst < LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
