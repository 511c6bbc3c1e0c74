"""Optional extras (matplotlib, pandas): lazy imports with a clear error (private)."""

from __future__ import annotations

import importlib
from types import ModuleType

from wenming.errors import WenmingError

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(WenmingError, ImportError):
    """An optional dependency is not installed; the message names the extra to install.

    Attributes
    ----------
    extra : str
        The extra (``"plot"``): ``pip install 'wenming[plot]'``.
    package : str
        The missing package (``"matplotlib"``).
    """

    def __init__(self, package: str, extra: str, what: str) -> None:
        super().__init__(
            f"{what} needs {package}, which is not installed; "
            f"install the {extra!r} extra: pip install 'wenming[{extra}]'"
        )
        self.package = package
        self.extra = extra
        self.name = package


def require(module: str, *, extra: str, what: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra.

    Examples
    --------
    >>> require("no_such_module_xyz", extra="plot", what="wenming.plot")
    Traceback (most recent call last):
    ...
    wenming._extras.MissingExtraError: wenming.plot needs no_such_module_xyz, ... 'wenming[plot]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(module.split(".")[0], extra, what) from None
