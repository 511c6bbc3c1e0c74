"""Where the tests find the real 2023 division tables, and the mark for tests that need them.

The tables are the project's reference data in ``../shared/data/divisions-2023``
(beside the repository; CI lays a copy there). They are never copied into the
repository; a test that needs them is skipped where they are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TABLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "divisions-2023"
needs_tables = pytest.mark.skipif(not TABLES.is_dir(), reason="the division tables are not here")
