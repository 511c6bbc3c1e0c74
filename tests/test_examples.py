"""Run every script in examples/ in a real subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# A piece of each script's output that only a correct run prints.
EXPECTED = {
    "quickstart.py": [
        "validation: 0 issue(s)",
        "round trip through quickstart.json",
        "bytes): True",
        "towns without an Institute: ['610924102']",
    ],
    "bad_input.py": [
        "NetworkInvalidError: upload.json: $.sites[1].parent: unknown site 'zy-centre'",
        "$.sites[1].division: division code '6109241O1' must contain only the digits 0-9",
        "(and 1 more)",
    ],
}
# province_coverage.py needs the shared division tables; without them it says so.
PROVINCE = ("陕西省 (61): first 20 counties", "no division tables in")


def test_every_example_is_checked() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py")}
    assert scripts == {*EXPECTED, "province_coverage.py"}


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_example_runs(script: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if script == "province_coverage.py":
        assert any(marker in result.stdout for marker in PROVINCE), result.stdout
        if PROVINCE[0] in result.stdout:
            assert "as of 2019-06-30:" in result.stdout
            assert "village   Station" in result.stdout
    else:
        for expected in EXPECTED[script]:
            assert expected in result.stdout, result.stdout
    assert not list(tmp_path.iterdir()), "examples must not write to the working folder"
