"""One process of ``doclisten crawl/run --processes N`` (internal): forked from the parent
(``doclisten.processes``), or ``python -m doclisten.child`` where the parent cannot fork.

Runs what it is given (``doclisten.processes.child_spec``; a fresh interpreter reads it as one JSON line
on stdin) in-process (``doclisten.runner``) and reports to the parent on the pipe it was given (JSON
lines). When its stdin ends, the parent is gone (kill -9 included) and the child kills itself the same
way.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from typing import Any, BinaryIO

import click

from doclisten.cli.common import guard
from doclisten.config import Config


class Reporter:
    """JSON lines to the parent (from the reactor thread; a lock keeps lines whole anyway)."""

    def __init__(self, pipe: BinaryIO):
        self.pipe = pipe
        self.lock = threading.Lock()

    def __deepcopy__(self, memo: dict[int, Any]) -> Reporter:  # Scrapy copies settings: one pipe
        return self

    def send(self, **message: Any) -> None:
        with self.lock:
            try:
                self.pipe.write(json.dumps(message).encode() + b"\n")
                self.pipe.flush()
            except (BrokenPipeError, ValueError):  # the parent is gone: the stdin watcher ends us
                pass

    def ready(self) -> None:
        self.send(ready=True)

    def progress(self, counts: dict[str, int]) -> None:
        self.send(progress=counts)

    def stopping(self, session: Any, signum: int, forced: bool) -> None:
        """``on_stop`` of the runner: the parent says it, once for all its children."""
        self.send(stop=session.in_progress(), forced=forced)


def _die_with_parent() -> None:
    while os.read(0, 65536):  # unbuffered: no lock for the interpreter's shutdown to wait for
        pass
    os.kill(os.getpid(), signal.SIGKILL)


def run_child(spec: dict[str, Any], report: Reporter) -> None:
    from doclisten.runner import Session, run

    config = Config(**spec["config"])
    overrides = dict(spec["overrides"])
    if spec["role"] == "crawl":
        overrides["DOCLISTEN_PROGRESS_REPORT"] = report.progress

        async def steps(session: Session) -> int:
            report.ready()  # the signal handlers are in before the first step
            return await session.crawl(share=spec["share"], crawl_id=spec["crawl_id"])

        run(config, steps, overrides, report.stopping)
    elif spec["role"] == "work":
        from doclisten.commands.schedule import work

        work(config, overrides, bool(spec["reconcile"]), report.stopping, report.ready)
    else:
        raise ValueError(f"unknown role {spec['role']!r}")


def main(spec: dict[str, Any] | None = None) -> int:
    """Run the spec given (a child forked by the parent) or read from stdin (a fresh interpreter)."""
    if spec is None:
        spec = json.loads(sys.stdin.buffer.readline())
    threading.Thread(target=_die_with_parent, daemon=True).start()
    report = Reporter(os.fdopen(spec["report_fd"], "wb"))
    try:
        with guard():
            run_child(spec, report)
    except click.ClickException as exc:  # the parent says it, once for all its children
        report.send(error=exc.format_message())
        return 1
    except click.Abort:  # aborted by a second signal
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
