"""Model artifacts: save, verify, load, and a registry with an atomic champion pointer.

An artifact is a directory::

    model.skops        the fitted estimator state, in skops format (loads without executing code)
    manifest.json      format version, library versions, feature schema, data-file hashes,
                       training-data fingerprint, model selection, metrics, SHA-256 of every file
                       (the lexicon, rank table and context table are identified by version and
                       hash; loading refuses a model whose data files differ from the installed)
    manifest.sha256    SHA-256 of manifest.json (so the manifest cannot be edited unnoticed)
    MODEL_CARD.md      what the model is for, what it is not, its data, metrics and limits

:func:`load_model` checks, before anything is deserialised, that the manifest's own hash matches,
that every listed file exists with its recorded SHA-256 and that no unlisted file is present, that
the format version is one it can read; it then loads the skops file trusting only the types in
:data:`TRUSTED_TYPES`. Any difference raises :class:`~credscore.exceptions.ArtifactError`
naming the file.
"""

from credscore.artifacts._common import (
    DEFAULT_MODEL_DIR,
    FORMAT_VERSION,
    LEGACY_TYPES,
    READABLE_VERSIONS,
    TRUSTED_TYPES,
)
from credscore.artifacts._load import load_model, verify_artifact
from credscore.artifacts._registry import Registry
from credscore.artifacts._save import save_model

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "LEGACY_TYPES",
    "READABLE_VERSIONS",
    "TRUSTED_TYPES",
    "Registry",
    "load_model",
    "save_model",
    "verify_artifact",
]
