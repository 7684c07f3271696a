"""Model artifacts: save, verify, load, sign, and a registry with an atomic champion pointer.

An artifact is a directory of plain files::

    model.skops        the fitted estimator state, in skops format (loads without executing code)
    manifest.json      format version, library versions, feature schema, data-file hashes,
                       training-data fingerprint, model selection, metrics, SHA-256 of the card
                       and of model.skops
    manifest.sha256    SHA-256 of manifest.json
    MODEL_CARD.md      generated: what the model is for, its data, training metrics and limits
    NOTES.md           free notes, not hashed: edit it without breaking verification
    manifest.sig       optional: HMAC-SHA256 of manifest.json with the user's key

:func:`load_model` reads the directory once and checks, before anything is constructed, every
item that :func:`verify_artifact` checks: plain files only (no links, sub-directories, FIFOs or
devices), the signature when a key is configured, the manifest's hash, structure and file
names, every file's hash, the skops archive and each node in it, the content of every
trusted type (a gradient-boosting tree's node, feature and child indices, the one-hot widths,
the TF-IDF numbering), the state's layout and the data files in use. Only the bytes that passed
are handed to skops, trusting only :data:`TRUSTED_TYPES`. Every refusal is an
:class:`~credscore.exceptions.ArtifactError` naming the file and the fix. What the unsigned
hashes do and do not protect is explained in ``docs/artifacts.md``.
"""

from credscore.artifacts._common import (
    DEFAULT_MODEL_DIR,
    FORMAT_VERSION,
    LEGACY_TYPES,
    READABLE_VERSIONS,
    TRUSTED_TYPES,
)
from credscore.artifacts._load import load_model, resolve_model_dir, verify_artifact
from credscore.artifacts._registry import Registry
from credscore.artifacts._save import save_model
from credscore.artifacts._sign import sign_artifact

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "LEGACY_TYPES",
    "READABLE_VERSIONS",
    "TRUSTED_TYPES",
    "Registry",
    "load_model",
    "resolve_model_dir",
    "save_model",
    "sign_artifact",
    "verify_artifact",
]
