"""Mechanisms (制度), funding (资金保障) and the town scorecard (督查考核)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_people import DAY, county

import wenming
from wenming import Division, Network, Station, validate
from wenming.datasets import ziyang
from wenming.errors import InUseError, InvariantError, UnknownIdError
from wenming.governance import (
    DEFAULT_MECHANISM_KINDS,
    DEFAULT_WEIGHTS,
    INDICATORS,
    Allocation,
    FundingLine,
    FundingPurpose,
    FundingSource,
    Mechanism,
    MechanismKind,
    ScorecardWeights,
    fen,
    funding_totals,
    mechanism_kinds,
    mechanisms_of,
    missing_mechanisms,
    scorecard,
)
from wenming.people import Tenure
from wenming.sites import Have
from wenming.testing.strategies import responsible_networks


def line(**changes: Any) -> FundingLine:
    fields: dict[str, Any] = {
        "id": "f1",
        "name": "县级经费",
        "division": "610924",
        "source": "county",
        "year": 2023,
        "amount": fen(1000),
        "purposes": {"awards", "activities"},
    }
    fields.update(changes)
    return FundingLine(**fields)


def governed() -> Network:
    """The people fixture, with the national four, two lines and allocations."""
    net = county()
    net.add_all(
        [
            *(
                Mechanism(id=f"m-{k}", kind=k, division="610924", adopted="2019-01-01")
                for k in DEFAULT_MECHANISM_KINDS
            ),
            line(),
            line(id="f2", source="province", year=2022, amount=fen(500), purposes={"venues"}),
            Allocation(id="a1", funding="f1", site="s", amount=fen(300), purpose="awards"),
            Allocation(id="a2", funding="f1", site="i", amount=fen(200)),
            Allocation(id="a3", funding="f1", site="c", amount=fen(100)),
        ]
    )
    return net


def codes(net: Network) -> list[tuple[str, str | None]]:
    return [(i.code, i.path) for i in validate(net)]


def test_the_fixture_is_valid() -> None:
    assert validate(governed()) == ()


# ---------------------------------------------------------------- records


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (-1, "amount -1 is negative"),
        (12.5, "not the float 12.5: money is never a float"),
        (100.0, "not the float 100.0"),
        (Decimal("1.5"), "amount Decimal('1.5') is not a whole number of fen"),
        (Decimal("NaN"), "is not a whole number of fen"),
        (True, "not bool"),
        ("100", "not str"),
        (None, "not NoneType"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(amount: object, words: str) -> None:
    with pytest.raises(InvariantError) as info:
        line(amount=amount)
    assert info.value.field == "amount"
    assert words in str(info.value)
    with pytest.raises(InvariantError) as info:
        Allocation(id="a", funding="f", site="s", amount=amount)
    assert info.value.field == "amount"


def test_amounts_are_whole_fen() -> None:
    assert line(amount=Decimal("250")).amount == 250
    assert type(line(amount=Decimal("250")).amount) is int
    assert line(amount=0).amount == 0
    assert line(amount=fen("1,000,000")).yuan == "1,000,000.00"
    assert fen(Decimal("0.01")) == 1
    for bad in (0.1, "x", "0.001", -1, "Infinity"):
        with pytest.raises(InvariantError):
            fen(bad)  # type: ignore[arg-type]


def test_other_funding_fields() -> None:
    with pytest.raises(InvariantError, match="year 1900 is outside"):
        line(year=1900)
    with pytest.raises(InvariantError, match="year must be a whole number"):
        line(year="2023")
    with pytest.raises(InvariantError, match="purposes 'food' is not one of"):
        line(purposes={"food"})
    with pytest.raises(InvariantError, match="source 'bank' is not one of"):
        line(source="bank")
    assert line(purposes=()).purposes == frozenset()
    assert line().source is FundingSource.COUNTY
    assert FundingSource.PROVINCE.zh == "省级"
    assert FundingPurpose.AWARDS.zh == "以奖代补"
    assert line().to_dict()["amount"] == 100000


def test_mechanisms() -> None:
    m = Mechanism(id="m", kind="joint_meetings", division="610924", adopted="2019-01-01")
    assert m.adopted == dt.date(2019, 1, 1)
    with pytest.raises(InvariantError, match="repealed 2018-01-01 must come after adopted"):
        attrs.evolve(m, repealed="2018-01-01")
    with pytest.raises(InvariantError, match="adopted is required"):
        Mechanism(id="m", kind="joint_meetings", division="610924", adopted=None)
    assert [k.name for k in DEFAULT_MECHANISM_KINDS.values()] == [
        "联席会议制度",
        "志愿者招募制度",
        "志愿者激励嘉许制度",
        "志愿者培训制度",
    ]
    assert all(k.national for k in DEFAULT_MECHANISM_KINDS.values())


# ---------------------------------------------------------------- network and validation


def test_unknown_references_are_refused_and_nothing_is_half_applied() -> None:
    net = county()
    before = len(net)
    with pytest.raises(UnknownIdError, match="unknown mechanism kind 'points_card'"):
        net.add_all(
            [
                Mechanism(id="m1", kind="joint_meetings", division="610924", adopted=DAY),
                Mechanism(id="m2", kind="points_card", division="610924", adopted=DAY),
            ]
        )
    with pytest.raises(UnknownIdError, match="unknown site 'nowhere'"):
        net.add_all([line(), Allocation(id="a", funding="f1", site="nowhere", amount=1)])
    assert len(net) == before


def test_a_county_adds_its_own_mechanism_kind() -> None:
    net = governed()
    own = MechanismKind(id="points_card", name="积分管理制度", label="points card")
    net.add_all([own, Mechanism(id="m-own", kind="points_card", division="610924", adopted=DAY)])
    assert mechanism_kinds(net)["points_card"] == own
    assert "points_card" in [m.kind for m in mechanisms_of(net, "610924", as_of=DAY)]
    assert validate(net) == ()
    # Making it national makes it required of every county.
    net.replace(attrs.evolve(own, national=True))
    net.remove("m-own")
    assert [(i.code, i.severity.value) for i in validate(net)] == [
        ("missing-mechanisms", "warning")
    ]
    assert "积分管理制度 (points_card)" in validate(net)[0].message


def test_missing_national_mechanisms() -> None:
    net = governed()
    net.remove("m-joint_meetings")
    training: Mechanism = net.get("mechanisms", "m-volunteer_training")
    net.replace(attrs.evolve(training, repealed="2022-01-01"))
    (issue,) = validate(net)
    assert issue.code == "missing-mechanisms"
    assert issue.subject == "610924"
    assert issue.path == "$.sites[0].division"
    assert "联席会议制度 (joint_meetings)" in issue.message
    assert "志愿者培训制度 (volunteer_training)" in issue.message
    assert [k.id for k in missing_mechanisms(net, "610924", as_of="2021-12-31")] == [
        "joint_meetings"
    ]
    assert [k.id for k in missing_mechanisms(net, "610924", as_of=DAY)] == [
        "joint_meetings",
        "volunteer_training",
    ]
    # Before any was adopted, all four are missing; a network recording no
    # mechanisms at all gets no warning.
    assert len(missing_mechanisms(net, "610924", as_of="2018-12-31")) == 4
    assert validate(county()) == ()
    with pytest.raises(UnknownIdError, match="county 610925"):
        mechanisms_of(net, "610925")


def test_a_mechanism_declared_by_a_town_is_an_error() -> None:
    net = governed()
    net.add(Mechanism(id="m-town", kind="joint_meetings", division="610924101", adopted=DAY))
    assert codes(net) == [("mechanism-division", "$.mechanisms[4].division")]


def test_allocation_rules() -> None:
    net = governed()
    net.add(Allocation(id="a4", funding="f1", site="s2", amount=fen(401)))
    assert codes(net) == [("over-allocated", "$.allocations[3].amount")]
    assert "come to 1,001.00 yuan with 'a4', more than the line's 1,000.00 yuan" in str(
        validate(net)[0]
    )
    net = governed()
    net.add(Allocation(id="a4", funding="f2", site="s2", amount=1, purpose="awards"))
    assert codes(net) == [("allocation-purpose", "$.allocations[3].purpose")]
    net = governed()
    net.add_all(
        [
            Division(code="610925", name="岚皋县"),
            line(id="f3", division="610925"),
            Allocation(id="a5", funding="f3", site="s", amount=1),
        ]
    )
    assert codes(net) == [("allocation-outside", "$.allocations[3].site")]


def test_removing_a_site_with_allocations() -> None:
    net = governed()
    with pytest.raises(InUseError, match=r"allocation 'a1' \(site\)"):
        net.remove("s", cascade=False)
    removed = net.remove("s2", cascade=True)
    assert removed[0] == Station(
        id="s2", name="站2", division="610924101201", parent="i", head="v2-sec"
    )
    removed = net.remove("f1", cascade=True)
    assert {getattr(r, "id", None) for r in removed} == {"f1", "a1", "a2", "a3"}


def test_round_trip_and_a_float_in_a_file() -> None:
    net = governed()
    text = wenming.dumps(net)
    assert wenming.loads(text) == net
    data = json.loads(text)
    assert data["funding"][0]["amount"] == 50000
    data["funding"][0]["amount"] = 500.5
    with pytest.raises(wenming.errors.FormatError) as info:
        wenming.loads(json.dumps(data))
    assert "$.funding[0].amount" in str(info.value)
    assert "whole number" in str(info.value)


# ---------------------------------------------------------------- funding totals


def test_funding_totals() -> None:
    net = governed()
    by_year = funding_totals(net, "year")
    assert [(r.key, r.amount, r.count) for r in by_year] == [
        ("2022", 50000, 1),
        ("2023", 100000, 1),
    ]
    assert by_year.total == 150000
    assert [(r.key, r.amount) for r in funding_totals(net, "source")] == [
        ("province", 50000),
        ("county", 100000),
    ]
    by_purpose = funding_totals(net, "purpose")
    # A line with two purposes counts under each, and once in the total.
    assert [(r.key, r.name, r.amount) for r in by_purpose] == [
        ("activities", "活动开展", 100000),
        ("venues", "阵地建设", 50000),
        ("awards", "以奖代补", 100000),
    ]
    assert by_purpose.total == 150000
    by_town = funding_totals(net, "town")
    assert [(r.key, r.name, r.amount, r.count) for r in by_town] == [
        ("610924101", "蒿坪镇", 50000, 2)
    ]
    assert (by_town.total, by_town.unallocated) == (50000, 100000)
    assert funding_totals(net, "town", year=2022).total == 0
    assert [r.key for r in funding_totals(net, "year", year=2023)] == ["2023"]
    with pytest.raises(InvariantError, match="by 'month' is not one of: year, source"):
        funding_totals(net, "month")  # type: ignore[arg-type]


def test_funding_totals_str_and_to_dict() -> None:
    net = governed()
    assert str(funding_totals(net, "town")).splitlines() == [
        "funding by town          amount (yuan)  allocations",
        "610924101 蒿坪镇                500.00            2",
        "not allocated to a town       1,000.00",
        "total                           500.00            2",
    ]
    data = funding_totals(net, "source", year=2023).to_dict()
    assert data == {
        "by": "source",
        "year": 2023,
        "rows": [{"source": "county", "amount": 100000, "yuan": "1,000.00", "count": 1}],
        "total": 100000,
        "total_yuan": "1,000.00",
        "count": 1,
    }
    assert json.loads(json.dumps(data)) == data


def test_ziyang_funding_and_mechanisms() -> None:
    net = ziyang()
    assert funding_totals(net, "source").total == fen(3_000_000)
    assert [(r.key, r.amount) for r in funding_totals(net, "purpose")][-1] == (
        "awards",
        fen(1_000_000),
    )
    assert missing_mechanisms(net, "610924", as_of=DAY) == ()
    assert validate(net) == ()


# ---------------------------------------------------------------- scorecard


def test_scorecard_of_a_town() -> None:
    net = governed()
    card = scorecard(net, as_of=DAY)
    (row,) = card.rows
    assert (row.town.short, row.name, row.institute, row.villages, row.stations) == (
        "610924101",
        "蒿坪镇",
        "i",
        2,
        2,
    )
    assert [(n, m.numerator, m.denominator) for n, m in row.measures] == [
        ("station_coverage", 2, 2),
        ("link_coverage", 2, 2),
        ("heads_in_post", 3, 3),
        ("six_haves", 0, 3),
    ]
    assert row.score == pytest.approx(70.0)
    assert card.row("610924101") is row
    with pytest.raises(UnknownIdError):
        card.row("610924102")


def test_scorecard_follows_the_date_and_the_data() -> None:
    net = governed()
    for site_id in ("i", "s"):
        site = net.site(site_id)
        net.replace(attrs.evolve(site, six_haves=set(Have)))
    net.remove("l-s2")
    # The village secretary of s2 leaves in 2023 and nobody follows.
    tenure: Tenure = net.get("tenures", "t8")
    net.replace(attrs.evolve(tenure, end="2023-06-01"))
    row = scorecard(net, as_of=DAY).rows[0]
    assert [(n, m.numerator, m.denominator) for n, m in row.measures] == [
        ("station_coverage", 2, 2),
        ("link_coverage", 1, 2),
        ("heads_in_post", 2, 3),
        ("six_haves", 2, 3),
    ]
    earlier = scorecard(net, as_of="2023-05-31").rows[0]
    assert earlier.value("heads_in_post") == 1.0
    # Before the Stations existed nothing counts but the Institute.
    net.replace(attrs.evolve(net.site("s"), established=dt.date(2021, 1, 1)))
    assert scorecard(net, as_of="2020-06-01").rows[0].stations == 1


def test_scorecard_weights_are_data() -> None:
    net = governed()
    only_heads = scorecard(net, as_of=DAY, weights={"heads_in_post": 1})
    assert only_heads.rows[0].score == 100.0
    assert only_heads.weights.of("six_haves") == 0.0
    w = ScorecardWeights(weights={"six_haves": 1, "station_coverage": 1})
    assert scorecard(net, as_of=DAY, weights=w).rows[0].score == 50.0
    assert DEFAULT_WEIGHTS.to_dict() == {
        "heads_in_post": 20.0,
        "link_coverage": 20.0,
        "six_haves": 30.0,
        "station_coverage": 30.0,
    }
    with pytest.raises(InvariantError, match="weights name 'hours', which the scorecard"):
        scorecard(net, weights={"hours": 1})
    with pytest.raises(InvariantError, match="at least one weight must be above 0"):
        scorecard(net, weights={"hours": 0})
    with pytest.raises(InvariantError, match="must be a number, not str"):
        ScorecardWeights(weights={"six_haves": "1"})
    with pytest.raises(InvariantError, match="as_of 'soon' is not a date"):
        scorecard(net, as_of="soon")


def test_scorecard_leaves_out_what_it_cannot_measure() -> None:
    card = scorecard(ziyang(), as_of=DAY)
    assert len(card) == 17
    row = card.rows[0]
    assert row.value("station_coverage") == 1.0
    assert row.value("heads_in_post") == 1.0
    assert scorecard(Network(), as_of=DAY).rows == ()  # no towns: nothing to measure
    assert scorecard(ziyang(), within="610924101").rows[0].name == "蒿坪镇"
    with pytest.raises(UnknownIdError, match="scorecard within 610925"):
        scorecard(ziyang(), within="610925")


def test_a_later_indicator_joins_as_data() -> None:
    hours = attrs.evolve(
        INDICATORS[0], name="stations_per_village", label="x", zh="x", per=1000, target=500.0
    )
    card = scorecard(governed(), as_of=DAY, indicators=[*INDICATORS, hours])
    row = card.rows[0]
    assert row.value("stations_per_village") == 1000.0
    assert dict(row.measures)["stations_per_village"].score == 1.0
    assert "stations_per_village" in row.to_dict()


def test_scorecard_str_and_to_dict() -> None:
    card = scorecard(governed(), as_of=DAY)
    text = str(card)
    assert text.splitlines()[0].startswith("town scorecard as of 2023-08-01 (weights:")
    assert text.splitlines()[-1].split() == [
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
    data = card.to_dict()
    assert data["rows"] == [
        {
            "town": "610924101",
            "name": "蒿坪镇",
            "institute": "i",
            "villages": 2,
            "stations": 2,
            "station_coverage": 1.0,
            "link_coverage": 1.0,
            "heads_in_post": 1.0,
            "six_haves": 0.0,
            "score": 70.0,
        }
    ]
    assert [i["name"] for i in data["indicators"]] == [i.name for i in INDICATORS]
    assert json.loads(json.dumps(data)) == data
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(data["rows"])
    assert list(frame["score"]) == [70.0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsible_networks())
def test_scorecard_agrees_with_a_brute_force_count(net: Network) -> None:
    card = scorecard(net, as_of=DAY)
    sites = list(net.iter_sites(as_of=DAY))
    for row in card:
        here = [s for s in sites if s.division[:9] == row.town[:9]]
        stations = [s for s in here if isinstance(s, Station)]
        assert row.stations == len(stations)
        headed = [s for s in here if s.kind.value in ("institute", "station")]
        held = 0
        for s in headed:
            if s.head is not None and wenming.people.holder(net, s.head, as_of=DAY) is not None:
                held += 1
        assert dict(row.measures)["heads_in_post"].numerator == held
        assert dict(row.measures)["heads_in_post"].denominator == len(headed)
        if row.score is not None:
            assert 0 <= row.score <= 100


@st.composite
def governed_networks(draw: st.DrawFn) -> Network:
    """Networks with mechanisms, funding lines and allocations to their sites."""
    net = draw(responsible_networks())
    counties = [d.code for d in net.iter_divisions("county")]
    sites = sorted(net.sites)
    records: list[Any] = []
    if draw(st.booleans()):
        records.append(MechanismKind(id="own", name="自定制度", national=draw(st.booleans())))
    kinds = [*DEFAULT_MECHANISM_KINDS, *(["own"] if records else [])]
    for i, code in enumerate(counties):
        for j, kind in enumerate(draw(st.lists(st.sampled_from(kinds), max_size=5))):
            adopted = draw(st.dates(dt.date(2018, 1, 1), dt.date(2024, 1, 1)))
            repealed = draw(st.none() | st.just(adopted + dt.timedelta(days=400)))
            records.append(
                Mechanism(
                    id=f"m{i}-{j}", kind=kind, division=code, adopted=adopted, repealed=repealed
                )
            )
        for j in range(draw(st.integers(0, 3))):
            line_id = f"f{i}-{j}"
            amount = draw(st.integers(0, 10**12))
            records.append(
                FundingLine(
                    id=line_id,
                    name="经费",
                    division=code,
                    source=draw(st.sampled_from(FundingSource)),
                    year=draw(st.integers(2018, 2030)),
                    amount=amount,
                    purposes=draw(st.frozensets(st.sampled_from(FundingPurpose))),
                )
            )
            for k in range(draw(st.integers(0, 3)) if sites else 0):
                records.append(
                    Allocation(
                        id=f"{line_id}-a{k}",
                        funding=line_id,
                        site=draw(st.sampled_from(sites)),
                        amount=draw(st.integers(0, amount)),
                    )
                )
    net.add_all(records)
    return net


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(governed_networks())
def test_round_trip_with_governance(net: Network) -> None:
    text = wenming.dumps(net)
    assert wenming.loads(text) == net
    assert wenming.loads_records(text) == net.records()
    by_year = funding_totals(net, "year")
    lines: list[FundingLine] = list(net.table("funding").values())
    assert by_year.total == sum(f.amount for f in lines)
    assert sum(r.amount for r in by_year) == by_year.total
    by_town = funding_totals(net, "town")
    assert by_town.total + by_town.unallocated == by_year.total
    for division in net.iter_divisions("county"):
        have = {m.kind for m in mechanisms_of(net, division.code, as_of=DAY)}
        missing = {k.id for k in missing_mechanisms(net, division.code, as_of=DAY)}
        national = {k for k, v in mechanism_kinds(net).items() if v.national}
        assert missing == national - have
