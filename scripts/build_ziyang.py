"""Rebuild src/wenming/datasets/ziyang.json.gz, the Ziyang reference network.

Run: python scripts/build_ziyang.py   (tests check the committed file matches)

The network is calibrated to the figures Ziyang County reported in 2023-08
(domain §6; ``wenming.datasets.figures.REPORTED``): every figure is *counted*
from the records by ``wenming.datasets.figures.figures``, never stored. Division
codes and names of the county and its 17 towns are real (2023 statistical
edition), and so is the 双星 community of 蒿坪镇; every other village, every
person, volunteer, team below the county brigades, activity, project and
experience is SYNTHETIC, generated here from fixed seeds (names carry 合成).
No ID number or phone is generated.

``--check`` exits 1 when the committed file's text differs from what this
script builds (the comparison is on the JSON text, not on the gzip bytes).
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from wenming import (
    Centre,
    Division,
    Institute,
    Network,
    Point,
    Station,
    Venue,
    VenueKind,
    dumps,
)
from wenming.activities import Activity, BrandProject, Experience, Participant
from wenming.governance import FundingLine, Mechanism, fen
from wenming.links import Area, Link
from wenming.people import Person, Post, Tenure
from wenming.service import ServiceRecord
from wenming.sites import Have, HostKind
from wenming.teams import Membership, Team
from wenming.volunteers import Sex, Volunteer

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
    "edition). Site names follow the official naming pattern; site ids are synthetic."
    " Villages and communities: 207, every one with a Station; their codes and names are "
    "SYNTHETIC (名称含“合成”) except the 双星社区 of 蒿坪镇 (610924101001), which is real."
    " Points (139), the 包村 links of town leaders (2-3 Stations each), the village "
    "party-secretary posts heading the Stations, the volunteer teams below the county "
    "corps (8 standing brigades, 32 sector brigades, 17 town brigades, 102 village squads "
    "and 976 further teams: 1,136 in all), the 12,603 volunteers (no ID numbers, no "
    "phones), their memberships and service records, the activities of 2022-01 to "
    "2023-07, the 20 brand projects and the 5 typical experiences are SYNTHETIC: "
    "generated to the reported counts by scripts/build_ziyang.py; only the counts are "
    "real. The report's 102 village squads cover about half of the 207 Stations, so the "
    "'1+8+N' profile check shows the rest short."
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


# ---------------------------------------------------------------------------- villages and sites

COUNTY = "610924"
# Villages and communities per town (207 in all) and how many of them are communities.
# The split is SYNTHETIC: only the total is reported.
VILLAGES = {
    "100": (20, 8),
    "101": (16, 2),
    "102": (12, 1),
    "103": (13, 1),
    "104": (13, 1),
    "105": (12, 1),
    "106": (12, 1),
    "108": (9, 1),
    "109": (13, 1),
    "110": (13, 1),
    "111": (9, 1),
    "112": (12, 1),
    "113": (10, 1),
    "114": (10, 1),
    "115": (10, 1),
    "116": (12, 1),
    "117": (11, 1),
}
SHUANGXING = f"{COUNTY}101001"  # 双星社区, 蒿坪镇: real (the report opens with its event)
POINTS = 139
SITE_START = dt.date(2019, 6, 1)


def _rng(part: str) -> random.Random:
    return random.Random(f"ziyang-{part}")  # a str seed is hashed the same way every run


def village_divisions() -> list[Division]:
    """207 village and community divisions under the 17 towns (synthetic but one)."""
    out: list[Division] = []
    for t, (total, communities) in VILLAGES.items():
        town = TOWNS[t]
        short = town[:-1]
        for k in range(1, total + 1):
            if k <= communities:
                code = f"{COUNTY}{t}{k:03d}"
                name = "双星社区" if code == SHUANGXING else f"{short}合成{k}社区"
                urban = "111" if t == "100" else "121"
            else:
                code = f"{COUNTY}{t}{200 + k - communities:03d}"
                name = f"{short}合成{k - communities}村"
                urban = "220"
            out.append(Division(code=code, name=name, urban_rural=urban))
    return out


def _haves(rng: random.Random) -> set[Have]:
    return {h for h in Have if rng.random() < 0.9}


def village_sites(villages: list[Division]) -> tuple[list[object], list[Station]]:
    """Stations (one per village, headed by its party secretary) and 139 Points."""
    rng = _rng("sites")
    stations: list[Station] = []
    out: list[object] = []
    for v in villages:
        town = v.code.short[:9]
        stations.append(
            Station(
                id=f"station-{v.code.short}",
                name=f"{v.name}新时代文明实践站",
                division=v.code,
                parent=f"institute-{town}",
                head=f"post-{v.code.short}-secretary",
                established=SITE_START + dt.timedelta(days=rng.randint(0, 540)),
                six_haves=_haves(rng),
            )
        )
    out += stations
    hosts = [
        (HostKind.SCHOOL, "学校"),
        (HostKind.ENTERPRISE, "企业"),
        (HostKind.SCENIC_SPOT, "景区"),
        (HostKind.HOSPITAL, "卫生院"),
        (HostKind.SQUARE, "广场"),
        (HostKind.HOUSEHOLD, "农户"),
        (HostKind.OTHER, "党群服务中心"),
    ]
    weights = [20, 15, 8, 10, 25, 12, 10]
    counts: dict[str, int] = {}
    for _ in range(POINTS):
        station = stations[rng.randrange(len(stations))]
        host, label = rng.choices(hosts, weights)[0]
        k = counts[station.id] = counts.get(station.id, 0) + 1
        village = next(v for v in villages if v.code == station.division)
        assert station.established is not None
        out.append(
            Point(
                id=f"point-{station.division.short}-{k}",
                name=f"{village.name}{label}新时代文明实践点",
                division=station.division,
                parent=station.id,
                host=host,
                established=station.established + dt.timedelta(days=rng.randint(30, 400)),
            )
        )
    return out, stations


def village_people(stations: list[Station], first: int) -> list[object]:
    """Village secretaries heading the Stations; town leaders with 包村 links (2-3 each)."""
    out: list[object] = []
    n = first
    by_town: dict[str, list[Station]] = {}
    for station in stations:
        by_town.setdefault(station.division.short[:9], []).append(station)

    def hold(post: Post) -> None:
        nonlocal n
        n += 1
        out.append(post)
        out.append(Person(id=f"person-{n:03d}", name=f"合成人员{n:03d}", synthetic=True))
        out.append(
            Tenure(id=f"tenure-{n:03d}", post=post.id, person=f"person-{n:03d}", start=START)
        )

    for station in stations:
        code = station.division.short
        hold(
            Post(
                id=f"post-{code}-secretary",
                name=f"{station.name.removesuffix('新时代文明实践站')}党组织书记",
                kind="village_secretary",
                division=code,
            )
        )
    for town, here in by_town.items():
        name = TOWNS[town[6:]]
        groups = [here[i : i + 3] for i in range(0, len(here), 3)]
        if len(groups) > 1 and len(groups[-1]) == 1:  # 2-3 Stations each: no leader of one
            groups[-1].insert(0, groups[-2].pop())
        for g, group in enumerate(groups, 1):
            post = f"post-{town}-leader-{g}"
            if g > 1:  # leader-1 of every town exists already
                hold(Post(id=post, name=f"{name}领导{g}", kind="town_leader", division=town))
            for station in group:
                out.append(
                    Link(
                        id=f"link-village-{station.division.short}",
                        post=post,
                        kind="village",
                        site=station.id,
                    )
                )
    return out


# ---------------------------------------------------------------------------- teams

STANDING = (  # the eight standing brigades (常备志愿服务大队); the names are SYNTHETIC
    "理论政策宣讲",
    "文化文艺",
    "科学普及",
    "卫生健康",
    "法律服务",
    "生态环保",
    "应急救援",
    "文明风尚",
)
SECTORS = (  # 32 sector brigades (行业系统志愿服务大队): units of a county; SYNTHETIC list
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县纪委监委",
    "县总工会",
    "团县委",
    "县妇联",
    "县科协",
    "县文联",
    "县残联",
    "县红十字会",
    "县教体局",
    "县卫健局",
    "县民政局",
    "县司法局",
    "县公安局",
    "县人社局",
    "县农业农村局",
    "县林业局",
    "县水利局",
    "县交通运输局",
    "县住建局",
    "县文旅广电局",
    "县市场监管局",
    "县应急管理局",
    "县生态环境分局",
    "县自然资源局",
    "县供电分公司",
    "县融媒体中心",
    "县税务局",
    "县人民医院",
)
THEMES = (
    "党员",
    "巾帼",
    "青年",
    "文艺",
    "理论宣讲",
    "医疗健康",
    "法律",
    "移风易俗",
    "助老",
    "环保",
)
SQUADS = 102
FURTHER_AT_STATIONS = 800
FURTHER_AT_INSTITUTES = 100
FURTHER_AT_POINTS = 76


def teams(stations: list[Station], points: list[Point]) -> list[Team]:
    """1 corps, 8 standing and 32 sector brigades, 17 town brigades, 102 squads, 976 more."""
    rng = _rng("teams")
    day = dt.date(2019, 3, 1)
    out = [
        Team(
            id="team-corps",
            name="紫阳县新时代文明实践志愿服务总队",
            level="corps",
            kind="other",
            site="centre-610924",
            head="post-610924-secretary",
            established=day,
        )
    ]
    out += [
        Team(
            id=f"team-standing-{i}",
            name=f"紫阳县{name}志愿服务大队",
            level="brigade",
            kind="standing",
            site="centre-610924",
            parent="team-corps",
            established=day,
        )
        for i, name in enumerate(STANDING, 1)
    ]
    out += [
        Team(
            id=f"team-sector-{i:02d}",
            name=f"{unit.removeprefix('县')}志愿服务大队".replace("团委", "团县委"),
            level="brigade",
            kind="sector",
            site="centre-610924",
            parent="team-corps",
            established=day + dt.timedelta(days=rng.randint(0, 300)),
        )
        for i, unit in enumerate(SECTORS, 1)
    ]
    for t, name in TOWNS.items():
        out.append(
            Team(
                id=f"team-{COUNTY}{t}",
                name=f"{name}新时代文明实践志愿服务大队",
                level="brigade",
                kind="town",
                site=f"institute-{COUNTY}{t}",
                head=f"post-{COUNTY}{t}-secretary",
                parent="team-corps",
                established=day + dt.timedelta(days=rng.randint(30, 200)),
            )
        )
    village = sorted(rng.sample(range(len(stations)), SQUADS))
    for i in village:
        s = stations[i]
        code = s.division.short
        out.append(
            Team(
                id=f"team-{code}",
                name=f"{s.name.removesuffix('新时代文明实践站')}志愿服务分队",
                level="squad",
                kind="village",
                site=s.id,
                head=f"post-{code}-secretary",
                parent=f"team-{code[:9]}",
                established=s.established,
            )
        )
    # Further teams, kind "other": every Station gets at least one, the rest at random.
    at = [stations[i % len(stations)] for i in range(len(stations))]
    at += [rng.choice(stations) for _ in range(FURTHER_AT_STATIONS - len(stations))]
    seen: dict[str, int] = {}
    for s in sorted(at, key=lambda x: x.id):
        k = seen[s.id] = seen.get(s.id, 0) + 1
        theme = THEMES[(k - 1 + len(seen)) % len(THEMES)]
        code = s.division.short
        out.append(
            Team(
                id=f"team-{code}-{k}",
                name=f"{s.name.removesuffix('新时代文明实践站')}{theme}志愿服务队",
                level="squad",
                kind="other",
                site=s.id,
                parent=f"team-{code[:9]}",
                established=s.established,
            )
        )
    towns = list(TOWNS)
    for i in range(FURTHER_AT_INSTITUTES):
        t = towns[i % len(towns)]
        k = i // len(towns) + 1
        out.append(
            Team(
                id=f"team-{COUNTY}{t}-{k}",
                name=f"{TOWNS[t]}{THEMES[(i + 3) % len(THEMES)]}志愿服务队{k}(合成)",
                level="squad",
                kind="other",
                site=f"institute-{COUNTY}{t}",
                parent=f"team-{COUNTY}{t}",
                established=day + dt.timedelta(days=rng.randint(200, 900)),
            )
        )
    chosen = sorted(rng.sample(range(len(points)), FURTHER_AT_POINTS))
    for i in chosen:
        p = points[i]
        out.append(
            Team(
                id=f"team-{p.id}",
                name=f"{p.name.removesuffix('新时代文明实践点')}志愿服务队",
                level="squad",
                kind="other",
                site=p.id,
                parent=f"team-{p.division.short[:9]}",
                established=p.established,
            )
        )
    return out


# ---------------------------------------------------------------------------- volunteers

VOLUNTEERS = 12_603
SKILLS = (
    "宣讲",
    "文艺",
    "义诊",
    "法律咨询",
    "理发",
    "维修",
    "教育辅导",
    "摄影",
    "驾驶",
    "心理疏导",
)
REGISTERED = (dt.date(2019, 3, 1), dt.date(2023, 6, 30))


def _site_division(team: Team, sites: dict[str, object]) -> str:
    site = sites[team.site or ""]
    return site.division.short  # type: ignore[attr-defined, no-any-return]


def volunteers(
    all_teams: list[Team], sites: dict[str, object]
) -> tuple[list[object], dict[str, list[Membership]]]:
    """12,603 synthetic volunteers, each in one team or two; no ID numbers, no phones."""
    rng = _rng("volunteers")
    weight = {"standing": 40, "sector": 45, "town": 60, "village": 14, "other": 6}
    pool = [t for t in all_teams if t.level != "corps"]
    weights = [weight[t.kind.value] for t in pool]
    town_brigade = {t.site or "": t for t in all_teams if t.kind.value == "town"}
    span = (REGISTERED[1] - REGISTERED[0]).days
    out: list[object] = []
    members: dict[str, list[Membership]] = {}
    # Every team gets a first member; the rest are drawn by weight.
    homes = list(pool) + rng.choices(pool, weights, k=VOLUNTEERS - len(pool))
    rng.shuffle(homes)
    for n, home in enumerate(homes, 1):
        vid = f"ZY{n:06d}"
        registered = REGISTERED[0] + dt.timedelta(days=int(span * rng.random() ** 0.7))
        if home.established is not None and registered < home.established:
            registered = home.established
        residence = _site_division(home, sites)
        age = rng.randint(18, 72)
        born = dt.date(registered.year - age, 1, 1) - dt.timedelta(days=rng.randint(1, 360))
        out.append(
            Volunteer(
                id=vid,
                name=f"合成志愿者{n:05d}",
                sex=rng.choice((Sex.MALE, Sex.FEMALE, Sex.FEMALE)),
                birth_date=born,
                residence=residence,
                registered=registered,
                skills=set(rng.sample(SKILLS, rng.choice((0, 1, 1, 2)))),
            )
        )
        joined = [home]
        if rng.random() < 0.2:  # some join a second team: their town's brigade
            second = town_brigade.get(f"institute-{residence[:9]}")
            if second is not None and second.id != home.id:
                joined.append(second)
        for k, team in enumerate(joined):
            start = registered + dt.timedelta(days=rng.randint(0, 30) if k else 0)
            members.setdefault(team.id, []).append(
                Membership(id=f"m-{vid}-{k + 1}", volunteer=vid, team=team.id, start=start)
            )
    for team_id, ms in members.items():  # the first member of each team is its captain
        ms.sort(key=lambda m: (m.start, m.id))
        first = ms[0]
        ms[0] = Membership(
            id=first.id, volunteer=first.volunteer, team=team_id, start=first.start, role="captain"
        )
    return out, members


# ---------------------------------------------------------------------------- activities

FIRST_DAY = dt.date(2022, 1, 1)
LAST_DAY = dt.date(2023, 7, 31)  # the report is of 2023-08
FORMATS = {  # format code -> (title words, content categories it suits)
    "theory_lecture": ("理论宣讲", ("theory", "policy")),
    "role_model_lecture": ("道德模范宣讲", ("role_models", "integrity", "public_morality")),
    "three_to_countryside": ("文化科技卫生三下乡", ("culture", "science", "health")),
    "volunteer_service": ("志愿服务", ("elderly_frail", "urgent_hardship", "sick_disabled")),
    "performance": ("文艺演出", ("culture", "harmony")),
    "free_clinic": ("义诊", ("health", "sick_disabled", "elderly_frail")),
    "free_haircut": ("义剪", ("elderly_frail", "filial_piety")),
    "science_popularisation": ("科普", ("science", "young_children")),
    "job_counselling": ("就业指导", ("policy", "diligence")),
    "legal_awareness": ("普法宣传", ("law", "integrity")),
    "tourist_guiding": ("志愿导览", ("culture", "public_morality")),
    "enrolment_ceremony": ("集体升学礼", ("thrift", "young_children", "filial_piety")),
    "mediation": ("矛盾调解", ("harmony", "law")),
    "home_repair": ("上门维修", ("elderly_frail", "military_families", "urgent_hardship")),
}
THEME_CODES = (
    "theory_policy",
    "poverty_gains",
    "industry_employment",
    "ecology",
    "livelihood",
    "urgent_worries",
)
PROJECTS = (  # 20 brand projects; the first three follow the report's examples
    ("知心姐姐工作室", "women_children", ("harmony", "young_children")),
    ("搭把手维修队", "repair", ("elderly_frail", "urgent_hardship")),
    ("老支书调解团", "mediation", ("harmony", "law")),
    ("紫阳民歌唱响新时代", "culture", ("culture", "theory")),
    ("富硒茶乡科技行", "science", ("science",)),
    ("健康进万家", "health", ("health", "sick_disabled")),
    ("法律明白人", "law", ("law",)),
    ("孝善敬老饭桌", "elderly", ("filial_piety", "elderly_frail")),
    ("红白理事会", "customs", ("thrift", "public_morality")),
    ("集体升学礼", "enrolment", ("thrift", "young_children")),
    ("汉江清流护河", "ecology", ("public_morality",)),
    ("书香紫阳", "reading", ("culture",)),
    ("理论轻骑兵", "theory", ("theory", "policy")),
    ("最美家庭评选", "families", ("harmony", "role_models")),
    ("新风积分超市", "points", ("diligence", "integrity")),
    ("留守儿童四点半课堂", "children", ("young_children",)),
    ("兵支书帮军烈", "military", ("military_families",)),
    ("就业创业帮帮团", "jobs", ("policy", "diligence")),
    ("应急先锋队", "emergency", ("urgent_hardship",)),
    ("身边好人故事会", "models", ("role_models", "integrity")),
)


def projects(stations: list[Station]) -> list[BrandProject]:
    """20 brand projects (names SYNTHETIC, in the manner of the report's examples)."""
    rng = _rng("projects")
    owners = ["centre-610924", *(f"institute-{COUNTY}{t}" for t in TOWNS)]
    owners += [s.id for s in rng.sample(stations, 8)]
    owners[owners.index(f"station-{SHUANGXING}") if f"station-{SHUANGXING}" in owners else 18] = (
        f"station-{SHUANGXING}"
    )
    rng.shuffle(owners)
    out = []
    for (name, slug, categories), site in zip(PROJECTS, owners, strict=False):
        out.append(
            BrandProject(
                id=f"project-{slug}",
                name=f"“{name}”(合成)",
                site=site,
                categories=set(categories),
                started=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 600)),
            )
        )
    return out


