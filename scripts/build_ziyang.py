"""Rebuild src/wenming/datasets/ziyang.json from the reported figures.

Run: python scripts/build_ziyang.py   (tests check the committed file matches)
"""

from __future__ import annotations

import sys
from pathlib import Path

from wenming import Centre, Division, Institute, Network, Venue, VenueKind, dumps
from wenming.governance import FundingLine, Mechanism, fen
from wenming.links import Area, Link
from wenming.people import Person, Post, Tenure

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
    " Posts follow the county's offices (county party secretary, county leaders linked to "
    "areas 联片, propaganda department head and leaders responsible for towns 包镇, town "
    "party secretaries heading the Institutes, town leaders); the areas, the links and "
    "every holder are SYNTHETIC placeholders (people marked synthetic), not the real office "
    "holders."
    " Governance: the county's four national mechanisms (联席会议, 志愿者招募, 志愿者激励嘉许, "
    "志愿者培训) with SYNTHETIC adoption dates, and the three reported funding lines "
    "(1,000,000 yuan a year from the county budget, entered for 2023, the year of the "
    "report; the 1,000,000 yuan provincial special fund of 2022; 1,000,000 yuan of county "
    "awards and subsidies to Institutes and Stations, entered for 2023); their purposes "
    "beyond awards are SYNTHETIC."
)

AREAS = (  # synthetic grouping of the 17 towns into four areas (片区)
    ("area-1", "城关片区(合成)", ("100", "101", "102", "103", "104")),
    ("area-2", "洞河片区(合成)", ("105", "106", "108", "109")),
    ("area-3", "红椿片区(合成)", ("110", "111", "112", "113")),
    ("area-4", "麻柳片区(合成)", ("114", "115", "116", "117")),
)
START = "2021-07-01"  # synthetic: every tenure starts here, but for one change of holder


def people_records() -> list[object]:
    """Posts, synthetic holders and tenures, areas and links (联片, 包镇)."""
    county = "610924"
    out: list[object] = []
    n = 0

    def post(post_id: str, name: str, kind: str, division: str, start: str = START) -> str:
        nonlocal n
        n += 1
        person = f"person-{n:03d}"
        out.append(Post(id=post_id, name=name, kind=kind, division=division))
        out.append(Person(id=person, name=f"合成人员{n:03d}", synthetic=True))
        out.append(Tenure(id=f"tenure-{n:03d}", post=post_id, person=person, start=start))
        return post_id

    # The county secretary changes once (a synthetic succession, for as_of queries).
    n += 1
    out.append(
        Post(
            id="post-610924-secretary",
            name="紫阳县委书记",
            kind="county_secretary",
            division=county,
        )
    )
    out.append(Person(id=f"person-{n:03d}", name=f"合成人员{n:03d}", synthetic=True))
    out.append(
        Tenure(
            id=f"tenure-{n:03d}",
            post="post-610924-secretary",
            person=f"person-{n:03d}",
            start="2019-01-01",
            end=START,
        )
    )
    n += 1
    out.append(Person(id=f"person-{n:03d}", name=f"合成人员{n:03d}", synthetic=True))
    out.append(
        Tenure(
            id=f"tenure-{n:03d}",
            post="post-610924-secretary",
            person=f"person-{n:03d}",
            start=START,
        )
    )
    post("post-610924-propaganda-head", "紫阳县委宣传部部长", "propaganda_head", county)
    for i, (area_id, name, towns) in enumerate(AREAS, 1):
        leader = post(f"post-610924-leader-{i}", f"紫阳县级领导{i}", "county_leader", county)
        out.append(Area(id=area_id, name=name, towns={f"{county}{t}" for t in towns}))
        out.append(Link(id=f"link-{area_id}", post=leader, kind="area", area=area_id))
    codes = list(TOWNS)
    for i in range(0, len(codes), 3):
        leader = post(
            f"post-610924-propaganda-{i // 3 + 1}",
            f"紫阳县委宣传部领导{i // 3 + 1}",
            "propaganda_leader",
            county,
        )
        for t in codes[i : i + 3]:
            out.append(
                Link(id=f"link-town-{county}{t}", post=leader, kind="town", town=f"{county}{t}")
            )
    for t, name in TOWNS.items():
        post(f"post-{county}{t}-secretary", f"{name}党委书记", "town_secretary", f"{county}{t}")
        post(f"post-{county}{t}-leader-1", f"{name}领导1", "town_leader", f"{county}{t}")
    return out


MECHANISMS = (  # the national four; the adoption dates are synthetic
    ("joint_meetings", "紫阳县新时代文明实践联席会议制度", "2019-03-01"),
    ("volunteer_recruitment", "紫阳县新时代文明实践志愿者招募制度", "2019-03-01"),
    ("volunteer_incentives", "紫阳县新时代文明实践志愿者激励嘉许制度", "2019-06-01"),
    ("volunteer_training", "紫阳县新时代文明实践志愿者培训制度", "2019-06-01"),
)


def governance_records() -> list[object]:
    """The county's mechanisms (制度) and its three reported funding lines (资金保障)."""
    county = "610924"
    out: list[object] = [
        Mechanism(
            id=f"mechanism-{county}-{kind}",
            kind=kind,
            division=county,
            adopted=adopted,
            name=name,
            note="adoption date synthetic",
        )
        for kind, name, adopted in MECHANISMS
    ]
    out += [
        FundingLine(
            id=f"funding-{county}-2023-county",
            name="紫阳县新时代文明实践县级财政经费",
            division=county,
            source="county",
            year=2023,
            amount=fen(1_000_000),
            purposes={"activities", "training", "platform"},
            note="reported as 1,000,000 yuan a year; entered for 2023; purposes synthetic",
        ),
        FundingLine(
            id=f"funding-{county}-2022-province",
            name="陕西省新时代文明实践省级专项资金",
            division=county,
            source="province",
            year=2022,
            amount=fen(1_000_000),
            purposes={"venues", "projects", "brands"},
            note="provincial special fund, 2022; purposes synthetic",
        ),
        FundingLine(
            id=f"funding-{county}-2023-awards",
            name="紫阳县新时代文明实践所站以奖代补资金",
            division=county,
            source="county",
            year=2023,
            amount=fen(1_000_000),
            purposes={"awards"},
            note="county awards and subsidies to Institutes and Stations; year assumed",
        ),
    ]
    return out


def build() -> Network:
    net = Network(name="紫阳县", description=DESCRIPTION, division_edition="NBS-2023")
    net.add_all(
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            *(Division(code=f"610924{t}", name=name) for t, name in TOWNS.items()),
            *people_records(),
            *governance_records(),
            Centre(
                id="centre-610924",
                name="紫阳县新时代文明实践中心",
                division="610924",
                head="post-610924-secretary",
            ),
            *(
                Institute(
                    id=f"institute-610924{t}",
                    name=f"{name}新时代文明实践所",
                    division=f"610924{t}",
                    parent="centre-610924",
                    head=f"post-610924{t}-secretary",
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
