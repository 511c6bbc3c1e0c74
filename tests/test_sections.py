"""Sections (issue 5, design §8): the network, validation and the format loop over them.

The second half adds a small test-only section at runtime (``signs``: a sign
hangs on a site) and checks that the network, validation and the file format
take it without knowing it by name. What had to be patched to get there is
listed in :func:`signs_section`: every module-level copy of the registries,
the section's own validation rules, and the cached detailed converter.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import json
import pkgutil
import sys
from collections.abc import Iterator
from operator import attrgetter
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import wenming
import wenming.network
import wenming.sections
import wenming.serialization
import wenming.validation
from wenming import (
    Centre,
    Division,
    FormatError,
    Institute,
    Network,
    NetworkInvalidError,
    NetworkRecords,
    Severity,
    Station,
    UnknownIdError,
)
from wenming._fields import check_identifier, text
from wenming._plain import from_plain, to_plain
from wenming.datasets import ziyang
from wenming.errors import InUseError, Issue
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, section_named
from wenming.sections import SECTION_OF_TYPE, SECTIONS, SECTIONS_BY_NAME
from wenming.testing.strategies import networks

D = dt.date

# ------------------------------------------------------------------------ the declared sections


def test_the_section_list() -> None:
    names = [s.name for s in SECTIONS]
    # The first three, in dependency order; later families come where they depend.
    assert names[0] == "divisions"
    assert names.index("divisions") < names.index("sites") < names.index("venues")
    assert len(set(names)) == len(names)
    assert list(SECTIONS_BY_NAME) == names
    assert all(SECTIONS_BY_NAME[s.name] is s for s in SECTIONS)
    assert section_named("sites") is SECTIONS_BY_NAME["sites"]
    with pytest.raises(KeyError) as info:
        section_named("stations")
    assert "divisions" in str(info.value)


def test_sections_come_after_the_sections_they_refer_to() -> None:
    seen: set[str] = set()
    for section in SECTIONS:
        for ref in section.refs:
            assert ref.target in seen or ref.target == section.name, (section.name, ref.target)
            assert ref.target in SECTIONS_BY_NAME
        seen.add(section.name)


def test_every_record_type_belongs_to_one_section() -> None:
    for section in SECTIONS:
        for cls in section.types:
            assert SECTION_OF_TYPE[cls] is section
            assert attrs.has(cls)
            assert callable(getattr(cls, "to_dict", None)), cls
    assert sum(len(s.types) for s in SECTIONS) == len(SECTION_OF_TYPE)


def test_every_section_declares_what_it_indexes() -> None:
    for section in SECTIONS:
        names = [ix.name for ix in section.indexes]
        assert len(set(names)) == len(names)
        for ref in section.refs:
            if ref.index is not None:
                assert ref.index in names, (section.name, ref.field)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_every_record_round_trips_through_to_dict_and_the_file(net: Network) -> None:
    document = json.loads(wenming.dumps(net))
    records = net.records()
    for section in SECTIONS:
        items = records.of(section.name)
        plain = [r.to_dict() for r in items]
        assert plain == [to_plain(r) for r in items]
        # to_dict() is the record's form in the file, in the file's order.
        assert document.get(section.name, []) == plain
        for record, data in zip(items, plain, strict=True):
            assert json.loads(json.dumps(data)) == data  # JSON-ready
            assert from_plain(type(record), data) == record
            assert section.key(record) == section.parse_key(str(section.key(record)))
            assert net.get(section.name, str(section.key(record))) == record


def test_ziyang_records_to_dict_equal_the_shipped_file() -> None:
    document = json.loads(wenming.datasets.ziyang_text())
    records = ziyang().records()
    for section in SECTIONS:
        assert document.get(section.name, []) == [r.to_dict() for r in records.of(section.name)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_a_network_iterates_over_every_record(net: Network) -> None:
    records = list(net)
    assert len(net) == len(records)
    assert len(set(records)) == len(records)
    assert list(net.iter_records()) == records
    expected: list[Any] = [r for s in SECTIONS for r in net.table(s).values()]
    assert records == expected
    assert sorted(map(repr, records)) == sorted(map(repr, net.records()))
    assert len(net.records()) == len(net)
    assert all(r in net for r in records)
    # The records alone (no header) rebuild the same sections.
    assert Network.from_records(records).records().sections == net.records().sections


def test_network_len_counts_every_section() -> None:
    net = ziyang()
    assert len(net) == sum(len(net.table(s)) for s in SECTIONS)
    assert len(net) > len(net.divisions) + len(net.sites) + len(net.venues) > 0
    assert len(Network()) == 0
    assert list(Network()) == []


def test_table_and_get_by_section() -> None:
    net = ziyang()
    assert net.table("sites") == net.sites
    assert net.table(SECTIONS_BY_NAME["divisions"]) == net.divisions
    assert net.get("divisions", "610924").name == "紫阳县"
    assert net.get("divisions", "610924000000") is net.division("610924")
    with pytest.raises(UnknownIdError):
        net.get("divisions", "61092")  # malformed: simply not there
    with pytest.raises(UnknownIdError):
        net.get("sites", "ghost")
    with pytest.raises(wenming.InvariantError) as info:
        net.table("stations")
    assert ", ".join(s.name for s in SECTIONS) in str(info.value)
    with pytest.raises(TypeError):
        net.table("sites")["x"] = None  # type: ignore[index]


def test_network_records_by_section() -> None:
    records = ziyang().records()
    assert records.of("sites") == records.sites
    assert list(records.sections) == [s.name for s in SECTIONS]
    assert list(records) == [r for s in SECTIONS for r in records.of(s.name)]
    assert len(records) == len(list(records))
    replaced = records.replace(venues=())
    assert replaced.venues == ()
    assert replaced.sites == records.sites
    with pytest.raises(wenming.InvariantError) as info:
        NetworkRecords(stations=[])
    assert "stations" in str(info.value)
    with pytest.raises(AttributeError):
        records.name = "x"


# ---------------------------------------------------------------------------- a runtime section


def _sign_id(value: str) -> str:
    return check_identifier("id", value)


def _sign_site(value: str) -> str:
    return check_identifier("site", value)


@attrs.frozen(kw_only=True)
class Sign:
    """A test-only record: a sign (标识牌) hung on a site."""

    id: str = attrs.field(converter=_sign_id)
    site: str = attrs.field(converter=_sign_site)
    text: str | None = attrs.field(default=None, validator=attrs.validators.optional(text))
    installed: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_plain(self)


def _rule_sign_text(ctx: ValidationContext) -> Iterator[Issue]:
    for i, sign in enumerate(ctx.records.of("signs")):
        if sign.text is None:
            yield Issue(
                code="sign-without-text",
                severity=Severity.WARNING,
                message=f"sign '{sign.id}' has no text",
                subject=sign.id,
                path=ctx.path("signs", i, "text"),
            )


SIGNS: Section[str, Sign] = Section(
    name="signs",
    noun="sign",
    types=(Sign,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_sign_id,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="site",
            target="sites",
            code="unknown-sign-site",
            on_remove=OnRemove.CASCADE,
            index="by_site",
        ),
    ),
    indexes=(Index(name="by_site", key=attrgetter("site")),),
    rules=(("sign-without-text", _rule_sign_text),),
)

_REGISTRIES = ("SECTIONS", "SECTIONS_BY_NAME", "SECTION_OF_TYPE")


def _holders() -> dict[str, list[str]]:
    """Every loaded wenming module holding a module-level copy of a section registry."""
    for info in pkgutil.walk_packages(wenming.__path__, "wenming."):
        try:
            importlib.import_module(info.name)
        except Exception:  # a module that cannot be imported holds nothing
            continue
    out: dict[str, list[str]] = {}
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("wenming.") or name == "wenming.sections" or module is None:
            continue
        held = [r for r in _REGISTRIES if getattr(module, r, None) is getattr(wenming.sections, r)]
        if held:
            out[name] = held
    return out


def test_which_modules_capture_the_section_registries() -> None:
    # Design finding: these modules copy the registries at import time
    # (``from wenming.sections import SECTIONS``), so a section added to
    # wenming.sections at runtime is unknown to them unless they are patched too.
    holders = _holders()
    assert holders.get("wenming.network") == ["SECTIONS", "SECTIONS_BY_NAME", "SECTION_OF_TYPE"]
    assert holders.get("wenming.validation") == ["SECTIONS"]
    assert holders.get("wenming.serialization") == ["SECTIONS", "SECTIONS_BY_NAME"]


@pytest.fixture
def signs_section(monkeypatch: pytest.MonkeyPatch) -> Section[str, Sign]:
    """Add ``signs`` after the declared sections, everywhere a registry is held."""
    sections = (*SECTIONS, SIGNS)
    values: dict[str, Any] = {
        "SECTIONS": sections,
        "SECTIONS_BY_NAME": {s.name: s for s in sections},
        "SECTION_OF_TYPE": {cls: s for s in sections for cls in s.types},
    }
    holders = _holders()
    for name in _REGISTRIES:
        monkeypatch.setattr(wenming.sections, name, values[name])
    for module_name, held in holders.items():
        for name in held:
            monkeypatch.setattr(sys.modules[module_name], name, values[name])
    # Derived at import time too: the section's rules are registered when
    # wenming.validation is imported, and the detailed converter is built once
    # and cached (it registers every section's record classes).
    for rule_name, rule in SIGNS.rules:
        monkeypatch.setitem(wenming.validation.RULES, rule_name, rule)
    monkeypatch.setattr(wenming.serialization, "_DETAILED", None)
    return SIGNS


def signed() -> Network:
    net = Network(name="signed", division_edition="NBS-2023")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924101001", name="双星社区"),
            Centre(id="c", name="中心", division="610924"),
            Institute(id="i", name="所", division="610924101", parent="c", closed=D(2023, 1, 1)),
            Station(id="s", name="站", division="610924101001", parent="i", closed=D(2023, 1, 1)),
            Sign(id="sg-c", site="c", text="新时代文明实践中心"),
            Sign(id="sg-i", site="i", text="新时代文明实践所"),
            Sign(id="sg-s", site="s", text="新时代文明实践站", installed=D(2021, 5, 4)),
        ]
    )
    return net


def test_a_runtime_section_is_held_and_queried(signs_section: Section[str, Sign]) -> None:
    net = signed()
    assert [s.name for s in wenming.sections.SECTIONS][-1] == "signs"
    assert sorted(net.table("signs")) == ["sg-c", "sg-i", "sg-s"]
    assert net.get("signs", "sg-s").installed == D(2021, 5, 4)
    assert net.get(signs_section, "sg-c").site == "c"
    assert len(net) == 3 + 3 + 3
    assert len(list(net)) == len(net)
    assert Sign(id="sg-c", site="c", text="新时代文明实践中心") in net
    table: Any = net.table("signs")
    assert net.records().of("signs") == tuple(table[k] for k in sorted(table))
    assert "3 signs" in repr(net)
    assert wenming.validate(net) == ()


def test_a_runtime_section_refuses_unknown_references(
    signs_section: Section[str, Sign],
) -> None:
    net = signed()
    before = net.records()
    with pytest.raises(UnknownIdError) as info:
        net.add(Sign(id="sg-x", site="ghost"))
    assert "ghost" in str(info.value)
    with pytest.raises(UnknownIdError):  # all or nothing across sections
        net.add_all([Sign(id="sg-ok", site="c"), Sign(id="sg-x", site="ghost")])
    with pytest.raises(wenming.DuplicateIdError):
        net.add(Sign(id="sg-c", site="c"))
    with pytest.raises(UnknownIdError):
        net.replace(Sign(id="sg-c", site="ghost"))
    assert net.records() == before


def test_a_runtime_section_is_validated(signs_section: Section[str, Sign]) -> None:
    records = signed().records()
    records = records.replace(
        signs=(*records.signs, Sign(id="sg-x", site="ghost"), Sign(id="sg-c", site="c"))
    )
    issues = wenming.validate(records)
    # Errors first, then warnings; each in document order.
    assert [(i.code, i.severity.value, i.path) for i in issues] == [
        ("unknown-sign-site", "error", "$.signs[3].site"),
        ("duplicate-id", "error", "$.signs[4].id"),
        ("sign-without-text", "warning", "$.signs[3].text"),
        ("sign-without-text", "warning", "$.signs[4].text"),
    ]
    assert "ghost" in issues[0].message
    assert "$.signs[0]" in issues[1].message  # first at
    assert [i.code for i in wenming.validate(records, rules=["sign-without-text"])] == [
        "sign-without-text",
        "sign-without-text",
    ]


def test_a_runtime_section_honours_as_of_through_its_references(
    signs_section: Section[str, Sign],
) -> None:
    # The Institute closes on 2023-01-01: its sign, and the Station's, go with it.
    records = signed().records()
    records = records.replace(signs=(*records.signs, Sign(id="sg-x", site="ghost")))
    assert [i.path for i in wenming.validate(records, as_of=D(2022, 12, 31))] == [
        "$.signs[3].site",
        "$.signs[3].text",
    ]
    records = records.replace(signs=(*records.signs[:3], Sign(id="sg-x", site="i")))
    assert [i.path for i in wenming.validate(records, as_of=D(2023, 1, 1))] == []
    assert [i.path for i in wenming.validate(records)] == ["$.signs[3].text"]


def test_removing_a_site_cascades_to_its_signs(signs_section: Section[str, Sign]) -> None:
    net = signed()
    net.build_indexes()
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(InUseError) as info:
        net.remove("s")
    assert "sign 'sg-s' (site)" in str(info.value)
    assert info.value.referrers == (("signs", "sg-s"),)
    assert net.records() == before
    assert net == snapshot
    removed = net.remove("i", cascade=True)
    assert removed[0].id == "i"
    assert sorted(r.id for r in removed) == ["i", "s", "sg-i", "sg-s"]
    assert sorted(net.table("signs")) == ["sg-c"]
    assert wenming.validate(net) == ()
    net.add_all(removed)
    assert net == snapshot


def test_removing_a_sign_is_a_leaf_removal(signs_section: Section[str, Sign]) -> None:
    net = signed()
    sign: Sign = net.get(signs_section, "sg-c")
    assert net.remove("sg-c") == (sign,)
    assert net.remove("c", cascade=True)[0].id == "c"
    assert len(net.table("signs")) == 0


def test_a_runtime_section_round_trips_through_the_file(
    signs_section: Section[str, Sign],
) -> None:
    net = signed()
    text_ = wenming.dumps(net)
    document = json.loads(text_)
    assert list(document)[-1] == "signs"
    assert document["signs"] == [s.to_dict() for s in net.records().of("signs")]
    assert document["signs"][2] == {
        "id": "sg-s",
        "site": "s",
        "text": "新时代文明实践站",
        "installed": "2021-05-04",
    }
    again = wenming.loads(text_)
    assert again == net
    assert again.get("signs", "sg-s").installed == D(2021, 5, 4)
    assert wenming.dumps(again) == text_
    assert wenming.loads(wenming.dumps(net, indent=None)) == net
    # Without signs, the key is left out.
    net.remove("sg-c")
    net.remove("sg-i")
    net.remove("sg-s")
    assert "signs" not in json.loads(wenming.dumps(net))


def test_a_runtime_section_gets_path_addressed_format_errors(
    signs_section: Section[str, Sign],
) -> None:
    document = json.loads(wenming.dumps(signed()))
    document["signs"][1]["colour"] = "red"
    document["signs"][2]["installed"] = "May 4th"
    with pytest.raises(FormatError) as info:
        wenming.loads(json.dumps(document, ensure_ascii=False))
    lines = info.value.errors
    assert len(lines) == 2
    assert lines[0].startswith("$.signs[1]")
    assert "colour" in lines[0]
    assert lines[1].startswith("$.signs[2].installed")
    document = json.loads(wenming.dumps(signed()))
    document["signs"][0]["site"] = "ghost"
    with pytest.raises(NetworkInvalidError) as group:
        wenming.loads(json.dumps(document, ensure_ascii=False))
    assert "$.signs[0].site" in str(group.value) or any(
        "$.signs[0].site" in str(e) for e in group.value.exceptions
    )
    issues = wenming.serialization.validate_text(json.dumps(document, ensure_ascii=False))
    assert [(i.code, i.path) for i in issues] == [("unknown-sign-site", "$.signs[0].site")]


def test_an_unknown_top_level_key_names_the_runtime_section(
    signs_section: Section[str, Sign],
) -> None:
    with pytest.raises(FormatError) as info:
        wenming.loads('{"format": "wenming.network", "version": 2, "sings": []}')
    assert "signs" in str(info.value)
