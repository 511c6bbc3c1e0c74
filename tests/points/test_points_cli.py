"""``wenming ledger`` in real subprocesses: init, post, balance, history, verify, errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import wenming
from wenming.points import Ledger, conduct_card

SRC = str(Path(wenming.__file__).resolve().parents[1])
AT = "2024-03-01T09:00+08:00"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenming", "ledger", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "PYTHONPATH": SRC},
    )


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def refused(*args: str | Path) -> str:
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("wenming: error: ")
    return lines[0]


@pytest.fixture
def card(tmp_path: Path) -> Path:
    path = tmp_path / "village.ledger"
    out = ok("init", path, "--scheme", "conduct-card")
    assert out.startswith(f"created {path}")
    post = ("post", path)
    who = ("--operator", "clerk-li", "--at", AT)
    ok(*post, "open", "hh-1", "--key", "o1", *who)
    ok(*post, "open", "hh-2", "--key", "o2", *who)
    ok(*post, "earn", "hh-1", "--rule", "reformed-customs", "--quantity", "2", "--key", "e1", *who)
    ok(*post, "deduct", "hh-2", "--rule", "lavish-banquet", "--quantity", "2", "--key", "d1", *who)
    return path


def test_post_balance_history_verify(card: Path) -> None:
    out = ok(
        "post",
        card,
        "adjust",
        "hh-1",
        "--points",
        "-3",
        "--reason",
        "typo",
        "--key",
        "a1",
        "--operator",
        "clerk-li",
        "--at",
        AT,
    )
    assert out.strip() == "posted adjust 'a1' to hh-1: -3 points, balance 117"
    lines = ok("balance", card).splitlines()
    assert lines[1].split() == ["hh-1", "117", "17"]
    assert lines[2].split()[:3] == ["hh-2", "60", "0"]
    assert "below the floor of 70" in lines[2]
    data = json.loads(ok("balance", card, "hh-2", "--json"))
    assert data["accounts"] == [
        {"account": "hh-2", "balance": 60, "spendable": 0, "below_floor": True}
    ]
    history = ok("history", card, "hh-1").splitlines()
    assert [line.split()[1:4] for line in history] == [
        ["adjust", "+100", "100"],
        ["earn", "+20", "120"],
        ["adjust", "-3", "117"],
    ]
    rows = json.loads(ok("history", card, "hh-1", "--json"))
    assert [r["key"] for r in rows] == ["open:hh-1", "e1", "a1"]
    out = ok("verify", card)
    assert out.strip().endswith(
        "5 entries, head " + out.split("head ")[1].split(",")[0] + ", 0 issue(s)"
    )


def test_reverse_and_replay(card: Path) -> None:
    who = ("--operator", "clerk-li", "--at", AT)
    ok("post", card, "reverse", "hh-1", "--reverses", "e1", "--key", "x1", *who)
    again = ok("post", card, "reverse", "hh-1", "--reverses", "e1", "--key", "x1", *who)
    assert "balance 100" in again
    line = refused("post", card, "reverse", "hh-1", "--reverses", "e1", "--key", "x2", *who)
    assert "already been reversed" in line
    with Ledger.open(card) as ledger:
        assert len(ledger) == 5


def test_batch_is_all_or_nothing(card: Path, tmp_path: Path) -> None:
    def entry(key: str, points: int) -> str:
        return json.dumps(
            {
                "kind": "adjust",
                "key": key,
                "account": "hh-1",
                "points": points,
                "reason": "batch",
                "at": AT,
                "operator": "clerk-li",
            }
        )

    good = tmp_path / "good.jsonl"
    good.write_text("\n".join(entry(f"b{i}", 1) for i in range(3)) + "\n")
    assert "batch of 3" in ok("post", card, "--batch", good)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(entry("c1", 1) + "\n" + entry("b0", 5) + "\n")
    assert "already used by a different entry" in refused("post", card, "--batch", bad)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(entry("d1", 1) + "\n{not json\n")
    assert "line 2" in refused("post", card, "--batch", broken)
    with Ledger.open(card) as ledger:
        assert len(ledger) == 7


def test_refusals_are_one_line_and_write_nothing(card: Path) -> None:
    who = ("--operator", "clerk-li", "--at", AT)
    line = refused("post", card, "redeem", "hh-1", "--item", "soap", "--key", "r1", *who)
    assert "no item 'soap'" in line
    assert "unknown account 'hh-9'" in refused(
        "post", card, "adjust", "hh-9", "--points", "1", "--reason", "r", "--key", "k", *who
    )
    assert "unknown rule 'x'" in refused(
        "post", card, "earn", "hh-1", "--rule", "x", "--key", "k", *who
    )
    assert "needs --rule" in refused("post", card, "earn", "hh-1", "--key", "k", *who)
    assert "needs --key" in refused(
        "post", card, "adjust", "hh-1", "--points", "1", "--operator", "o"
    )
    assert "must not be zero" in refused(
        "post", card, "adjust", "hh-1", "--points", "0", "--reason", "r", "--key", "k", *who
    )
    assert "not a date and time" in refused("post", card, "adjust", "hh-1", "--at", "soon")
    assert "already exists" in refused("init", card, "--scheme", "conduct-card")
    assert "no scheme named 'x'" in refused("init", card.with_name("n.ledger"), "--scheme", "x")
    assert "no such ledger file" in refused("balance", card.with_name("missing.ledger"))
    assert "unknown account" in refused("history", card, "hh-404")
    with Ledger.open(card) as ledger:
        assert len(ledger) == 4


def test_init_from_a_scheme_file_and_service_points(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme.json"
    data = conduct_card().to_dict()
    data.update(
        name="hours",
        holder="person",
        conversion={"points_per_hour": 1, "rounding": "half_up", "max_minutes": None},
    )
    scheme.write_text(json.dumps(data, ensure_ascii=False))
    path = tmp_path / "h.ledger"
    ok("init", path, "--scheme", scheme)
    who = ("--operator", "o", "--at", AT)
    ok("post", path, "open", "v-1", "--key", "o", *who)
    out = ok(
        "post",
        path,
        "earn",
        "v-1",
        "--record",
        "rec-9",
        "--minutes",
        "150",
        "--key",
        "service:rec-9",
        *who,
    )
    assert "+3 points, balance 103" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**data, "threshold": -1}))
    assert "$.threshold" in refused("init", tmp_path / "b.ledger", "--scheme", bad)


def test_verify_exits_1_on_tampering(card: Path) -> None:
    conn = sqlite3.connect(card)
    with conn:
        conn.execute("UPDATE balances SET balance = balance + 1000 WHERE account = 'hh-2'")
    conn.close()
    result = run("verify", card)
    assert result.returncode == 1
    assert "balance-mismatch" in result.stdout
    assert result.stdout.strip().endswith("1 issue(s)")
    data = json.loads(run("verify", card, "--json").stdout)
    assert [i["code"] for i in data["issues"]] == ["balance-mismatch"]


def test_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}")
    assert "not a wenming ledger" in refused("verify", path)
    assert "COMMAND" in refused()
