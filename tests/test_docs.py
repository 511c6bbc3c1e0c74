"""Every ```python block in the docs and the README runs on its own.

Each block is written to a file in a fresh folder and run in a fresh interpreter,
as a reader who pastes it alone would run it: it must carry its own imports and
setup. A block that defines ``test_*`` functions is run by pytest, so its tests
run too. Doctests (``>>>`` sessions in ```pycon blocks) are checked by pytest's
``--doctest-glob=*.md`` instead.

The fresh folder sits where a checkout of this repository sits in its workspace:
``../shared/data/divisions-2023`` (the division tables the how-to guides read)
points at the real tables when they are present.

A block that cannot run alone (it needs a server, a secret, a file the reader
must bring) says so on the line before it, and that is used sparingly::

    <!-- not-runnable: needs the county's upload service -->
    ```python
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT.parent / "shared" / "data" / "divisions-2023"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
NOT_RUNNABLE = re.compile(r"^\s*<!--\s*not-runnable:(?P<reason>.*?)-->\s*$")
MISSING_MODULE = re.compile(r"^ModuleNotFoundError: No module named '(?P<name>[^'.]+)", re.M)


class Block(NamedTuple):
    """One fenced code block of a Markdown file."""

    file: Path
    line: int  # of the opening fence, 1-based
    info: str  # the info string: "python", "pycon", "bash", ...
    code: str
    skip: str | None  # the reason given by a not-runnable comment

    @property
    def name(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line}"


def markdown_files() -> list[Path]:
    """The README and every page of the docs site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, with the not-runnable reason before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines):
            closing = FENCE.match(lines[i])
            if closing and closing["fence"].startswith(fence) and not closing["info"].strip():
                break
            body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
            i += 1
        before = next((ln for ln in reversed(lines[:start]) if ln.strip()), "")
        marker = NOT_RUNNABLE.match(before)
        blocks.append(
            Block(
                file=path,
                line=start + 1,
                info=opening["info"].strip().split(" ")[0].lower(),
                code="\n".join(body) + "\n",
                skip=marker["reason"].strip() if marker else None,
            )
        )
        i += 1
    return blocks


def python_blocks() -> list[Block]:
    """The ```python blocks (``>>>`` sessions are doctests, checked elsewhere)."""
    return [
        block
        for path in markdown_files()
        for block in fenced_blocks(path)
        if block.info in ("python", "py", "python3") and not block.code.lstrip().startswith(">>>")
    ]


BLOCKS = python_blocks()


def test_the_docs_have_python_blocks() -> None:
    names = {b.name for b in BLOCKS}
    assert any(name.startswith("README.md:") for name in names)
    assert any(name.startswith("docs/howto/test-suites.md:") for name in names)


def test_not_runnable_markers_give_a_reason() -> None:
    for path in markdown_files():
        for block in fenced_blocks(path):
            if block.skip is not None:
                assert block.skip, f"{block.name}: say why the block cannot run"


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_python_block_runs_on_its_own(block: Block, tmp_path: Path) -> None:
    if block.skip is not None:
        pytest.skip(f"not runnable: {block.skip}")
    checkout = tmp_path / "repo"  # a checkout beside ../shared, like this one
    checkout.mkdir()
    if TABLES.is_dir():
        shared = tmp_path / "shared" / "data"
        shared.mkdir(parents=True)
        (shared / "divisions-2023").symlink_to(TABLES, target_is_directory=True)
    has_tests = re.search(r"^(async )?def test_", block.code, flags=re.M) is not None
    script = checkout / ("test_block.py" if has_tests else "block.py")
    script.write_text(block.code, encoding="utf-8")
    command = [sys.executable, str(script)]
    if has_tests:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(script)]
    result = subprocess.run(
        command,
        cwd=checkout,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    missing = MISSING_MODULE.search(output)
    if result.returncode != 0 and missing and missing["name"] != "wenming":
        pytest.skip(f"{block.name} needs {missing['name']}, which is not installed")
    if result.returncode != 0 and "divisions-2023" in block.code and not TABLES.is_dir():
        pytest.skip(f"{block.name} needs the division tables in {TABLES}")
    assert result.returncode == 0, f"{block.name} failed when run on its own:\n{output}"
