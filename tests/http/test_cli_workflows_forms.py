"""`flask workflows check|sync` and `flask forms sync|check` as an operator runs them."""

from pathlib import Path

from models.case import WorkflowVersion
from models.form import FormDefinition

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workflows"


def test_workflows_check_passes_on_the_shipped_files(runner):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    assert "are valid" in result.output


def test_workflows_check_fails_with_one_line_per_problem(runner):
    result = runner.invoke(args=["workflows", "check", "--dir", str(FIXTURES / "broken")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) >= len(list((FIXTURES / "broken").glob("*.yaml")))
    assert all(":" in line for line in lines)
    assert any("unknown" in line for line in lines)


def test_workflows_sync_is_idempotent_and_versions_changes(runner, tmp_path):
    first = runner.invoke(args=["workflows", "sync"])
    assert first.exit_code == 0 and "created" in first.output
    again = runner.invoke(args=["workflows", "sync"])
    assert "unchanged" in again.output and "created" not in again.output
    source = (Path(__file__).resolve().parents[2] / "workflows" / "dao_pathway.yaml").read_text()
    (tmp_path / "dao_pathway.yaml").write_text(source.replace("title: Domestic Abuse Officer pathway",
                                                              "title: Domestic Abuse Officer pathway (revised)"))
    changed = runner.invoke(args=["workflows", "sync", "--dir", str(tmp_path)])
    assert "new version" in changed.output
    assert WorkflowVersion.objects(key="dao_pathway").count() == 2


def test_forms_sync_publishes_every_shipped_form_once(runner):
    result = runner.invoke(args=["forms", "sync"])
    assert result.exit_code == 0, result.output
    shipped = len(list((Path(__file__).resolve().parents[2] / "forms" / "definitions").glob("*.json")))
    assert FormDefinition.objects(status="published").count() == shipped
    again = runner.invoke(args=["forms", "sync"])
    assert again.exit_code == 0 and FormDefinition.objects.count() == shipped


def test_check_stores_nothing_and_sync_names_the_broken_file_while_the_others_sync(runner, tmp_path):
    from models.case import WorkflowVersion

    shipped = Path(__file__).resolve().parents[2] / "workflows"
    for name in ("dao_pathway.yaml", "partner_support.yaml", "community_programme.yaml"):
        (tmp_path / name).write_text((shipped / name).read_text())
    broken = (shipped / "community_programme.yaml").read_text().replace("duration: {weeks: 2}",
                                                                         "duration: {days: 0.5}", 1)
    (tmp_path / "community_programme.yaml").write_text(broken)
    checked = runner.invoke(args=["workflows", "check", "--dir", str(tmp_path)])
    assert checked.exit_code == 1 and "is not a timescale" in checked.output and "{hours: 12}" in checked.output
    assert WorkflowVersion.objects.count() == 0
    synced = runner.invoke(args=["workflows", "sync", "--dir", str(tmp_path)])
    assert synced.exit_code == 1
    assert "community_programme.yaml" in synced.output and "not synced" in synced.output
    assert sorted(WorkflowVersion.objects.distinct("key")) == ["dao_pathway", "partner_support"]


def test_migrate_moves_live_cases_with_a_checked_state_mapping(runner, tmp_path, synced, make_case):
    from models.case import Case, CaseEvent

    old = make_case(workflow_key="partner_support", kind="partner")
    closed = make_case(workflow_key="partner_support", kind="partner", status="closed")
    source = (Path(__file__).resolve().parents[2] / "workflows" / "partner_support.yaml").read_text()
    renamed = source.replace("awaiting_allocation", "to_allocate")
    (tmp_path / "partner_support.yaml").write_text(renamed)
    assert runner.invoke(args=["workflows", "sync", "--dir", str(tmp_path)]).exit_code == 0
    refused = runner.invoke(args=["workflows", "migrate", "partner_support"])
    assert refused.exit_code != 0
    assert "live cases are in 'awaiting_allocation'" in refused.output
    assert "--map awaiting_allocation=" in refused.output
    bad = runner.invoke(args=["workflows", "migrate", "partner_support", "--map", "awaiting_allocation=nowhere"])
    assert bad.exit_code != 0 and "'nowhere' is not a state of the new version" in bad.output
    dry = runner.invoke(args=["workflows", "migrate", "partner_support", "--map",
                              "awaiting_allocation=to_allocate", "--dry-run"])
    assert dry.exit_code == 0 and "1 case(s) would move to version 2" in dry.output
    assert Case.objects.get(pk=old.pk).workflow_version == 1
    done = runner.invoke(args=["workflows", "migrate", "partner_support", "--map", "awaiting_allocation=to_allocate"])
    assert done.exit_code == 0 and "1 case(s) of partner_support moved" in done.output
    moved = Case.objects.get(pk=old.pk)
    assert (moved.workflow_version, moved.state) == (2, "to_allocate")
    assert Case.objects.get(pk=closed.pk).workflow_version == 1
    assert CaseEvent.objects(case_id=old.pk, name="workflow_migrated").count() == 1


def test_migrate_gives_running_deadlines_the_new_versions_rules(runner, tmp_path, synced, make_case, now):
    from models.case import Case
    from models.deadline import Deadline
    from services.deadlines.tracking import start_deadline

    case = make_case(workflow_key="partner_support", kind="partner")
    first = start_deadline(case, "first_contact", now=now)
    source = (Path(__file__).resolve().parents[2] / "workflows" / "partner_support.yaml").read_text()
    longer = source.replace("duration: {weeks: 2}", "duration: {weeks: 3}", 1)
    assert longer != source
    (tmp_path / "partner_support.yaml").write_text(longer)
    assert runner.invoke(args=["workflows", "sync", "--dir", str(tmp_path)]).exit_code == 0
    done = runner.invoke(args=["workflows", "migrate", "partner_support"])
    assert done.exit_code == 0, done.output
    carried = Deadline.objects.get(pk=first.pk)
    assert carried.duration == {"weeks": 3} and carried.workflow_version == 2 and carried.active
    assert (carried.due_at - first.due_at).days == 7  # counted again from when it started
    assert Case.objects.get(pk=case.pk).next_due_at == carried.due_at
    # A version without the deadline cancels it, with the reason on the case.
    without = longer.replace("      - start_deadline: first_contact\n", "")
    without = without[:without.index("\ndeadlines:")] + "\ndeadlines: []\n"
    (tmp_path / "partner_support.yaml").write_text(without)
    synced_again = runner.invoke(args=["workflows", "sync", "--dir", str(tmp_path)])
    assert synced_again.exit_code == 0 and "version 3" in synced_again.output.replace("v3", "version 3"), \
        synced_again.output
    done = runner.invoke(args=["workflows", "migrate", "partner_support"])
    assert done.exit_code == 0, done.output
    gone = Deadline.objects.get(pk=first.pk)
    assert gone.status == "cancelled" and not gone.active
    assert "has no such deadline" in gone.closed_reason
