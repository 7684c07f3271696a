"""Signing an existing artifact with the user's key."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from credscore.artifacts._common import MANIFEST, SIGNATURE, refuse
from credscore.artifacts._files import read_artifact_dir
from credscore.artifacts._fs import fsync_dir
from credscore.artifacts._signing import KEY_ENV, KEY_FILE_ENV, resolve_key, signature_bytes
from credscore.artifacts._verify import check_artifact

__all__ = ["sign_artifact"]


def sign_artifact(directory: str | os.PathLike, *, key: bytes | str | None = None) -> Path:
    """Signs the model in ``directory`` after running every check on it; returns the signature.

    Sign only a model you trust: the signature says "I vouch for this model", and from then on
    a changed byte anywhere in the manifest or the files it hashes is refused.

    Raises
    ------
    ArtifactError
        If no key is configured, or the model does not pass :func:`verify_artifact`.
    """
    signing_key = resolve_key(key)
    if signing_key is None:
        raise refuse(
            directory,
            "cannot be signed: no signing key is configured",
            f"set {KEY_ENV} (or {KEY_FILE_ENV}) or pass key=",
        )
    raw = read_artifact_dir(directory)
    check_artifact(raw, None)  # every check but the signature (it may be about to change)
    root = raw.root
    fd, tmp = tempfile.mkstemp(prefix=f".{root.name}.sig.", dir=root.absolute().parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(signature_bytes(raw.files[MANIFEST], signing_key))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, root / SIGNATURE)  # renamed in from outside: no temporary file inside
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    fsync_dir(root)
    return root / SIGNATURE
