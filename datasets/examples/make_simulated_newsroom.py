"""Writes datasets/examples/simulated_newsroom: a labelled toy corpus from credscore's simulator.

Run from the repository root: ``python datasets/examples/make_simulated_newsroom.py``.
The output is deterministic (fixed seed); the committed files are its output.
"""

from __future__ import annotations

from pathlib import Path

from credscore import Tables, write_tables
from credscore.datasets.simulator import simulate

OUT = Path(__file__).resolve().parent / "simulated_newsroom"


def main() -> None:
    tables, true_p = simulate(n_statements=1200, n_sources=60, random_state=2026)
    statements = tables.statements.assign(true_p=true_p.round(4).to_numpy())
    write_tables(Tables(statements=statements, sources=tables.sources, events=tables.events), OUT)
    print(
        f"wrote {len(statements)} statements, {len(tables.sources)} sources, "
        f"{len(tables.events)} events to {OUT}"
    )


if __name__ == "__main__":
    main()
