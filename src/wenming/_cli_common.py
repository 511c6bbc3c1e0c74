"""What the command-line modules share (private): date arguments, FILE-or-Ziyang.

Every command that reads a network takes an optional FILE and falls back to the
embedded Ziyang network; every ``--as-of``/``--from``/``--to`` is a ``YYYY-MM-DD``
date. One definition here, so the commands cannot drift apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from wenming.datasets import ZIYANG_FILE, ziyang
from wenming.network import Network
from wenming.serialization import load

__all__ = ["date_arg", "network_arg"]


def date_arg(text: str) -> dt.date:
    """An argparse ``type=`` for ``YYYY-MM-DD`` dates, with a usage error otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def network_arg(file: Path | None) -> tuple[Network, str]:
    """The network in FILE (and its name), or the embedded Ziyang network.

    Raises
    ------
    FileAccessError
        FILE cannot be read.
    FormatError, VersionError, NetworkInvalidError
        FILE does not load (see :func:`wenming.loads`).
    """
    if file is None:
        return ziyang(), f"embedded dataset {ZIYANG_FILE}"
    return load(file), str(file)
