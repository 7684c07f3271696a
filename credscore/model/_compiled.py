"""Fitted fold models compiled to plain numpy: fast scoring, reasons in one matrix pass.

A fitted :class:`~credscore.model._learners.BaseLearner` is a scikit-learn ``ColumnTransformer``
(median imputation with missing-value indicators, standardisation for the logistic model,
one-hot encoding of string columns) in front of a logistic regression or a gradient-boosting
model. Scoring through scikit-learn costs milliseconds of validation per call and per fold
model, and reasons (group substitution) used to copy the frame once per explanation group.
Here the fitted parameters are read once and the same element-wise operations are applied to
arrays (``x[nan] = median``, ``x -= mean``, ``x /= scale``; each distinct string goes through
the fitted imputer and encoder themselves), so the design matrix equals scikit-learn's bit for
bit.

Logistic decision values. ``intercept + sum_j coef_j * z_j`` is summed in a fixed order, one
term per input column in column order (a numeric column's term is ``coef * z + coef_indicator
* z_indicator``; a string column's term is its category's coefficient), by a cumulative sum.
A matrix-vector product can give a row a result that differs in the last bit with the number
of rows in the call; the fixed order makes every statement's score independent of what else is
scored with it, so a one-row call returns exactly the batch result. All fold models are
evaluated at once (a column a fold model does not use is a zero term, and adding zero is
exact). Group substitution replaces a group's terms by the reference statement's, which is what
transforming the substituted rows would give (every preprocessing step is column-wise); the
sum restarts from the running sum just before the group's first term.

Gradient boosting: the same design matrix, the substituted copies stacked, scikit-learn's tree
predictor. Learners with a text block (TF-IDF) are not compiled (:func:`compile_members`
returns ``None``) and are scored through scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from credscore.model._inputs import Inputs, category_rows

__all__ = ["LinearEnsemble", "TreeMember", "compile_members"]


def _steps(pipeline: Any) -> list[Any]:
    return [step for _, step in pipeline.steps] if hasattr(pipeline, "steps") else [pipeline]


class _Blocks:
    """One fitted learner's preprocessing, read from its ``ColumnTransformer``."""

    def __init__(self, learner: Any) -> None:
        self.numeric: list[str] = []
        self.categorical: list[str] = []
        self.cat_pipeline: Any = None
        imputer = scaler = None
        for name, trans, cols in learner.pre_.transformers_:
            if name == "num":
                steps = _steps(trans)
                imputer, scaler = steps[0], (steps[1] if len(steps) > 1 else None)
                self.numeric = list(cols)
            elif name == "cat":
                self.cat_pipeline, self.categorical = trans, list(cols)
        m = len(self.numeric)
        self.median = np.zeros(m) if imputer is None else imputer.statistics_.astype(np.float64)
        ind = getattr(imputer, "indicator_", None)
        self.indicator = np.zeros(0, np.intp) if ind is None else np.asarray(ind.features_, np.intp)
        width = m + len(self.indicator)
        self.scaled = scaler is not None
        mean, scale = getattr(scaler, "mean_", None), getattr(scaler, "scale_", None)
        self.mean: np.ndarray = np.zeros(width) if mean is None else mean
        self.scale: np.ndarray = np.ones(width) if scale is None else scale
        self.width_num = width
        cats = self.cat_pipeline.steps[-1][1].categories_ if self.cat_pipeline else []
        self.cat_widths = [len(c) for c in cats]
        self.cache: list[dict[str, np.ndarray]] = [{} for _ in self.categorical]

    def category_rows(self, inputs: Inputs) -> list[np.ndarray]:
        return category_rows(
            self.cat_pipeline, self.categorical, self.cat_widths, self.cache, inputs
        )


def _left_sum(T: np.ndarray, prefixes: bool = False) -> np.ndarray:
    """``T[0] + T[1] + ...`` added left to right (the running sums too with ``prefixes``).

    Whole slices are added at a time (vectorised over rows and fold models); the order of
    the additions is the same for every row, whatever the number of rows.
    """
    if prefixes:
        P = np.empty_like(T)
        P[0] = T[0]
        for j in range(1, len(T)):
            np.add(P[j - 1], T[j], out=P[j])
        return P
    total = T[0].copy()
    for j in range(1, len(T)):
        total += T[j]
    return total


