"""Fixtures for the test suites of wenming and of the services built on it.

- :func:`generate` (from :mod:`wenming.testing.generators`): realistic networks
  of a county, a province or the nation, and the ``make_*`` single-record
  factories (``make_station(parent=...)``).
- :mod:`wenming.testing.factories`: seeded generators of site networks at any
  scale, on synthetic codes or on real division tables.
- :mod:`wenming.testing.strategies`: Hypothesis strategies for every record
  family, valid and one-defect networks (needs the ``wenming[test]`` extra;
  importing it registers type strategies, so ``st.from_type(Centre)`` works).
- :func:`generate_ledger` (from :mod:`wenming.testing.ledgers`): seeded, valid
  points ledgers (household cards or volunteer points) over any network.
- :mod:`wenming.testing.plugin`: the pytest fixtures (a ``pytest11`` entry point).

The names below are imported on first use, so that importing the pytest
plugin stays light.

Examples
--------
>>> from wenming import testing, validate
>>> validate(testing.generate("county", seed=1, volunteers_per_station=(1, 2)))
()
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "generate",
    "generate_ledger",
    "generate_records",
    "make_activity",
    "make_centre",
    "make_county",
    "make_division",
    "make_institute",
    "make_membership",
    "make_point",
    "make_post",
    "make_service_record",
    "make_station",
    "make_team",
    "make_volunteer",
]


def __getattr__(name: str) -> Any:
    if name == "generate_ledger":
        from wenming.testing import ledgers

        return ledgers.generate_ledger
    if name in __all__:
        from wenming.testing import generators

        return getattr(generators, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
