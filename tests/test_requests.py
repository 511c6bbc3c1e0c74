"""Service requests: the state machine from its table, events, replay, measures, the file."""

from __future__ import annotations

import datetime as dt
from collections import deque
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
    Station,
    validate,
)
from wenming.requests import (
    ACTION_FIELDS,
    INITIAL_STATE,
    TERMINAL_STATES,
    TRANSITIONS,
    Action,
    IllegalTransitionError,
    RequestEvent,
    RequestState,
    ServiceRequest,
    allowed_actions,
    next_state,
    ratings_by_station,
    ratings_by_team,
    request_times,
    requests_by_state,
)
from wenming.testing.strategies import request_walks

T0 = dt.datetime(2023, 8, 1, 9, 0)

PAYLOAD = {
    "team": "t1",
    "reason": "人手不足",
    "activity": "a1",
    "rating": 4,
    "comment": "很好",
}


def _payload(action: Action) -> dict[str, Any]:
    required, _ = ACTION_FIELDS[action]
    return {f: PAYLOAD[f] for f in required}


def _shortest_paths() -> dict[RequestState, list[Action]]:
    """For every reachable state, the shortest list of actions reaching it (from the table)."""
    paths: dict[RequestState, list[Action]] = {INITIAL_STATE: []}
    queue = deque([INITIAL_STATE])
    while queue:
        state = queue.popleft()
        for action, target in TRANSITIONS[state].items():
            if target not in paths:
                paths[target] = [*paths[state], action]
                queue.append(target)
    return paths


PATHS = _shortest_paths()


def _request_in(state: RequestState, request_id: str = "r1") -> ServiceRequest:
    request = ServiceRequest(id=request_id, station="s1", category="health", requested=T0)
    for i, action in enumerate(PATHS[state], 1):
        request = request.advance(
            action, at=T0 + dt.timedelta(hours=i), actor="centre", **_payload(action)
        )
    assert request.state is state
    return request


def test_the_table_is_complete_and_every_state_is_reachable() -> None:
    assert set(TRANSITIONS) == set(RequestState)
    assert set(PATHS) == set(RequestState)
    assert set(ACTION_FIELDS) == set(Action)
    assert {RequestState.RATED, RequestState.DECLINED, RequestState.WITHDRAWN} == TERMINAL_STATES
    used = {a for moves in TRANSITIONS.values() for a in moves}
    assert used == set(Action)


LEGAL = [(s, a) for s in RequestState for a in TRANSITIONS[s]]
ILLEGAL = [(s, a) for s in RequestState for a in Action if a not in TRANSITIONS[s]]


@pytest.mark.parametrize(("state", "action"), LEGAL, ids=lambda v: v.value)
def test_every_legal_transition(state: RequestState, action: Action) -> None:
    request = _request_in(state)
    moved = request.advance(action, at=T0 + dt.timedelta(days=3), actor="x", **_payload(action))
    assert moved.state is TRANSITIONS[state][action]
    assert moved.state is next_state(state, action)
    assert moved.events[:-1] == request.events
    assert request.state is state  # immutable: the old request is unchanged
    again = ServiceRequest(**{**moved.to_dict()})
    assert again == moved
    assert again.state is moved.state


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=lambda v: v.value)
def test_every_illegal_transition(state: RequestState, action: Action) -> None:
    request = _request_in(state)
    allowed = allowed_actions(state)
    with pytest.raises(IllegalTransitionError) as info:
        request.advance(action, at=T0 + dt.timedelta(days=3), actor="x", **_payload(action))
    err = info.value
    assert (err.state, err.action, err.allowed) == (state, action, allowed)
    assert f"is {state.value}:" in str(err)
    shown = ", ".join(a.value for a in allowed) or "nothing (it is final)"
    assert str(err).endswith(f"allowed: {shown}")
    assert isinstance(err, ValueError)
    with pytest.raises(IllegalTransitionError):
        next_state(state, action)
    # the same jump stored in a record is refused when the record is built
    event = RequestEvent(
        action=action, at=T0 + dt.timedelta(days=3), actor="x", **_payload(action)
    )
    with pytest.raises(IllegalTransitionError):
        ServiceRequest(**{**request.to_dict(), "events": [*request.events, event]})


def test_requested_to_rated_jump_names_state_and_allowed() -> None:
    request = ServiceRequest(id="r9", station="s1", category="law", requested=T0)
    with pytest.raises(
        IllegalTransitionError,
        match=r"request 'r9' is requested: it cannot be rated; allowed: review, withdraw",
    ):
        request.advance("rate", at=T0, actor="resident", rating=5)


