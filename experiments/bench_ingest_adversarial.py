"""Linear time of credscore.ingest on 1 MB adversarial strings.

Usage: ``python experiments/bench_ingest_adversarial.py [--extract]``

Times every compiled pattern of the ingest package (``finditer`` over the whole string),
the sentence splitter and the tagger's tokeniser on 1 MB strings made of runs of each
punctuation mark, quote marks, cue words and their mixes; with ``--extract`` also the whole
``extract`` on each. Figures go to ``experiments/results/bench_ingest_adversarial.txt``.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
import time
from pathlib import Path

MB = 1_000_000


def adversarial() -> dict[str, str]:
    """Name -> a string of at least 1 MB."""

    def rep(piece: str) -> str:
        return piece * (MB // len(piece) + 1)

    out = {f"run of {c!r}": rep(c) for c in ".!?…\"“”'‘’,:;-—("}
    out.update(
        {
            "''quotes''": rep("''a "),
            "dots between letters": rep("a."),
            "said that": rep("said that "),
            "according to": rep("according to "),
            "Mr. titles": rep("Mr. "),
            "capitalised words": rep("Smith Jones "),
            "later retracted": rep("later retracted his claim "),
            "own remarks": rep("his remarks only applied to "),
            "open quote and commas": '"' + rep("a, "),
            "quote-said mix": rep('"a," he said. '),
            # a chain of fronted phrases before a participle cue: the subject search skips
            # one fronted phrase, never recursively (2**n calls per sentence before)
            "fronted phrases": rep("In, " * 14 + "claiming it works. "),
            "fronted name": rep("At a rally in Ames, Iowa, Mr. Lee was blunt, claiming it works. "),
        }
    )
    return out


def _ingest_modules() -> list[str]:
    """Every module of credscore.ingest (a new one is covered without editing a list)."""
    import credscore.ingest

    return [m.name for m in pkgutil.iter_modules(credscore.ingest.__path__)]


def patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for name in _ingest_modules():
        mod = importlib.import_module(f"credscore.ingest.{name}")
        for attr, val in vars(mod).items():
            if isinstance(val, re.Pattern):
                found.append((f"{name}.{attr}", val))
    from credscore.ingest._lexicon import lexicon

    found.append(("_lexicon.verb_re", lexicon().verb_re))
    return found


def time_it(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", action="store_true")
    args = ap.parse_args(argv)
    from credscore._io import atomic_write_text
    from credscore.ingest import extract
    from credscore.ingest._tagdoc import tag_doc
    from credscore.ingest._text import segment

    lines = []
    worst = ("", "", 0.0)
    for sname, s in adversarial().items():
        times = {
            pn: time_it(lambda p=p, s=s: sum(1 for _ in p.finditer(s))) for pn, p in patterns()
        }
        times["segment"] = time_it(lambda s=s: segment(s))
        times["tag_doc"] = time_it(lambda s=s: tag_doc(s))
        if args.extract:
            times["extract"] = time_it(lambda s=s: extract(s))
        top = max((k for k in times if k != "extract"), key=times.get)
        worst = max(worst, (sname, top, times[top]), key=lambda x: x[2])
        line = f"{sname:24s} slowest {top:28s} {times[top]:6.2f} s"
        if args.extract:
            line += f"   extract {times['extract']:6.2f} s"
        print(line, flush=True)
        lines.append(line)
    lines.append(f"worst pattern/splitter/tokeniser: {worst[1]} on {worst[0]}: {worst[2]:.2f} s")
    print(lines[-1])
    out = Path(__file__).resolve().parent / "results" / "bench_ingest_adversarial.txt"
    atomic_write_text(out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
