"""``credscore evaluate``: a model and a labelled tables directory -> HTML report (+ JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from credscore._cli_types import int_at_least
from credscore.schema import TIME_UNITS

__all__ = ["add_evaluate_parser", "cli_evaluate"]


def cli_evaluate(args: argparse.Namespace) -> int:
    """Handler of ``credscore evaluate``; returns the exit code (0).

    Bad input raises credscore exceptions (``SchemaError``, ``ArtifactError``), which the
    ``credscore`` command turns into exit code 2.
    """
    from credscore._io import read_tables
    from credscore.artifacts import load_model
    from credscore.report._evaluate import evaluate
    from credscore.report._html import write_report
    from credscore.report._words import verdict_sentence

    if args.png:
        _check_png()  # before the work: a missing extra is bad usage (exit 2), not a crash

    tables = read_tables(args.tables, time_unit=args.time_unit)
    history = read_tables(args.history, time_unit=args.time_unit) if args.history else None
    model = load_model(args.model)
    result = evaluate(
        model,
        tables,
        history=history,
        n_boot=args.n_boot,
        n_sim=args.n_sim,
        random_state=args.seed,
        bootstrap_by=args.bootstrap_by,
        by=args.by,
    )
    write_report(result, args.out, args.json, png=args.png)
    d, b = result["data"], result["bootstrap"]
    m = result["model_metrics"]["metrics"]
    print(
        f"evaluated {d['n_evaluated']} labelled statements ({d['n_unlabelled_skipped']} "
        f"unlabelled skipped): log loss {m['log_loss']:.4f}, Brier {m['brier_score']:.4f}; "
        f"{verdict_sentence(result)}; intervals resample {b['n_clusters']} {b['unit']}s; "
        f"wrote {args.out}" + (f" and {args.json}" if args.json else ""),
        file=sys.stderr,
    )
    if result.get("drift"):  # drift monitor (credscore/report/_drift.py)
        dr = result["drift"]
        print(
            f"drift monitor: {dr['n_flagged']} of {dr['n_tested']} tested {dr['by']}s fail the "
            f"calibration test (first: {dr['first_flag'] or 'none'})",
            file=sys.stderr,
        )
    for w in result["warnings"]:
        print(f"credscore: warning: {w}", file=sys.stderr)
    return 0


def _check_png() -> None:
    """Raises a CredscoreError (exit code 2) naming the extra when matplotlib is missing."""
    import importlib.util

    from credscore.exceptions import CredscoreError
    from credscore.report._plots import PNG_NEEDS

    if importlib.util.find_spec("matplotlib") is None:
        raise CredscoreError(f"--png: {PNG_NEEDS}")


def add_evaluate_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``evaluate`` on the ``credscore`` command's subparsers.

    Examples
    --------
    >>> import argparse
    >>> p = argparse.ArgumentParser(); sub = p.add_subparsers()
    >>> _ = add_evaluate_parser(sub)
    >>> a = p.parse_args(["evaluate", "d", "--out", "r.html"])
    >>> str(a.out), a.json, a.model, a.bootstrap_by, a.func.__name__
    ('r.html', None, None, 'source', 'cli_evaluate')
    """
    p = subparsers.add_parser(
        "evaluate",
        help="evaluate a model on labelled tables: HTML report (+ JSON)",
        description="Score the statements of DIR, evaluate the labelled ones and write a "
        "self-contained HTML report (reliability diagram, calibration and ranking metrics with "
        "bootstrap intervals, the calibration test, baselines, slices) and optionally the JSON "
        "of the same figures.",
    )
    p.add_argument("tables", type=Path, help="directory with sources, statements [, events]")
    p.add_argument(
        "--time-unit",
        choices=TIME_UNITS,
        default=None,
        help="unit of timestamps given as numbers (epoch), e.g. s; without it they are refused",
    )
    p.add_argument(
        "--model", type=Path, default=None, help="model directory (default: the bundled model)"
    )
    p.add_argument(
        "--history",
        type=Path,
        default=None,
        help="tables directory of earlier statements/events to use as record (not evaluated)",
    )
    p.add_argument("--out", type=Path, required=True, help="HTML report to write")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument(
        "--n-boot", type=int_at_least(1), default=500, help="bootstrap resamples (default 500)"
    )
    p.add_argument(
        "--n-sim",
        type=int_at_least(1),
        default=1000,
        help="calibration-test simulations (default 1000)",
    )
    p.add_argument(
        "--bootstrap-by",
        choices=("source", "statement"),
        default="source",
        help="what a bootstrap resample draws: whole sources with their statements (default; "
        "a source's statements share its reliability) or single statements",
    )
    p.add_argument(
        "--seed", type=int_at_least(0), default=0, help="random seed of bootstrap and test"
    )
    p.add_argument(
        "--by",
        choices=("week", "month", "quarter", "year"),
        default=None,
        help="also run the drift monitor: the calibration test per period of the statements' "
        "dates, flagging periods where it fails",
    )
    p.add_argument(
        "--png",
        action="store_true",
        help="also embed a matplotlib PNG of the reliability diagram (needs credscore[report])",
    )
    p.set_defaults(func=cli_evaluate)
    return p
