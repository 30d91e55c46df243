"""``doclisten ARGS`` in a process of its own, without paying an interpreter's start for each.

A command that crawls needs a process of its own (a Twisted reactor runs once per process), and most of a
fresh ``python -m doclisten.cli.main`` is spent importing Scrapy, Twisted, SQLAlchemy, lxml, NumPy and the
rest (over a second of CPU, many times per test session). multiprocessing's forkserver keeps one clean
interpreter per test process with those modules imported (nothing started: no reactor installed, no
thread, no connection) and forks it for each command. The child is a new process with exactly the
environment, working directory, arguments, stdin (empty), stdout and stderr (files, not terminals) a
subprocess would get; it runs the CLI's own entry point and exits with its status, after the exit handlers
an interpreter runs. What it does not share with a fresh interpreter is only the imports already done.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

# what every crawling command imports anyway; each module is imported once, in the fork server
PRELOAD = [
    "doclisten.cli.main",
    "doclisten.runner",
    "doclisten.child",
    "crawler.spiders.blogs",
    "crawler.spiders.discover",
    "scrapy.crawler",
    "pipelines.enrich",
    "pipelines.neardup",
    "pipelines.store.db",
    "doclisten.commands.schedule",  # run, worker, scheduler
    "scipy.stats",  # the alert checks of run and scheduler
    "tests.forked_cli",
    "tests.forkserver_warm",  # last: what a crawler loads by name when it starts, the language model; gc.freeze
]

_CONTEXT: Any = None


def context() -> Any:
    """multiprocessing's forkserver context whose server has imported ``PRELOAD``: a ``Process`` of it starts
    without an interpreter's start and imports."""
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _CONTEXT = context
    return _CONTEXT


def _command(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: str,
    out: str,
    err: str,
    prog: str,
    python: Sequence[str] = (),
) -> None:
    """The child: become the process ``python -m doclisten.cli.main ARGS`` would be (with ``python``,
    ``["-m", MODULE]`` or ``[SCRIPT]``: ``python -m MODULE ARGS`` or ``python SCRIPT ARGS``), run it, exit.
    Its stdout and stderr go to the files ``out`` and ``err`` (made by the parent; the same path: one
    file)."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    for fd, path in ((1, out), (2, err)):
        if fd == 2 and err == out:
            os.dup2(1, 2)
            continue
        target = os.open(path, os.O_WRONLY | os.O_APPEND)
        os.dup2(target, fd)
        os.close(target)
    sys.argv = [prog, *args]
    code = 0
    try:
        if python[:1] == ["-m"]:
            sys.argv = [python[1], *args]
            runpy.run_module(python[1], run_name="__main__", alter_sys=True)
        elif python:
            sys.argv = [python[0], *args]
            sys.path.insert(0, str(Path(python[0]).resolve().parent))  # as for a script: its folder first
            runpy.run_path(python[0], run_name="__main__")
        else:
            from doclisten.cli.main import main

            main.main(args=list(args), prog_name=prog)
    except SystemExit as exc:  # click's standalone mode always ends here
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # what the interpreter does with an uncaught exception
        traceback.print_exc()
        code = 1
    finally:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def run(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    timeout: float,
    prog: str,
    python: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Like ``subprocess.run([python, -m, doclisten.cli.main, *args], capture_output=True, text=True)``
    (``python``: see ``_command``)."""
    with tempfile.TemporaryDirectory(prefix="doclisten-cli-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        process = start(args, env, cwd, prog, out, err, python)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise subprocess.TimeoutExpired(
                [prog, *args], timeout, out.read_text(), err.read_text()
            ) from None
        return subprocess.CompletedProcess([prog, *args], code, out.read_text(), err.read_text())


class Started:
    """A command started with ``start``: what a test uses of ``subprocess.Popen`` (pid, poll, wait,
    send_signal, kill, returncode; a negative code is the signal that ended it)."""

    def __init__(self, process: Any, args: list[str]):
        self.process, self.args = process, args

    @property
    def pid(self) -> int:
        return int(self.process.pid)

    @property
    def returncode(self) -> int | None:
        return self.poll()

    def poll(self) -> int | None:
        code = self.process.exitcode
        return None if code is None else int(code)

    def wait(self, timeout: float | None = None) -> int:
        self.process.join(timeout)
        code = self.poll()
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return code

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def start(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: Path,
    prog: str,
    out: Path,
    err: Path | None = None,
    python: Sequence[str] = (),
) -> Started:
    """Like ``subprocess.Popen([python, -m, doclisten.cli.main, *args], stdout=out, stderr=err)``, with the
    files ``out`` and ``err`` (emptied first; no ``err``: stderr goes to ``out`` too; ``python``: see
    ``_command``)."""
    for path in {out, err or out}:
        path.write_bytes(b"")
    process = context().Process(
        target=_command,
        args=(list(args), dict(env), str(cwd), str(out), str(err or out), prog, list(python)),
    )
    process.start()
    return Started(process, [prog, *args])
