from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import wenming
from wenming.datasets import ziyang, ziyang_text


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenming", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )


def test_summary_of_the_embedded_dataset() -> None:
    result = run("summary")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "紫阳县 — embedded dataset ziyang.json"
    assert "Centre           1" in lines
    assert "Institute       17" in lines
    assert any(line.split()[:4] == ["town", "Institute", "17", "17"] for line in lines)
    assert result.stderr == ""


def test_summary_json_of_a_file_as_of_a_date(tmp_path: Path) -> None:
    net = ziyang()
    path = tmp_path / "z.json"
    wenming.dump(net, path)
    result = run("summary", str(path), "--json", "--as-of", "2023-08-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sites"] == {"centre": 1, "institute": 17, "station": 207, "point": 139}
    assert data["as_of"] == "2023-08-01"
    towns = next(lv for lv in data["coverage"]["levels"] if lv["level"] == "town")
    assert (towns["covered"], towns["total"], towns["ratio"]) == (17, 17, 1.0)


def test_validate_a_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "z.json"
    path.write_text(ziyang_text(), encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 0
    assert result.stdout.strip() == f"{path}: 0 error(s), 0 warning(s)"


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    doc = json.loads(ziyang_text())
    # Two Points nothing refers to (the Ziyang sites: 1 Centre, 17 Institutes, 207
    # Stations, then 139 Points), so that each change is exactly one error.
    doc["sites"][360]["parent"] = "x"
    doc["sites"][362]["id"] = doc["sites"][361]["id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert any("$.sites[360].parent: unknown site 'x' (not in $.sites)" in line for line in out)
    assert any("$.sites[362].id: duplicate site id" in line for line in out)
    assert out[-1] == f"{path}: 2 error(s), 0 warning(s)"
    result = run("validate", str(path), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 2
    assert {i["code"] for i in data["issues"]} == {"unknown-parent", "duplicate-id"}


def test_validate_reports_shape_errors_as_issues(tmp_path: Path) -> None:
    doc = json.loads(ziyang_text())
    doc["sites"][360]["division"] = "61092"  # Points nothing refers to
    doc["sites"][362]["name"] = 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["error", "format", "$.sites[360].division:"]
    assert "$.sites[360].division: division code '61092' has 5 digits" in lines[0]
    assert "$.sites[362].name: expected a string, not int" in lines[1]
    assert lines[-1] == f"{path}: 2 error(s), 0 warning(s)"


def test_validate_of_invalid_json_is_a_document_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"format": ', encoding="utf-8")
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "$: invalid JSON at line 1 column 12" in result.stdout


def test_a_file_that_is_not_utf8_gets_the_same_answer_as_loads(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(wenming.FormatError) as caught:
        wenming.loads(path.read_bytes())
    (reason,) = caught.value.errors
    assert reason.startswith("$: the file is not UTF-8 text")
    checked = run("validate", str(path))
    assert checked.returncode == 1  # like any file that is not JSON: one format issue
    assert f"format {' ' * 20}{reason}" in checked.stdout
    summary = run("summary", str(path))
    assert summary.returncode == 2
    assert summary.stderr.strip() == f"wenming: error: {path}: {reason}"


def test_a_closed_pipe_is_no_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenming", "summary"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader goes away before anything is written
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in stderr


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("summary", "{path}"), "{not json", "invalid JSON at line 1 column 2"),
        (("summary", "{path}"), None, "cannot read"),
        (("validate", "{path}"), None, "cannot read"),
        (("summary", "{path}"), '{"format": "wenming.network", "version": 99}', "version 99"),
        (("validate", "{path}"), '{"format": "wenming.network", "version": 99}', "version 99"),
        (("summary", "--as-of", "yesterday"), None, "not a date (YYYY-MM-DD): 'yesterday'"),
        (("frobnicate",), None, "invalid choice: 'frobnicate'"),
        ((), None, "the following arguments are required: COMMAND"),
        (("validate",), None, "the following arguments are required: FILE"),
    ],
)
def test_usage_and_input_errors_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], content: str | None, message: str
) -> None:
    path = tmp_path / "input.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(*(a.format(path=path) for a in args))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("wenming: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_summary_of_an_inconsistent_file_exits_2_naming_the_path(tmp_path: Path) -> None:
    doc = json.loads(ziyang_text())
    doc["sites"][3]["parent"] = "x"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("summary", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"wenming: error: {path}: $.sites[3].parent: unknown site 'x' (not in $.sites)"
    )


def test_console_script_and_version() -> None:
    exe = Path(sys.executable).with_name("wenming")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"wenming {wenming.__version__}"


def test_the_command_line_starts_without_the_graph_package() -> None:
    # Building the parser for every command must not import networkx (a tenth of
    # a second on each `wenming` call); export and plot import it when they run.
    code = "import sys, wenming.cli; wenming.cli._parser(); print('networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_export_formats_are_the_graph_packages() -> None:
    from wenming import _cli_graph, graph

    assert _cli_graph.FORMATS == graph.FORMATS


def _tables(folder: Path, *, towns: list[tuple[str, str]]) -> Path:
    """A tiny official-table folder in the 2023 layout: Shaanxi, Ankang, Ziyang and ``towns``."""
    folder.mkdir()
    (folder / "provinces.csv").write_text('code,name\n61,"陕西省"\n', encoding="utf-8")
    (folder / "cities.csv").write_text(
        'code,name,provinceCode\n6109,"安康市",61\n', encoding="utf-8"
    )
    (folder / "areas.csv").write_text(
        'code,name,cityCode,provinceCode\n610924,"紫阳县",6109,61\n', encoding="utf-8"
    )
    rows = "".join(f'{code},"{name}",610924,61,6109\n' for code, name in towns)
    (folder / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n" + rows, encoding="utf-8"
    )
    return folder


def test_validate_with_tables_warns_of_codes_the_tables_do_not_know(tmp_path: Path) -> None:
    net = ziyang()
    towns = sorted(
        (d.code.short, d.name) for d in net.divisions.values() if d.level.label == "town"
    )
    assert len(towns) == 17
    path = tmp_path / "z.json"
    path.write_text(ziyang_text(), encoding="utf-8")
    # The tables know every Ziyang town: nothing to say, as without --tables.
    full = _tables(tmp_path / "full", towns=towns)
    result = run("validate", str(path), "--tables", str(full))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{path}: 0 error(s), 0 warning(s)"
    # Tables without two of the towns: one warning each, naming the nearest real codes.
    missing = [towns[3], towns[10]]
    partial = _tables(tmp_path / "partial", towns=[t for t in towns if t not in missing])
    result = run("validate", str(path), "--tables", str(partial), "--json")
    assert result.returncode == 0, result.stderr  # warnings only
    report = json.loads(result.stdout)
    assert (report["errors"], report["warnings"]) == (0, 2)
    found = [(i["code"], i["subject"]) for i in report["issues"]]
    assert found == [("division-not-in-table", code) for code, _ in missing]
    assert "nearest real codes" in report["issues"][0]["message"]
    # A folder that is not a table: one line, exit 2.
    result = run("validate", str(path), "--tables", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.startswith("wenming: error:")
    assert "Traceback" not in result.stderr