def activities(
    all_teams: list[Team],
    members: dict[str, list[Membership]],
    stations: list[Station],
    brand: list[BrandProject],
    sites: dict[str, object],
) -> tuple[list[Activity], list[ServiceRecord]]:
    """Activities of 2022-01 to 2023-07 at the Centre, Institutes and Stations, with records.

    Every participant is a member of an organising team on the day and gets a
    service record, entered within three days.
    """
    rng = _rng("activities")
    teams_at: dict[str, list[Team]] = {}
    for team in all_teams:
        teams_at.setdefault(team.site or "", []).append(team)
    project_of: dict[str, list[BrandProject]] = {}
    for p in brand:
        project_of.setdefault(p.site or "", []).append(p)
    hosts = [("centre-610924", 12.0)]
    hosts += [(f"institute-{COUNTY}{t}", 3.0) for t in TOWNS]
    hosts += [(s.id, 0.72) for s in stations]
    formats = list(FORMATS)
    out: list[Activity] = []
    records: list[ServiceRecord] = []
    month = FIRST_DAY
    while month <= LAST_DAY:
        following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        days = (following - month).days
        for site, rate in hosts:
            n = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(n):
                day = month + dt.timedelta(days=rng.randrange(days))
                here = [t for t in teams_at.get(site, ()) if t.exists_on(day)]
                organisers = rng.sample(here, min(len(here), rng.choice((1, 1, 1, 2))))
                fmt = rng.choice(formats)
                words, suits = FORMATS[fmt]
                categories = set(rng.sample(suits, rng.randint(1, len(suits))))
                if rng.random() < 0.25:  # combined events: one more category of any group
                    categories.add(rng.choice([c for _, cs in FORMATS.values() for c in cs]))
                project = None
                if site in project_of and rng.random() < 0.35:
                    project = rng.choice(project_of[site]).id
                aid = f"act-{len(out) + 1:05d}"
                place = sites[site].name  # type: ignore[attr-defined]
                pool = [
                    (m, t) for t in organisers for m in members.get(t.id, ()) if m.start <= day
                ]
                rng.shuffle(pool)
                chosen: dict[str, Team] = {}
                for m, t in pool[: rng.randint(1, 6)]:
                    chosen.setdefault(m.volunteer, t)
                participants = []
                for vid, team in sorted(chosen.items()):
                    rid = f"rec-{len(records) + 1:06d}"
                    records.append(
                        ServiceRecord(
                            id=rid,
                            volunteer=vid,
                            activity=aid,
                            date=day,
                            minutes=rng.choice((60, 90, 120, 120, 150, 180, 240)),
                            recorded=day + dt.timedelta(days=rng.randint(0, 3)),
                            team=team.id,
                        )
                    )
                    participants.append(Participant(volunteer=vid, record=rid))
                out.append(
                    Activity(
                        id=aid,
                        title=f"{place.removesuffix('新时代文明实践站')}{words}活动",
                        start=day,
                        site=site,
                        teams={t.id for t in organisers},
                        departments={rng.choice(SECTORS)} if rng.random() < 0.3 else set(),
                        categories=categories,
                        themes={rng.choice(THEME_CODES)},
                        formats={fmt},
                        participants=participants,
                        beneficiaries=rng.randint(10, 300),
                        project=project,
                    )
                )
        month = following
    return out, records


