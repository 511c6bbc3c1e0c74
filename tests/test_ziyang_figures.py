"""The Ziyang reference network reproduces every reported figure from its own records."""

from __future__ import annotations

import gzip
import re
from typing import Any

import pytest

from wenming import SiteKind, coverage, validate
from wenming.datasets import ziyang, ziyang_text
from wenming.datasets.figures import COUNTERS, REPORTED, Figure, Match, figures
from wenming.teams import check_profile

# Domain §6, written out here again (not read from REPORTED), so that a change to
# either the dataset or the figures module shows.
DOMAIN = {
    "centre": 1,
    "centre_floor_area": 240,
    "institutes": 17,
    "towns_covered": 17,
    "stations": 207,
    "villages_covered": 207,
    "points": 139,
    "teams": 1136,
    "volunteers": 12603,
    "corps": 1,
    "standing_brigades": 8,
    "sector_brigades": 32,
    "town_brigades": 17,
    "village_squads": 102,
    "activities": 3900,
    "brand_projects": 20,
    "experiences": 5,
    "county_budget": 1_000_000,
    "province_fund_2022": 1_000_000,
    "county_awards": 1_000_000,
}


@pytest.fixture(scope="module")
def net() -> Any:
    return ziyang()


def test_reported_figures_are_domain_section_6() -> None:
    assert {f.key: f.reported for f in REPORTED} == DOMAIN
    assert {f.key for f in REPORTED} == set(COUNTERS)
    assert [f.key for f in REPORTED if f.match is Match.AT_LEAST] == ["activities"]


@pytest.mark.parametrize("key", sorted(DOMAIN))
def test_each_reported_figure_is_counted_from_the_records(net: Any, key: str) -> None:
    counted = figures(net).row(key).counted
    if key == "activities":
        assert counted is not None
        assert counted >= DOMAIN[key]
    else:
        assert counted == DOMAIN[key]


def test_counts_by_hand(net: Any) -> None:
    """The same figures counted without the figures module."""
    counts = net.counts()
    assert [counts[k] for k in SiteKind] == [1, 17, 207, 139]
    cov = coverage(net)
    assert (cov.towns.covered, cov.towns.total) == (17, 17)
    assert (cov.villages.covered, cov.villages.total) == (207, 207)
    teams = list(net.table("teams").values())
    assert len(teams) == 1136
    kinds = [(t.level, t.kind.value) for t in teams]
    assert kinds.count(("corps", "other")) == 1
    assert kinds.count(("brigade", "standing")) == 8
    assert kinds.count(("brigade", "sector")) == 32
    assert kinds.count(("brigade", "town")) == 17
    assert kinds.count(("squad", "village")) == 102
    assert len(net.table("volunteers")) == 12603
    acts = list(net.table("activities").values())
    assert len(acts) >= 3900
    assert {a.day.year for a in acts} == {2022, 2023}
    assert len(net.table("brand_projects")) == 20
    assert len(net.table("experiences")) == 5


def test_the_network_is_clean_and_linked(net: Any) -> None:
    assert validate(net) == ()
    volunteers = net.table("volunteers")
    members = {m.volunteer for m in net.table("memberships").values()}
    assert members == set(volunteers)  # every volunteer is in a team
    records = list(net.table("service_records").values())
    assert len(records) > 10_000
    assert {r.volunteer for r in records} <= set(volunteers)
    # every Station has a 包村 link and a head post; every activity covers the taxonomy
    linked = {link.site for link in net.table("links").values() if link.kind.value == "village"}
    assert linked == {s.id for s in net.iter_sites("station")}
    categories = {c for a in net.table("activities").values() for c in a.categories}
    assert len(categories) == 18


def test_the_profile_shows_the_reported_squad_shortfall(net: Any) -> None:
    """102 village squads for 207 Stations: the report itself implies 105 short."""
    report = check_profile(net)
    rows = {r.expectation.label: r for r in report.rows}
    squads = rows["village squads (分队)"]
    assert (squads.sites, squads.teams, squads.short) == (207, 102, 105)
    assert all(r.short == 0 for label, r in rows.items() if label != "village squads (分队)")


def test_synthetic_names_are_flagged_and_no_personal_numbers_ship(net: Any) -> None:
    assert "SYNTHETIC" in net.description
    assert net.division("610924101001").name == "双星社区"
    villages = [d for d in net.iter_divisions("village") if d.code.short != "610924101001"]
    assert len(villages) == 206
    assert all("合成" in d.name for d in villages)
    assert all(p.synthetic for p in net.table("people").values())
    assert all("合成" in v.name for v in net.table("volunteers").values())
    assert all(v.id_number is None and v.phone is None for v in net.table("volunteers").values())
    text = ziyang_text()
    assert '"id_number"' not in text
    assert '"phone"' not in text
    assert not re.search(r"\b1[3-9]\d{9}\b", text)  # nothing that looks like a phone
    assert not re.search(r"\b\d{17}[\dX]\b", text)  # nor like a resident ID number


def test_the_file_is_compact_and_deterministic() -> None:
    from importlib.resources import files

    data = files("wenming.datasets").joinpath("ziyang.json.gz").read_bytes()
    assert len(data) < 1_500_000
    assert gzip.decompress(data).decode("utf-8") == ziyang_text()


def test_figures_report_prints_row_by_row(net: Any) -> None:
    report = figures(net)
    lines = str(report).splitlines()
    assert len(lines) == 1 + len(REPORTED)
    assert lines[0].split() == ["figure", "reported", "counted"]
    assert all(line.endswith("ok") for line in lines[1:])
    assert report.to_dict()["ok"] is True


def test_figures_on_another_network_show_differences() -> None:
    from wenming import Network

    report = figures(Network())
    assert not report.ok
    assert report.row("volunteers").counted == 0
    assert "DIFFERS" in str(report)
    odd = figures(Network(), [Figure(key="nope", label="x", zh="x", reported=1)])
    assert odd.rows[0].counted is None
    assert not odd.ok
    with pytest.raises(LookupError):
        report.row("nope")
