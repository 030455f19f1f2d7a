"""Warnings reported once, at the user's line, not at a line of a library."""

from __future__ import annotations

import re
import sys
import warnings
from types import FrameType

__all__ = ["warn_user"]

#: Top-level packages whose frames stand between the user's call and ours.
_LIBRARIES = frozenset(
    {"imblearn_deepsmote", "imblearn", "sklearn", "skorch", "joblib", "torch"}
)
#: (message, category, filename, line) of warnings shown under "default".
_SHOWN: set[tuple] = set()


def _user_frame() -> tuple[FrameType | None, int]:
    """The first frame outside :data:`_LIBRARIES`, and its ``stacklevel``.

    Level 1 is the function that calls :func:`warnings.warn`, i.e.
    :func:`warn_user` itself.
    """
    frame, level = sys._getframe(2), 2
    while frame is not None:
        package = frame.f_globals.get("__name__", "").partition(".")[0]
        if package not in _LIBRARIES:
            return frame, level
        frame, level = frame.f_back, level + 1
    return None, 2


def _action(message: str, category: type[Warning], module: str, line: int) -> str:
    """What Python's warning filters say to do with this warning."""
    for action, text, kind, module_pattern, lineno in warnings.filters:
        if (
            (text is None or re.match(text, message))
            and issubclass(category, kind)
            and (module_pattern is None or re.match(module_pattern, module))
            and lineno in (0, line)
        ):
            return action
    return warnings.defaultaction


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """Warn at the first line outside this package and the libraries it runs in.

    A warning raised while a grid search fits a pipeline that holds
    DeepSMOTE points at the user's ``search.fit(...)`` line, not at a line
    inside imbalanced-learn or scikit-learn. Under Python's ``"default"``
    action it is shown once for that line, as Python means it to be: the
    libraries reset Python's own record each time they copy the warning
    filters into their workers, so this function keeps its own. Every other
    action (``"always"``, ``"error"``, ``"ignore"``, ...) works as usual.
    """
    frame, level = _user_frame()
    if frame is not None:
        module = frame.f_globals.get("__name__", "")
        key = (message, category, frame.f_code.co_filename, frame.f_lineno)
        if _action(message, category, module, frame.f_lineno) == "default":
            if key in _SHOWN:
                return
            _SHOWN.add(key)
    warnings.warn(message, category, stacklevel=level)
