"""Parameters of credscore's table-level objects, the scikit-learn way, without its contract.

:class:`~credscore.CredibilityModel` and :class:`~credscore.FeatureExtractor` take *tables*
(sources, statements, events), not a numeric matrix, and ``CredibilityModel.score`` returns one
row of scores per statement, not a metric. They are therefore not scikit-learn estimators and do
not claim to be (scikit-learn's ``cross_val_score`` would call ``score(X, y)`` expecting a
number). They keep what makes scikit-learn objects pleasant: ``__init__`` only stores
parameters, ``get_params``/``set_params`` (so :func:`sklearn.base.clone` works), a short
``repr``, and parameters validated at ``fit`` with scikit-learn's constraint declarations.
For scikit-learn's model-selection tools use
:class:`~credscore.CredibilityClassifier` on the feature matrix (see ``docs/architecture.md``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from sklearn.utils._param_validation import Options, validate_parameter_constraints

__all__ = ["NamesFrom", "NotAnEstimatorMixin", "ParamsMixin"]

#: What to use instead, for scikit-learn's model-selection tools.
SKLEARN_PATH = (
    "for cross_val_score, GridSearchCV and pipelines use CredibilityClassifier on "
    "credscore.extract_features(tables), with TimeOrderedSplit and the statements' made_at as "
    "groups (see docs/architecture.md)"
)


class NotAnEstimatorMixin:
    """Says so when scikit-learn's tools are handed a table-level object.

    scikit-learn asks every estimator for its tags first; this answers with a ``TypeError``
    naming the documented path instead of scikit-learn's own puzzling error about tags.
    """

    def __sklearn_tags__(self) -> Any:
        raise TypeError(
            f"{type(self).__name__} is not a scikit-learn estimator: it reads tables "
            f"(sources, statements, events), not a matrix; {SKLEARN_PATH}."
        )


class NamesFrom(Options):
    """Parameter constraint: a non-empty list or tuple of names, each from ``allowed``.

    Examples
    --------
    >>> c = NamesFrom(("logistic", "hgb"), "base learners")
    >>> c.is_satisfied_by(("hgb",)), c.is_satisfied_by(("svm",)), c.is_satisfied_by("hgb")
    (True, False, False)
    >>> str(c)
    "a non-empty list of base learners from ['logistic', 'hgb']"
    """

    def __init__(self, allowed: Iterable[str], what: str) -> None:
        self.allowed = tuple(allowed)
        self.what = what
        super().__init__(type=str, options=set(self.allowed))

    def is_satisfied_by(self, val: Any) -> bool:
        return (
            isinstance(val, list | tuple)
            and len(val) > 0
            and all(isinstance(v, str) and v in self.allowed for v in val)
        )

    def __str__(self) -> str:
        return f"a non-empty list of {self.what} from {list(self.allowed)}"


class ParamsMixin:
    """``get_params``, ``set_params``, ``repr`` and constraint validation from ``__init__``.

    Subclasses store every ``__init__`` argument unchanged under its own name and may declare
    ``_parameter_constraints`` (scikit-learn's format); :meth:`_validate_params` checks them.

    Examples
    --------
    >>> class Thing(ParamsMixin):
    ...     _parameter_constraints = {"k": [int]}
    ...     def __init__(self, k=3):
    ...         self.k = k
    >>> Thing(k=5), Thing().set_params(k=4).get_params()
    (Thing(k=5), {'k': 4})
    >>> Thing(k="x")._validate_params()
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'k' parameter of Thing must be an instance of 'int'. Got 'x' instead.
    """  # noqa: E501

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {}

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in sig.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> ParamsMixin:
        """Sets constructor parameters; unknown names are an error naming the valid ones."""
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(
                    f"{type(self).__name__} has no parameter {name!r}. "
                    f"Fix: use one of {sorted(valid)}."
                )
            setattr(self, name, value)
        return self

    def _validate_params(self) -> None:
        validate_parameter_constraints(
            self._parameter_constraints, self.get_params(), caller_name=type(self).__name__
        )

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        shown = []
        for name in self._param_names():
            default = sig.parameters[name].default
            value = getattr(self, name, default)
            try:
                same = bool(value == default)
            except (TypeError, ValueError):  # arrays and frames do not compare to a bool
                same = value is default
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"
