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

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sklearn

from credscore._io import _umask, atomic_write_bytes, atomic_write_text
from credscore._version import __version__
from credscore.exceptions import ArtifactError

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FORMAT_VERSION",
    "TRUSTED_TYPES",
    "Registry",
    "load_model",
    "save_model",
    "verify_artifact",
]

#: Version of the artifact layout; :func:`load_model` refuses other versions.
FORMAT_VERSION = 1
#: The model bundled with the package, loaded by ``load_model()``.
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "default"
#: Types (beyond skops' own defaults) that a credscore artifact may contain.
TRUSTED_TYPES: tuple[str, ...] = (
    "credscore._learners.BaseLearner",
    "credscore.model.CredibilityClassifier",
    "credscore.calibration._calibrators.SigmoidCalibrator",
    "credscore.calibration._calibrators.IsotonicCalibrator",
    "credscore.calibration._calibrators.TemperatureCalibrator",
    "credscore.calibration._calibrators.VennAbersCalibrator",
    "credscore.calibration._venn_abers.VennAbersCalibrator",
    "credscore.calibration._venn_abers.InductiveVennAbers",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss._loss.CyHalfBinomialLoss",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.impute._base.MissingIndicator",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.isotonic.IsotonicRegression",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.utils._bunch.Bunch",
    "builtins.slice",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "collections.OrderedDict",
)

_SKOPS = "model.skops"
_MANIFEST = "manifest.json"
_MANIFEST_HASH = "manifest.sha256"
_CARD = "MODEL_CARD.md"


def _sio():
    """skops.io, imported on first use (importing it loads every scikit-learn estimator)."""
    import skops.io

    return skops.io


def _skops_version() -> str:
    from importlib.metadata import version

    return version("skops")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    if isinstance(obj, Path):
        return str(obj)
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    return repr(obj)


def _default_card(model: Any, manifest: dict) -> str:
    sel = manifest.get("selection", {})
    metrics = manifest.get("metrics") or {}
    lines = [
        "# credscore model card",
        "",
        f"- credscore {manifest['versions']['credscore']}, created {manifest['created_at']}",
        f"- training rows: {manifest['training']['rows']} (fingerprint "
        f"`{manifest['training']['fingerprint'][:16]}…`)",
        f"- training data: {manifest['training'].get('data') or 'not stated'}",
        f"- base learner: {sel.get('base')}, calibrator: {sel.get('calibrator')} "
        f"(chosen by {sel.get('folds')} {sel.get('n_splits')}-fold cross-validated log loss)",
        f"- feature families: {', '.join(model.families)}"
        + (
            f" (columns left out: {', '.join(model.excluded_columns())})"
            if model.excluded_columns()
            else ""
        ),
        "",
        "## Intended use",
        "A calibrated prior on whether a statement will hold up, from its source's record, its "
        "wording and its source's rank. It is a triage aid for fact-checkers, not a verdict on "
        "any statement or person.",
        "",
        "## Metrics",
    ]
    if metrics:
        lines += [f"- {k}: {v}" for k, v in metrics.items()]
    else:
        lines.append("- none recorded at save time")
    return "\n".join(lines) + "\n"


def save_model(
    model: Any,
    directory: str | os.PathLike,
    *,
    card: str | None = None,
    metrics: dict | None = None,
    training_data: str | None = None,
) -> Path:
    """Writes a fitted :class:`~credscore.CredibilityModel` as an artifact directory.

    The directory is assembled in a temporary sibling and renamed into place, so a crash never
    leaves a half-written artifact at ``directory``. An existing artifact there is replaced.

    Parameters
    ----------
    model : CredibilityModel
        Fitted model.
    directory : path-like
    card : str, optional
        Model card text (Markdown); a default card is written otherwise.
    metrics : dict, optional
        Evaluation figures to record in the manifest and card.
    training_data : str, optional
        Description of the training data (name, license terms).

    Returns
    -------
    Path
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(model, "classifier_")
    target = Path(directory).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "classifier": model.classifier_,
        "extractor_state": {
            "retraction_prior_": float(model.extractor_.retraction_prior_),
            "false_prior_": float(model.extractor_.false_prior_),
            "feature_names_out_": [str(c) for c in model.extractor_.feature_names_out_],
        },
        "reference": {
            str(k): (v if isinstance(v, str) else float(v)) for k, v in model.reference_.items()
        },
        "recalibration": getattr(model, "recalibration_", None),
    }
    sio = _sio()
    skops_bytes = sio.dumps(payload)
    params = model.get_params()
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "versions": {
            "credscore": __version__,
            "scikit-learn": sklearn.__version__,
            "skops": _skops_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "python": platform.python_version(),
        },
        "model_class": "credscore.model.CredibilityModel",
        "params": _jsonable(params),
        "feature_columns": list(model.feature_names_),
        "data_files": model.extractor_.data_hashes(),
        "training": {
            "rows": model.n_train_rows_,
            "fingerprint": model.training_fingerprint_,
            "period": getattr(model, "training_period_", None),
            "data": training_data,
        },
        "selection": _jsonable(model.selection_),
        "recalibration": _jsonable(getattr(model, "recalibration_", None)),
        "metrics": _jsonable(metrics or {}),
        "trusted_types": sorted(sio.get_untrusted_types(data=skops_bytes)),
    }
    card_text = card if card is not None else _default_card(model, manifest)
    files = {_SKOPS: skops_bytes, _CARD: card_text.encode("utf-8")}
    manifest["files"] = {name: _sha256(b) for name, b in sorted(files.items())}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    files[_MANIFEST] = manifest_bytes
    files[_MANIFEST_HASH] = (_sha256(manifest_bytes) + "\n").encode("ascii")

    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for name, content in files.items():
            atomic_write_bytes(staging / name, content)
        if target.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.replace(target, trash / "old")
            os.replace(staging, target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def verify_artifact(directory: str | os.PathLike) -> dict:
    """Checks an artifact's hashes and format version; returns its manifest.

    Raises
    ------
    ArtifactError
        Naming the file that is missing, unlisted, altered, or of an unknown format.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ArtifactError(
            f"{root} is not a model directory. Fix: pass the directory that "
            "save_model wrote (it holds manifest.json and model.skops)."
        )
    manifest_path, hash_path = root / _MANIFEST, root / _MANIFEST_HASH
    for p in (manifest_path, hash_path):
        if not p.is_file():
            raise ArtifactError(
                f"{p} is missing: this is not a complete credscore artifact. "
                "Fix: save the model again with CredibilityModel.save()."
            )
    manifest_bytes = manifest_path.read_bytes()
    if hash_path.read_bytes() != (_sha256(manifest_bytes) + "\n").encode("ascii"):
        raise ArtifactError(
            f"{manifest_path} does not match the hash in {hash_path}: the "
            "manifest was altered or corrupted. Fix: restore the artifact from "
            "a trusted copy or retrain."
        )
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ArtifactError(f"{manifest_path} is not valid JSON: {exc}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"{manifest_path} has format_version {manifest.get('format_version')!r}; this "
            f"credscore ({__version__}) reads version {FORMAT_VERSION}. Fix: retrain the model "
            "with this version, or install the credscore version that wrote it "
            f"({manifest.get('versions', {}).get('credscore')})."
        )
    listed = set(manifest.get("files", {}))
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    extra = present - listed - {_MANIFEST, _MANIFEST_HASH}
    if extra:
        raise ArtifactError(
            f"{root} holds files the manifest does not list: {sorted(extra)}. "
            "Fix: remove them; an artifact holds only what it was saved with."
        )
    for name, digest in manifest["files"].items():
        path = root / name
        if not path.is_file():
            raise ArtifactError(f"{path} is listed in the manifest but missing.")
        if _sha256(path.read_bytes()) != digest:
            raise ArtifactError(
                f"{path} does not match its SHA-256 in {manifest_path}: the file "
                "was altered or corrupted. Fix: restore it from a trusted copy "
                "or retrain."
            )
    return manifest


