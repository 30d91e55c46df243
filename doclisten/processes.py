"""One command, several processes: ``doclisten crawl --processes N`` and ``doclisten run --processes N``.

The crawl is CPU-bound in doclisten's own code (extraction, feedparser, language and sentiment,
MinHash, storage), and one Scrapy process uses one core. So a command runs N copies of the same
in-process crawl (``doclisten.runner``), each in a child forked from this process once it has imported
what they run (``doclisten.runner.preload``), before any reactor is installed or any thread started
(``can_fork``); where that cannot be, in a fresh interpreter (``python -m doclisten.child``):

- ``crawl``: the parent starts the one ``crawls`` row and splits the sources by site (a site's sources
  stay in one process, so its robots.txt, politeness and connection pool stay in one place), each
  process crawls its share into that row, and the parent finishes the row once they are all done;
- ``run``: N workers claim from the same due queue; only the first reconciles.

Children report to the parent on a pipe (JSON lines: ``ready``, progress counts, what a stop
finishes); the parent shows one progress line and says "stopping: …" once. Children run in their own
process group: a Ctrl-C on the terminal reaches the parent only, which forwards each SIGINT/SIGTERM
(the first stops gracefully, the second aborts). A child dies with its parent (its stdin closes).
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO, NoReturn
from urllib.parse import urlsplit

from doclisten.config import Config

# say(n, signum, forced): what a command says on the first SIGINT/SIGTERM (forced=False) or the second, told
# how many sources the stop finishes (or abandons); a split command says it once, for all its children
StopLine = Callable[[int, int, bool], None]


# A crawl's default split: one more process per this many sites. Another process costs its start (under a
# second of CPU when forked, about 4 s as a fresh interpreter) and ~240 MB (bench/RESULTS.md, "Both cores");
# a smaller crawl is over before that pays off.
SITES_PER_PROCESS = 10


def default_processes() -> int:
    return os.cpu_count() or 1


def auto_processes(sites: int, cores: int | None = None) -> int:
    """``crawl`` without ``--processes``: one per core, but only one per ``SITES_PER_PROCESS`` sites."""
    return max(1, min(cores or default_processes(), sites // SITES_PER_PROCESS))


def sites_of(urls: Sequence[str]) -> int:
    return len({site_of(url) for url in urls})


def site_of(url: str) -> str:
    """Where a source lives, for the split: host and port (Scrapy keeps politeness per host)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def split(sources: Sequence[tuple[int, str, int]], processes: int) -> list[list[int]]:
    """(source id, home URL, expected work) -> at most ``processes`` shares of source ids.

    The sources of one site stay together; sites go, the largest first, to the share with the least
    work so far."""
    sites: dict[str, list[tuple[int, int]]] = {}
    for source_id, url, work in sources:
        sites.setdefault(site_of(url), []).append((source_id, max(1, work)))
    shares: list[list[int]] = [[] for _ in range(max(1, min(processes, len(sites))))]
    load = [0] * len(shares)
    for group in sorted(sites.values(), key=lambda g: (-sum(w for _, w in g), g[0][0])):
        i = min(range(len(shares)), key=lambda k: (load[k], k))
        shares[i].extend(source_id for source_id, _ in group)
        load[i] += sum(w for _, w in group)
    return [sorted(share) for share in shares if share]


