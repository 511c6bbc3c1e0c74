"""``as_of=`` everywhere, and ``closed`` dates (issue 5).

Every public ``as_of`` takes a date, an ISO string, a datetime or anything with
``.date()`` (a pandas ``Timestamp``), or raises a wenming error naming ``as_of``;
a site exists from its ``established`` date up to the day before ``closed``, and
so does everything under it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import wenming
from wenming import (
    Centre,
    Division,
    Institute,
    InvariantError,
    Network,
    Point,
    SiteKind,
    Station,
    Venue,
    WenmingError,
    coverage,
    validate,
)

D = dt.date
CLOSED = D(2023, 1, 1)
DAY_BEFORE = D(2022, 12, 31)


def county() -> Network:
    """Town 101's Institute closes on 2023-01-01; its Station and Point go with it."""
    net = Network(name="closing county")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924100", name="城关镇"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924100202", name="新桃村"),
            Division(code="610924101001", name="双星社区"),
            Centre(id="c", name="中心", division="610924", established=D(2019, 1, 1)),
            Institute(id="i100", name="城关所", division="610924100", parent="c"),
            Institute(
                id="i101",
                name="蒿坪所",
                division="610924101",
                parent="c",
                established=D(2020, 1, 1),
                closed=CLOSED,
            ),
            Station(id="s001", name="双星站", division="610924101001", parent="i101"),
            Station(
                id="s202",
                name="新桃站",
                division="610924100202",
                parent="i100",
                closed=D(2024, 6, 1),
            ),
            Point(id="p1", name="学校点", division="610924101001", parent="s001", host="school"),
            Venue(id="v1", kind="reading_room", sites={"s001", "c"}),
        ]
    )
    return net


def ids(sites: Any) -> list[str]:
    return sorted(s.id for s in sites)


# ---------------------------------------------------------------------------- closed


@pytest.mark.parametrize("closed", [D(2020, 1, 1), D(2019, 12, 31)], ids=["same-day", "before"])
def test_closed_must_come_after_established(closed: dt.date) -> None:
    with pytest.raises(InvariantError) as info:
        Centre(id="c", name="中心", division="610924", established=D(2020, 1, 1), closed=closed)
    assert info.value.field == "closed"
    assert "closed" in str(info.value)
    assert "established" in str(info.value)


def test_closed_without_established_is_fine() -> None:
    site = Centre(id="c", name="中心", division="610924", closed=CLOSED)
    assert site.exists_on(DAY_BEFORE)
    assert not site.exists_on(CLOSED)
    assert site.exists_on(None)


def test_closed_must_be_a_date() -> None:
    with pytest.raises(InvariantError):
        Centre(id="c", name="中心", division="610924", closed="2023-01-01")  # type: ignore[arg-type]
    with pytest.raises(InvariantError):
        Centre(id="c", name="中心", division="610924", closed=dt.datetime(2023, 1, 1))


def test_counts_honour_closed() -> None:
    net = county()
    before = net.counts(as_of=DAY_BEFORE)
    on = net.counts(as_of=CLOSED)
    assert before[SiteKind.INSTITUTE] == 2
    assert before[SiteKind.STATION] == 2
    assert before[SiteKind.POINT] == 1
    assert on[SiteKind.INSTITUTE] == 1
    assert on[SiteKind.STATION] == 1  # s001 goes with its Institute
    assert on[SiteKind.POINT] == 0
    assert net.counts(as_of=D(2024, 6, 1))[SiteKind.STATION] == 0
    assert net.counts()[SiteKind.INSTITUTE] == 2  # no date: dates ignored


