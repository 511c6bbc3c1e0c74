"""The network as pandas DataFrames, one per section (needs the ``frames`` extra).

Examples
--------
>>> from wenming.datasets import ziyang
>>> frames = to_frames(ziyang())
>>> {"divisions", "sites", "posts", "links"} <= set(frames)
True
>>> frames["sites"].loc[0, ["id", "kind", "division"]].tolist()
['centre-610924', 'centre', '610924']
>>> "note" in frames["people"].columns
False
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from wenming._extras import require
from wenming._flat import flat_attributes
from wenming.network import Network
from wenming.sections import SECTIONS

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["to_frames"]


def _rows(records: Any) -> list[dict[str, Any]]:
    out = []
    for record in records:
        row: dict[str, Any] = {}
        kind = getattr(type(record), "kind", None)
        if isinstance(kind, enum.Enum):
            row["kind"] = kind.value  # the tag of a union section (a site's kind)
        row.update(flat_attributes(record))
        out.append(row)
    return out


def to_frames(network: Network, *, sections: Any = None) -> dict[str, pd.DataFrame]:
    """Return one :class:`pandas.DataFrame` per section, in canonical order.

    Every section of the network is there (divisions, sites, venues, posts,
    people, links … and the families added later), with the records' fields
    as flat columns (dates as ISO strings, sets as comma-joined text,
    coordinates as ``location_lon``/``location_lat``). Sensitive personal
    fields (ID numbers, phones, notes) are never included.

    Parameters
    ----------
    network : Network
        The records.
    sections : iterable of str, optional
        Only these sections.

    Raises
    ------
    MissingExtraError
        pandas is not installed (``pip install 'wenming[frames]'``).
    """
    pandas = require("pandas", extra="frames", what="to_frames")
    wanted = None if sections is None else set(sections)
    records = network.records()
    frames: dict[str, pd.DataFrame] = {}
    for section in SECTIONS:
        if wanted is not None and section.name not in wanted:
            continue
        frames[section.name] = pandas.DataFrame(_rows(records.of(section)))
    return frames
