"""Reach: nearest sites by great-circle distance, against all pairs."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wenming import Network
from wenming.errors import InvariantError, UnknownIdError
from wenming.reach import great_circle_km, reach
from wenming.sites import SiteKind
from wenming.testing.strategies import networks

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LON = st.floats(-180, 180, allow_nan=False)
LAT = st.floats(-90, 90, allow_nan=False)


@PROPS
@given(networks(max_villages=5, max_points=2), st.floats(0, 20_000, allow_nan=False))
def test_nearest_site_equals_all_pairs(net: Network, km: float) -> None:
    result = reach(net, km, kinds=list(SiteKind))
    located = {
        s.id: s for s in net.sites.values() if net.divisions[s.division].location is not None
    }
    for row in result.villages:
        village = net.division(row.code).location
        assert village is not None
        dists = {
            sid: great_circle_km(
                village.lon,
                village.lat,
                net.divisions[s.division].location.lon,  # type: ignore[union-attr]
                net.divisions[s.division].location.lat,  # type: ignore[union-attr]
            )
            for sid, s in located.items()
        }
        if not dists:
            assert row.site is None
            continue
        assert row.distance_km is not None
        assert math.isclose(row.distance_km, min(dists.values()), abs_tol=1e-6)
    within = [r for r in result.villages if r.distance_km is not None and r.distance_km <= km]
    assert result.within == tuple(within)
    villages = [d for d in net.divisions.values() if d.level.label == "village"]
    assert len(result.villages) + result.unlocated == len(villages)


@given(LON, LAT, LON, LAT)
def test_distance_is_a_metric_on_the_sphere(a: float, b: float, c: float, d: float) -> None:
    x = great_circle_km(a, b, c, d)
    assert 0 <= x <= math.pi * 6371.0088 + 1e-6
    assert math.isclose(x, great_circle_km(c, d, a, b), abs_tol=1e-6)


def test_bad_input_names_the_value() -> None:
    net = Network()
    with pytest.raises(InvariantError, match=r"must be a finite number >= 0, not -0\.5"):
        reach(net, -0.5)
    with pytest.raises(InvariantError, match="not nan"):
        reach(net, float("nan"))
    with pytest.raises(InvariantError, match="not '1'"):
        reach(net, "1")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match=r"latitude 91 is outside \[-90, 90\]"):
        great_circle_km(0, 91, 0, 0)
    with pytest.raises(InvariantError, match=r"longitude -181 is outside"):
        great_circle_km(0, 0, -181, 0)
    with pytest.raises(InvariantError, match="'hut'"):
        reach(net, 1, kinds=["hut"])
    with pytest.raises(InvariantError, match="at least one kind"):
        reach(net, 1, kinds=[])
    with pytest.raises(UnknownIdError, match="610925"):
        reach(net, 1, within="610925")


def test_report_reads_well() -> None:
    from wenming import Centre, Coordinates, Division, Institute, Station

    net = Network()
    net.add_all(
        [
            Division(code="610924", name="县"),
            Division(code="610924101", name="镇"),
            Division(
                code="610924101201",
                name="甲村",
                population=800,
                location=Coordinates(lon=108.50, lat=32.50),
            ),
            Division(code="610924101202", name="乙村", location=Coordinates(lon=108.6, lat=32.5)),
            Division(code="610924101203", name="丙村"),
            Centre(id="c", name="中心", division="610924"),
            Institute(id="i", name="所", division="610924101", parent="c"),
            Station(id="s", name="站", division="610924101201", parent="i"),
        ]
    )
    r = reach(net, 1, within="610924101")
    assert r.unlocated == 1
    assert r.population_share == 1.0
    assert str(r).startswith("1 of 2 located villages (50.0%; residents 100.0%) are within 1 km")
    assert r.to_dict()["kinds"] == ["station", "point"]
    assert r.farthest(1)[0].site == "s"
    assert reach(net, 1, as_of="2000-01-01").share == 0.5  # undated sites always exist