def test_iter_sites_and_exists_honour_closed() -> None:
    net = county()
    assert ids(net.iter_sites(as_of=DAY_BEFORE)) == ["c", "i100", "i101", "p1", "s001", "s202"]
    assert ids(net.iter_sites(as_of=CLOSED)) == ["c", "i100", "s202"]
    assert ids(net.iter_sites("institute", as_of=CLOSED)) == ["i100"]
    assert net.exists("i101", DAY_BEFORE)
    assert not net.exists("i101", CLOSED)
    assert not net.exists("s001", CLOSED)
    assert not net.exists("p1", CLOSED)
    assert net.exists("i101", None)


def test_children_and_descendants_honour_closed() -> None:
    net = county()
    assert ids(net.children("c", as_of=DAY_BEFORE)) == ["i100", "i101"]
    assert ids(net.children("c", as_of=CLOSED)) == ["i100"]
    assert ids(net.children("i101", as_of=DAY_BEFORE)) == ["s001"]
    assert net.children("i101", as_of=CLOSED) == ()
    assert net.children("s001", as_of=CLOSED) == ()  # children of a closed site: gone
    assert ids(net.children("s001", as_of=DAY_BEFORE)) == ["p1"]
    assert ids(net.descendants("c", as_of=DAY_BEFORE)) == ["i100", "i101", "p1", "s001", "s202"]
    assert ids(net.descendants("c", as_of=CLOSED)) == ["i100", "s202"]
    assert list(net.descendants("i101", as_of=CLOSED)) == []
    assert list(net.descendants("s001", as_of=CLOSED)) == []


def test_sites_on_honours_closed() -> None:
    net = county()
    assert ids(net.sites_on("610924101001", as_of=DAY_BEFORE)) == ["p1", "s001"]
    assert net.sites_on("610924101001", as_of=CLOSED) == ()
    assert ids(net.sites_on("610924101", as_of=DAY_BEFORE)) == ["i101"]
    assert net.sites_on("610924101", as_of=CLOSED) == ()


def test_coverage_honours_closed() -> None:
    net = county()
    before = coverage(net, as_of=DAY_BEFORE)
    on = coverage(net, as_of=CLOSED)
    assert (before.towns.covered, before.towns.total) == (2, 2)
    assert (on.towns.covered, on.towns.total) == (1, 2)
    assert [c.short for c in on.towns.uncovered] == ["610924101"]
    assert (before.villages.covered, on.villages.covered) == (2, 1)
    assert [c.short for c in on.villages.uncovered] == ["610924101001"]
    later = coverage(net, as_of=D(2024, 6, 1))
    assert later.villages.covered == 0
    assert coverage(net, as_of=CLOSED, within="610924101").towns.covered == 0
    assert on.as_of == CLOSED


def test_validate_as_of_honours_closed() -> None:
    # The old Institute closes when the new one opens: two Institutes on one
    # town in the file, never on the same day.
    records = wenming.NetworkRecords(
        divisions=[
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
        ],
        sites=[
            Centre(id="c", name="中心", division="610924"),
            Institute(id="old", name="旧所", division="610924101", parent="c", closed=CLOSED),
            Institute(id="new", name="新所", division="610924101", parent="c", established=CLOSED),
        ],
    )
    assert [i.code for i in validate(records)] == ["duplicate-claim"]
    assert [i.path for i in validate(records)] == ["$.sites[2].division"]
    assert validate(records, as_of=DAY_BEFORE) == ()
    assert validate(records, as_of=CLOSED) == ()
    assert validate(records, as_of="2023-01-01") == ()
    net = Network.from_records(records)
    assert [i.code for i in validate(net)] == ["duplicate-claim"]
    assert validate(net, as_of=CLOSED) == ()


def test_validate_as_of_keeps_document_paths() -> None:
    records = wenming.NetworkRecords(
        divisions=[
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
        ],
        sites=[
            Centre(id="c", name="中心", division="610924"),
            Institute(id="gone", name="旧所", division="610924101", parent="c", closed=CLOSED),
            Institute(id="a", name="所", division="610924101", parent="c"),
            Institute(id="b", name="所", division="610924101", parent="c"),
        ],
    )
    issues = validate(records, as_of=CLOSED)
    assert [(i.code, i.path) for i in issues] == [("duplicate-claim", "$.sites[3].division")]


