"""What wenming says about bad input: an unknown parent and a malformed code.

Every error wenming raises is a WenmingError; the messages name the JSON path of
the problem. Run: python examples/bad_input.py
"""

from __future__ import annotations

import json
from typing import Any

import wenming
from wenming import WenmingError


def document(town_code: str = "610924101", **changes: Any) -> str:
    """A small document: a county, a town, the Centre and an Institute."""
    institute = {
        "kind": "institute",
        "id": "zy-101",
        "name": "蒿坪镇新时代文明实践所",
        "division": "610924101",
        "parent": "zy",
    }
    institute.update(changes)
    doc = {
        "format": "wenming.network",
        "version": 1,
        "name": "bad input",
        "divisions": [
            {"code": "610924", "name": "紫阳县"},
            {"code": town_code, "name": "蒿坪镇"},
        ],
        "sites": [
            {
                "kind": "centre",
                "id": "zy",
                "name": "紫阳县新时代文明实践中心",
                "division": "610924",
            },
            institute,
        ],
    }
    return json.dumps(doc, ensure_ascii=False)


def show(title: str, text: str) -> None:
    print(f"== {title}")
    try:
        net = wenming.loads(text, source="upload.json")
    except WenmingError as err:
        print(f"{type(err).__name__}: {err}")
        for line in getattr(err, "errors", ()):  # FormatError: one line per problem
            print("  ", line)
        for issue in getattr(err, "issues", ()):  # NetworkInvalidError: one Issue per error
            print("  ", issue.code, issue.path)
    else:
        print("loaded:", net)
    print()


def main() -> None:
    show("a valid document", document())
    show("an unknown parent", document(parent="zy-centre"))
    show("a malformed division code", document(division="6109241O1"))
    show("problems in two records", document(town_code="6109241010", division="61092"))


if __name__ == "__main__":
    main()
