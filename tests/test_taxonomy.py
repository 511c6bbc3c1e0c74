"""The activity taxonomy: shipped default, look-ups, county schemes, the network's choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import wenming
from wenming import Centre, Division, FormatError, InvariantError, Network, validate
from wenming.activities import Activity
from wenming.errors import UnknownIdError
from wenming.taxonomy import (
    FACETS,
    Category,
    Taxonomy,
    TaxonomyUse,
    UnknownCategoryError,
    default_taxonomy,
    shipped_taxonomy,
    taxonomy_of,
)

TAX = default_taxonomy()

TRANSMIT = ["theory", "policy", "law", "culture", "science", "health"]
ADVOCATE = ["integrity", "filial_piety", "thrift", "diligence", "harmony", "public_morality"]
HELP = [
    "urgent_hardship",
    "sick_disabled",
    "elderly_frail",
    "young_children",
    "military_families",
    "role_models",
]


def test_default_holds_six_transmit_six_advocate_six_help() -> None:
    assert [c.code for c in TAX.children("content")] == ["transmit", "advocate", "help"]
    assert [c.code for c in TAX.children("transmit")] == TRANSMIT
    assert [c.code for c in TAX.children("advocate")] == ADVOCATE
    assert [c.code for c in TAX.children("help")] == HELP
    assert [c.zh for c in TAX.children("transmit")] == [
        "传理论",
        "传政策",
        "传法律",
        "传文化",
        "传科技",
        "传健康",
    ]
    assert [c.zh for c in TAX.children("help")][-1] == "帮模范"
    assert len(TAX.leaves("content")) == 18
    assert len(TAX.children("theme")) == 6
    assert {"理论宣讲", "义诊", "集体升学礼", "上门维修"} <= {c.zh for c in TAX.children("format")}
    assert [r.code for r in TAX.roots()] == list(FACETS.values())


@pytest.mark.parametrize("category", list(TAX), ids=lambda c: c.code)
def test_every_category_is_found_by_code_labels_and_aliases(category: Category) -> None:
    assert TAX[category.code] is category
    assert TAX.find(category.code) is category
    assert TAX.find(category.zh) is category
    assert TAX.find(category.en) is category
    assert TAX.find(category.en.upper()) is category
    assert TAX.find(f"  {category.en}  ") is category
    for alias in category.aliases:
        assert TAX.find(alias) is category


def test_lookup_normalises_width() -> None:
    assert TAX.find("ＨＥＡＬＴＨ").code == "health"  # full-width letters


def test_unknown_code_names_the_nearest() -> None:
    with pytest.raises(UnknownCategoryError, match="nearest: 'filial_piety'") as info:
        TAX["filial_pity"]
    assert info.value.nearest == ("filial_piety",)
    assert isinstance(info.value, LookupError)
    with pytest.raises(UnknownCategoryError, match=r"'heath'.*nearest: 'health'"):
        TAX.find("heath")
    with pytest.raises(UnknownCategoryError, match="unknown category 'zzzz' in taxonomy") as far:
        TAX.find("zzzz")
    assert far.value.nearest == ()
    assert "nearest" not in str(far.value)


def test_check_keeps_codes_under_their_facet() -> None:
    assert TAX.check("health", under="content").zh == "传健康"
    with pytest.raises(UnknownCategoryError, match="under 'theme'"):
        TAX.check("health", under="theme")
    with pytest.raises(UnknownCategoryError, match="under 'content'"):
        TAX.check("content", under="content")  # the root itself is not a category
    assert TAX.check("transmit", under="content").code == "transmit"


def test_tree_queries() -> None:
    assert TAX.path_codes("thrift") == ("content", "advocate", "thrift")
    assert TAX.root_of("free_clinic").code == "format"
    sub = TAX.subtree("advocate")
    assert [c.code for c in sub] == ["advocate", *ADVOCATE]
    assert TAX.get("nope") is None
    assert "health" in TAX
    assert "nope" not in TAX
    with pytest.raises(UnknownCategoryError):
        TAX.subtree("nope")
    with pytest.raises(UnknownCategoryError):
        TAX.children("nope")
    assert len(TAX) == len(TAX.codes)


def test_render_in_each_language() -> None:
    zh, en = TAX.render("zh"), TAX.render("en")
    assert "讲孝道" in zh
    assert "filial piety" not in zh
    assert "filial piety" in en
    assert "讲孝道" in str(TAX)
    assert "filial piety" in str(TAX)
    with pytest.raises(InvariantError, match="lang 'fr'"):
        TAX.render("fr")
    assert TAX["law"].label("en") == "law"
    with pytest.raises(InvariantError):
        TAX["law"].label("de")


# ---------------------------------------------------------------------------- building


def test_bad_trees_are_refused() -> None:
    root = {"code": "content", "zh": "内容", "en": "content"}
    with pytest.raises(InvariantError, match="two categories of t 1 have the code 'content'"):
        Taxonomy(name="t", version="1", categories=[root, root])
    with pytest.raises(InvariantError, match="names two categories"):
        Taxonomy(
            name="t",
            version="1",
            categories=[root, {"code": "x", "zh": "内容", "en": "x", "group": "content"}],
        )
    with pytest.raises(InvariantError, match="cycle"):
        Taxonomy(
            name="t",
            version="1",
            categories=[
                {"code": "a", "zh": "甲", "en": "a", "group": "b"},
                {"code": "b", "zh": "乙", "en": "b", "group": "a"},
            ],
        )
    with pytest.raises(InvariantError, match="unknown keys in a category: 'label'"):
        Taxonomy(name="t", version="1", categories=[{**root, "label": "x"}])
    with pytest.raises(InvariantError, match="needs en"):
        Taxonomy(name="t", version="1", categories=[{"code": "a", "zh": "甲"}])
    with pytest.raises(InvariantError, match="must be a list"):
        Taxonomy(name="t", version="1", categories="abc")
    with pytest.raises(InvariantError, match="code ' a' must be non-empty"):
        Category(code=" a", zh="甲", en="a")


def test_extend_adds_and_overrides() -> None:
    local = TAX.extend(
        [
            {"code": "tea", "zh": "传茶文化", "en": "tea culture", "group": "transmit"},
            {"code": "thrift", "zh": "讲节约", "en": "frugality", "group": "advocate"},
        ],
        name="ziyang-local",
        version="2024.1",
    )
    assert local.title == "ziyang-local 2024.1"
    assert [c.code for c in local.children("transmit")] == [*TRANSMIT, "tea"]
    assert local["thrift"].zh == "讲节约"
    assert local.find("frugality").code == "thrift"
    assert len(local.leaves("content")) == 19
    assert TAX["thrift"].zh == "讲节俭"  # the default is untouched


COUNTY_TOML = """
name = "ziyang-local"
version = "2024.1"
description = "紫阳县 local requirements beside the national scheme"
extends = "wenming-default"

