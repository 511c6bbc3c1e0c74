"""Fixtures for the test suites of wenming and of the services built on it.

- :mod:`wenming.testing.factories`: seeded generators of realistic networks at
  any scale, on synthetic codes or on real division tables.
- :mod:`wenming.testing.strategies`: Hypothesis strategies (needs the
  ``wenming[test]`` extra).
"""
