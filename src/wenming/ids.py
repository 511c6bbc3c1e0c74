"""Typed identifiers: each kind of record has its own id type.

They are :func:`typing.NewType` over ``str``: free at run time, distinct to a type
checker, so a ``VenueId`` cannot be passed where a ``SiteId`` is expected.

Examples
--------
>>> from wenming.ids import SiteId
>>> SiteId("ziyang-centre")
'ziyang-centre'
"""

from __future__ import annotations

from typing import NewType

__all__ = ["PostId", "SiteId", "VenueId"]

SiteId = NewType("SiteId", str)
"""Identifies a practice site (Centre, Institute, Station or Point)."""

VenueId = NewType("VenueId", str)
"""Identifies a shared venue (场所)."""

PostId = NewType("PostId", str)
"""Identifies a post (职务), such as a village party secretary; people hold posts over time."""
