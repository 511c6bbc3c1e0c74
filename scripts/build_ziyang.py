"""Rebuild src/wenming/datasets/ziyang.json from the reported figures.

Run: python scripts/build_ziyang.py   (tests check the committed file matches)
"""

from __future__ import annotations

import sys
from pathlib import Path

from wenming import Centre, Division, Institute, Network, Venue, VenueKind, dumps

TOWNS = {
    "100": "城关镇",
    "101": "蒿坪镇",
    "102": "汉王镇",
    "103": "焕古镇",
    "104": "向阳镇",
    "105": "洞河镇",
    "106": "洄水镇",
    "108": "双桥镇",
    "109": "高桥镇",
    "110": "红椿镇",
    "111": "高滩镇",
    "112": "毛坝镇",
    "113": "瓦庙镇",
    "114": "麻柳镇",
    "115": "双安镇",
    "116": "东木镇",
    "117": "界岭镇",
}

DESCRIPTION = (
    "Ziyang County (紫阳县, 610924), Ankang, Shaanxi: the county's New Era Civilization "
    "Practice Centre (240 m² in the county media centre) and its 17 town Institutes, one in "
    "every town, as reported in 2023-08. Division codes and names are real (2023 statistical "
    "edition). Site names follow the official naming pattern; site ids are synthetic. "
    "Villages, Stations, Points, teams and people are not part of this release."
)


def build() -> Network:
    net = Network(name="紫阳县", description=DESCRIPTION, division_edition="NBS-2023")
    net.add_all(
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            *(Division(code=f"610924{t}", name=name) for t, name in TOWNS.items()),
            Centre(id="centre-610924", name="紫阳县新时代文明实践中心", division="610924"),
            *(
                Institute(
                    id=f"institute-610924{t}",
                    name=f"{name}新时代文明实践所",
                    division=f"610924{t}",
                    parent="centre-610924",
                )
                for t, name in TOWNS.items()
            ),
            Venue(
                id="venue-610924-media-centre",
                kind=VenueKind.OTHER,
                name="紫阳县融媒体中心",
                floor_area=240,
                owner="紫阳县融媒体中心",
                sites={"centre-610924"},
            ),
        ]
    )
    return net


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "src/wenming/datasets/ziyang.json"
    text = dumps(build())
    if "--check" in sys.argv:
        sys.exit(0 if target.read_text(encoding="utf-8") == text else 1)
    target.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