[[categories]]
code = "tea"
zh = "传茶文化"
en = "tea culture"
group = "transmit"
aliases = ["茶文化", "富硒茶"]

[[categories]]
code = "local"
zh = "紫阳特色"
en = "Ziyang specials"
group = "content"

[[categories]]
code = "folk_song"
zh = "唱民歌"
en = "folk songs"
group = "local"
"""


def test_county_scheme_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "ziyang.toml"
    path.write_text(COUNTY_TOML, encoding="utf-8")
    local = Taxonomy.load(path)
    assert local.title == "ziyang-local 2024.1"
    assert local.find("富硒茶").code == "tea"
    assert local.path_codes("folk_song") == ("content", "local", "folk_song")
    assert len(local.leaves("content")) == 20
    assert set(TAX.codes) < set(local.codes)
    # saved as JSON it holds every category, and reads back equal
    out = tmp_path / "ziyang.json"
    local.save(out)
    assert Taxonomy.load(out) == local
    assert "extends" not in out.read_text(encoding="utf-8")


def test_county_scheme_from_json_standalone(tmp_path: Path) -> None:
    path = tmp_path / "own.json"
    path.write_text(
        """{"name": "own", "version": "1", "categories": [
        {"code": "content", "zh": "内容", "en": "content"},
        {"code": "a", "zh": "甲", "en": "alpha", "group": "content"}]}""",
        encoding="utf-8",
    )
    own = Taxonomy.load(path)
    assert [c.code for c in own.leaves("content")] == ["a"]
    assert own.find("ALPHA").code == "a"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "x"\nversion = "1"\nextends = "nope"',
            r"\$\.extends: no shipped taxonomy 'nope'",
        ),
        ('name = "x"\nversion = "1"\nextends = "wenming-default@1999"', r"\$\.extends"),
        ('version = "1"', r"\$\.name: required"),
        ('name = "x"\nversion = "1"\ncolour = 1', r"\$: unknown keys: 'colour'"),
        ('name = "x"\nversion = "1"\nformat_version = 9', r"\$\.format_version"),
        (
            'name = "x"\nversion = "1"\n[[categories]]\ncode = "a"\nzh = " "\nen = "a"',
            r"\$\.categories\[0\]\.zh: zh must not be blank",
        ),
        (
            'name = "x"\nversion = "1"\nextends = "wenming-default"\n'
            '[[categories]]\ncode = "a"\nzh = "甲"\nen = "a"\ngroup = "helth"',
            r"group 'helth' is not a category.*nearest: 'health'",
        ),
        ("name = ", r"\$: not TOML"),
    ],
)
def test_bad_county_schemes_say_where(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Taxonomy.from_toml(text, source="county.toml")


def test_bad_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not JSON"):
        Taxonomy.loads("{")
    with pytest.raises(FormatError, match="expected an object"):
        Taxonomy.loads("[]")
    with pytest.raises(FormatError, match=r"\$\.format"):
        Taxonomy.loads('{"format": "wenming.network", "name": "x", "version": "1"}')
    with pytest.raises(wenming.FileAccessError):
        Taxonomy.load(tmp_path / "missing.toml")


_codes = st.text(alphabet="abcdefghij_", min_size=1, max_size=8).filter(lambda s: s.strip("_"))


@settings(max_examples=50, deadline=None)
@given(st.lists(_codes, unique=True, max_size=8), st.data())
def test_round_trip_of_extended_schemes(codes: list[str], data: st.DataObject) -> None:
    groups = ["transmit", "advocate", "help", "theme", "format"]
    new = [
        Category(
            code=f"x_{c}",
            zh=f"本地{c}",
            en=f"local {c}",
            group=data.draw(st.sampled_from(groups)),
            aliases=frozenset(data.draw(st.lists(st.just(f"别名{c}"), max_size=1))),
        )
        for c in codes
    ]
    local = TAX.extend(new, name="local", version="1")
    assert Taxonomy.loads(local.dumps()) == local
    assert Taxonomy.from_dict(local.to_dict()) == local
    assert local.dumps() == Taxonomy.loads(local.dumps()).dumps()


def test_shipped_lookup() -> None:
    assert shipped_taxonomy("wenming-default") is TAX
    assert shipped_taxonomy("wenming-default", "2023.1") is TAX
    with pytest.raises(UnknownIdError, match=r"shipped: wenming-default@2023\.1"):
        shipped_taxonomy("wenming-default", "2020")


# ---------------------------------------------------------------------------- the network's choice


def _net(*records: object) -> Network:
    net = Network()
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Centre(id="zy", name="中心", division="610924"),
            *records,
        ]
    )
    return net


def test_network_uses_the_default_unless_it_says_otherwise() -> None:
    assert taxonomy_of(_net()) is TAX
    assert TAX.use() == TaxonomyUse(name="wenming-default", version="2023.1")
    assert taxonomy_of(_net(TAX.use())) is TAX


def test_county_scheme_travels_with_the_network() -> None:
    local = Taxonomy.from_toml(COUNTY_TOML)
    tea = Activity(id="a", title="茶艺", start="2023-05-01", site="zy", categories=["tea"])
    net = _net(local.use(), tea)
    assert validate(net) == ()
    assert taxonomy_of(net) == local
    back = wenming.loads(wenming.dumps(net))
    assert back == net
    assert taxonomy_of(back) == local
    # the same activity under the default taxonomy is an unknown category
    issues = validate(_net(tea))
    assert [(i.code, i.path) for i in issues] == [
        ("unknown-category", "$.activities[0].categories")
    ]
    assert "unknown category 'tea'" in issues[0].message


def test_unknown_or_several_taxonomies_are_issues() -> None:
    net = _net(TaxonomyUse(name="ziyang-local", version="2024.1"))
    assert [(i.code, i.path) for i in validate(net)] == [
        ("unknown-taxonomy", "$.taxonomy[0].name")
    ]
    with pytest.raises(UnknownIdError):
        taxonomy_of(net)
    two = _net(TAX.use(), Taxonomy.from_toml(COUNTY_TOML).use())
    assert [i.code for i in validate(two)] == ["taxonomy-count"]


def test_embedded_categories_are_checked_when_loading() -> None:
    text = wenming.dumps(_net(Taxonomy.from_toml(COUNTY_TOML).use()))
    broken = text.replace('"group": "local"', '"group": "lokal"')
    with pytest.raises(FormatError, match=r"\$\.taxonomy\[0\].*group 'lokal'"):
        wenming.loads(broken)
