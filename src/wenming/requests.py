"""Service requests (点单—派单—接单—评单) and their lifecycle as an explicit state machine.

A resident requests a service of a category at a Station (点单); the centre or
an institute reviews it and dispatches it to a team (派单); the team accepts
(接单) and delivers it through an activity; the resident rates it, 1 to 5 with a
comment (评单). A team may refuse with a reason, and the request is then
re-dispatched or cancelled back to the pool; the centre may decline a request,
and a resident may withdraw one before it is delivered.

The states and the legal moves are **data**: :data:`TRANSITIONS` maps each
:class:`RequestState` to the :class:`Action` s allowed in it and the state each
leads to; :data:`ACTION_FIELDS` says what each action's event must and may
carry. A :class:`ServiceRequest` holds its immutable :class:`RequestEvent` s
(timestamp, actor); its state is derived by replaying them, and an illegal
move raises :class:`IllegalTransitionError` naming the current state and the
allowed actions.

=============  ==========================================================
state          actions allowed (→ the state they lead to)
=============  ==========================================================
requested      review → under_review; withdraw → withdrawn
under_review   dispatch → dispatched; decline → declined; withdraw
dispatched     accept → accepted; refuse → refused; cancel → under_review;
               withdraw
accepted       deliver → delivered; cancel → under_review; withdraw
refused        redispatch → dispatched; cancel → under_review
delivered      rate → rated
rated, declined, withdrawn: final
=============  ==========================================================

"The pool" is ``under_review``: the requests waiting for a team.

Examples
--------
>>> req = ServiceRequest(id="r1", station="st-1", category="health",
...                      requested="2023-08-01T09:00")
>>> req = req.advance("review", at="2023-08-01T10:00", actor="centre")
>>> req = req.advance("dispatch", at="2023-08-01T11:30", actor="centre", team="t-doctors")
>>> req.state, req.team, req.time_to_dispatch()
(<RequestState.DISPATCHED: 'dispatched'>, 't-doctors', datetime.timedelta(seconds=9000))
>>> req.advance("rate", at="2023-08-02T09:00", actor="resident", rating=5)
Traceback (most recent call last):
...
wenming.requests.IllegalTransitionError: request 'r1' is dispatched: it cannot be rated; \
allowed: accept, refuse, cancel, withdraw
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from wenming._fields import check_identifier, optional_text, to_enum
from wenming._plain import to_plain
from wenming.errors import InvariantError, Issue, quote
from wenming.ids import ActivityId, RequestId, SiteId, TeamId
from wenming.section import Index, Ref, Section, ValidationContext, error
from wenming.tables import Table
from wenming.taxonomy import FACETS, context_taxonomy

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "ACTION_FIELDS",
    "INITIAL_STATE",
    "REQUESTS",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Action",
    "IllegalTransitionError",
    "RequestEvent",
    "RequestState",
    "ServiceRequest",
    "allowed_actions",
    "next_state",
    "ratings_by_station",
    "ratings_by_team",
    "request_times",
    "requests_by_state",
]


class RequestState(enum.StrEnum):
    """Where a service request is in its lifecycle; the value is used in messages."""

    REQUESTED = "requested"
    """点单: a resident asked for a service."""
    UNDER_REVIEW = "under_review"
    """审核 / in the pool: the centre or an institute is finding a team."""
    DISPATCHED = "dispatched"
    """派单: sent to a team, which has not answered yet."""
    ACCEPTED = "accepted"
    """接单: the team took it on."""
    REFUSED = "refused"
    """拒单: the team refused it, with a reason; re-dispatch or cancel it."""
    DELIVERED = "delivered"
    """The service was delivered, by an activity."""
    RATED = "rated"
    """评单: the resident rated it (final)."""
    DECLINED = "declined"
    """不予受理: the centre declined the request, with a reason (final)."""
    WITHDRAWN = "withdrawn"
    """The resident withdrew it before delivery (final)."""

    @property
    def zh(self) -> str:
        """The Chinese word for the state."""
        return _STATE_ZH[self]


_STATE_ZH = {
    RequestState.REQUESTED: "已点单",
    RequestState.UNDER_REVIEW: "待派单",
    RequestState.DISPATCHED: "已派单",
    RequestState.ACCEPTED: "已接单",
    RequestState.REFUSED: "已拒单",
    RequestState.DELIVERED: "已服务",
    RequestState.RATED: "已评单",
    RequestState.DECLINED: "不予受理",
    RequestState.WITHDRAWN: "已撤回",
}


class Action(enum.StrEnum):
    """What an event does to a request; the value is the ``action`` in files."""

    REVIEW = "review"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    REFUSE = "refuse"
    REDISPATCH = "redispatch"
    CANCEL = "cancel"
    DELIVER = "deliver"
    RATE = "rate"
    DECLINE = "decline"
    WITHDRAW = "withdraw"

    @property
    def past(self) -> str:
        """The past participle, for messages (``"rated"``)."""
        return _PAST.get(self, self.value + "ed")


_PAST = {
    Action.REVIEW: "reviewed",
    Action.DISPATCH: "dispatched",
    Action.REDISPATCH: "re-dispatched",
    Action.CANCEL: "cancelled",
    Action.DELIVER: "delivered",
    Action.RATE: "rated",
    Action.DECLINE: "declined",
    Action.WITHDRAW: "withdrawn",
    Action.ACCEPT: "accepted",
    Action.REFUSE: "refused",
}

_S = RequestState
_A = Action

INITIAL_STATE = RequestState.REQUESTED
"""The state of a request with no events."""

TRANSITIONS: Mapping[RequestState, Mapping[Action, RequestState]] = MappingProxyType(
    {
        _S.REQUESTED: MappingProxyType(
            {_A.REVIEW: _S.UNDER_REVIEW, _A.WITHDRAW: _S.WITHDRAWN},
        ),
        _S.UNDER_REVIEW: MappingProxyType(
            {_A.DISPATCH: _S.DISPATCHED, _A.DECLINE: _S.DECLINED, _A.WITHDRAW: _S.WITHDRAWN},
        ),
        _S.DISPATCHED: MappingProxyType(
            {
                _A.ACCEPT: _S.ACCEPTED,
                _A.REFUSE: _S.REFUSED,
                _A.CANCEL: _S.UNDER_REVIEW,
                _A.WITHDRAW: _S.WITHDRAWN,
            },
        ),
        _S.ACCEPTED: MappingProxyType(
            {_A.DELIVER: _S.DELIVERED, _A.CANCEL: _S.UNDER_REVIEW, _A.WITHDRAW: _S.WITHDRAWN},
        ),
        _S.REFUSED: MappingProxyType(
            {_A.REDISPATCH: _S.DISPATCHED, _A.CANCEL: _S.UNDER_REVIEW},
        ),
        _S.DELIVERED: MappingProxyType({_A.RATE: _S.RATED}),
        _S.RATED: MappingProxyType({}),
        _S.DECLINED: MappingProxyType({}),
        _S.WITHDRAWN: MappingProxyType({}),
    }
)
"""The state machine: state → {action: the state it leads to}. What is not here is illegal."""

TERMINAL_STATES: frozenset[RequestState] = frozenset(s for s, m in TRANSITIONS.items() if not m)
"""The states no action leaves (rated, declined, withdrawn)."""

_PAYLOAD = ("team", "reason", "activity", "rating", "comment")

ACTION_FIELDS: Mapping[Action, tuple[frozenset[str], frozenset[str]]] = MappingProxyType(
    {
        _A.REVIEW: (frozenset(), frozenset()),
        _A.DISPATCH: (frozenset({"team"}), frozenset()),
        _A.ACCEPT: (frozenset(), frozenset()),
        _A.REFUSE: (frozenset({"reason"}), frozenset()),
        _A.REDISPATCH: (frozenset({"team"}), frozenset({"reason"})),
        _A.CANCEL: (frozenset(), frozenset({"reason"})),
        _A.DELIVER: (frozenset({"activity"}), frozenset()),
        _A.RATE: (frozenset({"rating"}), frozenset({"comment"})),
        _A.DECLINE: (frozenset({"reason"}), frozenset()),
        _A.WITHDRAW: (frozenset(), frozenset({"reason"})),
    }
)
"""Action → (the event fields it requires, the ones it may carry); others must be unset."""

RATINGS = range(1, 6)
"""The ratings a resident may give: 1 to 5."""


def allowed_actions(state: RequestState | str) -> tuple[Action, ...]:
    """The actions allowed in ``state``, in the table's order."""
    return tuple(TRANSITIONS[to_enum(RequestState, "state", state)])


