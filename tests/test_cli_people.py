"""The ``chain`` command's handlers (called directly until cli.py wires them in)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_governance import governed
from test_people import county

import wenming
from wenming import _cli_people


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    _cli_people.add_parsers(parser.add_subparsers(dest="command"))
    return _cli_people.run(parser.parse_args(argv))


def test_chain_of_the_embedded_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["chain", "institute-610924101", "--as-of", "2023-08-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("responsibility chain of Institute 'institute-610924101'")
    assert "包镇 town" in out


def test_chain_of_a_file_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "county.json"
    wenming.dump(county(), file)
    assert run(["chain", "s", str(file), "--as-of", "2023-08-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == str(file)
    assert [e["relation"] for e in data["entries"]] == [
        "head",
        "village",
        "head",
        "town",
        "area",
        "head",
    ]


def test_chain_errors(tmp_path: Path) -> None:
    with pytest.raises(wenming.errors.UnknownIdError):
        run(["chain", "nowhere"])
    with pytest.raises(wenming.errors.FileAccessError):
        run(["chain", "s", str(tmp_path / "missing.json")])


def test_people_counts() -> None:
    assert _cli_people.people_counts(county()) == {
        "posts": 7,
        "people": 9,
        "tenures": 8,
        "areas": 1,
        "links": 4,
    }


def test_scorecard_of_the_embedded_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scorecard", "--as-of", "2023-08-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("town scorecard as of 2023-08-01 (weights: station_coverage 30")
    assert lines[1].split()[:4] == ["town", "name", "villages", "stations"]
    assert len(lines) == 2 + 17
    assert lines[3].split()[:7] == ["610924101", "蒿坪镇", "16", "16", "100%", "100%", "100%"]


def test_scorecard_of_a_file_in_a_real_process(tmp_path: Path) -> None:
    file = tmp_path / "county.json"
    wenming.dump(governed(), file)
    result = subprocess.run(
        [sys.executable, "-m", "wenming", "scorecard", str(file), "--as-of", "2023-08-01"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].split() == [
        "610924101",
        "蒿坪镇",
        "2",
        "2",
        "100%",
        "100%",
        "100%",
        "0%",
        "70.0",
    ]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "wenming",
            "scorecard",
            str(file),
            "--json",
            "--as-of",
            "2023-08-01",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"] == str(file)
    assert data["as_of"] == "2023-08-01"
    assert data["rows"][0]["score"] == 70.0
    assert data["weights"]["six_haves"] == 30.0
    bad = subprocess.run(
        [sys.executable, "-m", "wenming", "scorecard", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("wenming: error:")
    assert "Traceback" not in bad.stderr
