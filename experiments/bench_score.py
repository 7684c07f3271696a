"""Scoring speed of the bundled default model, with the plain scikit-learn pipeline beside it.

Inputs are distinct realistic rows built from LIAR at run time (never stored): each statement's
text joins the first half of one LIAR statement to the second half of another (distinct texts,
LIAR's vocabulary and lengths), its context and label come from the first, its source is one of
``n / 10`` sources (heavy-tailed sizes) each carrying a LIAR speaker's title, organisation and
type; times span ten years; 2% of statements get a later retraction, correction, narrowing,
clarification or confirmation. Without LIAR (``$CREDSCORE_DATASETS`` or ``../shared/datasets``)
the script stops and says so.

Measured, in the same run:

* batch throughput (statements per CPU second, best of N) at 1k/10k/100k/1M statements, with
  and without reasons, and the peak resident memory of one scoring call (a child process per
  size, so that sizes do not share a high-water mark);
* one-statement latency in a warm process (p50/p95 over distinct statements, each with its
  source row): ``score`` on a one-row table, with and without reasons, and ``score_one``;
* the plain pipeline a user would write (TF-IDF of the text + logistic regression, fitted on
  LIAR train) on the same rows and the same single statements;
* Dask scoring on one and on two local worker processes (wall time; ``--dask-rows``);
* where the time of a batch call goes (validation, each feature family, the fold models,
  the wording of reasons).

Every figure is printed with the 1-minute load average at the time (the machine is shared);
results go to ``experiments/results/bench_score.{json,md}``.

Usage::

    python experiments/bench_score.py                  # everything (about 15 minutes)
    python experiments/bench_score.py --sizes 1000 10000 --no-dask   # quicker
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
KINDS = ("retraction", "correction", "scope_narrowing", "clarification", "confirmation")


def load() -> float:
    """The 1-minute load average."""
    return round(os.getloadavg()[0], 2)


def liar_pool() -> tuple[pd.DataFrame, pd.DataFrame]:
    """LIAR train+valid statements and sources (exits with a message when LIAR is absent)."""
    from credscore.datasets import corpus_available, load_liar

    if not corpus_available("liar"):
        sys.exit("LIAR is not in $CREDSCORE_DATASETS or ../shared/datasets: nothing to measure")
    warnings.filterwarnings("ignore", category=UserWarning)
    liar = load_liar(seed=0)
    return liar.statements.reset_index(drop=True), liar.sources.reset_index(drop=True)


def _spliced_texts(texts: list[list[str]], n: int, rng: np.random.Generator) -> tuple:
    """``n`` distinct texts: first half of statement i + second half of statement j."""
    out: list[str] = []
    firsts: list[int] = []
    seen: set[str] = set()
    while len(out) < n:
        m = n - len(out)
        ii, jj = rng.integers(0, len(texts), m), rng.integers(0, len(texts), m)
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            a, b = texts[i], texts[j]
            t = " ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :])
            if t not in seen:
                seen.add(t)
                out.append(t)
                firsts.append(i)
    return out, np.asarray(firsts)


def realistic_tables(n: int, seed: int = 0, pool: tuple | None = None) -> Any:
    """``n`` distinct statements with sources and events, built from LIAR (see module doc).

    Half the statements carry their verdict (``label``), known 30 days after they were made.
    """
    from credscore import Tables

    st, src = pool if pool is not None else liar_pool()
    rng = np.random.default_rng(seed)
    words = [str(t).split() for t in st["text"].fillna("")]
    texts, first = _spliced_texts(words, n, rng)
    n_src = max(20, n // 10)
    pick = rng.integers(0, len(src), n_src)
    sources = pd.DataFrame(
        {
            "source_id": [f"b{k:07d}" for k in range(n_src)],
            "name": [f"{nm} ({k})" for k, nm in enumerate(src["name"].to_numpy()[pick])],
            "title": src["title"].to_numpy()[pick],
            "organization": src["organization"].to_numpy()[pick],
            "source_type": src["source_type"].to_numpy()[pick],
        }
    )
    weights = rng.pareto(1.5, n_src) + 1.0
    who = rng.choice(n_src, size=n, p=weights / weights.sum())
    t0 = pd.Timestamp("2010-01-01", tz="UTC").value
    made = t0 + rng.integers(0, 10 * 365 * 86_400, n) * 10**9
    label = st["label"].to_numpy(dtype=float)[first]
    label = np.where(rng.random(n) < 0.5, label, np.nan)
    label_at = np.where(np.isnan(label), np.iinfo("i8").min, made + 30 * 86_400 * 10**9)
    statements = pd.DataFrame(
        {
            "statement_id": [f"q{k:07d}" for k in range(n)],
            "source_id": sources["source_id"].to_numpy()[who],
            "text": texts,
            "made_at": pd.to_datetime(made, utc=True),
            "context": st["context"].to_numpy()[first],
            "topic": st["topic"].to_numpy()[first],
            "label": label,
            "label_at": pd.to_datetime(label_at, utc=True),
        }
    )
    n_ev = max(1, n // 50)
    target = rng.choice(n, size=n_ev, replace=False)
    events = pd.DataFrame(
        {
            "event_id": [f"e{k:07d}" for k in range(n_ev)],
            "statement_id": statements["statement_id"].to_numpy()[target],
            "kind": np.asarray(KINDS, dtype=object)[rng.integers(0, len(KINDS), n_ev)],
            "at": pd.to_datetime(
                made[target] + rng.integers(1, 365 * 86_400, n_ev) * 10**9, utc=True
            ),
        }
    )
    return Tables(statements=statements, sources=sources, events=events)


def machine() -> str:
    """Architecture, cores and library versions."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}"
    )


