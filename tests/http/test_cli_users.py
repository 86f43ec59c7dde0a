"""`flask users ...` commands."""

from models.user import User


def test_create_list_deactivate(runner):
    result = runner.invoke(args=["users", "create", "--email", "ann@example.org", "--name", "Ann Manager",
                                 "--role", "manager", "--team", "north", "--generate-password"])
    assert result.exit_code == 0, result.output
    assert "One-time password:" in result.output
    assert User.objects.get(email="ann@example.org").must_change_password
    listed = runner.invoke(args=["users", "list"])
    assert "ann@example.org" in listed.output and "active" in listed.output
    result = runner.invoke(args=["users", "deactivate", "ann@example.org"])
    assert result.exit_code == 0 and not User.objects.get(email="ann@example.org").active


def test_create_prompts_for_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "bo@example.org", "--role", "referrer"],
                           input="a-long-password-1\na-long-password-1\n")
    assert result.exit_code == 0, result.output


def test_errors_are_reported_not_raised(runner):
    result = runner.invoke(args=["users", "create", "--email", "bad", "--role", "referrer", "--generate-password"])
    assert result.exit_code != 0 and "email: Enter an email address" in result.output
    result = runner.invoke(args=["users", "deactivate", "ghost@example.org"])
    assert result.exit_code != 0 and "There is no user" in result.output
