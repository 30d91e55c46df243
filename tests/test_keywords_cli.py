"""`doclisten keywords list|test|retag`: help, output, environment, one-line errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from doclisten.cli.main import main


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env or {}, input=stdin, catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["list"], ["test"], ["retag"]])
def test_help(command: list[str]) -> None:
    result = run("keywords", *command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_list_shows_the_bundled_taxonomy_by_group() -> None:
    result = run("keywords", "list", "--group", "brand")
    assert result.exit_code == 0
    assert "Accu-Chek" in result.output and "Accu Chek" in result.output
    assert "Roche" not in result.output.split("rules from")[0]
    assert result.output.rstrip().endswith("rules from bundled DOC taxonomy")
    assert "no group 'gadgets'" in run("keywords", "list", "--group", "gadgets").output


def test_test_explains_matches_and_near_misses() -> None:
    text = "We rode a tandem bike to the Roche event; my ACCU-CHEK died on the way."
    result = run("keywords", "test", text, "--all")
    assert result.exit_code == 0
    assert "Roche (company) ×1" in result.output and "Accu-Chek (brand) ×1" in result.output
    assert "Tandem Diabetes Care (company) no match" in result.output
    assert "Tandem[1] NEAR/4" in result.output  # why: the query with what each term found
    piped = run("keywords", "test", "-", stdin="Humalog costs too much")
    assert "Humalog (brand) ×1" in piped.output


def test_rules_file_from_option_or_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "k.toml"
    rules.write_text('[[brand]]\nname = "Sugarmate"\nvariants = ["Sugarmate", "Sugar Mate"]\n')
    assert "1 rules from" in run("keywords", "list", "--file", str(rules)).output
    result = run("keywords", "test", "sugar-mate alerts", env={"DOCLISTEN_KEYWORDS_FILE": str(rules)})
    assert "Sugarmate (brand) ×1" in result.output and "1 of 1 rules match" in result.output


def test_errors_are_one_line_without_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[topic]]\nname = "x"\nquery = "insulin AND (pump"\n')
    for args in (["list", "--file", str(bad)], ["test", "hi", "--file", str(tmp_path / "none.toml")]):
        result = run("keywords", *args)
        assert result.exit_code == 1
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output
    assert "missing ')'" in run("keywords", "list", "--file", str(bad)).output


def test_retag_reports_progress_and_totals(sqlite_url) -> None:  # type: ignore[no-untyped-def]
    result = run("--database-url", sqlite_url, "keywords", "retag", "--batch-size", "5")
    assert result.exit_code == 0
    assert "retagged 0 posts and 0 comments: 0 keyword matches" in result.output
    broken = run("--database-url", "nosuch://x", "keywords", "retag")
    assert broken.exit_code == 1 and broken.output.startswith("Error: ")
