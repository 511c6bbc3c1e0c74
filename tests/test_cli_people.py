"""The ``chain`` command's handlers (called directly until cli.py wires them in)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
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