def test_open_child_under_a_closed_parent_is_a_warning() -> None:
    issues = validate(county())
    assert [(i.code, i.severity.value, i.subject) for i in issues] == [
        ("open-under-closed-parent", "warning", "s001")
    ]


def test_closed_round_trips_through_the_file() -> None:
    net = county()
    text = wenming.dumps(net)
    assert '"closed": "2023-01-01"' in text
    again = wenming.loads(text)
    assert again == net
    assert again.site("i101").closed == CLOSED
    assert again.site("s202").closed == D(2024, 6, 1)
    assert again.counts(as_of=CLOSED) == net.counts(as_of=CLOSED)
    assert wenming.dumps(again) == text


def test_closed_before_established_in_a_file_is_a_format_error() -> None:
    text = wenming.dumps(county()).replace('"closed": "2023-01-01"', '"closed": "2019-06-01"')
    with pytest.raises(wenming.FormatError) as info:
        wenming.loads(text)
    assert "$.sites[" in str(info.value)
    assert ".closed" in str(info.value)


def test_replace_can_close_a_site() -> None:
    net = county()
    net.build_indexes()
    net.replace(attrs.evolve(net.site("i100"), closed=D(2022, 1, 1)))
    assert net.counts(as_of=CLOSED)[SiteKind.INSTITUTE] == 0
    assert coverage(net, as_of=CLOSED).towns.covered == 0
    assert coverage(net, as_of=D(2021, 1, 1)).towns.covered == 2


# ---------------------------------------------------------------------------- as_of forms


class HasDate:
    """Anything with a ``.date()`` method."""

    def date(self) -> dt.date:
        return D(2023, 8, 1)


def _forms() -> list[Any]:
    forms: list[Any] = [
        pytest.param(D(2023, 8, 1), id="date"),
        pytest.param("2023-08-01", id="iso-string"),
        pytest.param(" 2023-08-01 ", id="iso-string-spaces"),
        pytest.param("2023-08-01T09:30:00", id="iso-datetime-string"),
        pytest.param(dt.datetime(2023, 8, 1, 9, 30), id="datetime"),
        pytest.param(HasDate(), id="has-date"),
    ]
    return forms


Query = Callable[[Network, Any], Any]

QUERIES: dict[str, Query] = {
    "iter_sites": lambda net, day: ids(net.iter_sites(as_of=day)),
    "iter_sites_kind": lambda net, day: ids(net.iter_sites("station", as_of=day)),
    "counts": lambda net, day: net.counts(as_of=day),
    "children": lambda net, day: ids(net.children("i100", as_of=day)),
    "descendants": lambda net, day: ids(net.descendants("c", as_of=day)),
    "sites_on": lambda net, day: ids(net.sites_on("610924101001", as_of=day)),
    "exists": lambda net, day: net.exists("s202", day),
    "exists_kw": lambda net, day: net.exists("s202", as_of=day),
    "coverage": lambda net, day: coverage(net, as_of=day).to_dict(),
    "coverage_within": lambda net, day: coverage(net, as_of=day, within="610924100").to_dict(),
    "validate": lambda net, day: validate(net, as_of=day),
    "validate_records": lambda net, day: validate(net.records(), as_of=day),
}


def dated_county() -> Network:
    """Dates around 2023-08-01 so that every query's answer depends on the day."""
    net = county()
    net.add_all(
        [
            Division(code="610924100203", name="新村"),
            Station(
                id="s203",
                name="新村站",
                division="610924100203",
                parent="i100",
                established=D(2023, 8, 1),
            ),
            Point(
                id="p2",
                name="晚点",
                division="610924101001",
                parent="s001",
                established=D(2022, 1, 1),
            ),
        ]
    )
    return net


