"""pytest setup for the doctests in the documentation pages (not part of the site).

The analysts' how-to reads the 2023 division tables from
``../shared/data/divisions-2023``, relative to the repository root, as the page
says: its doctests run from the root, and are skipped where the tables are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT.parent / "shared" / "data" / "divisions-2023"
NEEDS_TABLES = {"analysts.md"}


@pytest.fixture(autouse=True)
def _workspace(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    path = getattr(request.node, "path", None)
    if path is None or path.name not in NEEDS_TABLES:
        return
    if not TABLES.is_dir():
        pytest.skip(f"{path.name} reads the division tables, which are not in {TABLES}")
    monkeypatch.chdir(ROOT)