class LinearEnsemble:
    """Every logistic fold model of an ensemble, evaluated at once (see the module doc)."""

    def __init__(self, learners: Sequence[Any], columns: Sequence[str]) -> None:
        #: (reference inputs, groups, their terms, the groups' term positions), see substituted
        self._constant: tuple[Any, ...] | None = None
        blocks = [_Blocks(b) for b in learners]
        used = set().union(*(set(b.numeric) | set(b.categorical) for b in blocks))
        self.terms_of = [c for c in columns if c in used]  # one term each, after the intercept
        cats = set().union(*(set(b.categorical) for b in blocks))
        self.categorical = [c for c in self.terms_of if c in cats]
        self.numeric = [c for c in self.terms_of if c not in cats]
        term = {c: k + 1 for k, c in enumerate(self.terms_of)}
        self.num_terms = np.asarray([term[c] for c in self.numeric], np.intp)
        ind_cols = sorted(
            {b.numeric[i] for b in blocks for i in b.indicator}, key=self.numeric.index
        )
        self.ind_idx = np.asarray([self.numeric.index(c) for c in ind_cols], np.intp)
        self.ind_terms = self.num_terms[self.ind_idx]
        self.cat_terms = [term[c] for c in self.categorical]
        K, m, i = len(blocks), len(self.numeric), len(ind_cols)
        self.median, self.coef_num = np.zeros((K, m)), np.zeros((K, m))
        self.mean, self.scale = np.zeros((K, m + i)), np.ones((K, m + i))
        self.coef_ind, self.intercept = np.zeros((K, i)), np.zeros(K)
        self.blocks, self.cat_coefs = blocks, []
        for k, (b, learner) in enumerate(zip(blocks, learners, strict=True)):
            coef = np.asarray(learner.clf_.coef_, dtype=np.float64).ravel()
            self.intercept[k] = float(np.asarray(learner.clf_.intercept_).ravel()[0])
            mb = len(b.numeric)
            for j, c in enumerate(b.numeric):
                u = self.numeric.index(c)
                self.median[k, u], self.coef_num[k, u] = b.median[j], coef[j]
                self.mean[k, u], self.scale[k, u] = b.mean[j], b.scale[j]
            for q, j in enumerate(b.indicator):
                u = m + ind_cols.index(b.numeric[j])
                self.coef_ind[k, u - m] = coef[mb + q]
                self.mean[k, u], self.scale[k, u] = b.mean[mb + q], b.scale[mb + q]
            bounds = np.cumsum([b.width_num, *b.cat_widths])
            self.cat_coefs.append(
                {c: coef[bounds[q] : bounds[q + 1]] for q, c in enumerate(b.categorical)}
            )

    def terms(self, inputs: Inputs) -> np.ndarray:
        """``(1 + n_terms, K, n)``: each fold model's intercept, then one term per column.

        Terms come first so that the left-to-right sum is a cumulative sum over the first
        axis (whole rows of contiguous values added at a time).
        """
        K, n = len(self.intercept), inputs.n
        X = inputs.numeric_columns(self.numeric).T  # (m, n)
        m = X.shape[0]
        missing = np.isnan(X)
        Z = np.empty((m + len(self.ind_idx), K, n))
        Z[:m] = np.where(missing[:, None, :], self.median.T[:, :, None], X[:, None, :])
        Z[m:] = missing[self.ind_idx][:, None, :]
        Z -= self.mean.T[:, :, None]
        Z /= self.scale.T[:, :, None]
        T = np.empty((len(self.terms_of) + 1, K, n))
        T[0] = self.intercept[:, None]
        T[self.num_terms] = Z[:m] * self.coef_num.T[:, :, None]
        if len(self.ind_idx):
            T[self.ind_terms] += Z[m:] * self.coef_ind.T[:, :, None]
        T[self.cat_terms] = 0.0
        for k, b in enumerate(self.blocks):
            for c, rows in zip(b.categorical, b.category_rows(inputs), strict=True):
                coef = self.cat_coefs[k][c]
                weight = np.where(rows.max(axis=1) > 0, coef[rows.argmax(axis=1)], 0.0)
                T[self.cat_terms[self.categorical.index(c)], k] = weight[inputs.codes[c]]
        return T

    def decision(self, inputs: Inputs) -> np.ndarray:
        """``(K, n)`` decision values."""
        return _left_sum(self.terms(inputs))

    def group_terms(self, groups: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Term positions of each group's columns (sorted)."""
        sets = [set(g) for g in groups]
        return [
            np.asarray(sorted(k + 1 for k, c in enumerate(self.terms_of) if c in g), np.intp)
            for g in sets
        ]

    def substituted(
        self, inputs: Inputs, reference: Inputs, groups: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """``(K, 1 + G, n)``: decision values as given, then with each group's columns at the
        reference statement's values."""
        T = self.terms(inputs)
        key = tuple(tuple(g) for g in groups)
        hit = self._constant
        if hit is None or hit[0] is not reference or hit[1] != key:
            hit = (reference, key, self.terms(reference)[:, :, 0], self.group_terms(groups))
            self._constant = hit  # the same for every call with this reference (one per model)
        ref, positions = hit[2], hit[3]
        P = _left_sum(T, prefixes=True)
        out = np.empty((T.shape[1], len(groups) + 1, T.shape[2]))
        out[:, 0] = P[-1]
        for g, pos in enumerate(positions, start=1):
            if not len(pos):
                out[:, g] = P[-1]
                continue
            a = int(pos[0])
            W = T[a - 1 :].copy()
            W[0] = P[a - 1]
            W[pos - a + 1] = ref[pos][:, :, None]
            out[:, g] = _left_sum(W)
        return out


class TreeMember:
    """One gradient-boosting fold model on the compiled design matrix."""

    def __init__(self, learner: Any) -> None:
        self.blocks, self.clf = _Blocks(learner), learner.clf_

    def design(self, inputs: Inputs) -> np.ndarray:
        """The matrix scikit-learn's ``ColumnTransformer`` gives for these rows."""
        b = self.blocks
        X = inputs.numeric_columns(b.numeric)
        missing = np.isnan(X)
        X = np.where(missing, b.median, X)
        Z = np.hstack([X, missing[:, b.indicator]]) if len(b.indicator) else X
        if b.scaled:
            Z = Z.astype(np.float64, copy=True)
            Z -= b.mean
            Z /= b.scale
        parts = [Z] + [
            rows[inputs.codes[c]]
            for c, rows in zip(b.categorical, b.category_rows(inputs), strict=True)
        ]
        return np.hstack(parts) if len(parts) > 1 else Z

    def _design_columns(self, cols: Sequence[str]) -> list[int]:
        b = self.blocks
        pos = [i for i, c in enumerate(b.numeric) if c in set(cols)]
        pos += [len(b.numeric) + k for k, i in enumerate(b.indicator) if i in set(pos)]
        start = b.width_num
        for c, w in zip(b.categorical, b.cat_widths, strict=True):
            if c in set(cols):
                pos += list(range(start, start + w))
            start += w
        return pos

    def decision(self, inputs: Inputs) -> np.ndarray:
        """``(n,)`` decision values."""
        return np.asarray(self.clf.decision_function(self.design(inputs)), np.float64).ravel()

    def substituted(
        self, inputs: Inputs, reference: Inputs, groups: Sequence[Sequence[str]]
    ) -> np.ndarray:
        """``(1 + G, n)``: as :meth:`LinearEnsemble.substituted` for this fold model."""
        Z, ref = self.design(inputs), self.design(reference)[0]
        V = np.broadcast_to(Z, (len(groups) + 1, *Z.shape)).copy()
        for g, cols in enumerate(groups, start=1):
            pos = self._design_columns(cols)
            V[g][:, pos] = ref[pos]
        dec = self.clf.decision_function(V.reshape(-1, Z.shape[1]))
        return np.asarray(dec, np.float64).reshape(len(groups) + 1, -1)


def compile_members(members: Sequence[tuple], columns: Sequence[str]) -> Any:
    """A :class:`LinearEnsemble` (all logistic), a list of :class:`TreeMember` (all boosting),
    or ``None`` (a text block, or anything else scored through scikit-learn)."""
    learners = [m[0] for m in members]
    for learner in learners:
        for name, trans, _ in learner.pre_.transformers_:
            if name not in ("num", "cat") and not (isinstance(trans, str) and trans == "drop"):
                return None
    kinds = {learner.kind for learner in learners}
    if kinds == {"logistic"}:
        return LinearEnsemble(learners, columns)
    if kinds == {"hgb"}:
        return [TreeMember(learner) for learner in learners]
    return None