@pytest.mark.parametrize(
    ("action", "field"),
    [(a, f) for a in Action for f in sorted(ACTION_FIELDS[a][0])],
    ids=str,
)
def test_each_required_field_is_required(action: Action, field: str) -> None:
    payload = _payload(action)
    del payload[field]
    with pytest.raises(InvariantError, match=f"a {action.value} event needs an? {field}"):
        RequestEvent(action=action, at=T0, actor="x", **payload)


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (a, f)
        for a in Action
        for f in PAYLOAD
        if f not in ACTION_FIELDS[a][0] | ACTION_FIELDS[a][1]
    ],
    ids=str,
)
def test_fields_an_action_does_not_take_are_refused(action: Action, field: str) -> None:
    with pytest.raises(InvariantError, match=f"a {action.value} event takes no {field}"):
        RequestEvent(
            action=action, at=T0, actor="x", **{**_payload(action), field: PAYLOAD[field]}
        )


@pytest.mark.parametrize("rating", [0, 6, -1, 10, True, 2.5, "5"])
def test_rating_outside_one_to_five(rating: object) -> None:
    with pytest.raises(InvariantError, match="rating") as info:
        RequestEvent(action="rate", at=T0, actor="resident", rating=rating)
    assert info.value.field == "rating"


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_ratings_one_to_five(rating: int) -> None:
    assert RequestEvent(action="rate", at=T0, actor="r", rating=rating).rating == rating


def test_bad_events() -> None:
    with pytest.raises(InvariantError, match="action 'fly' is not one of"):
        RequestEvent(action="fly", at=T0, actor="x")
    with pytest.raises(InvariantError, match="at 'noon' is not a date and time"):
        RequestEvent(action="review", at="noon", actor="x")
    with pytest.raises(InvariantError, match="actor"):
        RequestEvent(action="review", at=T0, actor="")
    with pytest.raises(InvariantError, match="unknown keys in an event: 'when'"):
        ServiceRequest(id="r", station="s", category="law", requested=T0, events=[{"when": 1}])
    with pytest.raises(InvariantError, match="an event needs action, actor"):
        ServiceRequest(id="r", station="s", category="law", requested=T0, events=[{"at": "x"}])
    # a date means midnight
    assert RequestEvent(action="review", at=dt.date(2023, 1, 2), actor="x").at == dt.datetime(
        2023, 1, 2
    )


def test_events_must_keep_time_order() -> None:
    request = _request_in(RequestState.UNDER_REVIEW)
    with pytest.raises(InvariantError, match="comes before the one before it"):
        request.advance("dispatch", at=T0, actor="centre", team="t1")
    with pytest.raises(InvariantError, match="comes before"):
        ServiceRequest(
            id="r",
            station="s",
            category="law",
            requested=T0,
            events=[{"action": "review", "at": "2023-07-01T00:00", "actor": "c"}],
        )
    aware = dt.datetime(2023, 8, 2, tzinfo=dt.UTC)
    with pytest.raises(InvariantError, match="time zone"):
        request.advance("dispatch", at=aware, actor="centre", team="t1")


def test_measures_and_derived_fields() -> None:
    r = ServiceRequest(id="r1", station="s1", category="health", requested=T0)
    assert (r.state, r.team, r.time_to_dispatch(), r.time_to_delivery()) == (
        RequestState.REQUESTED,
        None,
        None,
        None,
    )
    steps: list[tuple[str, int, dict[str, Any]]] = [
        ("review", 1, {}),
        ("dispatch", 2, {"team": "t1"}),
        ("refuse", 3, {"reason": "忙"}),
        ("redispatch", 4, {"team": "t2"}),
        ("accept", 5, {}),
        ("cancel", 6, {}),
        ("dispatch", 7, {"team": "t3"}),
        ("accept", 8, {}),
        ("deliver", 30, {"activity": "a1"}),
        ("rate", 50, {"rating": 5, "comment": "好"}),
    ]
    for action, hours, payload in steps:
        r = r.advance(action, at=T0 + dt.timedelta(hours=hours), actor="x", **payload)
        if action == "cancel":
            assert r.team is None
            assert r.state is RequestState.UNDER_REVIEW  # back in the pool
    assert r.state is RequestState.RATED
    assert r.team == "t3"
    assert r.teams == {"t1", "t2", "t3"}
    assert r.activity == "a1"
    assert r.rating == 5
    assert r.time_to_dispatch() == dt.timedelta(hours=2)
    assert r.time_to_delivery() == dt.timedelta(hours=30)
    assert r.allowed() == ()