EXPERIENCES = (
    ("“一场活动、多部门联动”的组织方式", "centre-610924", None),
    ("文明实践积分超市激发乡风文明", f"institute-{COUNTY}101", "project-points"),
    ("“老支书调解团”化解邻里纠纷", f"station-{SHUANGXING}", "project-mediation"),
    ("集体升学礼推动移风易俗", f"institute-{COUNTY}100", "project-enrolment"),
    ("“点单—派单—接单—评单”精准服务", "centre-610924", None),
)


def experiences(brand: list[BrandProject]) -> list[Experience]:
    """5 typical experiences (titles and summaries SYNTHETIC)."""
    known = {p.id for p in brand}
    return [
        Experience(
            id=f"experience-{i}",
            title=f"{title}(合成)",
            site=site,
            date=dt.date(2023, 3 + i, 10),
            summary="合成的典型经验摘要:本数据集中的文字不是报告原文。",
            project=project if project in known else None,
        )
        for i, (title, site, project) in enumerate(EXPERIENCES, 1)
    ]


# ---------------------------------------------------------------------------- the network


def build() -> Network:
    """The Ziyang reference network, built from the seeds above."""
    people = people_records()
    villages = village_divisions()
    site_records, stations = village_sites(villages)
    points = [r for r in site_records if isinstance(r, Point)]
    centre = Centre(
        id="centre-610924",
        name="紫阳县新时代文明实践中心",
        division="610924",
        head="post-610924-secretary",
    )
    institutes = [
        Institute(
            id=f"institute-610924{t}",
            name=f"{name}新时代文明实践所",
            division=f"610924{t}",
            parent="centre-610924",
            head=f"post-610924{t}-secretary",
        )
        for t, name in TOWNS.items()
    ]
    sites: dict[str, object] = {s.id: s for s in (centre, *institutes, *stations, *points)}
    first = sum(1 for r in people if isinstance(r, Person))
    all_teams = teams(stations, points)
    people_v, members = volunteers(all_teams, sites)
    brand = projects(stations)
    acts, records = activities(all_teams, members, stations, brand, sites)
    net = Network(name="紫阳县", description=DESCRIPTION, division_edition="NBS-2023")
    net.add_all(
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            *(Division(code=f"610924{t}", name=name) for t, name in TOWNS.items()),
            *villages,
            *people,
            *village_people(stations, first),
            *governance_records(),
            centre,
            *institutes,
            *site_records,
            Venue(
                id="venue-610924-media-centre",
                kind=VenueKind.OTHER,
                name="紫阳县融媒体中心",
                floor_area=240,
                owner="紫阳县融媒体中心",
                sites={"centre-610924"},
            ),
            *all_teams,
            *people_v,
            *(m for ms in members.values() for m in ms),
            *brand,
            *records,
            *acts,
            *experiences(brand),
        ]
    )
    return net


TARGET = Path(__file__).resolve().parents[1] / "src/wenming/datasets/ziyang.json.gz"


def _chunks(text: str) -> Iterator[bytes]:
    yield text.encode("utf-8")


def main() -> None:
    """Write the dataset (or, with ``--check``, exit 1 if the committed one differs)."""
    text = dumps(build())
    if "--check" in sys.argv:
        try:
            old = gzip.decompress(TARGET.read_bytes()).decode("utf-8")
        except OSError:
            sys.exit(1)
        sys.exit(0 if old == text else 1)
    # mtime=0 and no file name: the same text always gives the same bytes (with this zlib).
    with (
        TARGET.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
    ):
        for chunk in _chunks(text):
            out.write(chunk)


if __name__ == "__main__":
    main()