def child_spec(role: str, config: Config, overrides: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """What a child runs (sent on its stdin: the configuration holds secrets, the command line is public)."""
    return {"role": role, "config": asdict(config), "overrides": overrides, **extra}


class Forked:
    """A child forked from this process: what the supervisor uses of ``subprocess.Popen``."""

    def __init__(self, pid: int, stdin: BinaryIO):
        self.pid, self.stdin = pid, stdin
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def can_fork() -> bool:
    """Whether a child forked from this process starts as a fresh interpreter would: no Twisted reactor
    installed (a forked one would share its epoll set with the parent's) and no other thread (a fork
    copies only the calling thread, and a lock another thread held stays locked). Not on macOS, whose
    system libraries may run threads of their own (CPython's multiprocessing does not fork there either)."""
    return (
        hasattr(os, "fork")
        and sys.platform != "darwin"
        and threading.active_count() == 1
        and "twisted.internet.reactor" not in sys.modules
    )


def _forked_child(spec: dict[str, Any], stdin: int, report_fd: int) -> NoReturn:
    """In a child just forked: become what ``python -m doclisten.child`` is (its own process group, the
    default signal handlers and logging, no file descriptor but stdio and the report pipe), run the
    spec, exit with its status."""
    code = 1
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.freeze()  # the parent's objects stay the parent's: none is collected (and closes its fds) here
        os.dup2(stdin, 0)
        os.closerange(3, report_fd)
        os.closerange(report_fd + 1, os.sysconf("SC_OPEN_MAX"))
        logging.root.handlers.clear()
        logging.root.setLevel(logging.WARNING)
        from doclisten import child

        code = child.main(spec)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except KeyboardInterrupt:  # as an interpreter ends on an uncaught one: killed by SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException:
        traceback.print_exc()
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


@dataclass
class Child:
    spec: dict[str, Any]
    proc: subprocess.Popen[bytes] | Forked | None = None
    ready: bool = False
    closed: bool = False  # its report pipe reached EOF
    signals: list[int] = field(default_factory=list)  # forwarded
    pending: list[int] = field(default_factory=list)  # to forward once it is ready
    counts: dict[str, int] = field(default_factory=dict)
    stops: dict[bool, int] = field(default_factory=dict)  # forced -> sources it said it finishes

    @property
    def done(self) -> bool:
        return self.closed and self.proc is not None and self.proc.poll() is not None


class Supervisor:
    """Starts the children, relays what they report, forwards shutdown signals, waits for them all."""

    def __init__(
        self,
        specs: Sequence[dict[str, Any]],
        on_stop: StopLine,
        on_ready: Callable[[], None] | None = None,
        on_progress: Callable[[dict[str, int]], None] | None = None,
        fork: bool | None = None,
    ):
        """``fork``: children forked from this process (None: when ``can_fork``), else fresh interpreters."""
        self.fork = fork
        self.children = [Child(dict(spec)) for spec in specs]
        self.on_stop, self.on_ready, self.on_progress = on_stop, on_ready, on_progress
        self.inbox: queue.Queue[tuple[int, dict[str, Any] | None]] = queue.Queue()
        self.received: list[int] = []  # signals the handler saw, handled by the loop
        self.handled = 0
        self.announce: bool | None = None  # forced: the stop line still to say
        self.signum: int = signal.SIGTERM  # the signal that asked for the stop
        self.stopped = self.aborted = False
        self.errors: list[str] = []  # what failed children would have said (each once; the caller says it)

    def run(self) -> list[int]:
        """Exit codes of the children (a negative one: killed by that signal)."""
        handler = lambda signum, _frame: self.received.append(signum)  # noqa: E731
        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:  # the handlers are in before any child exists: no signal of the start-up is missed
            fork = can_fork() if self.fork is None else self.fork
            if fork and self.children:
                from doclisten.runner import build_settings, preload

                first = self.children[0].spec
                preload(build_settings(Config(**first["config"]), first["overrides"]))  # once, for them all
                fork = can_fork()
            reports = [self._spawn(child, fork) for child in self.children]  # no thread yet: see can_fork
            for index, report in enumerate(reports):
                threading.Thread(target=self._read, args=(index, report), daemon=True).start()
            while not all(child.done for child in self.children):
                self._step(timeout=0.2)
            while not self.inbox.empty():
                self._step(timeout=0)
            return [child.proc.wait() for child in self.children if child.proc is not None]
        finally:
            for child in self.children:
                if child.proc is None:
                    continue
                if child.proc.poll() is None:
                    child.proc.kill()
                    child.proc.wait()
                if child.proc.stdin is not None:
                    child.proc.stdin.close()
            for sig, old in previous.items():
                signal.signal(sig, old)

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for child in self.children:
            for name, value in child.counts.items():
                out[name] = out.get(name, 0) + value
        return out

    def _spawn(self, child: Child, fork: bool) -> int:
        """Start ``child``; returns the read end of its report pipe. Its stdin stays open: its end tells the
        child the parent is gone."""
        read, write = os.pipe()
        spec = {**child.spec, "report_fd": write}
        try:
            if fork:
                child.proc = self._fork(spec, write)
            else:
                child.proc = subprocess.Popen(
                    [sys.executable, "-m", "doclisten.child"],
                    stdin=subprocess.PIPE,
                    pass_fds=(write,),
                    process_group=0,  # not in the terminal's foreground group: Ctrl-C reaches the parent only
                )
                assert child.proc.stdin is not None
                child.proc.stdin.write(json.dumps(spec).encode() + b"\n")
                child.proc.stdin.flush()
        finally:
            os.close(write)
        return read

    @staticmethod
    def _fork(spec: dict[str, Any], report_fd: int) -> Forked:
        stdin_read, stdin_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _forked_child(spec, stdin_read, report_fd)
        os.close(stdin_read)
        with contextlib.suppress(OSError):  # the child does it too; whichever comes first
            os.setpgid(pid, pid)
        return Forked(pid, os.fdopen(stdin_write, "wb"))

    def _read(self, index: int, fd: int) -> None:
        try:
            with os.fdopen(fd, "rb") as pipe:
                for line in pipe:
                    self.inbox.put((index, json.loads(line)))
        finally:
            self.inbox.put((index, None))

    def _step(self, timeout: float) -> None:
        while self.handled < len(self.received):
            self._signal(self.received[self.handled])
            self.handled += 1
        try:
            index, message = self.inbox.get(timeout=timeout) if timeout else self.inbox.get_nowait()
        except queue.Empty:
            message, index = None, -1
        if index >= 0:
            self._message(self.children[index], message)
        self._say_stop()

    def _message(self, child: Child, message: dict[str, Any] | None) -> None:
        if message is None:
            child.closed = True
        elif "ready" in message:
            child.ready = True
            for signum in child.pending:
                self._forward(child, signum)
            child.pending.clear()
            if self.on_ready is not None and all(c.ready for c in self.children):
                self.on_ready()
        elif "progress" in message:
            child.counts = message["progress"]
            if self.on_progress is not None:
                self.on_progress(self.totals())
        elif "stop" in message:
            child.stops[bool(message["forced"])] = int(message["stop"])
        elif "error" in message and message["error"] not in self.errors:
            self.errors.append(str(message["error"]))

    def _signal(self, signum: int) -> None:
        """The first SIGINT/SIGTERM: every child stops gracefully; the second: they abort; a third kills."""
        forced = self.stopped
        if self.aborted:
            for child in self.children:
                if child.proc is not None and child.proc.poll() is None:
                    child.proc.kill()
            return
        self.stopped, self.aborted = True, forced
        self.signum = signum
        self.announce = forced
        for child in self.children:
            if child.ready:
                self._forward(child, signum)
            elif forced and child.proc is not None:  # it has not begun anything
                child.proc.kill()
            else:
                child.pending.append(signum)

    def _forward(self, child: Child, signum: int) -> None:
        if child.proc is not None and child.proc.poll() is None:
            child.signals.append(signum)
            child.proc.send_signal(signum)

    def _say_stop(self) -> None:
        """Once every signalled child told what it finishes (or ended), say it once for them all."""
        forced = self.announce
        if forced is None:
            return
        signalled = [c for c in self.children if c.signals and not c.closed]
        if any(forced not in c.stops for c in signalled):
            return
        self.announce = None
        self.on_stop(sum(c.stops.get(forced, 0) for c in self.children if c.signals), self.signum, forced)


def worst(codes: Sequence[int]) -> int:
    """The exit code of the parent: 0 when every child exited 0, else the worst (a signal counts as 128+N)."""
    return max((code if code >= 0 else 128 - code for code in codes), default=0)
