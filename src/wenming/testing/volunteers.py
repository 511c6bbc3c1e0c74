"""A small synthetic county with volunteers, teams and service records (for tests and docs).

Every name, ID number and phone here is made up; the ID numbers are valid
(their check characters are computed) so that the personal-data rules have
something real to hide.

Examples
--------
>>> from wenming import validate
>>> net = volunteer_county()
>>> validate(net)
()
>>> from wenming.teams import check_profile
>>> check_profile(net, as_of="2024-06-01").ok
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wenming.divisions import Division
from wenming.network import Network
from wenming.people import Person, Post, Tenure
from wenming.service import CalendarDay, ServiceRecord
from wenming.sites import Centre, Institute, Station
from wenming.teams import Membership, Team
from wenming.volunteers import Consent, ResidentId, Volunteer

__all__ = ["SECRETS", "volunteer_county"]

_TOWNS = (("610924101", "蒿坪镇"), ("610924102", "汉王镇"))
_VILLAGES = ("001", "201")

SECRETS: tuple[str, ...] = tuple(
    [ResidentId.build("610924", dt.date(1980 + i, 1 + i, 10 + i), 11 + i).number for i in range(6)]
    + [f"1390924{i:04d}" for i in range(6)]
)
"""The ID numbers (first six) and phones (last six) held by :func:`volunteer_county`."""


def volunteer_county(*, conforming: bool = True) -> Network:
    """A synthetic county: 2 towns, 4 villages, a "1+8+N" team structure, 6 volunteers.

    Parameters
    ----------
    conforming : bool
        With ``False``, the county breaks its profile: the second town has no
        brigade, one Station has no squad and the county has a ninth standing
        brigade.
    """
    day = dt.date(2020, 1, 1)
    records: list[Any] = [
        Division(code="610924", name="紫阳县(合成)"),
        Post(id="p-county", name="县委书记", kind="county_secretary", division="610924"),
        Person(id="h-county", name="合成县委书记", synthetic=True),
        Tenure(id="t-county", post="p-county", person="h-county", start=day),
        Centre(id="centre", name="县新时代文明实践中心", division="610924", head="p-county"),
        Team(id="corps", name="县志愿服务总队", level="corps", site="centre", head="p-county"),
    ]
    standing = 9 if not conforming else 8
    records += [
        Team(
            id=f"standing-{n}",
            name=f"常备志愿服务大队{n}",
            level="brigade",
            kind="standing",
            site="centre",
            parent="corps",
        )
        for n in range(1, standing + 1)
    ]
    records.append(
        Team(
            id="sector-health",
            name="卫健系统志愿服务大队",
            level="brigade",
            kind="sector",
            site="centre",
            parent="corps",
        )
    )
    for t, (town, town_name) in enumerate(_TOWNS):
        post = f"p-{town}"
        records += [
            Division(code=town, name=town_name),
            Post(id=post, name=f"{town_name}党委书记", kind="town_secretary", division=town),
            Person(id=f"h-{town}", name=f"合成书记{town}", synthetic=True),
            Tenure(id=f"t-{town}", post=post, person=f"h-{town}", start=day),
            Institute(
                id=f"i-{town}",
                name=f"{town_name}实践所",
                division=town,
                parent="centre",
                head=post,
            ),
        ]
        if conforming or t == 0:
            records.append(
                Team(
                    id=f"brigade-{town}",
                    name=f"{town_name}志愿服务大队",
                    level="brigade",
                    kind="town",
                    site=f"i-{town}",
                    head=post,
                    parent="corps",
                )
            )
        for v, village in enumerate(_VILLAGES):
            code = town + village
            vpost = f"p-{code}"
            records += [
                Division(code=code, name=f"合成村{code}"),
                Post(id=vpost, name="村党组织书记", kind="village_secretary", division=code),
                Person(id=f"h-{code}", name=f"合成村书记{code}", synthetic=True),
                Tenure(id=f"t-{code}", post=vpost, person=f"h-{code}", start=day),
                Station(
                    id=f"s-{code}",
                    name=f"合成村{code}实践站",
                    division=code,
                    parent=f"i-{town}",
                    head=vpost,
                ),
            ]
            if conforming or (t, v) != (0, 1):
                records.append(
                    Team(
                        id=f"squad-{code}",
                        name=f"合成村{code}志愿服务分队",
                        level="squad",
                        kind="village",
                        site=f"s-{code}",
                        head=vpost,
                        parent=f"brigade-{town}" if conforming or t == 0 else None,
                    )
                )
    ids, phones = SECRETS[:6], SECRETS[6:]
    for n in range(6):
        vid = f"ZY-{n + 1:06d}"
        town = _TOWNS[n % 2][0]
        records += [
            Volunteer(
                id=vid,
                name=f"合成志愿者{n + 1}",
                residence=town + _VILLAGES[n % 2],
                registered=dt.date(2023, 1, 2 + n),
                skills={"宣讲"} if n % 2 else {"义诊"},
                id_number=ids[n],
                phone=phones[n],
            ),
            Consent(
                id=f"c-{vid}",
                volunteer=vid,
                purpose="志愿服务信息登记",
                given=dt.date(2023, 1, 2 + n),
                sensitive=True,
            ),
            Membership(
                id=f"m-{vid}-corps", volunteer=vid, team="corps", start=dt.date(2023, 1, 2 + n)
            ),
            Membership(
                id=f"m-{vid}-squad",
                volunteer=vid,
                team=f"squad-{town}{_VILLAGES[n % 2]}",
                start=dt.date(2023, 2, 1),
                role="captain" if n < 2 else "member",
            ),
        ]
        for k in range(3):
            records.append(
                ServiceRecord(
                    id=f"r-{vid}-{k}",
                    volunteer=vid,
                    activity=f"活动{k}",
                    date=dt.date(2023, 3, 6 + 7 * k),
                    minutes=60 * (k + 1) + 15 * n,
                    recorded=dt.date(2023, 3, 8 + 7 * k),
                    team="corps",
                    content="理论宣讲",
                    organiser="县新时代文明实践中心",
                    person_in_charge="合成负责人",
                )
            )
    records += [
        ServiceRecord(
            id="r-ZY-000001-0-fix",
            volunteer="ZY-000001",
            activity="活动0",
            date=dt.date(2023, 3, 6),
            minutes=90,
            recorded=dt.date(2023, 3, 15),
            team="corps",
            supersedes="r-ZY-000001-0",
            reason="签到时间有误",
            content="理论宣讲",
            organiser="县新时代文明实践中心",
        ),
        CalendarDay(date="2023-04-05", working=False, name="清明节"),
        CalendarDay(date="2023-04-23", working=True, name="劳动节调休"),
    ]
    net = Network(name="合成县(志愿者)", description="synthetic: every name and number is made up")
    net.add_all(records)
    return net
