"""Records the bundled default model's outputs, which ``test_golden.py`` compares at 1e-12.

The stored values guard refactors and speed work: the same model must give the same
probabilities, intervals and reasons. Re-run this script only when the default model or a
data file changes on purpose, and say so in the commit::

    python tests/golden/make_golden.py

On LIAR valid (research-only corpus) only ids and numbers are stored, never text; reasons are
stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLES = ("kursk_withdrawal_reports", "simulated_newsroom")
OUT = HERE / "default_scores.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def liar_valid_tables():
    """LIAR valid with labels hidden and LIAR train as history (None when absent)."""
    from credscore import Tables
    from credscore.datasets import corpus_available, load_liar

    if not corpus_available("liar"):
        return None
    liar = load_liar(seed=0)
    st = liar.statements
    tr = st[st["split"] == "train"]
    va = st[st["split"] == "valid"].assign(label=float("nan"), label_at=None)

    def sub(part):
        ids = set(part["source_id"])
        return Tables(
            statements=part.reset_index(drop=True),
            sources=liar.sources[liar.sources["source_id"].isin(ids)].reset_index(drop=True),
        )

    return sub(va), sub(tr)


def record() -> dict:
    import credscore

    model = credscore.load_model()
    out: dict = {}
    for name in EXAMPLES:
        tables = credscore.read_tables(REPO / "datasets" / "examples" / name)
        s = model.score(tables)
        out[name] = {
            "statement_id": s["statement_id"].tolist(),
            "p_reliable": s["p_reliable"].tolist(),
            "p_low": s["p_low"].tolist(),
            "p_high": s["p_high"].tolist(),
            "reasons": s["reasons"].tolist(),
        }
    liar = liar_valid_tables()
    if liar is not None:
        valid, train = liar
        s = model.score(valid, history=train)
        out["liar_valid"] = {
            "statement_id": s["statement_id"].tolist(),
            "p_reliable": s["p_reliable"].tolist(),
            "p_low": s["p_low"].tolist(),
            "p_high": s["p_high"].tolist(),
            "reasons_sha256": [_digest(r) for r in s["reasons"]],
        }
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    data = record()
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v['p_reliable'])}" for k, v in data.items())
    print(f"wrote {OUT} ({counts})")
