"""Build ``eval.jsonl`` from the inline markup in ``eval_source.txt``.

Run from the repository root::

    python datasets/qualifiers/build_eval.py

Each source line is one sentence; ``[cue|T]`` marks a gold span of category ``T``
(H hedge, A approximator, S scope_limiter, R hearsay, X absolute, N number, W weasel,
P peacock, D refutation).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TAGS = {
    "H": "hedge",
    "A": "approximator",
    "S": "scope_limiter",
    "R": "hearsay",
    "X": "absolute",
    "N": "number",
    "W": "weasel",
    "P": "peacock",
    "D": "refutation",
}
SPAN = re.compile(r"\[([^\[\]|]+)\|([A-Z])\]")


def parse_line(line: str) -> dict:
    """Turn one markup line into ``{"text", "spans"}`` with character offsets."""
    text, spans, pos = [], [], 0
    length = 0
    for m in SPAN.finditer(line):
        before = line[pos : m.start()]
        if "[" in before or "]" in before:
            raise ValueError(f"stray bracket in {line!r}")
        text.append(before)
        length += len(before)
        cue, tag = m.group(1), m.group(2)
        if tag not in TAGS:
            raise ValueError(f"unknown tag {tag!r} in {line!r}")
        spans.append({"category": TAGS[tag], "start": length, "end": length + len(cue), "cue": cue})
        text.append(cue)
        length += len(cue)
        pos = m.end()
    rest = line[pos:]
    if "[" in rest or "]" in rest:
        raise ValueError(f"stray bracket in {line!r}")
    text.append(rest)
    return {"text": "".join(text), "spans": spans}


def main() -> int:
    src = HERE / "eval_source.txt"
    rows = []
    for n, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        row = parse_line(line)
        rows.append({"id": f"q{len(rows) + 1:04d}", "line": n, **row})
    out = HERE / "eval.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} sentences to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
