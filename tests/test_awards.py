"""Awards: categories as data, recipients of four kinds, which towns produce awardees."""

from __future__ import annotations

import pytest

import wenming
from wenming import validate
from wenming.awards import Award, AwardCategory, RecipientKind, awards_by_town
from wenming.errors import InvariantError, UnknownIdError
from wenming.testing.volunteers import volunteer_county


def _awards() -> list[Award]:
    return [
        Award(
            id="a1",
            category="most_beautiful_volunteer",
            level="county",
            year=2023,
            volunteer="ZY-000001",
        ),
        Award(
            id="a2",
            category="best_organisation",
            level="city",
            year=2023,
            team="squad-610924102201",
        ),
        Award(
            id="a3",
            category="best_project",
            level="province",
            year=2024,
            project="老支书调解",
            division="610924101001",
        ),
        Award(
            id="a4",
            category="most_beautiful_community",
            level="county",
            year=2023,
            community="610924101001",
        ),
    ]


def test_awards_round_trip_and_validate() -> None:
    net = volunteer_county()
    net.add_all(_awards())
    assert validate(net) == ()
    assert wenming.loads(wenming.dumps(net, sensitive=True), sensitive=True) == net
    assert [a.recipient_kind for a in _awards()] == list(RecipientKind)


def test_which_towns_produce_awardees() -> None:
    net = volunteer_county()
    net.add_all(_awards())
    towns = {code.short: n for code, n in awards_by_town(net).items()}
    assert towns == {"610924101": 3, "610924102": 1}
    assert {c.short: n for c, n in awards_by_town(net, year=2024).items()} == {"610924101": 1}
    assert awards_by_town(net, level="city") == {wenming.DivisionCode.parse("610924102"): 1}


def test_a_countys_own_category_and_a_wrong_recipient() -> None:
    net = volunteer_county()
    net.add(AwardCategory(id="best_family", name="最美志愿家庭", recipient="volunteer"))
    net.add(
        Award(id="own", category="best_family", level="county", year=2023, volunteer="ZY-000002")
    )
    net.add(
        Award(id="bad", category="best_project", level="county", year=2023, volunteer="ZY-000002")
    )
    assert [(i.code, i.path) for i in validate(net)] == [
        ("award-recipient-kind", "$.awards[0].volunteer")
    ]
    with pytest.raises(UnknownIdError):
        net.add(Award(id="x", category="nope", level="county", year=2023, volunteer="ZY-000002"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"year": 23, "volunteer": "v"}, "year"),
        ({"year": 2023}, "volunteer"),
        ({"year": 2023, "volunteer": "v", "team": "t"}, "team"),
        ({"year": 2023, "volunteer": "v", "level": "village"}, "level"),
    ],
)
def test_bad_awards_name_the_field(fields: dict[str, object], field: str) -> None:
    kwargs: dict[str, object] = {
        "id": "a",
        "category": "most_beautiful_volunteer",
        "level": "county",
    }
    kwargs.update(fields)
    with pytest.raises(InvariantError) as info:
        Award(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
