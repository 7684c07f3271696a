"""A registry: immutable model directories, an atomic ``CHAMPION`` pointer and a history.

Layout::

    REG/registry.json     marks the directory as a registry
    REG/<id>/             one artifact per saved model, never modified or replaced
    REG/CHAMPION          the champion's id, replaced atomically (temporary file + rename)
    REG/history.jsonl     one line per decision: who, when, what, metrics, gate
    REG/.lock             the lock every change holds (released by the system on a crash)

A model is staged in a hidden directory, flushed, and renamed to its id in one step that
fails if the id exists, so an id is never overwritten. Promotions and rollbacks hold the lock
while they read the champion, decide and write the pointer, so two trainings promoting at
once are serialised: each compares with the champion of its turn and none is lost.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from credscore._io import atomic_write_text
from credscore.artifacts import _history
from credscore.artifacts._common import MANIFEST, SKOPS, refuse, sha256
from credscore.artifacts._files import read_small_file
from credscore.artifacts._fs import fsync_dir, locked
from credscore.artifacts._save import artifact_files, write_new_directory
from credscore.exceptions import ArtifactError

__all__ = ["Registry", "is_registry"]

MARKER, POINTER, HISTORY, LOCK = "registry.json", "CHAMPION", "history.jsonl", ".lock"
_RESERVED = {MARKER, POINTER, HISTORY, LOCK}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
Decide = Callable[[str | None], tuple[bool, dict]]


def is_registry(path: Path) -> bool:
    """Whether ``path`` is a registry directory (and not a model directory)."""
    if (path / MANIFEST).exists():
        return False
    return any(os.path.lexists(path / name) for name in (MARKER, POINTER, HISTORY))


class Registry:
    """A directory of immutable model artifacts with an atomic ``CHAMPION`` pointer.

    Examples
    --------
    >>> import tempfile
    >>> reg = Registry(tempfile.mkdtemp())
    >>> reg.champion() is None
    True
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    # -- reading -------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """Ids of the stored models (directories with a manifest), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name
            for p in self.root.iterdir()
            if not p.name.startswith(".")
            and p.is_dir()
            and not p.is_symlink()
            and (p / MANIFEST).is_file()
        )

    names = ids

    def check_id(self, model_id: str) -> str:
        """``model_id`` if it is a plain directory name allowed in a registry."""
        if not isinstance(model_id, str) or not _ID.match(model_id) or model_id in _RESERVED:
            raise refuse(
                self.root,
                f"cannot hold a model named {model_id!r}",
                "use letters, digits, '.', '_' and '-' (up to 100, not starting with '.')",
            )
        return model_id

    def path_of(self, model_id: str) -> Path:
        """The directory of the model ``model_id``."""
        return self.root / self.check_id(model_id)

    def champion(self) -> str | None:
        """The champion's id, or None."""
        data = read_small_file(self.root / POINTER, limit=256)
        if data is None:
            return None
        try:
            return self.check_id(data.decode("utf-8").strip())
        except (UnicodeDecodeError, ArtifactError):
            raise refuse(
                self.root / POINTER,
                "does not hold a model id",
                f"promote a model again (credscore registry promote {self.root} ID)",
            ) from None

    def champion_path(self) -> Path:
        """The champion's directory; an error if there is none."""
        name = self.champion()
        if name is None:
            raise refuse(
                self.root,
                "has no champion yet",
                f"promote a model (credscore registry promote {self.root} ID)",
            )
        return self.root / name

    def load_champion(self, **kwargs: Any) -> Any:
        """Loads the champion model (every check of :func:`load_model`)."""
        from credscore.artifacts._load import load_model

        return load_model(self.champion_path(), **kwargs)

    def history(self) -> list[dict]:
        """Every recorded decision, oldest first."""
        return _history.read_history(self.root / HISTORY)[0]

    # -- writing -------------------------------------------------------------------------
    def _init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.root / MARKER).exists():
            created = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
            atomic_write_text(self.root / MARKER, json.dumps({"registry": 1, "created": created}))

    def _new_id(self, files: dict[str, bytes]) -> str:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        base = f"{stamp}-{sha256(files[SKOPS])[:8]}"
        model_id, n = base, 1
        while os.path.lexists(self.root / model_id):
            n += 1
            model_id = f"{base}-{n}"
        return model_id

    def add(
        self, model: Any, name: str | None = None, *, who: str | None = None, **save_kwargs: Any
    ) -> Path:
        """Saves ``model`` as a new, immutable entry; returns its directory.

        ``name`` is its id (an error if the id exists); by default the UTC time and the start
        of the model file's SHA-256. Keyword arguments go to :func:`save_model`.
        """
        if name is not None:
            self.check_id(name)
        return self._add_files(artifact_files(model, **save_kwargs), name, who)

    def _add_files(self, files: dict[str, bytes], name: str | None, who: str | None) -> Path:
        self._init()
        with locked(self.root / LOCK):
            model_id = name if name is not None else self._new_id(files)
            target = self.root / model_id
            if os.path.lexists(target):
                raise refuse(
                    target,
                    "already exists: a registry never overwrites a saved model",
                    "choose another --name, or leave it out for a fresh id",
                )
            try:
                write_new_directory(target, files)
            except FileExistsError:  # pragma: no cover - the lock excludes other writers
                raise refuse(target, "appeared while saving", "save again") from None
            _history.append(
                self.root / HISTORY,
                {
                    "action": "add",
                    "model": model_id,
                    "who": _history.who(who),
                    "sha256": sha256(files[MANIFEST]),
                },
            )
        return target

    def _set_pointer(self, model_id: str) -> None:
        atomic_write_text(self.root / POINTER, model_id + "\n")
        fsync_dir(self.root)

    def _reconcile(self, records: list[dict], current: str | None) -> None:
        """Records a pointer move a crash left without its history line."""
        last = next((r for r in reversed(records) if "champion_after" in r), None)
        if current is not None and (last is None or last.get("champion_after") != current):
            _history.append(
                self.root / HISTORY,
                {
                    "action": "recovered",
                    "champion_before": last and last.get("champion_after"),
                    "champion_after": current,
                    "promoted": True,
                    "who": _history.who(None),
                    "note": "the pointer moved without a record (an interrupted promotion)",
                },
            )

    def promote(
        self,
        model_id: str,
        *,
        decide: Decide | None = None,
        force: bool = False,
        who: str | None = None,
        action: str = "promote",
        extra: dict | None = None,
    ) -> dict:
        """Makes ``model_id`` the champion if ``decide(champion)`` says so; records it.

        ``decide`` runs under the registry's lock with the champion of that moment and
        returns ``(promote, gate_record)``; without it (a manual promotion) the model is
        promoted; ``force`` promotes whatever the gate said and records it as forced. Returns
        the history record.
        """
        from credscore.artifacts._load import verify_artifact

        verify_artifact(self.path_of(model_id))
        self._init()
        with locked(self.root / LOCK):
            records, _ = _history.read_history(self.root / HISTORY)
            before = self._champion_or_none()
            self._reconcile(records, before)
            if decide is not None:
                promoted, gate = decide(before)
            else:
                promoted, gate = True, {"decision": "manual"}
            if force:
                gate = gate | {"decision": f"forced (the gate said: {gate.get('decision')})"}
                promoted = True
            if promoted:
                self._set_pointer(model_id)
            return _history.append(
                self.root / HISTORY,
                {
                    "action": action,
                    "model": model_id,
                    "who": _history.who(who),
                    "champion_before": before,
                    "champion_after": model_id if promoted else before,
                    "promoted": bool(promoted),
                    "forced": bool(force),
                    "gate": gate,
                }
                | (extra or {}),
            )

    def _champion_or_none(self) -> str | None:
        try:
            return self.champion()
        except ArtifactError:
            return None

    def rollback(self, *, who: str | None = None) -> dict:
        """Makes the previous champion the champion again; returns the history record."""
        from credscore.artifacts._load import verify_artifact

        with locked(self.root / LOCK):
            records, _ = _history.read_history(self.root / HISTORY)
            current = self._champion_or_none()
            self._reconcile(records, current)
            stack = _history.champion_stack(self.history())
            if current is None or len(stack) < 2 or stack[-1] != current:
                raise refuse(
                    self.root / HISTORY,
                    "records no earlier champion to roll back to",
                    f"promote the model you want (credscore registry promote {self.root} ID)",
                )
            target = stack[-2]
            verify_artifact(self.path_of(target))
            self._set_pointer(target)
            return _history.append(
                self.root / HISTORY,
                {
                    "action": "rollback",
                    "model": target,
                    "who": _history.who(who),
                    "champion_before": current,
                    "champion_after": target,
                    "promoted": True,
                },
            )
