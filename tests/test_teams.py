"""Teams, memberships, the first-in-command rule and the "1+8+N" profile report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import wenming
from wenming import validate
from wenming.errors import InvariantError
from wenming.teams import (
    DEFAULT_PROFILE,
    TEAMS,
    Expectation,
    Membership,
    Team,
    TeamLevel,
    TeamProfile,
    check_profile,
    members,
    team_counts,
    teams_of,
)
from wenming.testing.volunteers import volunteer_county

DAY = "2024-06-01"


def test_the_profile_of_a_conforming_county() -> None:
    report = check_profile(volunteer_county(), as_of=DAY)
    assert report.ok
    assert [(r.sites, r.teams, r.short, r.over) for r in report.rows] == [
        (1, 1, 0, 0),
        (1, 8, 0, 0),
        (1, 1, 0, 0),
        (2, 2, 0, 0),
        (4, 4, 0, 0),
    ]
    assert "the network meets the profile" in str(report)
    assert json.loads(json.dumps(report.to_dict()))["profile"] == "1+8+N"


def test_the_profile_of_a_broken_county() -> None:
    report = check_profile(volunteer_county(conforming=False), as_of=DAY)
    assert not report.ok
    found = [(i.code, i.subject, i.path) for i in report.issues]
    assert found == [
        ("profile-excess", "centre", "$.sites[0]"),  # a ninth standing brigade
        ("profile-shortfall", "i-610924102", "$.sites[2]"),  # a town with no brigade
        ("profile-shortfall", "s-610924101201", "$.sites[4]"),  # a station with no squad
    ]
    text = str(report)
    assert "3 shortfall(s)" in text
    assert "has 9 standing brigades" in text


def test_a_profile_is_data() -> None:
    lenient = TeamProfile(
        name="1+N",
        expectations=[Expectation(label="corps", level="corps", at="centre", min=1, max=1)],
    )
    assert check_profile(volunteer_county(conforming=False), lenient, as_of=DAY).ok
    assert DEFAULT_PROFILE.expectations[1].expected() == "8"


def test_teams_before_they_exist_do_not_count() -> None:
    net = volunteer_county()
    net.replace(attrs.evolve(net.get(TEAMS, "corps"), established="2025-01-01"))
    report = check_profile(net, as_of=DAY)
    assert [i.code for i in report.issues] == ["profile-shortfall"]


def test_a_team_bound_to_a_site_of_the_wrong_level() -> None:
    net = volunteer_county()
    net.replace(attrs.evolve(net.get(TEAMS, "corps"), site="i-610924101"))
    net.replace(attrs.evolve(net.get(TEAMS, "squad-610924101001"), kind="town"))
    issues = [(i.code, i.path) for i in validate(net) if i.code == "team-site-level"]
    assert issues == [
        ("team-site-level", "$.teams[2].site"),
        ("team-site-level", "$.teams[4].site"),
    ]


def test_first_in_command_heads_the_corps_brigades_and_squads() -> None:
    net = volunteer_county()
    net.replace(attrs.evolve(net.get(TEAMS, "brigade-610924101"), head="p-610924102"))
    net.replace(attrs.evolve(net.get(TEAMS, "squad-610924101001"), head=None))
    found = {(i.code, i.subject) for i in validate(net)}
    assert ("team-head-not-first-in-command", "brigade-610924101") in found
    assert ("team-head-missing", "squad-610924101001") in found
    # a standing brigade needs no secretary at its head
    assert not any(s.startswith("standing") for _, s in found)


def test_a_custom_level_vocabulary() -> None:
    net = volunteer_county()
    net.add(TeamLevel(id="group", name="小组", label="group", rank=4))
    net.add(Team(id="g", name="小组", level="group", site="s-610924101001"))
    assert team_counts(net)["group"] == 1
    assert validate(net) == ()
    with pytest.raises(wenming.errors.UnknownIdError):
        net.add(Team(id="x", name="x", level="platoon"))


def test_memberships_before_registration_and_twice_over_overlapping_dates() -> None:
    net = volunteer_county()
    net.add_all(
        [
            Membership(id="early", volunteer="ZY-000001", team="standing-1", start="2022-12-01"),
            Membership(id="again", volunteer="ZY-000002", team="corps", start="2023-06-01"),
        ]
    )
    found = [(i.code, i.subject, i.path) for i in validate(net)]
    assert ("membership-before-registration", "early", "$.memberships[13].start") in found
    assert [f for f in found if f[0] == "membership-overlap"] == [
        ("membership-overlap", "again", "$.memberships[2].start")
    ]


def test_membership_dates_are_checked_at_construction() -> None:
    with pytest.raises(InvariantError) as info:
        Membership(id="m", volunteer="v", team="t", start="2023-01-01", end="2023-01-01")
    assert info.value.field == "end"
    with pytest.raises(InvariantError) as info:
        Membership(id="m", volunteer="v", team="t", start="2023-02-30")
    assert info.value.field == "start"
    with pytest.raises(InvariantError) as info:
        Membership(id="m", volunteer="v", team="t", start="2023-01-01", role="boss")
    assert info.value.field == "role"


def test_members_and_teams_of() -> None:
    net = volunteer_county()
    assert [m.volunteer for m in members(net, "squad-610924101001", as_of=DAY)] == [
        "ZY-000001",
        "ZY-000003",
        "ZY-000005",
    ]
    assert [t.id for t in teams_of(net, "ZY-000001", as_of=DAY)] == ["corps", "squad-610924101001"]
    assert teams_of(net, "ZY-000001", as_of="2023-01-01") == ()


def test_the_teams_command(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    wenming.dump(volunteer_county(conforming=False), path)
    cmd = [sys.executable, "-m", "wenming._cli_volunteers", "teams", str(path), "--as-of", DAY]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "3 shortfall(s)" in done.stdout
    done = subprocess.run([*cmd, "--json"], capture_output=True, text=True, timeout=120)
    assert len(json.loads(done.stdout)["issues"]) == 3
