"""Fuzzing the skops decoder: any edit of a saved model is refused cleanly or loads and scores.

The edits are rehashed, so that only the structural checks stand between them and a load.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import credscore
from credscore.artifacts._files import RawArtifact, read_artifact_dir
from credscore.artifacts._load import _construct
from credscore.artifacts._verify import check_artifact
from credscore.exceptions import ArtifactError

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.fixture(scope="module")
def original(tmp_path_factory, fitted_model):
    from conftest import EXAMPLE

    path = tmp_path_factory.mktemp("fuzz") / "m"
    credscore.save_model(fitted_model, path)
    raw = read_artifact_dir(path)
    with zipfile.ZipFile(io.BytesIO(raw.files["model.skops"])) as z:
        members = {n: z.read(n) for n in z.namelist()}
    return raw, members, credscore.read_tables(EXAMPLE)


def _rebuilt(raw: RawArtifact, members: dict[str, bytes]) -> RawArtifact:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    files = dict(raw.files, **{"model.skops": out.getvalue()})
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["model.skops"] = hashlib.sha256(files["model.skops"]).hexdigest()
    body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    files["manifest.json"] = body
    files["manifest.sha256"] = (hashlib.sha256(body).hexdigest() + "\n").encode()
    return RawArtifact(raw.root, files)


def _load_and_score(raw: RawArtifact, tables) -> None:
    """Refused with ArtifactError, or loads and scores: nothing else may happen."""
    try:
        model = _construct(check_artifact(raw))
    except ArtifactError:
        return
    out = model.score(tables)
    assert len(out) == len(tables.statements)


def _slots(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((node, k))
            _slots(v, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((node, i))
            _slots(v, out)
    return out


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.integers(0, 10**9), value=VALUES)
def test_any_schema_edit_is_refused_or_harmless(original, where, value):
    """Invariant: replacing any one value of schema.json (keys, loaders, classes, ids, attribute
    values) with any JSON value never raises anything but ArtifactError while loading, and a
    model that loads also scores."""
    raw, members, tables = original
    schema = json.loads(members["schema.json"])
    slots = _slots(schema, [])
    parent, key = slots[where % len(slots)]
    parent[key] = value
    edited = dict(members, **{"schema.json": json.dumps(schema).encode()})
    _load_and_score(_rebuilt(raw, edited), tables)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.integers(0, 10**9), pos=st.integers(0, 10**9), xor=st.integers(1, 255))
def test_any_array_byte_edit_is_refused_or_harmless(original, which, pos, xor):
    """Invariant: flipping bits of any byte of any stored array (header or data) never raises
    anything but ArtifactError while loading, and a model that loads also scores."""
    raw, members, tables = original
    arrays = sorted(n for n in members if n.endswith(".npy"))
    name = arrays[which % len(arrays)]
    body = bytearray(members[name])
    body[pos % len(body)] ^= xor
    try:
        _load_and_score(_rebuilt(raw, dict(members, **{name: bytes(body)})), tables)
    except (ValueError, FloatingPointError) as exc:  # pragma: no cover - reported below
        pytest.fail(f"{name}: {type(exc).__name__}: {exc}")
    assert np is not None
