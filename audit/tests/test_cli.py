"""The command line as a user and as CI run it: outputs, exit codes, selection, config, waivers."""

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sarif_schema import sarif_schema

from fastapi_guideline.catalogue import rules
from fastapi_guideline.cli import main

SERVICE = """\
import time


async def handler() -> None:
    time.sleep(1)
"""


def project(tmp_path: Path, code: str = SERVICE, table: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "svc"\nversion = "1"\nrequires-python = ">=3.11"\n' + table
    )
    (tmp_path / "svc.py").write_text(code)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["audit", *args])
    return status, capsys.readouterr().out


def test_text_output_cites_the_rule_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, str(project(tmp_path)))
    line = out.splitlines()[0]
    url = rules()["EXT-006"].short_url
    assert re.fullmatch(
        rf"svc\.py:5:5 EXT-006 MUST .+ \[BLOCKING-SLEEP\] {re.escape(url)}", line
    ), line
    assert status == 1
    assert out.splitlines()[-1].startswith("1 findings (1 MUST), 0 waived, 2 files")


def test_fail_on_ignore_and_select(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(project(tmp_path))
    assert run(capsys, path, "--fail-on", "never")[0] == 0
    assert run(capsys, path, "--ignore", "EXT-006")[0] == 0
    assert run(capsys, path, "--ignore", "EXT")[0] == 0  # a prefix
    assert run(capsys, path, "--select", "ERR")[0] == 0
    status, out = run(capsys, path, "--select", "BLOCKING-SLEEP")
    assert status == 1 and "EXT-006" in out


def test_should_findings_pass_unless_fail_on_should(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "from sqlalchemy import MetaData\n\nmetadata = MetaData()\n"
    path = str(project(tmp_path, code))
    status, out = run(capsys, path)
    assert "DB-007 SHOULD" in out and status == 0
    assert run(capsys, path, "--fail-on", "SHOULD")[0] == 1


def test_pyproject_configures_the_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(project(tmp_path, table='[tool.fastapi-guideline]\nignore = ["EXT-006"]\n'))
    assert run(capsys, path)[0] == 0
    assert (
        run(capsys, str(project(tmp_path, table='[tool.fastapi-guideline]\nfail-on = "never"\n')))[
            0
        ]
        == 0
    )


def test_an_unknown_setting_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(project(tmp_path, table='[tool.fastapi-guideline]\nfail_on = "never"\n'))
    assert main(["audit", path]) == 2
    assert "unknown keys fail_on" in capsys.readouterr().err


def test_a_waiver_with_a_reason_waives_and_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = SERVICE.replace(
        "    time.sleep(1)",
        "    # guideline: allow[EXT-006] a 1 ms pause measured harmless\n    time.sleep(1)",
    )
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 0
    assert "waived: svc.py:6:5 EXT-006 [BLOCKING-SLEEP]: a 1 ms pause measured harmless" in out


def test_a_waiver_on_the_same_line_and_by_check_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = SERVICE.replace(
        "time.sleep(1)", "time.sleep(1)  # guideline: allow[BLOCKING-SLEEP] measured"
    )
    assert run(capsys, str(project(tmp_path, code)))[0] == 0


def test_a_waiver_without_a_reason_waives_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = SERVICE.replace("time.sleep(1)", "time.sleep(1)  # guideline: allow[EXT-006]")
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 1
    assert "a waiver needs a reason" in out and "svc.py:5:5 EXT-006" in out


def test_a_waiver_naming_a_merged_rule_waives_its_canonical_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # BG-002 was merged into EXT-006: a waiver written before the merge still waives the
    # finding, which cites the canonical rule.
    assert rules()["BG-002"].merged_into == "EXT-006"
    code = SERVICE.replace(
        "    time.sleep(1)",
        "    # guideline: allow[BG-002] a 1 ms pause measured harmless\n    time.sleep(1)",
    )
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 0, out
    assert "waived: svc.py:6:5 EXT-006 [BLOCKING-SLEEP]: a 1 ms pause measured harmless" in out
    assert "unused waiver" not in out


def test_a_waiver_naming_a_merged_rule_covers_only_its_canonical_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # PRB-002 went into ERR-001, not EXT-006: it waives nothing here.
    code = SERVICE.replace(
        "time.sleep(1)", "time.sleep(1)  # guideline: allow[PRB-002] not this one"
    )
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 1 and "svc.py:5:5 EXT-006 MUST" in out
    assert "unused waiver: svc.py:5 allow[PRB-002]" in out


SORTED = """\
from sqlalchemy import column, select, table, text

task = table("task", column("id"))


def page(sort: str) -> object:
    return select(task).order_by(text(sort))  # guideline: allow[{named}] why
"""


def test_a_waiver_covers_only_the_rules_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ORDER-BY-INPUT cites PAGE-003 and SEC-007 for one sort: a waiver naming
    # one of them leaves the other, and the output says so.
    status, out = run(capsys, str(project(tmp_path, SORTED.format(named="PAGE-003"))))
    assert status == 1
    assert "waived: svc.py:7:12 PAGE-003 [ORDER-BY-INPUT]: why" in out
    assert "svc.py:7:12 SEC-007 MUST" in out
    assert "svc.py:7: allow[PAGE-003] leaves SEC-007 of ORDER-BY-INPUT at line 7" in out


def test_a_waiver_naming_the_check_covers_all_its_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = SORTED.format(named="ORDER-BY-INPUT")
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 0, out
    assert "PAGE-003 [ORDER-BY-INPUT]: why" in out
    assert "SEC-007 [ORDER-BY-INPUT]: why" in out
    assert "leaves" not in out


def test_a_waiver_for_another_rule_waives_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = SERVICE.replace(
        "time.sleep(1)", "time.sleep(1)  # guideline: allow[ERR-005] not this one"
    )
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 1 and "unused waiver: svc.py:5 allow[ERR-005]" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, str(project(tmp_path)), "--format", "json")
    data = json.loads(out)
    assert status == 1
    [finding] = data["findings"]
    assert finding["rule"] == "EXT-006" and finding["line"] == 5 and finding["level"] == "MUST"
    assert finding["url"] == rules()["EXT-006"].short_url


def test_sarif_output_is_valid_sarif_2_1_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = (
        SERVICE
        + "\n\ndef f():  # guideline: allow[TYP-001] kept untyped for the test\n    return 1\n"
    )
    output = tmp_path / "audit.sarif"
    status = main(
        ["audit", str(project(tmp_path, code)), "--format", "sarif", "--output", str(output)]
    )
    log = json.loads(output.read_text())
    jsonschema.validate(log, sarif_schema())
    run_ = log["runs"][0]
    assert status == 1
    assert {r["ruleId"] for r in run_["results"]} == {"EXT-006", "TYP-001"}
    [waived] = [r for r in run_["results"] if r.get("suppressions")]
    assert waived["suppressions"][0]["justification"] == "kept untyped for the test"
    rule = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == "EXT-006")
    assert rule["helpUri"] == rules()["EXT-006"].short_url
    location = run_["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "svc.py"
    assert location["region"] == {"startLine": 5, "startColumn": 5}


def test_a_schema_violation_is_caught_by_the_validation() -> None:
    """The validation can fail: a result without a message is not SARIF."""
    bad = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, sarif_schema())


