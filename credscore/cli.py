"""The ``credscore`` command.

Exit codes: 0 success; 2 bad usage or bad input (message on stderr, no traceback); 1 internal
error (a short message; set ``CREDSCORE_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sklearn.utils._param_validation import InvalidParameterError

from credscore._cli_types import int_at_least, open_fraction
from credscore._version import __version__
from credscore.exceptions import ArtifactError, CredscoreError, LexiconError, SchemaError

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits itself; we want our exit code
        raise _UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


#: ``score --out`` formats, by file extension.
_SCORE_FORMATS = (".csv", ".jsonl", ".parquet")


def _score_format(path: Path) -> str:
    """The format ``--out`` names by its extension; a usage error (exit 2) for any other."""
    suffix = path.suffix.lower()
    if suffix not in _SCORE_FORMATS:
        raise _UsageError(
            f"credscore score: --out {path}: unknown extension {suffix or '(none)'!r}. Fix: "
            "name the file .csv (4 decimals), .jsonl or .parquet (full precision)."
        )
    return suffix[1:]


def _scores_bytes(out: Any, fmt: str) -> bytes:
    """The scores table serialised as ``fmt`` (csv rounds to 4 decimals; the others do not)."""
    if fmt == "csv":
        return out.to_csv(index=False, float_format="%.4f").encode("utf-8")
    if fmt == "jsonl":
        text = out.to_json(orient="records", lines=True, force_ascii=False, double_precision=15)
        return text.encode("utf-8")
    import io

    buffer = io.BytesIO()
    try:
        out.to_parquet(buffer, index=False)
    except ImportError as exc:
        raise _UsageError(
            f"credscore score: --out *.parquet needs pyarrow ({exc}). Fix: pip install pyarrow, "
            "or write .csv or .jsonl."
        ) from exc
    return buffer.getvalue()


def _cmd_score(args: argparse.Namespace) -> int:
    from credscore._io import atomic_write_bytes, read_tables
    from credscore.artifacts import load_model

    fmt = _score_format(args.out) if args.out else "csv"  # refuse before the work
    tables = read_tables(args.tables, time_unit=args.time_unit)
    model = load_model(args.model)
    history = read_tables(args.history, time_unit=args.time_unit) if args.history else None
    out = model.score(tables, history=history, explain=not args.no_reasons)
    if args.out:
        atomic_write_bytes(args.out, _scores_bytes(out, fmt))
        print(f"wrote {len(out)} scores to {args.out} ({fmt})", file=sys.stderr)
    else:
        sys.stdout.write(out.to_csv(index=False, float_format="%.4f"))
    return 0


def _train_params(args: argparse.Namespace) -> dict:
    return {
        "text_features": args.text_features,
        "cv": args.cv,
        "random_state": args.seed,
        "verbose": 0 if args.quiet else 1,
    }


def _cmd_train(args: argparse.Namespace) -> int:
    from credscore._io import read_tables
    from credscore.artifacts import save_model
    from credscore.model import CredibilityModel

    if args.registry is None and args.out is None:
        raise _UsageError("credscore train: give --out MODEL_DIR, or --registry DIR")
    if args.registry is not None and (args.out is not None or args.replace):
        raise _UsageError("credscore train: --out/--replace and --registry exclude each other")
    if args.force and args.registry is None:
        raise _UsageError("credscore train: --force needs --registry")
    tables = read_tables(args.tables, time_unit=args.time_unit)
    params = _train_params(args)
    say = (lambda line: None) if args.quiet else (lambda line: print(line, file=sys.stderr))
    if args.registry is not None:
        from credscore.retrain import retrain

        result = retrain(
            tables,
            args.registry,
            args.name,
            holdout=args.holdout,
            training_data=args.training_data or str(args.tables),
            force=args.force,
            who=args.who,
            progress=say,
            **params,
        )
        print(json.dumps(result, indent=2, default=str))
        return 0
    model = CredibilityModel(**params).fit(tables)
    path = save_model(
        model, args.out, training_data=args.training_data or str(args.tables), replace=args.replace
    )
    sel = model.selection_
    say(
        f"trained on {model.n_train_rows_} labelled statements: base learner {sel['base']}, "
        f"calibrator {sel['calibrator']}; saved to {path}"
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from credscore.artifacts import verify_artifact

    manifest = verify_artifact(args.model)
    print(
        json.dumps(
            {
                "ok": True,
                "path": manifest["path"],
                "format_version": manifest["format_version"],
                "files": len(manifest["files"]),
                "signature": manifest["signature"],
                "credscore": manifest["versions"]["credscore"],
            }
        )
    )
    return 0


def _add_time_unit(parser: argparse.ArgumentParser) -> None:
    from credscore.schema import TIME_UNITS

    parser.add_argument(
        "--time-unit",
        choices=TIME_UNITS,
        default=None,
        help="unit of timestamps given as numbers (epoch), e.g. s; without it they are refused",
    )


def _add_train_parser(sub: Any) -> None:
    train = sub.add_parser("train", help="train a model on labelled tables")
    train.add_argument("tables", type=Path)
    _add_time_unit(train)
    train.add_argument("--out", type=Path, default=None, help="model directory to write")
    train.add_argument(
        "--registry",
        type=Path,
        default=None,
        help="registry directory: compare with its champion on a time-ordered "
        "holdout and promote the new model only if at least as good",
    )
    train.add_argument(
        "--name", default=None, help="id of the new model in the registry (default: time + hash)"
    )
    train.add_argument(
        "--force", action="store_true", help="promote even if the gate says no (recorded)"
    )
    train.add_argument("--who", default=None, help="who decides, for the registry's history")
    train.add_argument(
        "--replace", action="store_true", help="replace an existing --out model in one step"
    )
    train.add_argument("--quiet", action="store_true", help="no progress on stderr")
    train.add_argument(
        "--holdout",
        type=open_fraction,
        default=0.2,
        help="share of the latest labelled statements held out (default 0.2)",
    )
    train.add_argument(
        "--text-features", action="store_true", help="also learn from the wording (TF-IDF)"
    )
    train.add_argument(
        "--cv", type=int_at_least(2), default=5, help="cross-validation folds (default 5)"
    )
    train.add_argument("--seed", type=int_at_least(0), default=0)
    train.add_argument(
        "--training-data", default=None, help="description of the training data for the model card"
    )
    train.set_defaults(func=_cmd_train)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="credscore", description="Calibrated credibility scores for attributed statements."
    )
    parser.add_argument("--version", action="version", version=f"credscore {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    score = sub.add_parser("score", help="score the statements in a tables directory")
    score.add_argument("tables", type=Path, help="directory with sources, statements [, events]")
    score.add_argument(
        "--model",
        type=Path,
        default=None,
        help="model directory, registry (its champion) or REGISTRY@ID (default: the bundled model)",
    )
    score.add_argument(
        "--history",
        type=Path,
        default=None,
        help="tables directory of earlier statements/events to use as record",
    )
    score.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file to write, format from its extension: .csv, .jsonl or .parquet "
        "(default: CSV on stdout)",
    )
    _add_time_unit(score)
    score.add_argument("--no-reasons", action="store_true", help="skip the reasons column")
    score.set_defaults(func=_cmd_score)

    _add_train_parser(sub)

    verify = sub.add_parser(
        "verify", help="run every check loading runs (hashes, types, trees, data files, signature)"
    )
    verify.add_argument(
        "model", type=Path, nargs="?", default=None, help="model directory, registry or REG@ID"
    )
    verify.set_defaults(func=_cmd_verify)

    from credscore.artifacts._cli import add_registry_parser, add_sign_parser
    from credscore.ingest._cli import add_extract_parser
    from credscore.report._cli import add_evaluate_parser

    add_extract_parser(sub)
    add_evaluate_parser(sub)
    add_registry_parser(sub)
    add_sign_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    try:
        args = _build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (SchemaError, ArtifactError, LexiconError, CredscoreError, FileNotFoundError) as exc:
        print(f"credscore: error: {exc}", file=sys.stderr)
        return 2
    except InvalidParameterError as exc:  # a parameter out of range, e.g. from a data file
        print(f"credscore: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("CREDSCORE_DEBUG"):
            traceback.print_exc()
        print(
            f"credscore: internal error: {type(exc).__name__}: {exc} "
            "(set CREDSCORE_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