def load_model(directory: str | os.PathLike | None = None) -> Any:
    """Loads a model artifact after verifying it; ``None`` loads the bundled default model.

    Examples
    --------
    >>> model = load_model()
    >>> model.selection_["calibrator"] in ("sigmoid", "isotonic", "temperature", "venn_abers")
    True
    """
    from credscore.features.extractor import FeatureExtractor
    from credscore.model import CredibilityModel

    root = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    manifest = verify_artifact(root)
    skops_path = root / _SKOPS
    data = skops_path.read_bytes()
    sio = _sio()
    untrusted = set(sio.get_untrusted_types(data=data))
    unknown = sorted(untrusted - set(TRUSTED_TYPES))
    if unknown:
        raise ArtifactError(
            f"{skops_path} contains types credscore does not trust: {unknown}. "
            "Nothing was loaded. Fix: only load artifacts written by credscore; "
            "if you extended credscore, add the types to "
            "credscore.artifacts.TRUSTED_TYPES after reviewing them."
        )
    try:
        payload = sio.loads(data, trusted=sorted(untrusted))
    except Exception as exc:  # skops raises many types; report them as one
        raise ArtifactError(f"{skops_path} could not be loaded: {exc}") from exc
    params = dict(manifest["params"])
    params.setdefault("exclude", ())  # artifacts written before the parameter existed
    for key in ("families", "base_learners", "calibrators", "exclude"):
        if params[key] is not None:  # exclude=None: the default exclusion
            params[key] = tuple(params[key])
    model = CredibilityModel(**params)
    ext = FeatureExtractor(
        families=model.families,
        prior_strength=model.prior_strength,
        half_life_days=model.half_life_days,
        lexicon=model.lexicon,
        rank_table=model.rank_table,
        include_text=model.text_features,
        exclude=model.excluded_columns(),
    )
    for key, value in payload["extractor_state"].items():
        setattr(ext, key, np.asarray(value, dtype=object) if key.endswith("out_") else value)
    _load_data_files(ext, root, manifest)
    model.extractor_ = ext
    model.classifier_ = payload["classifier"]
    model.reference_ = pd.Series(payload["reference"], dtype=object).reindex(
        manifest["feature_columns"]
    )
    model.n_train_rows_ = manifest["training"]["rows"]
    model.training_fingerprint_ = manifest["training"]["fingerprint"]
    model.training_period_ = manifest["training"].get("period")
    model.feature_names_ = list(manifest["feature_columns"])
    model.recalibration_ = payload.get("recalibration")
    model.manifest_ = manifest
    return model


def _load_data_files(ext: Any, root: Path, manifest: dict) -> None:
    """Loads the extractor's data files and checks they are the ones the model was fitted with."""
    ext.load_data_files()
    now = ext.data_hashes()
    for name, entry in manifest["data_files"].items():
        if name not in now or now[name]["sha256"] != entry["sha256"]:
            raise ArtifactError(
                f"{root / _MANIFEST}: the model was fitted with {name} version "
                f"{entry['version']} (sha256 {entry['sha256'][:12]}...), but the one installed now "
                f"is {now.get(name, {}).get('version')} "
                f"(sha256 {now.get(name, {}).get('sha256', '')[:12]}...). "
                "Scores would not mean what they meant at training time. Fix: retrain the model "
                "with the installed data files, or install the credscore version that wrote it "
                "(and pass the same lexicon/rank_table files)."
            )


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
            p.name for p in self.root.iterdir() if p.is_dir() and (p / _MANIFEST).is_file()
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
