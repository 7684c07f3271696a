"""A directory of model artifacts with an atomic champion pointer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from credscore._io import atomic_write_text
from credscore.artifacts._common import MANIFEST
from credscore.artifacts._load import load_model, verify_artifact
from credscore.artifacts._save import save_model
from credscore.exceptions import ArtifactError

__all__ = ["Registry"]


class Registry:
    """A directory of model artifacts with a ``champion`` pointer.

    The pointer is the file ``CHAMPION`` holding the name of the champion's sub-directory; it
    is replaced atomically, so readers always see the old champion or the new one.

    Examples
    --------
    >>> import tempfile
    >>> reg = Registry(tempfile.mkdtemp())
    >>> reg.champion() is None
    True
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def names(self) -> list[str]:
        """Names of the stored models, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            p.name for p in self.root.iterdir() if p.is_dir() and (p / MANIFEST).is_file()
        )

    def add(self, model: Any, name: str, **save_kwargs: Any) -> Path:
        """Saves ``model`` under ``name``."""
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"model name must be a plain directory name, got {name!r}")
        return save_model(model, self.root / name, **save_kwargs)

    def champion(self) -> str | None:
        """The champion's name, or None."""
        pointer = self.root / "CHAMPION"
        return pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else None

    def promote(self, name: str) -> None:
        """Makes ``name`` the champion (after verifying its artifact)."""
        verify_artifact(self.root / name)
        atomic_write_text(self.root / "CHAMPION", name + "\n")

    def load_champion(self) -> Any:
        """Loads the champion model."""
        name = self.champion()
        if name is None:
            raise ArtifactError(f"{self.root} has no champion yet. Fix: promote a model first.")
        return load_model(self.root / name)
