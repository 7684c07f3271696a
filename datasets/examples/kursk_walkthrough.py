"""Writes the score walk-through of ``kursk_withdrawal_reports/README.md`` from the bundled model.

Every figure between the README's ``<!-- walkthrough:start -->`` and ``<!-- walkthrough:end -->``
markers is printed here, from ``credscore.load_model()`` on the example's tables; nothing in
that block is typed by hand. ``tests/datasets/test_kursk_example.py`` fails when the block
differs from what this prints, so re-run it whenever the default model or the example changes::

    python datasets/examples/kursk_walkthrough.py          # rewrite the block
    python datasets/examples/kursk_walkthrough.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "kursk_withdrawal_reports"
README = EXAMPLE / "README.md"
START, END = "<!-- walkthrough:start -->", "<!-- walkthrough:end -->"
#: The walk-back whose effect the block measures: (event_id, later statement of the same source).
NARROWING = ("kindratenko-1-narrowed", "kindratenko-2")
#: Groups shown as columns, in order; "record" is the pooled outcome record of the source.
GROUP_TITLES = {
    "record": "record",
    "retractions": "walk-backs",
    "verdicts": "verdicts",
    "qualifiers": "wording",
    "rank": "rank",
    "context": "context",
}


def _pts(delta: float) -> str:
    v = round(100 * delta)
    return "0" if v == 0 else f"{v:+d}"


def _scores(model: Any, tables: Any) -> tuple[Any, Any]:
    scores = model.score(tables)
    effects = model.explain(tables)
    return scores, effects


def _without_event(tables: Any, event_id: str) -> Any:
    from credscore import Tables

    events = tables.events[tables.events["event_id"] != event_id]
    return Tables(statements=tables.statements, sources=tables.sources, events=events)


def walkthrough(model: Any = None) -> str:
    """The generated block (between the markers), as Markdown."""
    import credscore

    model = model or credscore.load_model()
    tables = credscore.read_tables(EXAMPLE)
    scores, effects = _scores(model, tables)
    groups = [g for g in GROUP_TITLES if g in set(effects["group"])]
    wide = effects.pivot(index="statement_id", columns="group", values="delta")
    words = effects.pivot(index="statement_id", columns="group", values="description")
    src = tables.statements.set_index("statement_id")["source_id"]
    made = tables.statements.set_index("statement_id")["made_at"]
    head = ["statement", "source", "made (UTC)", "P(holds up) [interval]"]
    head += [f"{GROUP_TITLES[g]} (pts)" for g in groups]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in scores.itertuples(index=False):
        sid = row.statement_id
        cells = [
            f"`{sid}`",
            str(src[sid]),
            f"{made[sid]:%d %b %H:%M}",
            f"**{row.p_reliable:.3f}** [{row.p_low:.3f}, {row.p_high:.3f}]",
        ]
        cells += [_pts(float(wide.loc[sid, g])) for g in groups]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "What each non-zero effect above stands for (the reasons' words):", ""]
    for row in scores.itertuples(index=False):
        sid = row.statement_id
        moved = [
            f"{GROUP_TITLES[g]} {_pts(float(wide.loc[sid, g]))}: {words.loc[sid, g]}"
            for g in groups
            if _pts(float(wide.loc[sid, g])) != "0"
        ]
        lines.append(f"- `{sid}` — " + ("; ".join(moved) if moved else "nothing moved it"))
    event_id, later = NARROWING
    p_with = float(scores.set_index("statement_id").loc[later, "p_reliable"])
    p_without = float(
        model.score(_without_event(tables, event_id), explain=False)
        .set_index("statement_id")
        .loc[later, "p_reliable"]
    )
    ev = tables.events.set_index("event_id").loc[event_id]
    lines += [
        "",
        f"The narrowing (`{event_id}`, {ev['kind']} of `{ev['statement_id']}`, dated "
        f"{ev['at']:%d %b %H:%M}) is on the colonel's record before his next statement "
        f"(`{later}`, {made[later]:%d %b %H:%M}): that statement scores {p_with:.3f} with it "
        f"and {p_without:.3f} without it ({100 * (p_with - p_without):+.1f} points).",
    ]
    return "\n".join(lines)


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the markers replaced by ``block``."""
    if START not in text or END not in text:
        raise SystemExit(f"{README} lacks the markers {START} and {END}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the README block is stale")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = replace_block(text, walkthrough())
    if args.check:
        if new != text:
            print(
                f"{README}: the walk-through is stale; run {Path(__file__).name}", file=sys.stderr
            )
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(new.split(START, 1)[1].split(END, 1)[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
