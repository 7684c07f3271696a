"""The registry of feature families: a new family is one module plus one line here.

:data:`FAMILY_CLASSES` maps a family's ``name`` to its class, in the order their columns appear
in the feature matrix. :func:`register_family` adds one from outside the package.
"""

from __future__ import annotations

from credscore.features._context_family import ContextFamily
from credscore.features._family import FeatureFamily
from credscore.features._history_family import HistoryFamily
from credscore.features._qualifiers_family import QualifierFamily
from credscore.features._rank_family import RankFamily
from credscore.features._text_family import TextFamily

__all__ = ["DEFAULT_FAMILIES", "FAMILY_CLASSES", "family_class", "register_family"]

#: Every known family, in column order.
FAMILY_CLASSES: dict[str, type[FeatureFamily]] = {
    cls.name: cls for cls in (HistoryFamily, QualifierFamily, RankFamily, ContextFamily, TextFamily)
}
#: The families a model uses unless told otherwise (``text`` is opt-in).
DEFAULT_FAMILIES: tuple[str, ...] = ("history", "qualifiers", "rank", "context")


def register_family(cls: type[FeatureFamily]) -> type[FeatureFamily]:
    """Adds a :class:`~credscore.features.FeatureFamily` subclass; returns it (a decorator).

    Its columns come after those of the families registered before it. A name already taken
    is an error (a family cannot silently replace another).

    Examples
    --------
    >>> from credscore.features import FeatureFamily
    >>> class Shouting(FeatureFamily):
    ...     name, groups = "shouting", ("shouting",)
    >>> register_family(Shouting) is Shouting
    True
    >>> register_family(Shouting)
    Traceback (most recent call last):
    ...
    ValueError: a feature family named 'shouting' is already registered (Shouting). Fix: give yours another name.
    >>> del FAMILY_CLASSES["shouting"]
    """  # noqa: E501
    if not (isinstance(cls, type) and issubclass(cls, FeatureFamily)):
        raise TypeError(f"register_family takes a FeatureFamily subclass, got {cls!r}.")
    if cls.name in FAMILY_CLASSES:
        raise ValueError(
            f"a feature family named {cls.name!r} is already registered "
            f"({FAMILY_CLASSES[cls.name].__name__}). Fix: give yours another name."
        )
    FAMILY_CLASSES[cls.name] = cls
    return cls


def family_class(name: str) -> type[FeatureFamily]:
    """The class registered under ``name``; an unknown name lists the known ones."""
    try:
        return FAMILY_CLASSES[name]
    except KeyError:
        raise ValueError(
            f"unknown feature family {name!r}. Fix: choose among {sorted(FAMILY_CLASSES)}, "
            "or register yours with credscore.features.register_family."
        ) from None
