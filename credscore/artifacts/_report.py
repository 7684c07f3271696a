"""What ``credscore registry list`` and ``registry verify`` report about a registry."""

from __future__ import annotations

from typing import Any

from credscore.artifacts import _history
from credscore.artifacts._load import verify_artifact
from credscore.artifacts._registry import HISTORY, LOCK, MARKER, POINTER, Registry
from credscore.exceptions import ArtifactError

__all__ = ["registry_entries", "verify_registry"]


def _summary(manifest: dict[str, Any]) -> dict[str, Any]:
    sel = manifest.get("selection") or {}
    card = manifest.get("card") or {}
    return {
        "created_at": manifest.get("created_at"),
        "format_version": manifest.get("format_version"),
        "rows": (manifest.get("training") or {}).get("rows"),
        "base": sel.get("base"),
        "calibrator": sel.get("calibrator"),
        "cv_log_loss": (card.get("training_metrics") or {}).get("cv_log_loss"),
        "holdout_log_loss": (manifest.get("metrics") or {}).get("holdout_log_loss"),
        "signature": manifest.get("signature"),
    }


def registry_entries(reg: Registry, key: bytes | str | None = None) -> list[dict[str, Any]]:
    """One entry per item of the registry directory, each verified like :func:`load_model`.

    ``status`` is ``"ok"``, ``"refused"`` (with the error: tampered, truncated, unsigned...),
    ``"foreign"`` (not a model directory: a file, a link) or ``"incomplete"`` (a hidden
    staging directory left by an interrupted save; never loaded, safe to delete).
    """
    try:
        champion = reg.champion()
    except ArtifactError:
        champion = None
    out: list[dict[str, Any]] = []
    if not reg.root.is_dir():
        return out
    for path in sorted(reg.root.iterdir(), key=lambda p: p.name):
        name = path.name
        if name in (MARKER, POINTER, HISTORY, LOCK):
            continue
        entry: dict[str, Any] = {"id": name, "champion": name == champion}
        if name.startswith("."):
            if path.is_dir() and not path.is_symlink():
                entry |= {"status": "incomplete", "error": "left by an interrupted save"}
                out.append(entry)
            continue  # temporary files of an interrupted pointer write
        if path.is_symlink() or not path.is_dir():
            kind = "a symbolic link" if path.is_symlink() else "a file"
            entry |= {"status": "foreign", "error": f"{path} is {kind}, not a model directory"}
        else:
            try:
                entry |= {"status": "ok"} | _summary(verify_artifact(path, key=key))
            except ArtifactError as exc:
                entry |= {"status": "refused", "error": str(exc)}
        out.append(entry)
    return out


def verify_registry(reg: Registry, key: bytes | str | None = None) -> dict[str, Any]:
    """Verifies every model, the pointer and the history; ``ok`` only if all are sound."""
    problems: list[str] = []
    try:
        champion = reg.champion()
    except ArtifactError as exc:
        champion, problems = None, [str(exc)]
    entries = registry_entries(reg, key)
    by_id = {e["id"]: e for e in entries}
    if champion is not None and by_id.get(champion, {}).get("status") != "ok":
        error = by_id.get(champion, {}).get("error", f"{reg.root / champion} does not exist")
        problems.append(f"the champion {champion} does not verify: {error}")
    problems += [e["error"] for e in entries if e["status"] in ("refused", "foreign")]
    records, history_problems = _history.read_history(reg.root / HISTORY)
    last = next((r for r in reversed(records) if "champion_after" in r), None)
    if champion is not None and (last is None or last.get("champion_after") != champion):
        history_problems.append(
            f"{reg.root / HISTORY} does not record the current champion {champion} (an "
            "interrupted promotion; the next promotion or rollback records it)"
        )
    return {
        "ok": not problems,
        "registry": str(reg.root),
        "champion": champion,
        "models": entries,
        "problems": problems,
        "history": {"records": len(records), "notes": history_problems},
    }
