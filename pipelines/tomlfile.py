"""A TOML settings file of the user's (keyword rules, alert rules), read with one-line errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from crawler.exceptions import DoclistenError


def read_toml_text(text: str, where: str, error: type[DoclistenError]) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not valid TOML: {exc}") from None


def read_toml_file(file: Path, what: str, env: str, error: type[DoclistenError]) -> dict[str, Any]:
    """The TOML in ``file``; ``error`` with one line naming the file (and ``env``, which names it) if not."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{what} not found: {file} (see {env})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} {file}: {exc}") from None
    return read_toml_text(text, str(file), error)
