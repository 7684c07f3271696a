"""The tamper functions of ``test_artifacts.py``: each edits a copy of a saved model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from _artifact_tamper import (
    attr_node,
    edit_array,
    edit_manifest,
    edit_schema,
    fitted,
    json_node,
    nodes,
    read_zip,
    rehash,
    save_scalar,
    set_attr,
    write_zip,
)

from credscore.artifacts._signing import signature_bytes

CTX: dict[str, Path] = {}
KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def _flip_tree(field, value, row=0):
    def tamper(d):
        def fn(a):
            split = int(np.flatnonzero(a["is_leaf"] == 0)[row])
            a[field][split] = value

        edit_array(d, "TreePredictor", "nodes", fn)

    return tamper


def _add_node(cls_marker, attr, node):
    return lambda d: set_attr(d, cls_marker[0], attr, node, marker=cls_marker[1])


def _function_node(d):
    def edit(schema, members):
        fitted(schema, "CredibilityClassifier", "members_")["content"]["content"]["members_"] = {
            "__class__": "system",
            "__module__": "os",
            "__loader__": "FunctionNode",
            "content": {"module_path": "os", "function": "system"},
        }

    edit_schema(d, edit)


def _custom_class(d):
    def edit(schema, members):
        node = fitted(schema, "CredibilityClassifier", "members_")
        node["__module__"], node["__class__"] = "subprocess", "Popen"

    edit_schema(d, edit)


def _raw_pickle(d):
    import pickle

    (d / "model.skops").write_bytes(pickle.dumps({"a": 1}))
    rehash(d)


def _zip_member(name, body=b"x"):
    def tamper(d):
        m = read_zip(d)
        m[name] = body
        write_zip(d, m)

    return tamper


def _schema_edit(fn):
    return lambda d: edit_schema(d, lambda s, m: fn(s))


def _drop_loader(s):
    del fitted(s, "LogisticRegression", "coef_")["__loader__"]


def _attrs_as_list(s):
    node = fitted(s, "LogisticRegression", "coef_")
    node["content"] = {
        "__class__": "list",
        "__module__": "builtins",
        "__loader__": "ListNode",
        "content": [],
    }


def _self_reference(s):
    node = fitted(s, "CredibilityClassifier", "members_")
    keys = ("__class__", "__module__", "__loader__", "__id__")
    node["content"]["content"]["members_"] = {k: node[k] for k in keys}  # the same id again


def _deep(s):
    deep = json_node(1)
    for _ in range(300):
        deep = {
            "__class__": "list",
            "__module__": "builtins",
            "__loader__": "ListNode",
            "content": [deep],
        }
    fitted(s, "CredibilityClassifier", "members_")["content"]["content"]["members_"] = deep


def _missing_array_file(s):
    attr_node(s, "LogisticRegression", "coef_")["file"] = "999.npy"


def _protocol(s):
    s["protocol"] = 0


def _generator_name(s):
    gen = nodes(s, "Generator")[0]
    gen["content"]["bit_generator"]["content"]["bit_generator"] = json_node("seed")


def _method_node(s):
    fitted(s, "CredibilityClassifier", "members_")["content"]["content"]["members_"] = {
        "__class__": "LogisticRegression",
        "__module__": "sklearn.linear_model._logistic",
        "__loader__": "MethodNode",
        "content": {"func": "fit", "obj": fitted(s, "LogisticRegression", "coef_")},
    }


def _drop_state_key(s):
    del s["content"]["reference"]
    s["key_types"]["content"].pop()


def _classifier_swapped(s):
    s["content"]["classifier"] = fitted(s, "LogisticRegression", "coef_")


def _members_empty(s):
    fitted(s, "CredibilityClassifier", "members_")["content"]["content"]["members_"]["content"] = []


def _vocabulary(value, count):
    def edit(schema, members):
        vocab = attr_node(schema, "TfidfVectorizer", "vocabulary_")["content"]
        for key in list(vocab)[:count]:
            save_scalar(members, vocab[key], value)

    return lambda d: edit_schema(d, edit)


def _edit(path_fn):
    return lambda d: edit_manifest(d, path_fn)


def _symlink(name):
    def tamper(d):
        outside = d.parent / f"{d.name}-outside-{name}"
        outside.write_bytes((d / name).read_bytes())
        (d / name).unlink()
        (d / name).symlink_to(outside)

    return tamper


def _notes_symlink(d):
    (d / "NOTES.md").unlink()
    (d / "NOTES.md").symlink_to("/etc/hostname")


def _fifo(d):
    (d / "model.skops").unlink()
    os.mkfifo(d / "model.skops")


def _loop(d):
    (d / "MODEL_CARD.md").unlink()
    (d / "MODEL_CARD.md").symlink_to(d / "MODEL_CARD.md")


def _dir_link(d):
    real = d.parent / f"{d.name}-real"
    d.rename(real)
    d.symlink_to(real, target_is_directory=True)


def _subdir(d):
    (d / "extra").mkdir()


def _notes_dir(d):
    (d / "NOTES.md").unlink()
    (d / "NOTES.md").mkdir()


def _other_skops(d):
    (d / "model.skops").write_bytes((CTX["bases"] / "text" / "model.skops").read_bytes())
    rehash(d)


def _truncate(rehashed):
    def tamper(d):
        data = (d / "model.skops").read_bytes()
        (d / "model.skops").write_bytes(data[: len(data) // 2])
        if rehashed:
            rehash(d)

    return tamper


def _bytes(name, data, rehashed=True):
    def tamper(d):
        (d / name).write_bytes(data)
        if rehashed:
            rehash(d)

    return tamper


def _flip(name):
    def tamper(d):
        b = bytearray((d / name).read_bytes())
        b[len(b) // 2] ^= 1
        (d / name).write_bytes(bytes(b))

    return tamper


def _fmt2_with_notes(d):
    edit_manifest(d, lambda m: m.update(format_version=2))


def _set(key, value):
    return _edit(lambda m: m.update({key: value}))


def _sign_with(key):
    def tamper(d):
        (d / "manifest.sig").write_bytes(signature_bytes((d / "manifest.json").read_bytes(), key))

    return tamper


def _signed_then_changed(d):
    _sign_with(KEY)(d)
    edit_array(d, "LogisticRegression", "coef_", lambda a: a * 1.5)
