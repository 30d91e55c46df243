"""``python -m tests.no_fork_cli ARGS``: ``doclisten ARGS`` as where the parent cannot fork its children
(``doclisten.processes.can_fork`` false: another thread running, a reactor installed, macOS), so that a
split crawl's children are fresh interpreters (``python -m doclisten.child``)."""

from __future__ import annotations

from doclisten import processes
from doclisten.cli.main import main

processes.can_fork = lambda: False
main(prog_name="doclisten")
