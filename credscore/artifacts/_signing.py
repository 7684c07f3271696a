"""Optional signing of artifacts with a key the user holds (HMAC-SHA256).

What the unsigned hashes protect, and what they do not: ``manifest.sha256`` and the SHA-256 of
every file in the manifest detect accidental damage (a truncated copy, a flipped bit, a file
from another model, an interrupted write). They do not stop anyone who can write the model
directory: such a person can change ``model.skops`` and write matching hashes. The structural
checks still refuse every file that could crash the process or that credscore would not have
written, but a well-formed model with other numbers in it cannot be told apart from a real one.

Signing closes that gap. With a key configured (``CREDSCORE_SIGNING_KEY``, the key itself, at
least 16 bytes; or ``CREDSCORE_SIGNING_KEY_FILE``, a file holding it), :func:`save_model` writes
``manifest.sig``, an HMAC-SHA256 of ``manifest.json`` (which holds the SHA-256 of every other
hashed file), and :func:`load_model` and :func:`verify_artifact` refuse any model that is
unsigned or signed with another key. The bundled default model ships unsigned inside the
package and is trusted as the package is. ``NOTES.md`` is deliberately outside the signature:
it is for people to edit. Anyone who holds the key can sign; keep it out of the model
directories and out of version control.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from credscore.artifacts._common import MANIFEST, SIGNATURE, refuse
from credscore.artifacts._files import read_small_file

__all__ = ["KEY_ENV", "KEY_FILE_ENV", "check_signature", "resolve_key", "signature_bytes"]

KEY_ENV = "CREDSCORE_SIGNING_KEY"
KEY_FILE_ENV = "CREDSCORE_SIGNING_KEY_FILE"
ALGORITHM = "HMAC-SHA256"
MIN_KEY_BYTES = 16
_KEY_FIX = (
    f"set {KEY_ENV} to a random key of at least {MIN_KEY_BYTES} bytes, e.g. the output of "
    "python -c 'import secrets; print(secrets.token_hex(32))'"
)


def resolve_key(key: bytes | str | None = None) -> bytes | None:
    """The signing key: ``key`` if given, else the environment's, else None.

    Examples
    --------
    >>> resolve_key("0123456789abcdef0123") == b"0123456789abcdef0123"
    True
    """
    source = "the key argument"
    if key is None:
        if os.environ.get(KEY_ENV):
            key, source = os.environ[KEY_ENV], KEY_ENV
        elif os.environ.get(KEY_FILE_ENV):
            path = Path(os.environ[KEY_FILE_ENV])
            data = read_small_file(path, follow=True)  # secrets are often mounted as links
            if data is None:
                raise refuse(path, f"(named by {KEY_FILE_ENV}) does not exist", _KEY_FIX)
            key, source = data.strip(), f"{KEY_FILE_ENV} ({path})"
        else:
            return None
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise refuse(source, f"holds a signing key of {len(raw)} bytes, too short", _KEY_FIX)
    return raw


def key_id(key: bytes) -> str:
    """A short public name of the key (not the key, and not its hash)."""
    return hmac.new(key, b"credscore key id", hashlib.sha256).hexdigest()[:16]


def signature_bytes(manifest_bytes: bytes, key: bytes) -> bytes:
    """The content of ``manifest.sig`` for ``manifest_bytes``."""
    mac = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()
    doc = {"algorithm": ALGORITHM, "key_id": key_id(key), "signed": MANIFEST, "mac": mac}
    return (json.dumps(doc, sort_keys=True) + "\n").encode("ascii")


def _parse(path: Path, data: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(data)
    except ValueError:
        doc = None
    if not (
        isinstance(doc, dict)
        and doc.get("algorithm") == ALGORITHM
        and isinstance(doc.get("mac"), str)
        and isinstance(doc.get("key_id"), str)
    ):
        raise refuse(path, "is not a credscore signature", "remove it and sign the model again")
    return doc


def check_signature(
    root: Path, files: dict[str, bytes], key: bytes | None, *, exempt: bool = False
) -> str:
    """``"valid"``, ``"unsigned"`` or ``"not checked"`` (signed, but no key configured).

    Raises
    ------
    ArtifactError
        With a key: the model is unsigned or signed with another key.
    """
    path = root / SIGNATURE
    if SIGNATURE not in files:
        if key is not None and not exempt:
            raise refuse(
                root,
                f"is not signed, and a signing key is configured ({KEY_ENV} or {KEY_FILE_ENV}): "
                "unsigned models are refused",
                "sign it if you trust it (credscore sign DIR, or credscore.sign_artifact), or "
                "save it again with the key set",
            )
        return "unsigned"
    doc = _parse(path, files[SIGNATURE])
    if key is None:
        return "not checked"
    expected = hmac.new(key, files[MANIFEST], hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, doc["mac"]):
        other = doc["key_id"] != key_id(key)
        raise refuse(
            path,
            f"was made with another key (key id {doc['key_id']}, yours is {key_id(key)})"
            if other
            else "does not match manifest.json: the manifest changed after it was signed",
            "load it with the key that signed it, or restore the model from a trusted copy",
        )
    return "valid"
