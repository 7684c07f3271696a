"""Benchmark of ``credscore.validate_tables``: the one validation pass against the code on main.

Builds statements, sources and events of 10k / 100k / 1M statements from realistic values:
LIAR statements' texts, speakers and job titles when the corpus is present (each row's text
joins two different LIAR statements and each source is a LIAR speaker in one of several
"newsrooms", so that every row is distinct and the number of sources grows with the table),
seeded random dates over ten years at second resolution, 60% labelled, events on 30% of the
statements. Each size is validated twice: timestamps as ISO strings (as read from CSV) and as
``datetime64[ns, UTC]`` columns (as read from Parquet). Times are the best wall time of
``--repeat`` runs with the CPU time of that run; the gain is the ratio of CPU times (on a
shared machine a wall time waits for a core). "before" is ``credscore/schema.py`` of the
``--before`` git revision (default ``main``) loaded as a module in the same process (it
needs pandera), "after" the working tree; both results are compared value by value.

No corpus row is printed or written: only timings.

Usage::

    python experiments/bench_validate.py                  # 10k, 100k, 1M
    python experiments/bench_validate.py --sizes 10000 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from credscore import validate_tables
from credscore._io import atomic_write_text
from credscore._tables import EVENT_KINDS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "experiments" / "results" / "bench_validate.txt"


def corpus_values() -> tuple[np.ndarray, np.ndarray, dict[str, str], str]:
    """Texts, speakers and speakers' titles: LIAR's when present, else generated."""
    from credscore.datasets import corpus_available, load_liar

    if corpus_available("liar"):
        warnings.simplefilter("ignore")
        liar = load_liar()
        st = liar.statements
        titles = liar.sources.set_index("source_id")["title"].fillna("").to_dict()
        return (
            st["text"].fillna("").to_numpy(dtype=object),
            st["source_id"].to_numpy(dtype=object),
            titles,
            f"LIAR train+valid ({len(st):,} statements, {len(titles):,} speakers)",
        )
    rng = np.random.default_rng(1)
    words = np.array("the army said troops had left about all of some areas near city".split())
    texts = np.array([" ".join(rng.choice(words, 12)) for _ in range(10_000)], dtype=object)
    speakers = np.array([f"speaker-{i % 2000}" for i in range(10_000)], dtype=object)
    return texts, speakers, {s: "" for s in set(speakers)}, "generated (LIAR not found)"


def make_tables(n: int, values, seed: int = 0):
    """Statements, sources and events of ``n`` distinct statements (times as ISO strings)."""
    texts, speakers, titles, _ = values
    m = len(texts)
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    first, second = i % m, (i * 7919 + i // m + 1) % m
    second = np.where(second == first, (second + 1) % m, second)
    text = pd.Series(texts[first]) + " " + pd.Series(texts[second])
    newsroom = (i // m) % 30
    source = pd.Series(speakers[first]) + "@" + pd.Series(newsroom).astype(str)
    t0 = pd.Timestamp("2014-01-01").value // 10**9
    made = t0 + rng.choice(10 * 365 * 86_400, size=n, replace=False)
    label = np.where(rng.random(n) < 0.6, (rng.random(n) < 0.55).astype(float), np.nan)
    iso = pd.to_datetime(made, unit="s").strftime("%Y-%m-%dT%H:%M:%S")
    statements = pd.DataFrame(
        {
            "statement_id": pd.Series(i).map("st{:07d}".format).astype("str"),
            "source_id": source.astype("str"),
            "text": text.astype("str"),
            "made_at": pd.Series(iso, dtype="str"),
            "label": label,
        }
    )
    src_ids = source.drop_duplicates().reset_index(drop=True)
    sources = pd.DataFrame(
        {
            "source_id": src_ids.astype("str"),
            "title": src_ids.str.split("@").str[0].map(titles).astype("str"),
        }
    )
    k = int(0.3 * n)
    target = rng.choice(n, size=k, replace=False)
    at = made[target] + rng.integers(0, 2 * 365 * 86_400, k)
    events = pd.DataFrame(
        {
            "event_id": pd.Series(np.arange(k)).map("ev{:07d}".format).astype("str"),
            "statement_id": statements["statement_id"].iloc[target].reset_index(drop=True),
            "kind": pd.Series(np.array(EVENT_KINDS)[rng.integers(0, len(EVENT_KINDS), k)]),
            "at": pd.Series(pd.to_datetime(at, unit="s").strftime("%Y-%m-%dT%H:%M:%S")),
        }
    )
    return statements, sources, events


def as_datetimes(statements: pd.DataFrame, events: pd.DataFrame):
    return (
        statements.assign(made_at=pd.to_datetime(statements["made_at"], utc=True)),
        events.assign(at=pd.to_datetime(events["at"], utc=True)),
    )


def load_before(rev: str):
    """``credscore/schema.py`` of revision ``rev`` as a module, or None (e.g. no pandera)."""
    try:
        code = subprocess.run(
            ["git", "show", f"{rev}:credscore/schema.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        path = Path(tempfile.mkdtemp()) / "schema_before.py"
        path.write_text(code, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("schema_before", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    except (subprocess.CalledProcessError, ImportError) as exc:
        print(f"(no 'before' figures: {exc})")
        return None


def best(fn, repeat: int):
    """Best wall time of ``repeat`` runs, the CPU time of that run, and the last result."""
    wall, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        w, p = time.perf_counter() - t, time.process_time() - c
        if w < wall:
            wall, cpu = w, p
    return wall, cpu, out


_OPTIONAL_TEXT = ("name", "title", "organization", "source_type", "topic", "context")


def same_values(a, b) -> bool:
    """The normalised tables hold the same values: string dtypes may differ, and an empty
    optional text (a title "") is now a missing value (the one rule that changed here)."""
    for name in ("statements", "sources", "events"):
        x, y = getattr(a, name), getattr(b, name)
        for col in y.columns:
            u, v = x[col].astype(object).to_numpy(), y[col].astype(object).to_numpy()
            if col in _OPTIONAL_TEXT:
                v = np.array([None if q == "" else q for q in v], dtype=object)
            if not all((p == q) or (pd.isna(p) and pd.isna(q)) for p, q in zip(u, v, strict=True)):
                return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", default="main")
    args = ap.parse_args()
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    values = corpus_values()
    before = load_before(args.before)
    say(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; "
        f"load average {os.getloadavg()[0]:.1f}; values: {values[3]}"
    )
    say(
        f"{'statements':>10} {'times':>9} {'before s (CPU)':>16} {'after s (CPU)':>15} "
        f"{'CPU gain':>8} {'after rows/s':>13} same"
    )
    for n in args.sizes:
        st, src, ev = make_tables(n, values)
        for form in ("strings", "datetime"):
            s, e = (st, ev) if form == "strings" else as_datetimes(st, ev)
            w1, c1, new = best(lambda s=s, e=e, r=src: validate_tables(s, r, e), args.repeat)
            if before is not None:
                w0, c0, old = best(
                    lambda s=s, e=e, r=src: before.validate_tables(s, r, e), args.repeat
                )
                same = same_values(new, old) if n <= 100_000 else "-"
                head = f"{w0:7.3f} ({c0:6.3f})"
                ratio = f"{c0 / c1:7.1f}x"
            else:
                head, ratio, same = f"{'-':>16}", f"{'-':>8}", "-"
            say(
                f"{n:>10,} {form:>9} {head:>16} {w1:7.3f} ({c1:5.3f}) {ratio:>8} "
                f"{n / w1:>13,.0f} {same}"
            )
    say(
        f"# python {' '.join(sys.argv)}; best of {args.repeat}; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    atomic_write_text(RESULTS, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