def test_an_app_that_cannot_be_imported_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["audit", str(project(tmp_path)), "--app", "nowhere.main:create_app"])
    assert status == 2
    assert "cannot import nowhere.main" in capsys.readouterr().out


def test_checks_lists_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    assert "BLOCKING-SLEEP" in out and "EXT-006 MUST" in out


def test_one_file_can_be_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project(tmp_path) / "svc.py"
    status, out = run(capsys, str(path))
    assert status == 1 and textwrap.dedent(out).startswith("svc.py:5:5 EXT-006")


def test_a_file_this_python_cannot_parse_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project(tmp_path)
    (path / "broken.py").write_text("def f(:\n")
    status, out = run(capsys, str(path))
    assert status == 1  # the other findings still count
    assert "skipped: broken.py: not valid Python" in out


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_a_merged_rule_in_select_or_ignore_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """A config written before BG-002 went into EXT-006 runs, and says it no longer bites."""
    status = main(["audit", str(project(tmp_path)), option, "BG-002"])
    err = capsys.readouterr().err
    assert status in {0, 1}
    assert "warning: BG-002 is merged into EXT-006" in err


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_rule_or_check_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """A typo in CI (`--select EROR`) must not turn the gate into a silent pass."""
    status = main(["audit", str(project(tmp_path)), option, "EROR"])
    assert status == 2
    assert "EROR matches no rule ID, prefix or check" in capsys.readouterr().err


def test_an_unknown_rule_in_pyproject_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(project(tmp_path, table='[tool.fastapi-guideline]\nignore = ["BG-0002"]\n'))
    assert main(["audit", path]) == 2
    assert "BG-0002 matches no rule" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('select = "BG"', "select must be a list of strings"),
        ('models = "app.models"', "models must be a list of strings"),
        ("app = 1", "app must be a string"),
        ('fail-on = ["MUST"]', "fail-on must be one of"),
    ],
)
def test_a_setting_of_the_wrong_type_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    """`select = "BG"` once selected every rule starting with B or G, one letter each."""
    path = str(project(tmp_path, table=f"[tool.fastapi-guideline]\n{setting}\n"))
    assert main(["audit", path]) == 2
    assert message in capsys.readouterr().err


def test_an_unused_waiver_is_named_by_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    (root / "pkg").mkdir()
    (root / "pkg" / "svc.py").write_text("x = 1  # guideline: allow[ERR-005] not here\n")
    _, out = run(capsys, str(root))
    assert "unused waiver: pkg/svc.py:1 allow[ERR-005]" in out


def test_an_app_error_that_mentions_a_waiver_still_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["audit", str(project(tmp_path)), "--app", "waivers.main:create_app"])
    assert status == 2
    assert "cannot import waivers.main" in capsys.readouterr().out