def next_state(state: RequestState | str, action: Action | str) -> RequestState:
    """The state ``action`` leads to from ``state``.

    Raises
    ------
    IllegalTransitionError
        The action is not allowed in that state.
    """
    state = to_enum(RequestState, "state", state)
    action = to_enum(Action, "action", action)
    found = TRANSITIONS[state].get(action)
    if found is None:
        raise IllegalTransitionError(state, action)
    return found


class IllegalTransitionError(InvariantError):
    """An action that the request's current state does not allow.

    Attributes
    ----------
    state : RequestState
        The current state.
    action : Action
        What was attempted.
    allowed : tuple of Action
        What the state allows.
    """

    def __init__(self, state: RequestState, action: Action, request: str | None = None) -> None:
        allowed = allowed_actions(state)
        shown = ", ".join(a.value for a in allowed) or "nothing (it is final)"
        who = f"request {quote(request)}" if request is not None else "the request"
        super().__init__(
            f"{who} is {state.value}: it cannot be {action.past}; allowed: {shown}",
            field="events",
            value=action.value,
        )
        self.state = state
        self.action = action
        self.allowed = allowed


# ---------------------------------------------------------------------------- records


def _moment(name: str) -> Any:
    def convert(value: object) -> dt.datetime:
        if type(value) is dt.datetime:
            return value
        if type(value) is dt.date:
            return dt.datetime(value.year, value.month, value.day)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip())
            except ValueError:
                raise InvariantError(
                    f"{name} {quote(value)} is not a date and time; expected "
                    "YYYY-MM-DDTHH:MM[:SS]",
                    field=name,
                    value=value,
                ) from None
        if isinstance(value, dt.datetime):  # a subclass (pandas Timestamp)
            return dt.datetime.fromisoformat(value.isoformat())
        raise InvariantError(
            f"{name} must be a date and time, not {type(value).__name__}", field=name, value=value
        )

    return convert