def write_results(stem: str, res: dict[str, Any], md: str) -> None:
    """``results/<stem>.json`` and ``results/<stem>.md``."""
    from credscore._io import atomic_write_text

    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(RESULTS / f"{stem}.json", json.dumps(res, indent=1) + "\n")
    atomic_write_text(RESULTS / f"{stem}.md", md)


def cpu_best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best CPU time of ``repeat`` runs (``time.process_time``) and the wall time of that run."""
    best, wall = float("inf"), float("inf")
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu = time.process_time() - c
        if cpu < best:
            best, wall = cpu, time.perf_counter() - w
    return best, wall


def stage_times(model: Any, tables: Any, explain: bool = True) -> dict[str, float]:
    """CPU seconds of each stage of one ``score`` call: validation, each feature family,
    the fold models, the wording of reasons."""
    from credscore.features import merge_history
    from credscore.model._explain import reason_strings

    out: dict[str, float] = {}
    c = time.process_time()
    valid = model._tables(tables, None, None)
    combined, rows = merge_history(valid, None)
    out["validation"] = time.process_time() - c
    outputs = {}
    for name, fam in model.extractor_.families_.items():
        c = time.process_time()
        outputs[name] = fam.transform(combined, rows, details=explain)
        out[f"family {name}"] = time.process_time() - c
    c = time.process_time()
    ext = model.extractor_.extract(combined, rows, details=explain)
    out["extractor (all families + assembly)"] = time.process_time() - c
    c = time.process_time()
    _, _, _, deltas = model._predict_explained(ext.features, explain)
    out["fold models (p, interval" + (", groups)" if explain else ")")] = time.process_time() - c
    if explain:
        c = time.process_time()
        reason_strings(model.extractor_, ext, deltas)
        out["reasons (wording)"] = time.process_time() - c
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def plain_model(pool: tuple) -> Any:
    """TF-IDF of the text + logistic regression, fitted on LIAR train (the plain pipeline)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    st = pool[0]
    train = st[st["split"] == "train"]
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000),
    )
    return pipe.fit(train["text"].fillna(""), train["label"].astype(int))


def child(n: int, what: str, repeat: int) -> dict[str, Any]:
    """One measurement in this (fresh) process: ``what`` in reasons / no_reasons / plain /
    stages."""
    import credscore

    pool = liar_pool()
    tables = realistic_tables(n, seed=1, pool=pool)
    warm = realistic_tables(500, seed=2, pool=pool)
    if what == "plain":
        pipe = plain_model(pool)
        texts = tables.statements["text"]
        pipe.predict_proba(warm.statements["text"])
        before = _peak_mb()
        cpu, wall = cpu_best(lambda: pipe.predict_proba(texts), repeat)
    else:
        model = credscore.load_model()
        if what == "stages":
            model.score(warm)
            return {"stages": stage_times(model, tables), "load": load()}
        explain = what == "reasons"
        model.score(warm, explain=explain)
        before = _peak_mb()
        cpu, wall = cpu_best(lambda: model.score(tables, explain=explain), repeat)
    return {
        "n": n,
        "what": what,
        "cpu_s": cpu,
        "wall_s": wall,
        "per_cpu_s": n / cpu,
        "peak_rss_mb": _peak_mb(),
        "rss_before_mb": before,
        "repeat": repeat,
        "load": load(),
    }


