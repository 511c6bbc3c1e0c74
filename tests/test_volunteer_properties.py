"""Properties of the volunteer family: team hours, and round trips through the JSON format."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

import wenming
from wenming import Network, validate
from wenming._plain import from_plain, to_plain
from wenming.errors import Severity
from wenming.service import effective_records, minutes_by_team
from wenming.teams import MEMBERSHIPS
from wenming.testing.strategies import volunteer_networks
from wenming.volunteers import VOLUNTEERS

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NEW_SECTIONS = (
    "volunteers",
    "consents",
    "team_levels",
    "teams",
    "memberships",
    "calendar",
    "service_records",
    "certificates",
    "award_categories",
    "awards",
)


@SETTINGS
@given(volunteer_networks())
def test_hours_per_team_are_its_members_records_in_its_activities(net: Network) -> None:
    assert [i for i in validate(net) if i.severity is Severity.ERROR] == []
    memberships = list(net.table(MEMBERSHIPS).values())
    expected: dict[str, int] = {}
    for record in effective_records(net):
        assert record.team is not None
        members = [
            m for m in memberships if m.team == record.team and m.volunteer == record.volunteer
        ]
        if any(m.covers(record.date) for m in members):
            expected[record.team] = expected.get(record.team, 0) + record.minutes
    assert minutes_by_team(net) == expected


@SETTINGS
@given(volunteer_networks())
def test_every_new_record_round_trips_through_the_json_format(net: Network) -> None:
    text = wenming.dumps(net, sensitive=True)
    assert wenming.loads(text, sensitive=True) == net
    document = json.loads(text)
    for name in NEW_SECTIONS:
        for record, data in zip(net.records().of(name), document.get(name, []), strict=True):
            assert to_plain(record, sensitive=True) == data
            assert from_plain(type(record), data) == record
    # The default dump: the same records without their sensitive fields.
    plain = wenming.loads(wenming.dumps(net))
    for v in net.table(VOLUNTEERS).values():
        assert plain.get(VOLUNTEERS, v.id).to_dict() == v.to_dict()
