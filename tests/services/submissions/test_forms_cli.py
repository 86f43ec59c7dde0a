"""`flask forms sync | list | check`."""

import json
import shutil

import pytest

from services.submissions.definition_files import FORMS_DIR


def test_sync_prints_what_changed_then_nothing(runner):
    first = runner.invoke(args=["forms", "sync"])
    assert first.exit_code == 0, first.output
    assert "screening version 1: published" in first.output
    second = runner.invoke(args=["forms", "sync"])
    assert second.exit_code == 0 and second.output.startswith("0 changed")
    listed = runner.invoke(args=["forms", "list"])
    assert "risk_assessment_confidential" in listed.output and "confidential" in listed.output


def test_sync_refuses_a_broken_folder_and_says_where(runner, tmp_path):
    shutil.copy(FORMS_DIR / "screening.json", tmp_path / "screening.json")
    (tmp_path / "consent.json").write_text("[]")
    result = runner.invoke(args=["forms", "sync", "--directory", str(tmp_path)])
    assert result.exit_code == 1
    assert "consent.json" in result.output and "nothing was published" in result.output
    assert "No published forms." in runner.invoke(args=["forms", "list"]).output


@pytest.mark.parametrize("key", ["screening", "sara", "risk_assessment_confidential"])
def test_check_accepts_a_shipped_file(runner, key):
    result = runner.invoke(args=["forms", "check", str(FORMS_DIR / f"{key}.json")])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.output


def test_check_prints_one_line_per_problem_and_exits_1(runner, tmp_path):
    data = json.loads((FORMS_DIR / "screening.json").read_text())
    data["title"] = ""
    data["layout"]["pages"][0]["key"] = "Bad Key"
    path = tmp_path / "screening.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(args=["forms", "check", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2, lines
    assert any(line.startswith("title:") for line in lines)
    assert any(line.startswith("layout.pages[0].key:") for line in lines)


def test_check_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["forms", "check", str(tmp_path / "nothing.json")])
    assert result.exit_code == 1 and "no such file" in result.output