def run_child(n: int, what: str, repeat: int) -> dict[str, Any]:
    """:func:`child` in a fresh Python process (its own peak memory)."""
    cmd = [sys.executable, __file__, "--child", str(n), what, str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _percentiles(xs: list[float]) -> dict[str, float]:
    a = np.asarray(xs) * 1000
    return {
        "p50_ms": float(np.percentile(a, 50)),
        "p95_ms": float(np.percentile(a, 95)),
        "min_ms": float(a.min()),
    }


ARCHIVE = 100_000


def _archive(n: int, pool: tuple) -> tuple[Any, list[dict], list[dict]]:
    """A validated history of the ``ARCHIVE`` earliest statements of one LIAR-built table,
    and the ``n`` statements made after them (with their sources' rows), to score against
    it: a service scoring statements as they arrive, with its archive as the record."""
    import credscore

    tables = realistic_tables(ARCHIVE + n, seed=6, pool=pool)
    st = tables.statements.sort_values("made_at", kind="stable").reset_index(drop=True)
    old = st.iloc[:ARCHIVE]
    ev = tables.events[tables.events["statement_id"].isin(old["statement_id"])]
    archive = credscore.validate_tables(old, tables.sources, ev)  # once, as a service would
    src = tables.sources.set_index("source_id")
    rows = [st.iloc[ARCHIVE + i].to_dict() for i in range(n)]
    sources = [src.loc[[r["source_id"]]].reset_index().iloc[0].to_dict() for r in rows]
    return archive, rows, sources


def one_statement(n_one: int) -> dict[str, Any]:
    """Latency of one statement in a warm process: CPU and wall percentiles."""
    import credscore
    from credscore import Tables

    pool = liar_pool()
    tables = realistic_tables(n_one + 20, seed=3, pool=pool)
    st, src = tables.statements, tables.sources.set_index("source_id")
    model = credscore.load_model()
    pipe = plain_model(pool)
    one_rows = [st.iloc[[i]].reset_index(drop=True) for i in range(len(st))]
    one_src = [src.loc[[r["source_id"].iloc[0]]].reset_index() for r in one_rows]
    calls: dict[str, Callable[[int], Any]] = {
        "score, reasons": lambda i: model.score(Tables(statements=one_rows[i], sources=one_src[i])),
        "score, no reasons": lambda i: model.score(
            Tables(statements=one_rows[i], sources=one_src[i]), explain=False
        ),
        "score_one, reasons": lambda i: model.score_one(
            one_rows[i].iloc[0].to_dict(), one_src[i].iloc[0].to_dict()
        ),
        "plain pipeline": lambda i: pipe.predict_proba(one_rows[i]["text"]),
    }
    archive, later, later_src = _archive(n_one + 20, pool)
    calls["score_one, reasons, 100,000-statement archive as history"] = lambda i: model.score_one(
        later[i], later_src[i], history=archive
    )
    out: dict[str, Any] = {}
    for name, call in calls.items():
        for i in range(20):  # warm-up on other statements
            call(n_one + i)
        cpu, wall = [], []
        for i in range(n_one):
            c, w = time.process_time(), time.perf_counter()
            call(i)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
        out[name] = {"cpu": _percentiles(cpu), "wall": _percentiles(wall), "load": load()}
    return out


def dask_speedup(rows: int, repeat: int = 2) -> dict[str, Any]:
    """Wall time of ``score_dask`` (no reasons) on a local cluster of 1 and of 2 worker
    processes (one thread each), and whether both equal the single-process scores."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import credscore
    from credscore.distributed import score_dask

    tables = realistic_tables(rows, seed=4)
    model = credscore.load_model()
    want = model.score(tables, explain=False)
    out: dict[str, Any] = {"rows": rows}
    for workers in (1, 2):
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True) as cluster,
            Client(cluster) as client,
        ):
            ddf = dd.from_pandas(tables.statements, npartitions=8)
            model_f = client.scatter(model, broadcast=True)
            best = float("inf")
            got = None
            for _ in range(repeat):
                w = time.perf_counter()
                got = score_dask(
                    ddf, model_f, sources=tables.sources, events=tables.events
                ).compute()
                best = min(best, time.perf_counter() - w)
            same = bool(np.array_equal(got["p_reliable"].to_numpy(), want["p_reliable"].to_numpy()))
            out[f"{workers}_workers"] = {
                "wall_s": best,
                "same_as_one_process": same,
                "load": load(),
            }
    out["speedup"] = out["1_workers"]["wall_s"] / out["2_workers"]["wall_s"]
    return out


def markdown(res: dict[str, Any]) -> str:
    lines = [
        "# Scoring speed (experiments/bench_score.py)",
        "",
        f"Machine: {res['machine']}. Default bundled model; inputs built from LIAR at run time "
        "(distinct spliced texts, LIAR titles and contexts, 2% of statements with an event). "
        "Throughput = statements per CPU second, best of N; load = 1-minute load average of "
        "the shared 2-core machine at the time.",
        "",
        "| statements | with reasons /CPU-s | without reasons /CPU-s | plain TF-IDF+LR /CPU-s "
        "| peak RSS with reasons (MB) | load |",
        "|---|---|---|---|---|---|",
    ]
    for n, r in res["batch"].items():
        lines.append(
            f"| {int(n):,} | {r['reasons']['per_cpu_s']:,.0f} | {r['no_reasons']['per_cpu_s']:,.0f}"
            f" | {r['plain']['per_cpu_s']:,.0f} | {r['reasons']['peak_rss_mb']:,.0f} "
            f"| {r['reasons']['load']} / {r['no_reasons']['load']} / {r['plain']['load']} |"
        )
    lines += [
        "",
        "One statement in a warm process (its source row given), over "
        f"{res['n_one']} distinct statements; the last row scores later statements with "
        f"the {ARCHIVE:,} earlier ones (validated once) as `history`:",
        "",
        "| call | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms | load |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in res["one"].items():
        lines.append(
            f"| {name} | {r['cpu']['p50_ms']:.2f} | {r['cpu']['p95_ms']:.2f} | "
            f"{r['wall']['p50_ms']:.2f} | {r['wall']['p95_ms']:.2f} | {r['load']} |"
        )
    if res.get("stages"):
        n = res["stages_n"]
        lines += [
            "",
            f"Where the time of one call with reasons goes ({n:,} statements, CPU s, "
            f"load {res['stages']['load']}):",
            "",
            "| stage | CPU s | µs per statement |",
            "|---|---|---|",
        ]
        for k, v in res["stages"]["stages"].items():
            lines.append(f"| {k} | {v:.3f} | {v / n * 1e6:.1f} |")
    if res.get("dask"):
        d = res["dask"]
        lines += [
            "",
            f"Dask (`score_dask`, no reasons, {d['rows']:,} statements, 8 partitions): "
            f"1 worker {d['1_workers']['wall_s']:.1f} s, 2 workers "
            f"{d['2_workers']['wall_s']:.1f} s wall, speedup {d['speedup']:.2f}x (load "
            f"{d['1_workers']['load']} / {d['2_workers']['load']}); same scores as one "
            f"process: {d['1_workers']['same_as_one_process']} / "
            f"{d['2_workers']['same_as_one_process']}.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    ap.add_argument("--one", type=int, default=200, help="single statements timed")
    ap.add_argument("--stages", type=int, default=100_000, help="rows of the breakdown (0: none)")
    ap.add_argument("--dask-rows", type=int, default=200_000)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        n, what, repeat = args.child
        print(json.dumps(child(int(n), what, int(repeat))))
        return
    res: dict[str, Any] = {
        "machine": machine(),
        "batch": {},
        "n_one": args.one,
    }
    print(res["machine"], "load", load(), flush=True)
    res["one"] = one_statement(args.one)
    for name, r in res["one"].items():
        print(
            f"one statement, {name}: CPU p50 {r['cpu']['p50_ms']:.2f} ms, p95 "
            f"{r['cpu']['p95_ms']:.2f} ms; wall p50 {r['wall']['p50_ms']:.2f} ms "
            f"(load {r['load']})",
            flush=True,
        )
    for n in args.sizes:
        repeat = 5 if n <= 10_000 else 3 if n <= 100_000 else 1
        res["batch"][str(n)] = row = {
            w: run_child(n, w, repeat) for w in ("reasons", "no_reasons", "plain")
        }
        print(
            f"{n:,} statements: with reasons {row['reasons']['per_cpu_s']:,.0f}/CPU-s, without "
            f"{row['no_reasons']['per_cpu_s']:,.0f}/CPU-s, plain {row['plain']['per_cpu_s']:,.0f}"
            f"/CPU-s; peak RSS {row['reasons']['peak_rss_mb']:,.0f} MB (load "
            f"{row['reasons']['load']})",
            flush=True,
        )
    if args.stages:
        res["stages_n"] = args.stages
        res["stages"] = run_child(args.stages, "stages", 1)
        for k, v in res["stages"]["stages"].items():
            print(f"  {k}: {v:.3f} s CPU ({v / args.stages * 1e6:.1f} µs/statement)", flush=True)
    if not args.no_dask:
        res["dask"] = dask_speedup(args.dask_rows)
        print(f"dask: speedup {res['dask']['speedup']:.2f}x", flush=True)
    write_results("bench_score", res, markdown(res))
    print(f"wrote {RESULTS / 'bench_score.md'}")


if __name__ == "__main__":
    main()
