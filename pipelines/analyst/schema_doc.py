"""What ``docs/schema.md`` says of each table and view, for the web view (``doclisten serve``).

``docs/schema.md`` is the one source of truth. The docs folder is not installed with the package, so its
descriptions are kept in ``schema_doc.json`` beside this module, generated from it:

    python -m pipelines.analyst.schema_doc docs/schema.md

``tests/test_serve_metadata.py`` fails when the two disagree.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

JSON_FILE = Path(__file__).with_name("schema_doc.json")
HEADING = re.compile(r"^## (\w+)$")
ROW = re.compile(r"^\| (\w+) \| (.*) \|$")


@dataclass(frozen=True)
class TableDoc:
    description: str  # the first paragraph under the table's heading (Markdown)
    columns: dict[str, str]  # column -> meaning (Markdown)


def parse(markdown: str) -> dict[str, TableDoc]:
    """Every ``## name`` section with a column table: its first paragraph and its columns."""
    out: dict[str, TableDoc] = {}
    name: str | None = None
    paragraph: list[str] = []
    columns: dict[str, str] = {}

    def close() -> None:
        if name and columns:
            out[name] = TableDoc(" ".join(paragraph), dict(columns))

    in_first_paragraph = False
    for line in markdown.splitlines():
        if m := HEADING.match(line):
            close()
            name, paragraph, columns, in_first_paragraph = m.group(1), [], {}, True
        elif name is None:
            continue
        elif m := ROW.match(line):
            in_first_paragraph = False
            if m.group(1) != "column":
                columns[m.group(1)] = m.group(2).strip()
        elif not line.strip() or line.startswith(("|", "#", "-", "```")):
            in_first_paragraph = in_first_paragraph and not paragraph
        elif in_first_paragraph:
            paragraph.append(line.strip())
    close()
    return out


def to_json(docs: dict[str, TableDoc]) -> str:
    data = {t: {"description": d.description, "columns": d.columns} for t, d in docs.items()}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"  # in the order of schema.md


def load() -> dict[str, TableDoc]:
    """The descriptions as generated from docs/schema.md."""
    data = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    return {t: TableDoc(d["description"], d["columns"]) for t, d in data.items()}


if __name__ == "__main__":  # pragma: no cover - the generator
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schema.md")
    JSON_FILE.write_text(to_json(parse(source.read_text(encoding="utf-8"))), encoding="utf-8")
    print(f"wrote {JSON_FILE}")
