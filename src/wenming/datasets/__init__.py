"""Reference data shipped with wenming.

:func:`ziyang` returns the Ziyang County (紫阳县, 610924, Shaanxi) reference
network. At this release it holds the county, its 17 towns, the county Centre
(240 m² in the county media centre) and the 17 town Institutes, as reported in
2023-08; villages, Stations and Points arrive with the full reference network.
Division names and codes are real (2023 statistical edition); site names follow
the official naming pattern. See ``ziyang().description``.

Examples
--------
>>> net = ziyang()
>>> net.name, len(net.sites)
('紫阳县', 18)
>>> net.venues_of("centre-610924")[0].floor_area
240.0
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from wenming.network import Network, NetworkRecords
from wenming.serialization import loads_records

__all__ = ["ZIYANG_FILE", "ziyang", "ziyang_text"]

ZIYANG_FILE = "ziyang.json"
"""The file name of the Ziyang network inside this package."""


def ziyang_text() -> str:
    """Return the Ziyang network file's text (the embedded JSON document)."""
    return files(__name__).joinpath(ZIYANG_FILE).read_text(encoding="utf-8")


@cache
def _ziyang_records() -> NetworkRecords:
    return loads_records(ziyang_text(), source=f"wenming.datasets/{ZIYANG_FILE}")


def ziyang() -> Network:
    """Return a fresh copy of the Ziyang County reference network.

    The records are parsed once per process; each call builds a new
    :class:`~wenming.Network`, so callers may add to it freely.
    """
    return Network.from_records(_ziyang_records())
