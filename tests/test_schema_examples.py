"""Every SQL example of docs/schema.md runs, through ``doclisten sql``'s ``run_sql``, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.analyst.sql import run_sql
from tests.analyst_data import fill

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
EXAMPLES = re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), re.S)


def test_the_doc_has_examples() -> None:
    assert len(EXAMPLES) >= 9


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.split("\n")[0][:40] for e in EXAMPLES])
def test_schema_example_runs(db_url: str, example: str) -> None:
    fill(db_url)
    names, rows = run_sql(db_url, example)
    assert names
    list(rows)
