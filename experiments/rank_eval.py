"""Rank resolver against the STANAG 2116 table in ``datasets/ranks/`` (written from public charts).

For every rank of every service in ``stanag2116_ranks.csv`` the title is read twice: bare
("Captain") and with its service prefixed ("U.S. Navy Captain"). Printed figures:

* exact NATO code accuracy, bare and with the service, overall and per country, and within
  one grade;
* the bare-name ceiling: the accuracy of a reader that knows only the bare name and always
  answers that name's most common code in the table (names such as "Captain" or "Staff
  Sergeant" mean different grades in different services);
* Spearman between ``Rank.level`` and the gold order (OR-1 < ... < OR-9 < WO-1 < ... < WO-5 <
  OF-1 < ... < OF-10);
* whether every warrant grade sits above every enlisted grade, on the scale and on the rows;
* head-of-body readings of plain ranks (there should be none);
* the other forms of ``forms.csv`` (abbreviations, pay grades, typos, rank vs head, hints).

Usage::

    python experiments/rank_eval.py [--out experiments/results/rank_eval.txt]

The table is ours (regression evidence, not a held-out test): see datasets/ranks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import math
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

from scipy.stats import spearmanr

from credscore._io import atomic_write_text
from credscore.features import rank as rank_mod
from credscore.features.rank import default_rank_table, resolve_rank

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "datasets" / "ranks"
OUT = ROOT / "experiments" / "results" / "rank_eval.txt"
_HAS_HINT = "hint" in inspect.signature(resolve_rank).parameters


def order(code: str | None) -> float:
    """Gold ordinal of a NATO code (NaN for OF-D and non-NATO codes)."""
    m = re.fullmatch(r"(OR|WO|OF)-(\d+)", code or "")
    if not m:
        return math.nan
    base = {"OR": 0, "WO": 9, "OF": 14}[m.group(1)]
    return float(base + int(m.group(2)))


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def resolve(title: str, hint: str | None = None) -> rank_mod.Rank:
    if hint and _HAS_HINT:
        return resolve_rank(title, hint=hint)  # type: ignore[call-arg]
    return resolve_rank(title)


def pct(k: int, n: int) -> str:
    return f"{k / n:.1%} ({k}/{n})" if n else "n/a"


def within_one(pred: str | None, gold: str) -> bool:
    a, b = order(pred), order(gold)
    return pred == gold or (not math.isnan(a) and not math.isnan(b) and abs(a - b) <= 1)


def table_section(rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    fails: list[str] = []
    bare = [resolve(r["rank"]) for r in rows]
    pref = [resolve(f"{r['prefix']} {r['rank']}") for r in rows]
    gold = [r["code"] for r in rows]
    n = len(rows)
    for name, preds in (("bare", bare), ("with service", pref)):
        ok = sum(p.code == g for p, g in zip(preds, gold, strict=True))
        w1 = sum(within_one(p.code, g) for p, g in zip(preds, gold, strict=True))
        mil = sum(p.family == "military" for p in preds)
        heads = sum(p.is_head for p in preds)
        lines.append(
            f"{name:>13}: exact code {pct(ok, n)}  within one grade {pct(w1, n)}  "
            f"family military {pct(mil, n)}  head-of-body readings {heads}"
        )
        keep = [i for i, g in enumerate(gold) if not math.isnan(order(g))]
        lv = [preds[i].level for i in keep]
        go = [order(gold[i]) for i in keep]
        pairs = [(a, b) for a, b in zip(lv, go, strict=True) if not math.isnan(a)]
        rho = spearmanr([a for a, _ in pairs], [b for _, b in pairs]).statistic
        lines.append(f"{'':>13}  Spearman(level, gold order) = {rho:.4f} over {len(pairs)} rows")
        wo = [preds[i].level for i in keep if gold[i].startswith("WO")]
        orr = [preds[i].level for i in keep if gold[i].startswith("OR")]
        if wo and orr:
            lines.append(
                f"{'':>13}  warrant rows: min level {min(wo):.3f}; enlisted rows: max level "
                f"{max(orr):.3f} -> every warrant above every enlisted: {min(wo) > max(orr)}"
            )
        for r, p in zip(rows, preds, strict=True):
            if p.code != r["code"]:
                t = r["rank"] if name == "bare" else f"{r['prefix']} {r['rank']}"
                fails.append(f"  [{name}] {r['country']}/{r['service']}: {t!r} -> {p.code} "
                             f"(gold {r['code']})")  # fmt: skip
    majority: dict[str, str] = {}
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        by_name[rank_mod.normalize_title(r["rank"])][r["code"]] += 1
    for name_, cnt in by_name.items():
        majority[name_] = cnt.most_common(1)[0][0]
    ceil = sum(majority[rank_mod.normalize_title(r["rank"])] == r["code"] for r in rows)
    lines.append(f"bare-name ceiling (most common code per name): {pct(ceil, n)}")
    lines.append("per country (bare / with service):")
    for c in dict.fromkeys(r["country"] for r in rows):
        idx = [i for i, r in enumerate(rows) if r["country"] == c]
        b = sum(bare[i].code == gold[i] for i in idx)
        s = sum(pref[i].code == gold[i] for i in idx)
        lines.append(f"  {c}: {pct(b, len(idx))} / {pct(s, len(idx))}")
    return lines, fails


def forms_section(rows: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    fails: list[str] = []
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        p = resolve(r["title"], r["hint"] or None)
        ok = (not r["code"] or p.code == r["code"]) and (
            r["is_head"] == "" or bool(int(r["is_head"])) == p.is_head
        )
        by_kind[r["kind"]].append(ok)
        if not ok:
            gold = f"gold {r['code'] or '-'} head={r['is_head']}"
            fails.append(
                f"  [{r['kind']}] {r['title']!r} hint={r['hint']!r} -> {p.code} "
                f"head={p.is_head} ({gold})"
            )
    for kind, oks in by_kind.items():
        lines.append(f"  {kind:>9}: {pct(sum(oks), len(oks))}")
    return lines, fails


def scale_check() -> str:
    scale = default_rank_table().scale
    wo = [v for k, v in scale.items() if k.startswith("WO-")]
    orr = [v for k, v in scale.items() if k.startswith("OR-")]
    of1 = scale.get("OF-1", math.nan)
    return (
        f"scale: WO levels {min(wo):.2f}..{max(wo):.2f}, OR levels {min(orr):.2f}.."
        f"{max(orr):.2f}, OF-1 {of1:.2f} -> OR-9 < WO-1 < WO-5 < OF-1: "
        f"{max(orr) < min(wo) and max(wo) < of1}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table = default_rank_table()
    rows = read(DATA / "stanag2116_ranks.csv")
    forms = read(DATA / "forms.csv")
    out = [
        f"rank tables {table.version} sha256 {table.sha256[:16]}; hints supported: {_HAS_HINT}",
        f"== STANAG 2116 table: {len(rows)} ranks, "
        f"{len({(r['country'], r['service']) for r in rows})} services of "
        f"{len({r['country'] for r in rows})} countries",
    ]
    lines, fails = table_section(rows)
    out += lines
    out.append(scale_check())
    out.append(f"== other forms ({len(forms)} rows)")
    flines, ffails = forms_section(forms)
    out += flines
    out.append(f"== misses ({len(fails) + len(ffails)})")
    out += fails + ffails
    out.append(f"elapsed: {time.perf_counter() - t0:.2f} s")
    text = "\n".join(out)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