@settings(max_examples=200, deadline=None)
@given(request_walks())
def test_state_is_the_replay_of_the_events(request: Any) -> None:
    state = INITIAL_STATE
    for event in request.events:
        state = next_state(state, event.action)
    assert request.state is state
    rebuilt = ServiceRequest(**request.to_dict())
    assert rebuilt == request
    assert rebuilt.state is request.state


def _network(*requests: ServiceRequest) -> Network:
    net = Network()
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924101001", name="双星社区"),
            Division(code="610924101002", name="某村"),
            Centre(id="zy", name="中心", division="610924"),
            Institute(id="i101", name="所", division="610924101", parent="zy"),
            Station(id="s1", name="站一", division="610924101001", parent="i101"),
            Station(id="s2", name="站二", division="610924101002", parent="i101"),
            *requests,
        ]
    )
    return net


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["s1", "s2"]), st.integers(0, 12)), min_size=0, max_size=6),
    st.data(),
)
def test_requests_round_trip_and_measures_agree_with_brute_force(
    spec: list[tuple[str, int]], data: st.DataObject
) -> None:
    requests = [
        data.draw(request_walks(request_id=f"r{i}", station=station, max_steps=steps))
        for i, (station, steps) in enumerate(spec)
    ]
    net = _network(*requests)
    text = wenming.dumps(net)
    back = wenming.loads(text)
    assert back == net
    assert wenming.dumps(back) == text
    # states
    counts = requests_by_state(net)
    assert sum(counts.values()) == len(requests)
    for state in RequestState:
        assert counts[state] == sum(r.state is state for r in requests)
    # ratings per team and station, brute force
    for table, key in ((ratings_by_team(net), "team"), (ratings_by_station(net), "station")):
        expected: dict[str, list[int]] = {}
        for r in requests:
            if r.rating is not None:
                expected.setdefault(getattr(r, key), []).append(r.rating)
        rows = {row[key]: row for row in table.to_dict()}
        assert set(rows) == set(expected)
        for owner, ratings in expected.items():
            assert rows[owner]["ratings"] == len(ratings)
            assert rows[owner]["mean"] == round(sum(ratings) / len(ratings), 2)
            assert [rows[owner][f"r{k}"] for k in range(1, 6)] == [
                ratings.count(k) for k in range(1, 6)
            ]
    times = {row["request"]: row for row in request_times(net).to_dict()}
    for r in requests:
        first = next((e.at for e in r.events if e.action in ("dispatch",)), None)
        delivered = next((e.at for e in r.events if e.action == "deliver"), None)
        expect_d = None if first is None else int((first - r.requested).total_seconds() // 60)
        expect_v = (
            None if delivered is None else int((delivered - r.requested).total_seconds() // 60)
        )
        assert times[r.id]["to_dispatch"] == expect_d
        assert times[r.id]["to_delivery"] == expect_v


def test_an_illegal_jump_in_a_file_is_refused_with_its_path() -> None:
    ok = _request_in(RequestState.DELIVERED)
    text = wenming.dumps(_network(ok))
    jumped = text.replace('"action": "review"', '"action": "rate", "rating": 5', 1)
    with pytest.raises(FormatError, match=r"\$\.requests\[0\]\.events: request 'r1' is requested"):
        wenming.loads(jumped)
    rating = text.replace('"action": "deliver", ', '"action": "deliver", "rating": 0, ', 1)
    with pytest.raises(FormatError, match=r"\$\.requests\[0\]\.events.*rating 0 is outside 1–5"):
        wenming.loads(rating)


def test_validation_of_categories_teams_activities_and_stations() -> None:
    r1 = _request_in(RequestState.DELIVERED)
    r2 = ServiceRequest(id="r2", station="i101", category="helth", requested=T0)
    issues = validate(_network(r1, r2))
    found = {(i.code, i.path) for i in issues}
    assert ("unknown-request-team", "$.requests[0].events[1].team") in found
    assert ("unknown-request-activity", "$.requests[0].events[3].activity") in found
    assert ("unknown-category", "$.requests[1].category") in found
    assert ("request-station", "$.requests[1].station") in found
    message = next(i.message for i in issues if i.code == "unknown-category")
    assert "nearest: 'health'" in message
    with pytest.raises(wenming.UnknownIdError, match="unknown site 'nowhere'"):
        _network(ServiceRequest(id="r3", station="nowhere", category="law", requested=T0))


def test_tables_print_and_count_states() -> None:
    net = _network(_request_in(RequestState.RATED), _request_in(RequestState.REFUSED, "r2"))
    assert "r1" in str(request_times(net))
    assert requests_by_state(net)[RequestState.RATED] == 1
    assert ratings_by_team(net).column("team") == ("t1",)
