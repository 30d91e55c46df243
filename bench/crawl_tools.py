"""Helpers of ``bench/crawl_bench.py``: the farm process, throwaway databases (and their simulated
clock), timed CLI runs with RSS sampling, and a py-spy / cProfile breakdown of a crawl process."""

from __future__ import annotations

import contextlib
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, and_, bindparam, create_engine, inspect, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.store.models import Base

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PG_ADMIN_URL = os.environ.get("DOCLISTEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
FAST = ["--delay", "0", "--concurrency", "8"]
# Tables a recrawl may write to (bookkeeping); every other table holds content.
BOOKKEEPING = frozenset(
    {"sources", "crawls", "source_crawls", "fetch_errors", "url_validators", "alembic_version"}
)

# Timestamps that are the farm's (the blog's) clock, not the crawler's: a simulated delay leaves them.
CONTENT_CLOCK = frozenset(
    {
        ("posts", "published_at"),
        ("posts", "updated_at"),
        ("posts", "last_comment_at"),
        ("comments", "published_at"),
    }
)


# ---------------------------------------------------------------------------------- farm


class FarmProcess:
    """``bench/farm.py`` in a subprocess; ends when this object is closed (stdin EOF + SIGTERM)."""

    def __init__(self, blogs: int, posts: int, comments: str, seed: int = 1):
        self.proc = subprocess.Popen(
            [sys.executable, str(BENCH / "farm.py"), "--stdin-eof"]
            + ["--blogs", str(blogs), "--posts", str(posts), "--comments", comments, "--seed", str(seed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.close()
            raise RuntimeError("the farm did not start")
        self.manifest: dict[str, Any] = json.loads(line)
        self.control = self.manifest["control"]
        self.homes = [b["home"] for b in self.manifest["blogs"]]

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(self.control + path, timeout=30) as res:
            return json.loads(res.read())

    def count(self) -> int:
        return self._get("count")["requests"]

    def log(self, since: int = 0) -> list[list[Any]]:
        return self._get(f"log?from={since}")

    def stats(self) -> dict[str, Any]:
        return self._get("stats")

    def add_comments(self, share: float, per_post: int = 1, seed: int = 1) -> list[dict[str, Any]]:
        """New comments, dated now, on ``share`` of every blog's posts (``/add-comments``)."""
        return self._get(f"add-comments?share={share}&per-post={per_post}&seed={seed}")

    def url(self, entry: list[Any]) -> str:
        return self.homes[entry[1]].rstrip("/") + entry[3]

    def close(self) -> None:
        if self.proc.poll() is None:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


# ---------------------------------------------------------------------------------- databases


class Database:
    """A throwaway SQLite file or PostgreSQL database (created here, dropped by ``close``)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.tmp = tempfile.TemporaryDirectory(prefix="doclisten-bench-")
        if kind == "sqlite":
            self.url = f"sqlite:///{self.tmp.name}/bench.db"
        else:
            self.name = f"doclisten_bench_{uuid.uuid4().hex[:10]}"
            try:
                self._admin(f'CREATE DATABASE "{self.name}"')
            except Exception:
                self.tmp.cleanup()
                raise
            pg = make_url(PG_ADMIN_URL).set(database=self.name, drivername="postgresql+psycopg")
            self.url = pg.render_as_string(hide_password=False)
        self.engine: Any = None

    def _admin(self, sql: str) -> None:
        admin = create_engine(
            make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        try:
            with admin.connect() as conn:
                conn.execute(text(sql))
        finally:
            admin.dispose()

    def query(self, sql: str, **params: Any) -> list[Any]:
        if self.engine is None:
            self.engine = create_engine(self.url)
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())

    def tables(self) -> list[str]:
        if self.engine is None:
            self.engine = create_engine(self.url)
        return sorted(t for t in inspect(self.engine).get_table_names() if t != "alembic_version")

    def snapshot(self) -> dict[str, Any]:
        """Row counts of every table and the newest write stamps of posts and comments."""
        out: dict[str, Any] = {t: self.query(f"SELECT count(*) FROM {t}")[0][0] for t in self.tables()}
        for table, columns in (
            ("posts", ("first_seen_at", "last_changed_at", "last_seen_at")),
            ("comments", ("first_seen_at", "last_seen_at")),
        ):
            row = self.query(f"SELECT {', '.join(f'max({c})' for c in columns)} FROM {table}")[0]
            out.update({f"{table}.{c}": str(v) for c, v in zip(columns, row, strict=True)})
        return out

    def tuple_writes(self) -> dict[str, tuple[int, int, int]]:
        """PostgreSQL: rows inserted, updated, deleted per table since the database was created."""
        if self.kind != "postgresql":
            return {}
        self.dispose()  # a fresh connection sees the statistics flushed by the crawl process
        rows = self.query("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables")
        return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}

    def shift_clock(self, hours: float, since: datetime) -> int:
        """Simulate ``hours`` passing: move every time the crawler wrote (each timestamp column, values
        at or after ``since``) back by ``hours``; the farm's own dates (when a post or comment was
        published or edited, and ``posts.last_comment_at``, which follows them) stay. Returns the
        values moved."""
        if self.engine is None:
            self.engine = create_engine(self.url)
        delta, moved = timedelta(hours=hours), 0
        present = set(self.tables())
        with self.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    continue
                keys = list(table.primary_key.columns)
                for col in table.columns:
                    if not isinstance(col.type, DateTime) or (table.name, col.name) in CONTENT_CLOCK:
                        continue
                    rows = conn.execute(select(*keys, col).where(col >= since)).all()
                    if not rows:
                        continue
                    where = and_(*(k == bindparam(f"key_{k.name}") for k in keys))
                    conn.execute(
                        update(table).where(where).values({col.name: bindparam("shifted")}),
                        [
                            {**{f"key_{k.name}": r[i] for i, k in enumerate(keys)}, "shifted": r[-1] - delta}
                            for r in rows
                        ],
                    )
                    moved += len(rows)
        return moved

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def close(self) -> None:
        self.dispose()
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.tmp.cleanup()


# ---------------------------------------------------------------------------------- timed runs


def crawl_args(processes: int | None = None) -> list[str]:
    """``crawl`` with the benchmark's speed options (and ``--processes`` when given)."""
    return ["crawl", *FAST, *(["--processes", str(processes)] if processes else [])]


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (``doclisten crawl --processes N`` runs N children)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            todo.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
    return out


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB of a process and its descendants, summed, from /proc (0, 0 once gone)."""
    values = {"VmRSS": 0, "VmHWM": 0}
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in values:
                    values[name] += int(rest.split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return values["VmRSS"], values["VmHWM"]


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the process (and its children)
    returncode: int
    stdout: str
    stderr: str
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)  # (t, farm count, rss, hwm)

    @property
    def peak_rss_mb(self) -> float:
        return max((s[3] for s in self.samples), default=0) / 1024


def env_for(db_url: str) -> dict[str, str]:
    env = dict(os.environ, DOCLISTEN_DATABASE_URL=db_url, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
    for name in ("DOCLISTEN_REDIS_URL", "DOCLISTEN_KEYWORDS_FILE", "DOCLISTEN_DEBUG"):
        env.pop(name, None)
    return env


def run_timed(
    argv: list[str],
    env: dict[str, str],
    farm: FarmProcess | None = None,
    every: float = 1.0,
    cwd: Path = ROOT,
) -> Run:
    """Run a command, sampling its RSS (and the farm's request count) every ``every`` seconds."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        samples: list[tuple[float, int, int, int]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                rss, hwm = rss_kb(proc.pid)
                if rss:
                    samples.append((time.perf_counter() - t0, farm.count() if farm else 0, rss, hwm))
                stop.wait(every)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, code, out.read(), err.read(), samples)


def doclisten(*args: str, db_url: str, farm: FarmProcess | None = None, profile: Path | None = None) -> Run:
    prefix = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    run = run_timed([*prefix, "-m", "doclisten.cli.main", *args], env_for(db_url), farm)
    if run.returncode != 0:
        raise RuntimeError(f"doclisten {' '.join(args[:2])} failed ({run.returncode}):\n{run.stderr[-3000:]}")
    return run


# ---------------------------------------------------------------------------------- profile


# (label, "incl" or "self", [(file suffix, function)]); functions match cProfile's names and py-spy's
# ("Class.method"); C functions are seen by cProfile only, py-spy sees their Python callers' self time.
# Function "*" matches every function of the files whose path contains the suffix (a folder or a file):
# storage is everything under pipelines/store/ (and the storage pipeline and a writer module), in
# whichever thread it runs (the reactor's, or a writer thread's).
STORAGE = [
    ("pipelines/storage.py", "*"),
    ("pipelines/store/", "*"),
    ("pipelines/writer.py", "*"),
]
# A thread waiting for work (a writer's or a thread pool's queue, a lock): idle, not storage.
IDLE_WAIT = [
    ("threading.py", "wait"),
    ("concurrent/futures/thread.py", "_worker"),
    ("~", "<method 'acquire' of '_thread.lock' objects>"),
    ("~", "<method 'get' of '_queue.SimpleQueue' objects>"),
]
PROFILE_PARTS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "idle: event loop waiting for the network",
        "self",
        [("~", "<method 'poll' of 'select.epoll' objects>"), ("selectors.py", "select")],
    ),
    ("idle: thread waiting for work (queue, lock)", "self", IDLE_WAIT),
    ("pipeline: storage (all SQL work)", "incl", STORAGE),
    ("  storage: merge_comments", "incl", [("pipelines/store/comments.py", "merge_comments")]),
    ("  storage: save_post", "incl", [("pipelines/store/posts.py", "save_post")]),
    (
        "  storage: post annotations (neardup, keywords)",
        "incl",
        [("pipelines/store/analysis.py", "store_post_annotations")],
    ),
    (
        "  storage: comment annotations",
        "incl",
        [("pipelines/store/analysis.py", "store_comment_annotations")],
    ),
    (
        "  storage: full-text search index",
        "incl",
        [("search_index.py", "index_post"), ("search_index.py", "index_comments")],
    ),
    ("  SQLAlchemy Session.execute (everywhere)", "incl", [("sqlalchemy/orm/session.py", "execute")]),
    (
        "  the database driver: SQLite calls, PostgreSQL round trips",
        "self",
        [
            ("~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
            ("~", "<method 'executemany' of 'sqlite3.Cursor' objects>"),
            ("~", "<method 'commit' of 'sqlite3.Connection' objects>"),
            ("sqlalchemy/engine/default.py", "do_execute"),
            ("sqlalchemy/engine/default.py", "do_executemany"),
            ("sqlalchemy/engine/default.py", "do_commit"),
            ("psycopg/connection.py", "wait"),
            ("psycopg/_cursor_base.py", "_send_query_prepared"),
        ],
    ),
    ("pipeline: enrich (language, sentiment)", "incl", [("pipelines/enrich.py", "process_item")]),
    ("pipeline: keywords", "incl", [("keywords/pipeline.py", "process_item")]),
    ("pipeline: dedup (MinHash)", "incl", [("pipelines/dedup.py", "process_item")]),
    ("pipeline: normalize", "incl", [("pipelines/normalize.py", "process_item")]),
    ("pipeline: schedule", "incl", [("scheduler/pipeline.py", "process_item")]),
    ("spider: feeds and comment feeds (feedparser)", "incl", [("crawler/feeds.py", "_raw_parse")]),
    ("spider: post pages (extract_page)", "incl", [("crawler/extract/page.py", "extract_page")]),
    ("spider: archive pages (extract_links)", "incl", [("crawler/extract/links.py", "extract_links")]),
    ("spider: REST comments", "incl", [("crawler/extract/wp_rest.py", "parse_rest_comments")]),
]
LOOP = [("asyncio/base_events.py", "run_forever")]
OUTSIDE_LOOP = "start-up, imports, shutdown (outside the event loop)"
Row = tuple[str, float | None, float | None]  # (part, seconds, share); None: not measured for this thread


def _matches(name: str, filename: str, keys: list[tuple[str, str]]) -> bool:
    name = name.replace("{", "<").replace("}", ">")
    path = "/" + filename.replace("\\", "/")
    return any(
        ("/" + sfx in path)
        if fn == "*"
        else (filename.endswith(sfx) and (name == fn or name.endswith("." + fn)))
        for sfx, fn in keys
    )


def _rows(value: Any, wall: float, main: bool = True, scale: float = 1.0) -> list[Row]:
    """Shares of each part (``value(mode, keys)`` is a share of the thread's samples), in seconds of
    ``wall`` (``scale``: the thread's samples over the main thread's). A storage part counts a sample
    only while the thread is busy (a writer waiting on its queue inside pipelines/store/ is idle)."""
    rows: list[Row] = [(label, value(mode, keys), None) for label, mode, keys in PROFILE_PARTS]
    rows.append((OUTSIDE_LOOP, 1.0 - value("incl", LOOP) if main else None, None))
    out: list[Row] = [
        (label, None if share is None else share * wall * scale, share) for label, share, _ in rows
    ]
    total = "total: the crawl process" if main else "total: the thread(s)"
    return [*out, (total, wall * scale, 1.0)]


def cprofile_breakdown(path: Path) -> list[Row]:
    """(part, seconds, share of the process's wall time) from a cProfile dump of a crawl."""
    stats = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    wall = max(ct for (_cc, _nc, _tt, ct, _callers) in stats.values())

    def value(mode: str, keys: list[tuple[str, str]]) -> float:
        total = 0.0
        for (filename, _line, name), (_cc, _nc, tt, ct, _callers) in stats.items():
            if _matches(name, filename, keys):
                total += tt if mode == "self" else ct
        return total / wall

    return _rows(value, wall)


Stack = tuple[list[tuple[str, str]], int]  # frames (function, file), outermost first; samples


def spy_stacks(path: Path) -> dict[str, list[Stack]]:
    """py-spy's raw (collapsed) stacks, recorded with --idle --threads, per thread label: "MainThread"
    and the other threads' names with their number dropped (a pool's threads are one label)."""
    names: dict[str, str] = {}
    by_tid: dict[str, list[Stack]] = {}
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames and re.match(r"process \d+:", frames[0].strip()):  # --subprocesses: the process first
            frames = frames[1:]
        head = re.match(r"thread \(([^)]*)\)(?::\s*(.*))?$", frames[0].strip())
        tid = head.group(1) if head else frames[0]
        if head and head.group(2):
            names[tid] = head.group(2).strip()
        parsed = []
        for frame in frames[1:] if head else frames:
            m = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
            parsed.append((m.group(1), m.group(2)) if m else (frame, ""))
        by_tid.setdefault(tid, []).append((parsed, int(count)))
    if by_tid and "MainThread" not in names.values():  # no name seen: the thread sampled most
        names[max(by_tid, key=lambda t: sum(n for _, n in by_tid[t]))] = "MainThread"
    out: dict[str, list[Stack]] = {}
    for tid, stacks in by_tid.items():
        name = names.get(tid, "unnamed")
        label = "MainThread" if name == "MainThread" else re.sub(r"[-_ ]?\d+(_\d+)?$", "", name) or name
        out.setdefault(label, []).extend(stacks)
    return out


def _stack_value(stacks: list[Stack]) -> Any:
    total = sum(n for _, n in stacks) or 1
    idle_labels = {"idle: event loop waiting for the network", "idle: thread waiting for work (queue, lock)"}
    idle_keys = [k for label, _m, keys in PROFILE_PARTS if label in idle_labels for k in keys]

    def value(mode: str, keys: list[tuple[str, str]]) -> float:
        if mode == "self":
            hits = sum(n for frames, n in stacks if frames and _matches(*frames[-1], keys))
        else:
            hits = sum(
                n
                for frames, n in stacks
                if any(_matches(*f, keys) for f in frames)
                and (keys is LOOP or not (frames and _matches(*frames[-1], idle_keys)))
            )
        return hits / total

    return value


def spy_thread_breakdowns(path: Path, wall: float, least: float = 0.02) -> list[dict[str, Any]]:
    """Every thread's breakdown: the main (reactor) thread first, then each other thread label (a
    writer, a thread pool) busy in at least ``least`` of the main thread's samples."""
    threads = spy_stacks(path)
    main = threads.get("MainThread", [])
    main_total = sum(n for _, n in main) or 1
    out = [{"thread": "MainThread", "samples": main_total, "rows": _rows(_stack_value(main), wall)}]
    others = []
    for label, stacks in threads.items():
        if label == "MainThread":
            continue
        total = sum(n for _, n in stacks)
        value = _stack_value(stacks)
        idle = value("self", IDLE_WAIT) + value("self", PROFILE_PARTS[0][2])
        busy = total * (1 - idle)
        if busy >= least * main_total:
            rows = _rows(value, wall, main=False, scale=total / main_total)
            others.append({"thread": label, "samples": total, "busy_share": 1 - idle, "rows": rows})
    others.sort(key=lambda t: -t["samples"] * t["busy_share"])
    return out + others


def spy_breakdown(path: Path, wall: float) -> list[Row]:
    """The main thread's breakdown (see :func:`spy_thread_breakdowns` for every thread)."""
    return spy_thread_breakdowns(path, wall)[0]["rows"]