@pytest.mark.parametrize("day", _forms())
@pytest.mark.parametrize("query", list(QUERIES))
def test_as_of_accepts_every_form(query: str, day: Any) -> None:
    net = dated_county()
    expected = QUERIES[query](net, D(2023, 8, 1))
    assert QUERIES[query](net, day) == expected
    # And the day matters: the day before gives another answer for the site counts.
    if query in {"iter_sites", "counts", "children", "descendants", "coverage"}:
        assert QUERIES[query](net, D(2023, 7, 31)) != expected


@pytest.mark.parametrize("query", list(QUERIES))
def test_as_of_accepts_a_pandas_timestamp(query: str) -> None:
    pd = pytest.importorskip("pandas")
    net = dated_county()
    expected = QUERIES[query](net, D(2023, 8, 1))
    assert QUERIES[query](net, pd.Timestamp("2023-08-01 09:30")) == expected
    assert QUERIES[query](net, pd.Timestamp("2023-08-01", tz="Asia/Shanghai")) == expected


def test_coverage_reports_the_parsed_date() -> None:
    assert coverage(county(), as_of="2023-08-01").as_of == D(2023, 8, 1)
    assert coverage(county(), as_of=dt.datetime(2023, 8, 1, 23, 59)).as_of == D(2023, 8, 1)


def test_as_of_strings_are_not_stored_as_strings() -> None:
    # A network without any date used to accept any as_of silently.
    net = Network()
    net.add_all(
        [Division(code="610924", name="紫阳县"), Centre(id="c", name="中心", division="610924")]
    )
    assert net.counts(as_of="2023-08-01")[SiteKind.CENTRE] == 1
    with pytest.raises(InvariantError):
        net.counts(as_of="August")


BAD = [
    pytest.param("August", id="word"),
    pytest.param("2023-13-01", id="month-13"),
    pytest.param("2023/08/01", id="slashes"),
    pytest.param("", id="empty"),
    pytest.param(20230801, id="int"),
    pytest.param(2023.5, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(b"2023-08-01", id="bytes"),
    pytest.param(object(), id="object"),
    pytest.param(dt.date, id="the-date-class"),
    pytest.param(("2023", 8, 1), id="tuple"),
]


def _assert_as_of_error(exc: BaseException, value: Any) -> None:
    assert type(exc) is not TypeError
    assert isinstance(exc, WenmingError)
    assert isinstance(exc, InvariantError)
    assert exc.field == "as_of"
    assert "as_of" in str(exc)
    assert len(str(exc)) < 300


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("query", list(QUERIES))
def test_bad_as_of_raises_a_wenming_error_naming_as_of(query: str, bad: Any) -> None:
    net = dated_county()
    with pytest.raises(WenmingError) as info:
        QUERIES[query](net, bad)
    _assert_as_of_error(info.value, bad)


@pytest.mark.parametrize("query", list(QUERIES))
def test_pandas_nat_is_refused_clearly(query: str) -> None:
    pd = pytest.importorskip("pandas")
    net = dated_county()
    with pytest.raises(WenmingError) as info:
        QUERIES[query](net, pd.NaT)
    _assert_as_of_error(info.value, pd.NaT)


class BrokenDate:
    """A ``.date()`` that raises, or returns something that is not a date."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def date(self) -> Any:
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    "value",
    [BrokenDate(ValueError("no")), BrokenDate("2023-08-01"), BrokenDate(None)],
    ids=["raises", "returns-str", "returns-none"],
)
def test_an_object_whose_date_method_fails_is_refused(value: BrokenDate) -> None:
    with pytest.raises(InvariantError) as info:
        county().counts(as_of=value)
    _assert_as_of_error(info.value, value)


def test_a_huge_bad_as_of_gives_a_short_message() -> None:
    with pytest.raises(InvariantError) as info:
        county().counts(as_of="x" * 1_000_000)
    assert len(str(info.value)) < 300
    assert re.search(r"1000000 characters", str(info.value))
