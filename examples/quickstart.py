"""Build a tiny practice network, validate it, write it to a file, read it back.

Run: python examples/quickstart.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import wenming
from wenming import Centre, Division, Institute, Network, Point, Station, Venue


def build() -> Network:
    """Part of Ziyang County: real county and town codes, a made-up village."""
    net = Network(name="quickstart", description="Part of Ziyang; 金川村 is made up.")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924102", name="汉王镇"),
            Division(code="610924101001", name="双星社区", urban_rural="121"),
            Division(code="610924101201", name="金川村", urban_rural="220"),
            Centre(
                id="zy",
                name="紫阳县新时代文明实践中心",
                division="610924",
                established=dt.date(2019, 3, 1),
            ),
            Institute(
                id="zy-101",
                name="蒿坪镇新时代文明实践所",
                division="610924101",
                parent="zy",
                established=dt.date(2019, 6, 1),
            ),
            Station(
                id="zy-101-001",
                name="双星社区新时代文明实践站",
                division="610924101001",
                parent="zy-101",
                established=dt.date(2020, 5, 1),
            ),
            Point(
                id="zy-101-001-p1",
                name="双星社区广场实践点",
                division="610924101001",
                parent="zy-101-001",
                host="square",
            ),
            Venue(
                id="v-media", kind="other", floor_area=240, owner="紫阳县融媒体中心", sites={"zy"}
            ),
        ]
    )
    return net


def main() -> None:
    net = build()
    print(net)
    print("under the Centre:", [site.name for site in net.descendants("zy")])

    issues = wenming.validate(net)
    print(f"validation: {len(issues)} issue(s)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quickstart.json"
        wenming.dump(net, path)
        again = wenming.load(path)
        print(f"round trip through {path.name} ({path.stat().st_size} bytes): {again == net}")

    cov = wenming.coverage(again)
    print()
    print(cov)
    print()
    print("towns without an Institute:", [code.short for code in cov.towns.uncovered])
    print("villages without a Station:", [code.short for code in cov.villages.uncovered])


if __name__ == "__main__":
    main()
