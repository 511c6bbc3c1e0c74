"""Volunteers, resident IDs, consents, and the personal-data leak test."""

from __future__ import annotations

import datetime as dt
import json
import logging
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import wenming
from wenming import Division, Network, validate
from wenming.errors import FormatError, InvariantError
from wenming.testing.volunteers import SECRETS, volunteer_county
from wenming.volunteers import VOLUNTEERS, Consent, DocumentType, ResidentId, Sex, Volunteer

D = dt.date

# ------------------------------------------------------------------------ the check character


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("11010519491231002", "X"),
        ("61092419900307123", ResidentId.check_character("61092419900307123")),
    ],
)
def test_the_check_character(first17: str, check: str) -> None:
    assert ResidentId.check_character(first17) == check
    rid = ResidentId.parse(first17 + check)
    assert rid.number == first17 + check


def test_every_check_value_maps_as_the_standard_says() -> None:
    # sum mod 11 → 1 0 X 9 8 7 6 5 4 3 2
    seen = {}
    for seq in range(1000):
        first17 = f"61092419900307{seq:03d}"
        total = sum(
            int(d) * w
            for d, w in zip(
                first17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True
            )
        )
        seen[total % 11] = ResidentId.check_character(first17)
    assert seen == dict(enumerate("10X98765432"))


def test_a_lower_case_x_is_accepted_and_parts_are_derived() -> None:
    rid = ResidentId.parse(" 11010519491231002x ")
    assert rid.number == "11010519491231002X"
    assert rid.address_code == "110105"
    assert rid.birth_date == D(1949, 12, 31)
    assert rid.sequence == "002"
    assert rid.sex is Sex.FEMALE
    assert ResidentId.build("610924", D(1990, 3, 7), 123).sex is Sex.MALE
    assert rid == ResidentId.parse("11010519491231002X")
    assert len({rid, ResidentId.parse("11010519491231002X")}) == 1


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("11010519491231002", "18 characters, this one has 17"),
        ("11010519491231002XX", "this one has 19"),
        ("1101051949123100A2", "character 17 of the ID number is not a digit"),
        ("11010519491231002Y", "the 18th character"),
        ("01010519491231002X", "address code"),
        ("110105194902300028", "not a real date"),
        ("110105189901010028", "not a real date"),
        ("110105194912310021", "check character"),
        ("110105194912310020", "check character"),
    ],
)
def test_a_bad_number_says_what_is_wrong_and_never_repeats_it(number: str, words: str) -> None:
    with pytest.raises(InvariantError) as info:
        ResidentId.parse(number)
    assert words in str(info.value)
    assert number not in str(info.value)
    assert info.value.field == "id_number"
    assert info.value.value is None


def test_a_wrong_check_character_from_a_volunteer_names_the_field() -> None:
    with pytest.raises(InvariantError) as info:
        Volunteer(id="v", name="x", registered="2023-01-01", id_number="110105194912310021")
    assert info.value.field == "id_number"
    assert "check character" in str(info.value)
    assert "110105194912310021" not in str(info.value)


def test_other_documents_are_typed_and_not_checked() -> None:
    v = Volunteer(
        id="v", name="x", registered="2023-01-01", id_type="passport", id_number="E12345678"
    )
    assert v.id_type is DocumentType.PASSPORT
    assert v.document is None
    assert v.birth_date is None
    with pytest.raises(InvariantError) as info:
        Volunteer(
            id="v", name="x", registered="2023-01-01", id_type="hk_macao_permit", id_number="!!"
        )
    assert info.value.field == "id_number"


def test_a_volunteer_derives_birth_date_and_sex_and_refuses_a_contradiction() -> None:
    v = Volunteer(id="v", name="x", registered="2023-01-01", id_number=SECRETS[0])
    assert v.birth_date == D(1980, 1, 10)
    assert v.sex is Sex.MALE
    with pytest.raises(InvariantError) as info:
        Volunteer(
            id="v",
            name="x",
            registered="2023-01-01",
            id_number=SECRETS[0],
            birth_date="1981-01-10",
        )
    assert info.value.field == "birth_date"


def test_the_public_id_is_a_surrogate_never_an_id_number() -> None:
    with pytest.raises(InvariantError) as info:
        Volunteer(id=SECRETS[0], name="x", registered="2023-01-01")
    assert SECRETS[0] not in str(info.value)


def test_impossible_dates_and_bad_phones_are_refused() -> None:
    with pytest.raises(InvariantError) as info:
        Volunteer(id="v", name="x", registered="2023-02-30")
    assert info.value.field == "registered"
    with pytest.raises(InvariantError) as info:
        Volunteer(id="v", name="x", registered="2023-01-01", phone="call me")
    assert info.value.field == "phone"
    assert "call me" not in str(info.value)
    with pytest.raises(InvariantError) as info:
        Volunteer(id="v", name="x", registered="2023-01-01", status="withdrawn")
    assert info.value.field == "status_since"


