"""Activities, brand projects and experiences; the notebook queries against brute force."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wenming
from wenming import (
    Centre,
    Division,
    FormatError,
    Institute,
    InvariantError,
    Network,
    Point,
    Station,
    validate,
)
from wenming.activities import (
    Activity,
    BrandProject,
    Experience,
    Participant,
    _rule_insurance,
    activities_of_project,
    projects_by_town,
    town_of,
)
from wenming.activity_queries import (
    activity_counts,
    category_coverage,
    inactive_stations,
    participation,
)
from wenming.divisions import DivisionLevel
from wenming.errors import InUseError, UnknownIdError
from wenming.insurance import Insurance
from wenming.network import NetworkRecords
from wenming.sections import SECTION_OF_TYPE
from wenming.service import ServiceRecord
from wenming.tables import Table
from wenming.taxonomy import default_taxonomy
from wenming.testing.strategies import activity_networks
from wenming.volunteers import Volunteer

CONTENT = [c.code for c in default_taxonomy().leaves("content")]


def base() -> list[Any]:
    return [
        Division(code="610924", name="紫阳县"),
        Division(code="610924101", name="蒿坪镇"),
        Division(code="610924102", name="汉王镇"),
        Division(code="610924101001", name="双星社区"),
        Division(code="610924101002", name="某村"),
        Centre(id="zy", name="中心", division="610924"),
        Institute(id="i101", name="蒿坪镇所", division="610924101", parent="zy"),
        Institute(id="i102", name="汉王镇所", division="610924102", parent="zy"),
        Station(id="s1", name="双星站", division="610924101001", parent="i101"),
        Station(
            id="s2",
            name="某村站",
            division="610924101002",
            parent="i101",
            established=dt.date(2023, 6, 1),
        ),
        Point(id="p1", name="点", division="610924101001", parent="s1", host="school"),
    ]


def net_of(*records: Any) -> Network:
    net = Network()
    net.add_all([*base(), *records])
    return net


def records_of(*records: Any) -> NetworkRecords:
    groups: dict[str, list[Any]] = {}
    for record in [*base(), *records]:
        groups.setdefault(SECTION_OF_TYPE[type(record)].name, []).append(record)
    return NetworkRecords(**groups)  # type: ignore[arg-type]


def _acts(net: Network) -> list[Activity]:
    return list(net.table("activities").values())


def _table(net: Network, name: str) -> Mapping[Any, Any]:
    return net.table(name)


# ---------------------------------------------------------------------------- records


def test_activity_fields_and_derived_days() -> None:
    a = Activity(
        id="a1",
        title="义诊",
        start="2023-08-05T09:00",
        end="2023-08-07",
        site="s1",
        departments=[" 县卫健局 ", "县妇联"],
        participants=["v2", {"volunteer": "v1", "record": "r1"}],
    )
    assert a.start == dt.datetime(2023, 8, 5, 9)
    assert a.end == dt.date(2023, 8, 7)
    assert (a.day, a.last_day) == (dt.date(2023, 8, 5), dt.date(2023, 8, 7))
    assert len(list(a.days())) == 3
    assert a.departments == {"县卫健局", "县妇联"}
    assert [p.volunteer for p in a.participants] == ["v1", "v2"]
    assert a.volunteers == {"v1", "v2"}
    assert Activity(**a.to_dict()) == a


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end": "2023-08-04"}, "end 2023-08-04 comes before start 2023-08-05"),
        ({"start": "2023-08-05T10:00", "end": "2023-08-05T09:00"}, "comes before start"),
        ({"start": "2023-08-05T10:00", "end": "2023-08-04"}, "comes before start"),
        (
            {"start": "2023-08-05T10:00+08:00", "end": "2023-08-05T11:00"},
            "both have a time zone",
        ),
        ({"start": "August"}, "start 'August' is not a date"),
        ({"start": 5}, "start must be a date"),
        ({"beneficiaries": -1}, "beneficiaries must be a whole number"),
        ({"risky": "yes"}, "risky must be true or false"),
        ({"participants": ["v1", "v1"]}, "listed twice"),
        ({"participants": [{"volunteer": "v1", "hours": 2}]}, "unknown keys in a participant"),
        ({"participants": [{}]}, "needs a volunteer"),
        ({"participants": "v1"}, "must be a list"),
        ({"categories": "health"}, "categories must be a list"),
        ({"departments": [" "]}, "non-blank text"),
        ({"title": ""}, "title must not be blank"),
    ],
)
def test_bad_activities(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"id": "a", "title": "x", "start": "2023-08-05", "site": "s1"}
    with pytest.raises(InvariantError, match=message):
        Activity(**{**fields, **changes})


def test_same_day_end_and_projects_experiences() -> None:
    assert Activity(id="a", title="x", start="2023-08-05", end="2023-08-05", site="s").end
    with pytest.raises(InvariantError, match="owned by a site or a team"):
        BrandProject(id="p", name="x")
    assert BrandProject(id="p", name="x", team="t").team == "t"
    with pytest.raises(InvariantError, match="started 'spring' is not a date"):
        BrandProject(id="p", name="x", site="s", started="spring")
    e = Experience(id="e", title="t", site="s", date="2023-01-02", summary="s")
    assert Experience(**e.to_dict()) == e
    with pytest.raises(InvariantError, match="date"):
        Experience(id="e", title="t", site="s", date=3, summary="s")


# ---------------------------------------------------------------------------- file and validation


@settings(max_examples=40, deadline=None)
@given(activity_networks())
def test_generated_activity_networks_validate_and_round_trip(net: Network) -> None:
    assert validate(net) == ()
    text = wenming.dumps(net)
    back = wenming.loads(text)
    assert back == net
    assert wenming.dumps(back) == text
    for a in _acts(net):
        assert Activity(**a.to_dict()) == a


def test_every_record_round_trips_through_the_file() -> None:
    net = net_of(
        Volunteer(id="v1", name="王芳", registered="2020-01-01"),
        Insurance(id="ins-1", volunteer="v1", start="2023-01-01", insurer="人保财险"),
        ServiceRecord(
            id="r1",
            volunteer="v1",
            activity="a1",
            date="2023-08-05",
            minutes=90,
            recorded="2023-08-06",
        ),
        BrandProject(id="bp", name="搭把手", site="s1", categories=["elderly_frail"]),
        Activity(
            id="a1",
            title="上门维修",
            start="2023-08-05T09:00",
            end="2023-08-05T12:00",
            site="s1",
            departments=["县住建局"],
            categories=["elderly_frail"],
            themes=["livelihood"],
            formats=["home_repair"],
            services=["修水管"],
            place="各户",
            participants=[Participant(volunteer="v1", record="r1")],
            beneficiaries=12,
            risky=True,
            project="bp",
            description="...",
        ),
        Experience(id="e1", title="搭把手经验", site="s1", date="2023-09-01", summary="…"),
    )
    assert validate(net) == ()
    back = wenming.loads(wenming.dumps(net))
    assert back == net


def test_unknown_codes_are_issues_naming_the_nearest() -> None:
    net = net_of(
        BrandProject(id="bp", name="x", site="s1", categories=["helth"]),
        Activity(
            id="a1",
            title="x",
            start="2023-08-05",
            site="s1",
            categories=["livelihood"],  # a theme, not a content category
            themes=["ecology"],
            formats=["free_clinc"],
        ),
    )
    issues = validate(net)
    got = {(i.code, i.path): i.message for i in issues}
    assert set(got) == {
        ("unknown-category", "$.brand_projects[0].categories"),
        ("unknown-category", "$.activities[0].categories"),
        ("unknown-category", "$.activities[0].formats"),
    }
    assert "nearest: 'free_clinic'" in got[("unknown-category", "$.activities[0].formats")]
    assert "under 'content'" in got[("unknown-category", "$.activities[0].categories")]


def test_end_before_start_in_a_file_names_the_field() -> None:
    a = Activity(id="a1", title="x", start="2023-08-05", end="2023-08-06", site="s1")
    text = wenming.dumps(net_of(a)).replace('"end": "2023-08-06"', '"end": "2023-08-01"')
    with pytest.raises(
        FormatError, match=r"\$\.activities\[0\]\.end: end 2023-08-01 comes before"
    ):
        wenming.loads(text)


def test_participants_must_be_registered_volunteers_with_their_own_records() -> None:
    def record(rid: str, volunteer: str, activity: str) -> ServiceRecord:
        return ServiceRecord(
            id=rid,
            volunteer=volunteer,
            activity=activity,
            date="2023-08-05",
            minutes=60,
            recorded="2023-08-06",
        )

    # A document holding participants a network would refuse (v3 and r9 unknown):
    # validation names each with its nested path.
    net = records_of(
        Volunteer(id="v1", name="甲", registered="2020-01-01"),
        Volunteer(id="v2", name="乙", registered="2023-09-01"),
        record("r1", "v1", "a1"),
        record("r2", "v2", "a1"),
        record("r3", "v1", "other"),
        Activity(
            id="a1",
            title="x",
            start="2023-08-05",
            site="s1",
            participants=[
                {"volunteer": "v1", "record": "r2"},
                {"volunteer": "v2"},
                {"volunteer": "v3", "record": "r9"},
            ],
        ),
        Activity(
            id="a2",
            title="y",
            start="2023-08-05",
            site="s1",
            participants=[{"volunteer": "v1", "record": "r3"}],
        ),
    )
    found = {(i.code, i.path) for i in validate(net) if i.path.startswith("$.activities")}
    assert found == {
        ("participant-record-mismatch", "$.activities[0].participants[0].record"),
        ("participant-not-volunteer", "$.activities[0].participants[1].volunteer"),
        ("participant-not-volunteer", "$.activities[0].participants[2].volunteer"),
        ("unknown-participant-record", "$.activities[0].participants[2].record"),
        ("participant-record-mismatch", "$.activities[1].participants[0].record"),
    }


class _Records:
    def __init__(self, sections: dict[str, tuple[Any, ...]]) -> None:
        self.sections = sections

    def of(self, name: str) -> tuple[Any, ...]:
        return self.sections.get(name, ())


class _Ctx:
    def __init__(self, sections: dict[str, tuple[Any, ...]]) -> None:
        self.records = _Records(sections)

    def path(self, section: str, index: int, field: str | None = None) -> str:
        return f"$.{section}[{index}]" + (f".{field}" if field else "")


class _Policy:
    def __init__(self, volunteer: str, start: dt.date, end: dt.date) -> None:
        self.volunteer, self.start, self.end = volunteer, start, end

    def covers(self, day: dt.date) -> bool:
        return self.start <= day < self.end


def test_risky_activity_needs_every_participant_insured_through_validate() -> None:
    # The real insurance section: a risky activity whose participants are not all
    # covered on every day of it is an error at the participant's path.
    volunteers = [Volunteer(id=v, name="志愿者", registered="2020-01-01") for v in ("v1", "v2")]
    risky = Activity(
        id="a1",
        title="抢险",
        start="2023-08-05",
        end="2023-08-06",
        site="s1",
        risky=True,
        participants=["v1", "v2"],
    )
    covered = Insurance(id="i1", volunteer="v1", start="2023-01-01", end="2024-01-01")
    short = Insurance(id="i2", volunteer="v2", start="2023-01-01", end="2023-08-06")
    issues = [
        i
        for i in validate(net_of(*volunteers, covered, short, risky))
        if i.code == "risky-uninsured"
    ]
    assert [i.path for i in issues] == ["$.activities[0].participants[1].volunteer"]
    assert "not insured on 2023-08-06" in issues[0].message
    longer = Insurance(id="i2", volunteer="v2", start="2023-01-01")
    assert validate(net_of(*volunteers, covered, longer, risky)) == ()
    # Removing a volunteer takes their insurance records with it (cascade).
    net = net_of(*volunteers, covered, longer)
    assert [r.id for r in net.remove("v2", section="volunteers", cascade=True)] == ["v2", "i2"]


def test_risky_activity_insurance_rule_is_ready() -> None:
    risky = Activity(
        id="a1",
        title="x",
        start="2023-08-05",
        end="2023-08-06",
        site="s1",
        risky=True,
        participants=["v1", "v2", "v3"],
    )
    # no insurance section is declared yet: the rule has nothing to check against
    assert list(_rule_insurance(_Ctx({"activities": (risky,)}))) == []  # type: ignore[arg-type]
    policies = (
        _Policy("v1", dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
        _Policy("v2", dt.date(2023, 1, 1), dt.date(2023, 8, 6)),  # ends before the last day
    )
    ctx = _Ctx({"activities": (risky,), "insurance": policies})
    issues = list(_rule_insurance(ctx))  # type: ignore[arg-type]
    assert [(i.code, i.path) for i in issues] == [
        ("risky-uninsured", "$.activities[0].participants[1].volunteer"),
        ("risky-uninsured", "$.activities[0].participants[2].volunteer"),
    ]
    assert "not insured on 2023-08-06" in issues[0].message
    safe = Activity(id="a2", title="x", start="2023-08-05", site="s1", participants=["v3"])
    assert list(_rule_insurance(_Ctx({"activities": (safe,), "insurance": ()}))) == []  # type: ignore[arg-type]


def test_removing_a_project_detaches_its_activities() -> None:
    net = net_of(
        BrandProject(id="bp", name="x", site="s1"),
        Activity(id="a1", title="x", start="2023-08-05", site="s1", project="bp"),
    )
    assert [a.id for a in activities_of_project(net, "bp")] == ["a1"]
    net.remove("bp", cascade=True)
    assert net.get("activities", "a1").project is None


# ---------------------------------------------------------------------------- queries


def test_projects_by_town() -> None:
    net = net_of(
        BrandProject(id="bp1", name="甲", site="s1"),
        BrandProject(id="bp2", name="乙", site="zy"),
        BrandProject(id="bp3", name="丙", site="i102"),
        Activity(id="a1", title="x", start="2023-08-05", site="s1", project="bp1"),
    )
    rows = projects_by_town(net).to_dict()
    assert [(r["town"], r["project"], r["activities"]) for r in rows] == [
        ("610924101", "bp1", 1),
        ("610924102", "bp3", 0),
        (None, "bp2", 0),
    ]
    assert rows[0]["town_name"] == "蒿坪镇"
    town = town_of(net.site("s1").division)
    assert town is not None
    assert town.short == "610924101"


def _towns(net: Network) -> dict[str, Any]:
    return {
        sid: (site.division[:9] if site.division.level >= DivisionLevel.TOWN else None)
        for sid, site in _table(net, "sites").items()
    }


@settings(max_examples=60, deadline=None)
@given(activity_networks(max_activities=25), st.data())
def test_activity_counts_agree_with_brute_force(net: Network, data: st.DataObject) -> None:
    by = data.draw(
        st.lists(st.sampled_from(["site", "town", "category", "month"]), min_size=1, unique=True)
    )
    start = data.draw(st.none() | st.dates(dt.date(2022, 12, 1), dt.date(2024, 1, 31)))
    end = data.draw(st.none() | st.dates(start or dt.date(2022, 12, 1), dt.date(2024, 2, 28)))
    table = activity_counts(net, by=by, start=start, end=end)
    towns = _towns(net)
    expected: Counter[tuple[Any, ...]] = Counter()
    for a in _acts(net):
        if (start and a.day < start) or (end and a.day >= end):
            continue
        cats: list[str | None] = [*sorted(a.categories)] or [None]
        for cat in cats:
            key: list[Any] = []
            for d in by:
                if d == "site":
                    key.append(a.site)
                elif d == "town":
                    town = towns[a.site]
                    key.append(None if town is None else town.rstrip("0").ljust(9, "0")[:9])
                elif d == "month":
                    key.append(a.day.strftime("%Y-%m"))
                else:
                    key.append(cat)
            expected[tuple(key)] += 1
            if "category" not in by:
                break
    got: Counter[tuple[Any, ...]] = Counter()
    for row in table.to_dict():
        got[tuple(row[d] for d in by)] = row["activities"]
    assert got == expected
    assert sum(table.column("activities")) == sum(expected.values())


@settings(max_examples=60, deadline=None)
@given(
    activity_networks(max_activities=25, max_villages=4),
    st.integers(1, 120),
    st.dates(dt.date(2023, 1, 1), dt.date(2024, 3, 1)),
)
def test_inactive_stations_agree_with_brute_force(net: Network, days: int, as_of: dt.date) -> None:
    table = inactive_stations(net, days=days, as_of=as_of)
    sites = _table(net, "sites")
    window = {as_of - dt.timedelta(days=k) for k in range(days)}
    expected = set()
    for s in sites.values():
        if s.kind.value != "station" or not s.exists_on(as_of):
            continue
        hosts = {s.id} | {
            p.id for p in sites.values() if p.kind.value == "point" and p.parent == s.id
        }
        active = any(a.site in hosts and window & set(a.days()) for a in _acts(net))
        if not active:
            expected.add(s.id)
    assert set(table.column("station")) == expected
    for row in table.to_dict():
        if row["last_activity"] is not None:
            assert dt.date.fromisoformat(row["last_activity"]) < as_of - dt.timedelta(days - 1)


@settings(max_examples=60, deadline=None)
@given(
    activity_networks(max_activities=25),
    st.none() | st.dates(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
)
def test_category_coverage_agrees_with_brute_force(net: Network, start: dt.date | None) -> None:
    table = category_coverage(net, start=start)
    towns = _towns(net)
    expected: dict[str, set[str]] = {
        code.short: set()
        for code, d in _table(net, "divisions").items()
        if d.level is DivisionLevel.TOWN
    }
    for a in _acts(net):
        town = towns[a.site]
        if town is None or (start is not None and a.day < start):
            continue
        expected.setdefault(town.rstrip("0").ljust(9, "0")[:9], set()).update(a.categories)
    rows = {r["town"]: r for r in table.to_dict()}
    assert set(rows) == set(expected)
    for town, cats in expected.items():
        assert set(rows[town]["categories"]) == cats
        assert rows[town]["covered"] == len(cats)
        assert rows[town]["total"] == 18
        assert set(rows[town]["missing"]) == set(CONTENT) - cats


def test_queries_on_a_small_network() -> None:
    net = net_of(
        Volunteer(id="v1", name="甲", registered="2020-01-01"),
        Volunteer(id="v2", name="乙", registered="2020-01-01"),
        ServiceRecord(
            id="r1",
            volunteer="v1",
            activity="a1",
            date="2023-08-05",
            minutes=90,
            recorded="2023-08-06",
        ),
        ServiceRecord(
            id="r1b",
            volunteer="v1",
            activity="a1",
            date="2023-08-05",
            minutes=120,
            recorded="2023-08-08",
            supersedes="r1",
            reason="更正",
        ),
        Activity(
            id="a1",
            title="义诊",
            start="2023-08-05",
            site="p1",
            categories=["health", "elderly_frail"],
            participants=[{"volunteer": "v1", "record": "r1"}, "v2"],
        ),
        Activity(id="a2", title="宣讲", start="2023-09-01", site="zy", categories=["theory"]),
    )
    part = participation(net).to_dict()
    assert part[0] == {
        "activity": "a1",
        "title": "义诊",
        "day": "2023-08-05",
        "site": "p1",
        "participants": 2,
        "recorded": 1,
        "minutes": 120,  # the correction counts
        "hours": 2.0,
    }
    by_cat = activity_counts(net, by="category")
    assert by_cat.to_dict() == [
        {"category": "elderly_frail", "activities": 1},
        {"category": "health", "activities": 1},
        {"category": "theory", "activities": 1},
    ]
    inactive = inactive_stations(net, days=30, as_of="2023-08-20")
    # s1 is active through its Point; s2 exists (since 2023-06-01) and is idle
    assert inactive.column("station") == ("s2",)
    assert inactive_stations(net, days=30, as_of="2023-05-01").column("station") == ("s1",)
    cov = category_coverage(net, start="2023-08-01", end="2023-09-01")
    assert cov.column("town") == ("610924101", "610924102")
    assert cov.column("covered") == (2, 0)
    assert "蒿坪镇" in str(cov)
    with pytest.raises(InvariantError, match="cannot count activities by 'week'"):
        activity_counts(net, by="week")
    with pytest.raises(InvariantError, match="name each dimension once"):
        activity_counts(net, by=("month", "month"))
    with pytest.raises(InvariantError, match="end 2023-01-01 comes before start"):
        activity_counts(net, start="2023-02-01", end="2023-01-01")
    with pytest.raises(InvariantError, match="days must be"):
        inactive_stations(net, days=0)


def test_table_checks_its_shape() -> None:
    with pytest.raises(InvariantError, match="row 0 has 1 values for 2 columns"):
        Table(title="t", columns=("a", "b"), rows=[(1,)])
    with pytest.raises(KeyError, match="no column 'c'"):
        Table(title="t", columns=("a",), rows=[]).column("c")
    t = Table(title="t", columns=("a", "b"), rows=[(None, frozenset({"y", "x"}))])
    assert t.to_dict() == [{"a": None, "b": ["x", "y"]}]
    assert "x y" in str(t)


# ---------------------------------------------------------------------------- CLI handlers


def _run(argv: list[str]) -> int:
    import argparse

    from wenming import _cli_activities

    parser = argparse.ArgumentParser()
    _cli_activities.add_parsers(parser.add_subparsers(dest="command"))
    return _cli_activities.run(parser.parse_args(argv))


def test_cli_activities_and_taxonomy(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from wenming._cli_activities import summary_counts

    net = net_of(
        Activity(id="a1", title="x", start="2023-08-05", site="s1", categories=["law"]),
        Activity(id="a2", title="y", start="2023-09-05", site="s1", categories=["law", "thrift"]),
    )
    path = tmp_path / "net.json"
    wenming.dump(net, path)
    assert _run(["activities", str(path), "--by", "category", "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows == [{"category": "law", "activities": 2}, {"category": "thrift", "activities": 1}]
    assert (
        _run(
            [
                "activities",
                str(path),
                "--by",
                "month",
                "--from",
                "2023-08-01",
                "--to",
                "2023-08-31",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "2023-08" in out
    assert "2023-09" not in out
    assert _run(["activities", str(path)]) == 0
    assert "蒿坪镇" in capsys.readouterr().out
    assert _run(["taxonomy", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "讲孝道" in out
    assert "filial piety" not in out
    assert _run(["taxonomy", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "wenming-default"
    assert summary_counts(net) == {
        "activities": 2,
        "brand_projects": 0,
        "experiences": 0,
        "requests": 0,
    }


def test_a_participant_cannot_be_removed_while_the_activity_stands() -> None:
    # Participation is history: neither removing the volunteer nor their service
    # record is allowed, even with cascade=True; removing the activity first is.
    net = net_of(
        Volunteer(id="v1", name="王芳", registered="2020-01-01"),
        ServiceRecord(
            id="r1",
            volunteer="v1",
            activity="a1",
            date="2023-08-05",
            minutes=90,
            recorded="2023-08-06",
        ),
        Activity(
            id="a1",
            title="义诊",
            start="2023-08-05",
            site="s1",
            participants=[Participant(volunteer="v1", record="r1")],
        ),
    )
    before = net.records()
    for target, section in (("v1", "volunteers"), ("r1", "service_records")):
        for cascade in (False, True):
            with pytest.raises(InUseError, match="activity 'a1' \\(participants\\)"):
                net.remove(target, section=section, cascade=cascade)
            assert net.records() == before
    net.remove("a1", section="activities")
    assert [r.id for r in net.remove("v1", section="volunteers", cascade=True)] == ["v1", "r1"]


def test_adding_an_activity_with_an_unknown_participant_is_refused() -> None:
    net = net_of(Volunteer(id="v1", name="王芳", registered="2020-01-01"))
    with pytest.raises(UnknownIdError, match="unknown volunteer 'ghost'"):
        net.add(
            Activity(id="a1", title="义诊", start="2023-08-05", site="s1", participants=["ghost"])
        )
    assert "a1" not in net.table("activities")