def _sarif(capsys: pytest.CaptureFixture[str], path: Path, out: Path) -> dict[str, Any]:
    """The one run of the SARIF log the audit of `path` writes, validated against the schema."""
    main(["audit", str(path), "--format", "sarif", "--output", str(out)])
    capsys.readouterr()
    log: dict[str, Any] = json.loads(out.read_text())
    jsonschema.validate(log, sarif_schema())
    [run_] = log["runs"]
    return dict(run_)


def _locations(run_: dict[str, Any]) -> list[dict[str, str]]:
    return [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]


def test_sarif_paths_are_relative_to_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Code scanning resolves a URI from the repository's root; a service in backend/ (the
    full-stack template's layout) got URIs from backend/ that named no file of the repository."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "backend").mkdir()
    run_ = _sarif(capsys, project(tmp_path / "backend"), tmp_path / "audit.sarif")
    assert _locations(run_) == [{"uri": "backend/svc.py", "uriBaseId": "%SRCROOT%"}]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_sarif_uris_are_percent_encoded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    (root / "svc.py").rename(root / "my svc.py")
    run_ = _sarif(capsys, root, tmp_path / "audit.sarif")
    assert _locations(run_) == [{"uri": "my%20svc.py", "uriBaseId": "%SRCROOT%"}]


def test_sarif_fingerprints_tell_two_like_findings_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two identical breaches in one file shared a fingerprint: code scanning kept one alert."""
    run_ = _sarif(capsys, project(tmp_path, SERVICE + "    time.sleep(2)\n"), tmp_path / "a.sarif")
    prints = [r["partialFingerprints"]["guidelineFinding/v1"] for r in run_["results"]]
    assert len(prints) == 2 and len(set(prints)) == 2, prints


def test_a_src_layout_names_modules_from_the_package_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With pyproject.toml above src/, the modules are `app.…`, not `src.app.…`
    # (which made every module one domain and hid STR-012's cross-domain import).
    root = project(tmp_path, "")
    (root / "svc.py").unlink()
    for package in ("app", "app/users", "app/tasks"):
        (root / "src" / package).mkdir(parents=True)
        (root / "src" / package / "__init__.py").write_text("")
    (root / "src/app/users/service.py").write_text("def get_user() -> None: ...\n")
    (root / "src/app/tasks/service.py").write_text(
        "from app.users.service import get_user\n\nget_user()\n"
    )
    status, out = run(capsys, str(root), "--select", "STR-012", "--fail-on", "SHOULD")
    assert status == 1, out
    assert "src/app/tasks/service.py:1:1 STR-012 SHOULD" in out


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeff" + SERVICE,  # a UTF-8 byte order mark
        "# -*- coding: latin-1 -*-\n# café\n" + SERVICE,  # PEP 263
    ],
    ids=["bom", "latin-1"],
)
def test_files_the_interpreter_reads_are_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoded: str
) -> None:
    root = project(tmp_path)
    encoding = "latin-1" if "latin-1" in encoded else "utf-8"
    (root / "svc.py").write_bytes(encoded.encode(encoding))
    status, out = run(capsys, str(root))
    assert status == 1 and "EXT-006" in out and "not valid" not in out, out


def test_a_form_feed_does_not_shift_the_waivers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # str.splitlines breaks at \x0c, Python's line numbers do not.
    code = SERVICE.replace("import time\n", "import time  # \x0c page break\n").replace(
        "    time.sleep(1)", "    time.sleep(1)  # guideline: allow[EXT-006] measured"
    )
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 0, out
    assert "waived: svc.py:5:5 EXT-006" in out


def test_code_nested_too_deeply_for_a_check_is_reported_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    terms = " + ".join(["x"] * 1200)
    code = SERVICE + f"\n\ndef q(x: str) -> str:\n    return 'SELECT ' + {terms}\n"
    status, out = run(capsys, str(project(tmp_path, code)))
    assert status == 1, out  # EXT-006 is still found
    assert "svc.py:5:5 EXT-006" in out
    assert "nested too deeply for" in out


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[tool]\nfastapi-guideline = 1\n", "[tool.fastapi-guideline] must be a table"),
        ("[tool.fastapi-guideline]\napp-timeout = inf\n", "app-timeout must be"),
        ("[tool.fastapi-guideline]\napp-timeout = nan\n", "app-timeout must be"),
        ("[tool.fastapi-guideline]\napp-timeout = 1e300\n", "app-timeout must be"),
    ],
    ids=["tool-not-a-table", "inf", "nan", "huge"],
)
def test_a_bad_configuration_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, message: str
) -> None:
    assert main(["audit", str(project(tmp_path, table=table))]) == 2
    assert message in capsys.readouterr().err


def test_a_tool_key_that_is_not_a_table_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").write_text('tool = 1\n[project]\nname = "svc"\n')
    assert main(["audit", str(root)]) == 2
    assert "[tool] must be a table" in capsys.readouterr().err


def test_a_pyproject_that_is_not_utf8_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    assert main(["audit", str(root)]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(project(tmp_path))
    assert main(["audit", path, "--output", str(tmp_path / "missing" / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
