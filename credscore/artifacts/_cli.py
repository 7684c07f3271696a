"""The ``credscore registry`` and ``credscore sign`` commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from credscore.exceptions import ArtifactError

__all__ = ["add_registry_parser", "add_sign_parser"]


def _dump(obj: Any) -> None:
    print(json.dumps(obj, indent=2, default=str))


def _registry(path: Path) -> Any:
    from credscore.artifacts._registry import Registry, is_registry

    if not path.is_dir() or not is_registry(path):
        raise ArtifactError(
            f"{path} is not a registry (it holds no registry.json, CHAMPION or history.jsonl). "
            "Fix: pass the directory given to credscore train --registry."
        )
    return Registry(path)


def _list(args: argparse.Namespace) -> int:
    from credscore.artifacts._report import registry_entries

    entries = registry_entries(_registry(args.registry))
    if args.json:
        _dump(entries)
        return 0
    print(f"{'':2}{'id':34} {'status':10} {'created':26} {'rows':>6} {'holdout ll':>10}  model")
    for e in entries:
        mark = "* " if e["champion"] else "  "
        if e["status"] == "ok":
            ll = e.get("holdout_log_loss")
            print(
                f"{mark}{e['id']:34} {'ok':10} {e['created_at'] or '':26} {e['rows'] or '':>6} "
                f"{(f'{ll:.4f}' if isinstance(ll, float) else ''):>10}  "
                f"{e['base']} + {e['calibrator']}"
            )
        else:
            print(f"{mark}{e['id']:34} {e['status']:10} {e['error']}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from credscore.artifacts._load import verify_artifact

    reg = _registry(args.registry)
    model_id = args.id or reg.champion()
    if model_id is None:
        raise ArtifactError(f"{reg.root} has no champion. Fix: name a model: registry show REG ID.")
    manifest = verify_artifact(reg.path_of(model_id))
    decisions = [r for r in reg.history() if r.get("model") == model_id]
    notes = reg.path_of(model_id) / "NOTES.md"
    _dump(
        {
            "id": model_id,
            "champion": model_id == reg.champion(),
            "manifest": manifest,
            "notes": notes.read_text(encoding="utf-8") if notes.is_file() else None,
            "history": decisions,
        }
    )
    return 0


def _promote(args: argparse.Namespace) -> int:
    record = _registry(args.registry).promote(args.id, who=args.who)
    _dump(record)
    return 0


def _rollback(args: argparse.Namespace) -> int:
    _dump(_registry(args.registry).rollback(who=args.who))
    return 0


def _history(args: argparse.Namespace) -> int:
    for rec in _registry(args.registry).history():
        print(json.dumps(rec, sort_keys=True, default=str))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from credscore.artifacts._report import verify_registry

    report = verify_registry(_registry(args.registry))
    _dump(report)
    if not report["ok"]:
        print(f"credscore: error: {'; '.join(report['problems'])}", file=sys.stderr)
        return 2
    return 0


def add_registry_parser(sub: Any) -> None:
    """Adds ``credscore registry list|show|promote|rollback|history|verify``."""
    reg = sub.add_parser("registry", help="list, inspect, promote or roll back registry models")
    cmds = reg.add_subparsers(dest="registry_command", required=True, parser_class=type(reg))

    def cmd(name: str, func: Any, help: str) -> argparse.ArgumentParser:
        p = cmds.add_parser(name, help=help)
        p.add_argument("registry", type=Path, help="registry directory")
        p.set_defaults(func=func)
        return p

    cmd("list", _list, "every model, verified; * marks the champion").add_argument(
        "--json", action="store_true", help="machine-readable output"
    )
    cmd("show", _show, "a model's manifest, notes and decisions").add_argument(
        "id", nargs="?", default=None, help="model id (default: the champion)"
    )
    promote = cmd("promote", _promote, "make a model the champion (recorded as manual)")
    promote.add_argument("id")
    promote.add_argument("--who", default=None, help="who decides (default: user@host)")
    rollback = cmd("rollback", _rollback, "make the previous champion the champion again")
    rollback.add_argument("--who", default=None)
    cmd("history", _history, "every recorded decision, one JSON line each")
    cmd("verify", _verify, "verify every model, the pointer and the history (exit 2 if not)")


def _sign(args: argparse.Namespace) -> int:
    from credscore.artifacts._sign import sign_artifact

    path = sign_artifact(args.model)
    print(json.dumps({"ok": True, "signature": str(path)}))
    return 0


def add_sign_parser(sub: Any) -> None:
    """Adds ``credscore sign MODEL_DIR`` (key from CREDSCORE_SIGNING_KEY[_FILE])."""
    sign = sub.add_parser("sign", help="sign a model you trust with your key (HMAC-SHA256)")
    sign.add_argument("model", type=Path)
    sign.set_defaults(func=_sign)