def _at(value: object) -> dt.datetime:
    return _moment("at")(value)  # type: ignore[no-any-return]


def _requested(value: object) -> dt.datetime:
    return _moment("requested")(value)  # type: ignore[no-any-return]


def _action(value: object) -> Action:
    return to_enum(Action, "action", value)


def _actor(value: object) -> str:
    return check_identifier("actor", value)


def _team(value: object) -> TeamId | None:
    return None if value is None else TeamId(check_identifier("team", value))


def _activity(value: object) -> ActivityId | None:
    return None if value is None else ActivityId(check_identifier("activity", value))


def _rating(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int:
        raise InvariantError(
            f"rating must be a whole number from 1 to 5, not {type(value).__name__}",
            field="rating",
            value=value,
        )
    if value not in RATINGS:
        raise InvariantError(f"rating {value} is outside 1–5", field="rating", value=value)
    return value


@attrs.frozen(kw_only=True)
class RequestEvent:
    """One transition of a service request: immutable, timestamped, by an actor.

    Parameters
    ----------
    action : Action
        What happened (``"dispatch"``).
    at : datetime.datetime
        When (a datetime or an ISO string; a date means midnight).
    actor : str
        Who did it: an id or a role (``"centre-610924"``, ``"team:t-1"``, ``"resident"``).
    team : TeamId, optional
        The team dispatched to (dispatch, redispatch).
    reason : str, optional
        Why (refuse, decline; optional for cancel, redispatch, withdraw).
    activity : ActivityId, optional
        The activity that delivered the service (deliver).
    rating : int, optional
        1 to 5 (rate).
    comment : str, optional
        The resident's comment (rate).

    Raises
    ------
    InvariantError
        A field the action requires is missing, one it does not take is set,
        or the rating is outside 1–5.

    Examples
    --------
    >>> RequestEvent(action="rate", at="2023-08-02T09:00", actor="resident", rating=6)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: rating 6 is outside 1–5
    >>> RequestEvent(action="refuse", at="2023-08-02T09:00", actor="team:t1")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: a refuse event needs a reason
    """

    action: Action = attrs.field(converter=_action)
    at: dt.datetime = attrs.field(converter=_at)
    actor: str = attrs.field(converter=_actor)
    team: TeamId | None = attrs.field(default=None, converter=_team)
    reason: str | None = attrs.field(default=None, validator=optional_text)
    activity: ActivityId | None = attrs.field(default=None, converter=_activity)
    rating: int | None = attrs.field(default=None, converter=_rating)
    comment: str | None = attrs.field(default=None, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        required, optional = ACTION_FIELDS[self.action]
        for name in _PAYLOAD:
            value = getattr(self, name)
            if value is None and name in required:
                raise InvariantError(
                    f"a {self.action.value} event needs {'an' if name[0] in 'aeiou' else 'a'} "
                    f"{name}",
                    field=name,
                )
            if value is not None and name not in required | optional:
                takes = ", ".join(sorted(required | optional)) or "none of them"
                raise InvariantError(
                    f"a {self.action.value} event takes no {name} (it takes: {takes})",
                    field=name,
                    value=value,
                )

    def to_dict(self) -> dict[str, Any]:
        """Return the event as the file format writes it."""
        return to_plain(self)


def _event(value: object) -> RequestEvent:
    if isinstance(value, RequestEvent):
        return value
    if isinstance(value, Mapping):
        known = {a.name for a in attrs.fields(RequestEvent)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise InvariantError(
                f"unknown keys in an event: {', '.join(map(quote, unknown))}", field="events"
            )
        missing = sorted({"action", "at", "actor"} - set(value))
        if missing:
            raise InvariantError(f"an event needs {', '.join(missing)}", field="events")
        return RequestEvent(**value)
    raise InvariantError(
        f"events must hold events, not {type(value).__name__}", field="events", value=value
    )


def _events(value: object) -> tuple[RequestEvent, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvariantError(f"events must be a list, not {type(value).__name__}", field="events")
    return tuple(map(_event, value))


def _request_key(value: object) -> RequestId:
    return RequestId(check_identifier("id", value))


def _station(value: object) -> SiteId:
    return SiteId(check_identifier("station", value))


def _category(value: object) -> str:
    return check_identifier("category", value)


@attrs.frozen(kw_only=True)
class _Replay:
    state: RequestState
    team: TeamId | None
    dispatched: dt.datetime | None
    delivered: dt.datetime | None
    activity: ActivityId | None
    rating: int | None
    comment: str | None


def _replay(request_id: str, requested: dt.datetime, events: tuple[RequestEvent, ...]) -> _Replay:
    state = INITIAL_STATE
    team: TeamId | None = None
    dispatched = delivered = None
    activity: ActivityId | None = None
    rating: int | None = None
    comment: str | None = None
    previous = requested
    for i, event in enumerate(events):
        try:
            backwards = event.at < previous
        except TypeError:
            raise InvariantError(
                f"request {quote(request_id)}: event {i} ({event.action.value}) mixes times "
                "with and without a time zone",
                field="events",
            ) from None
        if backwards:
            raise InvariantError(
                f"request {quote(request_id)}: event {i} ({event.action.value}) at "
                f"{event.at.isoformat()} comes before the one before it "
                f"({previous.isoformat()})",
                field="events",
            )
        found = TRANSITIONS[state].get(event.action)
        if found is None:
            raise IllegalTransitionError(state, event.action, request_id)
        action = event.action
        if action in (Action.DISPATCH, Action.REDISPATCH):
            team = event.team
            if dispatched is None:
                dispatched = event.at
        elif action is Action.CANCEL:
            team = None
        elif action is Action.DELIVER:
            delivered, activity = event.at, event.activity
        elif action is Action.RATE:
            rating, comment = event.rating, event.comment
        state = found
        previous = event.at
    return _Replay(
        state=state,
        team=team,
        dispatched=dispatched,
        delivered=delivered,
        activity=activity,
        rating=rating,
        comment=comment,
    )


@attrs.frozen(kw_only=True)
class ServiceRequest:
    """A resident's request for a service, with the events of its lifecycle.

    Parameters
    ----------
    id : RequestId
        Unique among requests.
    station : SiteId
        The Station (or other site) the request was made at.
    category : str
        What is asked for: a content category of the network's taxonomy
        (``"health"``, ``"elderly_frail"``), checked by ``validate``.
    requested : datetime.datetime
        When the resident made the request (the ``requested`` state).
    requester : str, optional
        Who asked: a surrogate id or a household, never an ID number.
    description : str, optional
        What the resident asked for, in their words.
    events : tuple of RequestEvent
        The transitions since, in time order. They must follow
        :data:`TRANSITIONS` from ``requested``.

    Raises
    ------
    IllegalTransitionError
        An event the state it meets does not allow (an ``InvariantError``).
    InvariantError
        Events out of time order.

    Examples
    --------
    >>> ServiceRequest(id="r", station="s", category="law", requested="2023-08-01T09:00",
    ...                events=[{"action": "rate", "at": "2023-08-01T10:00",
    ...                         "actor": "resident", "rating": 4}])
    Traceback (most recent call last):
    ...
    wenming.requests.IllegalTransitionError: request 'r' is requested: it cannot be rated; \
allowed: review, withdraw
    """

    id: RequestId = attrs.field(converter=_request_key)
    station: SiteId = attrs.field(converter=_station)
    category: str = attrs.field(converter=_category)
    requested: dt.datetime = attrs.field(converter=_requested)
    requester: str | None = attrs.field(default=None, validator=optional_text)
    description: str | None = attrs.field(default=None, validator=optional_text, repr=False)
    events: tuple[RequestEvent, ...] = attrs.field(default=(), converter=_events, repr=False)
    _replayed: _Replay = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_replayed", _replay(self.id, self.requested, self.events))

    # ------------------------------------------------------------------ derived

    @property
    def state(self) -> RequestState:
        """The current state: the events replayed from ``requested``."""
        return self._replayed.state

    @property
    def team(self) -> TeamId | None:
        """The team it is dispatched to now (``None`` in the pool or before dispatch)."""
        return self._replayed.team

    @property
    def teams(self) -> frozenset[TeamId]:
        """Every team it was ever dispatched to."""
        return frozenset(e.team for e in self.events if e.team is not None)

    @property
    def activity(self) -> ActivityId | None:
        """The activity that delivered it."""
        return self._replayed.activity

    @property
    def rating(self) -> int | None:
        """The resident's rating, 1 to 5, once rated."""
        return self._replayed.rating

    @property
    def dispatched_at(self) -> dt.datetime | None:
        """When it was first dispatched."""
        return self._replayed.dispatched

    @property
    def delivered_at(self) -> dt.datetime | None:
        """When it was delivered."""
        return self._replayed.delivered

    def time_to_dispatch(self) -> dt.timedelta | None:
        """From the request to the first dispatch (``None`` if not dispatched)."""
        at = self._replayed.dispatched
        return None if at is None else at - self.requested

    def time_to_delivery(self) -> dt.timedelta | None:
        """From the request to the delivery (``None`` if not delivered)."""
        at = self._replayed.delivered
        return None if at is None else at - self.requested

    def allowed(self) -> tuple[Action, ...]:
        """The actions the current state allows."""
        return allowed_actions(self.state)

    # ------------------------------------------------------------------ moves

    def apply(self, event: RequestEvent) -> ServiceRequest:
        """A new request with ``event`` appended.

        Raises
        ------
        IllegalTransitionError
            The current state does not allow the event's action.
        InvariantError
            The event is older than the last one.
        """
        if event.action not in TRANSITIONS[self.state]:
            raise IllegalTransitionError(self.state, event.action, self.id)
        return attrs.evolve(self, events=(*self.events, event))

    def advance(
        self, action: Action | str, *, at: Any, actor: str, **payload: Any
    ) -> ServiceRequest:
        """A new request, moved on by ``action`` (see :meth:`apply` and :class:`RequestEvent`)."""
        action = to_enum(Action, "action", action)
        if action not in TRANSITIONS[self.state]:
            raise IllegalTransitionError(self.state, action, self.id)
        return self.apply(RequestEvent(action=action, at=at, actor=actor, **payload))

    def to_dict(self) -> dict[str, Any]:
        """Return the request as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- queries


def _minutes(delta: dt.timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)


def _requests(network: Network) -> Mapping[str, ServiceRequest]:
    return network.table("requests")


def requests_by_state(network: Network) -> dict[RequestState, int]:
    """How many requests are in each state (every state listed, in table order)."""
    counts = dict.fromkeys(RequestState, 0)
    table: Mapping[str, ServiceRequest] = network.table("requests")
    for request in table.values():
        counts[request.state] += 1
    return counts


def request_times(network: Network) -> Table:
    """Per request: state, minutes from the request to dispatch and to delivery.

    Examples
    --------
    >>> from wenming import Network
    >>> net = Network()
    >>> print(request_times(net))
    service request times (minutes)
    request  station  state  to_dispatch  to_delivery
    """
    rows = [
        (
            r.id,
            r.station,
            r.state.value,
            _minutes(r.time_to_dispatch()),
            _minutes(r.time_to_delivery()),
        )
        for _, r in sorted(_requests(network).items())
    ]
    return Table(
        title="service request times (minutes)",
        columns=("request", "station", "state", "to_dispatch", "to_delivery"),
        rows=rows,
    )


def _ratings(network: Network, key: str, title: str) -> Table:
    groups: dict[str, list[int]] = {}
    for request in _requests(network).values():
        rating = request.rating
        owner = getattr(request, key)
        if rating is not None and owner is not None:
            groups.setdefault(owner, []).append(rating)
    rows = []
    for owner, ratings in sorted(groups.items()):
        counts = [ratings.count(r) for r in RATINGS]
        rows.append((owner, len(ratings), round(sum(ratings) / len(ratings), 2), *counts))
    return Table(
        title=title,
        columns=(key, "ratings", "mean", *(f"r{r}" for r in RATINGS)),
        rows=rows,
    )


def ratings_by_team(network: Network) -> Table:
    """Per team that delivered rated requests: how many, the mean, and each rating's count."""
    return _ratings(network, "team", "ratings per team")


def ratings_by_station(network: Network) -> Table:
    """Per station: how many rated requests, the mean rating, and each rating's count."""
    return _ratings(network, "station", "ratings per station")


# ---------------------------------------------------------------------------- validation


def _rule_request_category(ctx: ValidationContext) -> Iterator[Issue]:
    requests = ctx.records.of("requests")
    if not requests:
        return
    taxonomy = context_taxonomy(ctx)
    if taxonomy is None:
        return  # unknown-taxonomy says why
    root = FACETS["categories"]
    for i, request in enumerate(requests):
        try:
            taxonomy.check(request.category, under=root)
        except LookupError as exc:
            yield error(
                "unknown-category",
                f"request {quote(request.id)}: {exc}",
                request.id,
                ctx.path("requests", i, "category"),
            )


def _rule_request_links(ctx: ValidationContext) -> Iterator[Issue]:
    """The teams dispatched to and the delivering activity exist; the station is a Station."""
    requests = ctx.records.of("requests")
    if not requests:
        return
    teams = ctx.by_key("teams") if "teams" in ctx.records.sections else {}
    activities = ctx.by_key("activities") if "activities" in ctx.records.sections else {}
    sites = ctx.by_key("sites")
    for i, request in enumerate(requests):
        for j, event in enumerate(request.events):
            if event.team is not None and event.team not in teams:
                yield error(
                    "unknown-request-team",
                    f"request {quote(request.id)} is {event.action.past} to unknown team "
                    f"{quote(event.team)}",
                    request.id,
                    ctx.path("requests", i, f"events[{j}].team"),
                )
            if event.activity is not None and event.activity not in activities:
                yield error(
                    "unknown-request-activity",
                    f"request {quote(request.id)} is delivered by unknown activity "
                    f"{quote(event.activity)}",
                    request.id,
                    ctx.path("requests", i, f"events[{j}].activity"),
                )
        site = sites.get(request.station)
        if site is not None and site.kind.value != "station":
            yield error(
                "request-station",
                f"request {quote(request.id)} is made at {site.kind.label} "
                f"{quote(site.id)}; requests are made at a Station",
                request.id,
                ctx.path("requests", i, "station"),
            )


def _parse_request(value: object) -> RequestId:
    return RequestId(check_identifier("id", value))


REQUESTS: Section[RequestId, ServiceRequest] = Section(
    name="requests",
    noun="service request",
    types=(ServiceRequest,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_request,
    order=attrgetter("id"),
    refs=(
        Ref(field="station", target="sites", code="unknown-request-station", index="by_station"),
    ),
    indexes=(Index(name="by_station", key=attrgetter("station")),),
    rules=(
        ("request-category", _rule_request_category),
        ("request-links", _rule_request_links),
    ),
    repr_empty=False,
)
"""The ``requests`` section: service requests (点单) and their events."""