def test_registration_status_over_time() -> None:
    v = Volunteer(
        id="v", name="x", registered="2023-01-01", status="withdrawn", status_since="2023-06-01"
    )
    assert not v.registered_on("2022-12-31")
    assert v.registered_on("2023-05-31")
    assert not v.registered_on("2023-06-01")
    s = Volunteer(
        id="v", name="x", registered="2023-01-01", status="suspended", status_since="2023-06-01"
    )
    assert s.registered_on("2023-07-01")
    assert not s.active_on("2023-07-01")


# ------------------------------------------------------------------------ consents


def _net(*records: object) -> Network:
    net = Network()
    net.add_all([Division(code="610924", name="紫阳县"), *records])
    return net


def test_a_minor_without_guardian_consent_is_reported() -> None:
    child = Volunteer(id="kid", name="小明", birth_date="2012-05-01", registered="2023-03-01")
    issues = validate(_net(child))
    assert [(i.code, i.path) for i in issues] == [
        ("minor-without-guardian-consent", "$.volunteers[0].birth_date")
    ]
    consent = Consent(
        id="c", volunteer="kid", purpose="登记", given="2023-03-01", by_guardian=True
    )
    assert validate(_net(child, consent)) == ()
    late = Consent(id="c", volunteer="kid", purpose="登记", given="2023-04-01", by_guardian=True)
    assert [i.code for i in validate(_net(child, late))] == ["minor-without-guardian-consent"]
    fourteen = Volunteer(id="k", name="x", birth_date="2009-03-01", registered="2023-03-01")
    assert validate(_net(fourteen)) == ()


def test_sensitive_data_without_its_own_consent_is_a_warning() -> None:
    v = Volunteer(id="v", name="x", registered="2023-01-01", phone="13800000000")
    issues = validate(_net(v))
    assert [(i.code, i.severity.value, i.path) for i in issues] == [
        ("sensitive-without-consent", "warning", "$.volunteers[0].phone")
    ]
    assert "13800000000" not in issues[0].message


# ------------------------------------------------------------------------ personal data

