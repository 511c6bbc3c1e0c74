"""Service records: minutes, corrections, the 10-working-day rule, totals, stars, certificates."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import wenming
from wenming import validate
from wenming.errors import InvariantError
from wenming.ids import VolunteerId
from wenming.service import (
    DEFAULT_STARS,
    SERVICE_RECORDS,
    CalendarDay,
    Certificate,
    ServicePolicy,
    ServiceRecord,
    StarScheme,
    WorkCalendar,
    certificate,
    current,
    history,
    late_records,
    minutes_by_division,
    minutes_by_site,
    minutes_by_team,
    minutes_by_volunteer,
    star_levels,
)
from wenming.testing.volunteers import volunteer_county
from wenming.volunteers import VOLUNTEERS, Volunteer

D = dt.date


def _record(**changes: object) -> ServiceRecord:
    fields: dict[str, object] = {
        "id": "r",
        "volunteer": "ZY-000001",
        "activity": "义诊",
        "date": "2023-05-05",
        "minutes": 60,
        "recorded": "2023-05-05",
    }
    fields.update(changes)
    return ServiceRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -30}, "minutes"),
        ({"minutes": 1.5}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"recorded": "2023-05-04"}, "recorded"),
        ({"end": "2023-05-04"}, "end"),
        ({"date": "2023-02-30"}, "date"),
        ({"supersedes": "r"}, "supersedes"),
    ],
)
def test_bad_records_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvariantError) as info:
        _record(**changes)
    assert info.value.field == field


def test_a_multi_day_activity_may_hold_more_minutes() -> None:
    assert _record(end="2023-05-06", minutes=30 * 60).last_day == D(2023, 5, 6)


# ------------------------------------------------------------------------ 10 working days


def test_the_rule_skips_weekends() -> None:
    # Friday 2023-05-05: 10 working days later is Friday 2023-05-19.
    on_time = _record(recorded="2023-05-19")
    late = _record(id="late", recorded="2023-05-22")
    assert WorkCalendar().due_by(D(2023, 5, 5)) == D(2023, 5, 19)
    assert [r.id for _, r, _ in late_records([on_time, late])] == ["late"]


def test_the_rule_follows_a_moved_working_day() -> None:
    # Labour Day 2023: 29 April - 3 May off, Sunday 23 April and Saturday 6 May worked.
    holidays = {D(2023, 5, d) for d in (1, 2, 3)}
    calendar = WorkCalendar(holidays=holidays, workdays={D(2023, 5, 6)})
    record = _record(date="2023-04-28", recorded="2023-05-15")
    assert WorkCalendar().due_by(D(2023, 4, 28)) == D(2023, 5, 12)
    assert calendar.due_by(D(2023, 4, 28)) == D(2023, 5, 16)
    assert len(list(late_records([record]))) == 1
    assert list(late_records([record], calendar)) == []
    assert calendar.working_days_between(D(2023, 4, 28), D(2023, 5, 16)) == 10


def test_validate_uses_the_networks_calendar() -> None:
    net = volunteer_county()
    net.add(_record(id="x", date="2023-04-28", recorded="2023-05-15", team=None))
    assert [i.code for i in validate(net)] == ["late-record"]
    net.add_all(
        [CalendarDay(date=D(2023, 5, d), working=False, name="劳动节") for d in (1, 2, 3)]
        + [CalendarDay(date="2023-05-06", working=True, name="调休")]
    )
    assert validate(net) == ()


def test_a_record_for_a_volunteer_not_registered_that_day() -> None:
    net = volunteer_county()
    net.add(_record(id="early", date="2022-12-30", recorded="2023-01-04"))
    net.replace(
        attrs.evolve(
            net.get(VOLUNTEERS, "ZY-000002"), status="withdrawn", status_since="2023-03-10"
        )
    )
    found = [
        (i.code, i.subject, i.severity.value)
        for i in validate(net)
        if i.code.startswith("record-")
    ]
    assert ("record-unregistered", "early", "error") in found
    assert ("record-unregistered", "r-ZY-000002-1", "error") in found
    assert ("record-unregistered", "r-ZY-000002-0", "error") not in found


# ------------------------------------------------------------------------ corrections


def test_corrections_supersede_and_keep_history() -> None:
    net = volunteer_county()
    assert [r.id for r in history(net, "r-ZY-000001-0")] == ["r-ZY-000001-0", "r-ZY-000001-0-fix"]
    assert [r.id for r in history(net, "r-ZY-000001-0-fix")] == [
        "r-ZY-000001-0",
        "r-ZY-000001-0-fix",
    ]
    assert current(net, "r-ZY-000001-0").minutes == 90
    assert minutes_by_volunteer(net)[VolunteerId("ZY-000001")] == 90 + 120 + 180
    # Before the correction was recorded, the original counted.
    assert minutes_by_volunteer(net, as_of="2023-03-10")[VolunteerId("ZY-000001")] == 60
    # A correction of the correction.
    net.add(
        attrs.evolve(
            net.get(SERVICE_RECORDS, "r-ZY-000001-0-fix"),
            id="fix2",
            minutes=100,
            recorded=D(2023, 3, 16),
            supersedes="r-ZY-000001-0-fix",
        )
    )
    assert [r.id for r in history(net, "r-ZY-000001-0")][-1] == "fix2"
    assert minutes_by_volunteer(net)[VolunteerId("ZY-000001")] == 100 + 120 + 180
    # Two corrections of one record: a fork.
    net.add(
        attrs.evolve(net.get(SERVICE_RECORDS, "fix2"), id="fork", supersedes="r-ZY-000001-0-fix")
    )
    assert "correction-fork" in {i.code for i in validate(net)}


def test_totals_per_team_site_division_and_period() -> None:
    net = volunteer_county()
    total = sum(minutes_by_volunteer(net).values())
    assert minutes_by_team(net) == {"corps": total}
    assert minutes_by_site(net) == {"centre": total}
    assert minutes_by_division(net, "county") == {wenming.DivisionCode.parse("610924"): total}
    assert minutes_by_division(net) == {}  # the corps is above the towns
    march_6 = minutes_by_volunteer(net, start="2023-03-06", end="2023-03-07")
    assert march_6[VolunteerId("ZY-000001")] == 90
    net.add(_record(id="v", date="2023-03-07", recorded="2023-03-07", site="s-610924101001"))
    assert minutes_by_division(net) == {wenming.DivisionCode.parse("610924101"): 60}


def test_policies_are_data() -> None:
    net = volunteer_county()
    capped = ServicePolicy(cap=100)
    per = minutes_by_volunteer(net, policy=capped)
    assert per[VolunteerId("ZY-000001")] == 90 + 100 + 100
    halves = ServicePolicy(rounding="nearest", unit=30)
    assert minutes_by_volunteer(net, policy=halves)[VolunteerId("ZY-000002")] == 90 + 150 + 210
    risky = ServicePolicy(multipliers={"急难": 150})
    net.add(
        _record(id="risk", category="急难", minutes=40, date="2023-03-07", recorded="2023-03-07")
    )
    assert minutes_by_volunteer(net, policy=risky)[VolunteerId("ZY-000001")] == 390 + 60
    with pytest.raises(InvariantError):
        ServicePolicy(cap=0)


# ------------------------------------------------------------------------ stars


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        (0, 0),
        (99, 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (600, 3),
        (999, 3),
        (1000, 4),
        (1500, 5),
        (3000, 5),
    ],
)
def test_star_levels_at_each_threshold(hours: int, stars: int) -> None:
    assert DEFAULT_STARS.level(hours * 60) == stars
    assert DEFAULT_STARS.level(hours * 60 - 1) == max(
        0, stars - (hours in (100, 300, 600, 1000, 1500))
    )


def test_star_schemes_are_configurable() -> None:
    scheme = StarScheme(thresholds=(1, 5))
    net = volunteer_county()
    levels = star_levels(net, scheme=scheme)
    assert levels[VolunteerId("ZY-000001")] == 2  # 6.5 hours: past 1 and 5
    assert star_levels(net) == dict.fromkeys(levels, 0)
    with pytest.raises(InvariantError):
        StarScheme(thresholds=(300, 100))


def test_certificates() -> None:
    net = volunteer_county()
    cert = certificate(
        net, "ZY-000001", serial="C-1", unit="县新时代文明实践中心", issued="2023-12-01"
    )
    assert cert.minutes == 390
    assert "6.50 小时" in cert.text()
    net.add(cert)
    assert validate(net) == ()
    net.add(attrs.evolve(cert, id="C-2", minutes=10_000))
    assert [i.code for i in validate(net)] == ["certificate-exceeds-records"]
    assert isinstance(net.get("certificates", "C-1"), Certificate)


def test_a_volunteer_without_records_has_no_total() -> None:
    net = volunteer_county()
    net.add(Volunteer(id="new", name="新", registered="2024-01-01"))
    assert VolunteerId("new") not in minutes_by_volunteer(net)
    assert star_levels(net)[VolunteerId("new")] == 0
