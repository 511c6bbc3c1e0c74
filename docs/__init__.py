"""Not part of the site: makes pytest import ``docs/conftest.py`` as ``docs.conftest``.

Without it, the doctest collector imports it as a top-level ``conftest`` module,
which clashes with the other ``conftest.py`` files of the test suite.
"""