CLI = [sys.executable, "-m", "wenming"]
TEAMS = CLI  # the teams command lives in the main CLI


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_no_id_number_or_phone_leaks_anywhere(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    net = volunteer_county()
    volunteers: list[Volunteer] = list(net.table(VOLUNTEERS).values())
    assert {v.id_number for v in volunteers} | {v.phone for v in volunteers} == set(SECRETS)
    seen: list[str] = [repr(net), str(net)]
    for v in volunteers:
        seen += [repr(v), str(v), f"{v}", f"{v!r}", json.dumps(v.to_dict(), ensure_ascii=False)]
        seen.append(str(v.document))
    for record in net:
        seen += [repr(record), json.dumps(record.to_dict(), ensure_ascii=False)]
    seen += [repr(net.records()), repr(validate(net))]
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("wenming.test").info("registered %s", volunteers[0])
        logging.getLogger("wenming.test").info("records %r", net.records().volunteers)
        logging.getLogger("wenming.test").warning("volunteer %s", volunteers[0].to_dict())
    seen += [r.getMessage() for r in caplog.records]
    text = wenming.dumps(net)
    seen += [text, wenming.dumps(net, indent=None)]
    seen.append(
        json.dumps(wenming.serialization.records_to_dict(net.records()), ensure_ascii=False)
    )
    path = tmp_path / "county.json"
    wenming.dump(net, path)
    seen.append(path.read_text(encoding="utf-8"))
    for command in (
        [*CLI, "summary", str(path)],
        [*CLI, "summary", str(path), "--json"],
        [*CLI, "validate", str(path)],
        [*CLI, "validate", str(path), "--json"],
        [*TEAMS, "teams", str(path)],
        [*TEAMS, "teams", str(path), "--json"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        seen += [done.stdout, done.stderr]
    # A pickled volunteer holds its data (pickle is for trusted processes, not export).
    assert pickle.loads(pickle.dumps(volunteers[0])) == volunteers[0]
    leaks = [s for text in seen for s in _leaks(text)]
    assert leaks == []


def test_no_id_number_or_phone_leaks_into_graphs_exports_frames_plots_or_reports(
    tmp_path: Path,
) -> None:
    """The analyst's surfaces, fed the records *with* the numbers held in memory."""
    from wenming.graph import export, layer_names, to_networkx

    net = volunteer_county()
    seen: list[str] = []
    graph = to_networkx(net, layers=layer_names())
    assert any(key.startswith("volunteer:") for key in graph)  # volunteers are in it
    seen += [repr(list(graph.nodes(data=True))), repr(list(graph.edges(data=True)))]
    for to in ("graphml", "gexf", "json", "dot"):
        path = export(net, tmp_path / f"county.{to}", layers=layer_names())
        seen.append(path.read_text(encoding="utf-8"))
    pytest.importorskip("pandas")
    from wenming.frames import to_frames

    for name, frame in to_frames(net).items():
        seen += [name, frame.to_csv(), repr(frame)]
    seen += [repr(wenming.participation(net)), repr(wenming.minutes_by_volunteer(net))]
    seen += [repr(wenming.scorecard(net)), repr(wenming.responsibility_chains(net))]
    pytest.importorskip("matplotlib")
    from wenming import plot

    figure = plot.site_tree(net, "centre")
    svg = plot.save(figure, tmp_path / "tree.svg")
    seen.append(svg.read_text(encoding="utf-8"))
    leaks = [s for text in seen for s in _leaks(text)]
    assert leaks == []


def test_every_cli_report_on_a_sensitive_file_refuses_it_and_prints_nothing_of_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "full.json"
    wenming.dump(volunteer_county(), path, sensitive=True)
    out = tmp_path / "out"
    for command in (
        ["summary", str(path)],
        ["validate", str(path)],
        ["teams", str(path)],
        ["chain", "s-610924101001", str(path)],
        ["scorecard", str(path)],
        ["activities", str(path)],
        ["export", str(path), "--to", "json", "-o", str(out)],
        ["plot", "tree", str(path), "--site", "centre", "-o", str(out) + ".png"],
    ):
        done = subprocess.run([*CLI, *command], capture_output=True, text=True, timeout=120)
        # validate lists the problem as a finding (exit 1); the others stop (exit 2)
        expected = 1 if command[0] == "validate" else 2
        assert done.returncode == expected, (command, done.stdout, done.stderr)
        assert "sensitive" in done.stdout + done.stderr, command
        assert "Traceback" not in done.stderr
        assert _leaks(done.stdout + done.stderr) == [], command
    assert list(tmp_path.iterdir()) == [path]  # nothing written


def test_the_sensitive_dump_is_an_explicit_opt_in(tmp_path: Path) -> None:
    net = volunteer_county()
    text = wenming.dumps(net, sensitive=True)
    header = json.loads(text)
    assert header["sensitive"] is True
    assert all(s in text for s in SECRETS)
    assert list(header)[:3] == ["format", "version", "sensitive"]
    with pytest.raises(FormatError) as info:
        wenming.loads(text)
    assert "sensitive=True" in str(info.value)
    assert "$.sensitive" in str(info.value)
    assert _leaks(str(info.value)) == []
    assert wenming.loads(text, sensitive=True) == net
    path = tmp_path / "full.json"
    wenming.dump(net, path, sensitive=True)
    assert wenming.load(path, sensitive=True) == net
    with pytest.raises(FormatError):
        wenming.load(path)
    # The CLI never reads such a file: it says why, and prints nothing of it.
    done = subprocess.run(
        [*TEAMS, "teams", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "sensitive" in done.stderr
    assert _leaks(done.stdout + done.stderr) == []


def test_the_default_dump_leaves_them_out_and_reloads_without_them() -> None:
    net = volunteer_county()
    loaded = wenming.loads(wenming.dumps(net))
    for v in loaded.table(VOLUNTEERS).values():
        assert v.id_number is None
        assert v.phone is None
        original = net.get(VOLUNTEERS, v.id)
        assert v.birth_date == original.birth_date
        assert v.sex is original.sex


def test_sensitive_fields_in_a_file_without_the_header_flag_are_refused() -> None:
    data = json.loads(wenming.dumps(volunteer_county(), sensitive=True))
    del data["sensitive"]
    with pytest.raises(FormatError) as info:
        wenming.loads(json.dumps(data))
    assert "$.volunteers[0].id_number" in str(info.value)
    assert _leaks(str(info.value)) == []
    assert wenming.loads(json.dumps(data), sensitive=True) == volunteer_county()
    data["sensitive"] = "yes"
    with pytest.raises(FormatError, match=r"\$\.sensitive: expected true or false"):
        wenming.loads(json.dumps(data), sensitive=True)


def test_a_malformed_id_number_in_a_file_is_reported_without_the_number() -> None:
    data = json.loads(wenming.dumps(volunteer_county(), sensitive=True))
    bad = data["volunteers"][0]["id_number"][:-1] + (
        "0" if data["volunteers"][0]["id_number"][-1] != "0" else "1"
    )
    data["volunteers"][0]["id_number"] = bad
    issues = wenming.validate_text(json.dumps(data), sensitive=True)
    assert [(i.code, i.path) for i in issues][:1] == [("format", "$.volunteers[0].id_number")]
    assert all(bad not in str(i) for i in issues)
