"""Shared fixtures: databases (SQLite and a throwaway PostgreSQL database), the sample site, the CLI."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from tests import forked_cli
from tests.redis_server import PrivateRedis, RedisServerError

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("DOCLISTEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def service_unavailable(reason: str) -> None:
    """Skip outside CI; in CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: services must be available)")
    pytest.skip(reason)


def _pg_connect(dbname: str | None = None):  # type: ignore[no-untyped-def]
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_ADMIN_URL)
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username or "postgres",
        dbname=dbname or url.database,
        autocommit=True,
        connect_timeout=3,
    )


# cluster-wide, made by ``doclisten sql`` (pipelines/analyst/pg_readonly.py); see XDIST_GROUPS
READONLY_ROLE = "doclisten_readonly"
_ROLE_EXISTED = pytest.StashKey[bool]()


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _readonly_role_exists() -> bool:
    import psycopg

    try:
        with _pg_connect() as admin:
            return (
                admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READONLY_ROLE,)).fetchone()
                is not None
            )
    except psycopg.OperationalError:  # PostgreSQL unavailable: pg_url skips or fails with the reason
        return True


def pytest_sessionstart(session: pytest.Session) -> None:
    """The run (the xdist controller, or the one process without xdist) notes whether the role exists."""
    if not _is_xdist_worker(session.config):
        session.config.stash[_ROLE_EXISTED] = _readonly_role_exists()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected so far lives as long as the process: the garbage collector need
    not go through it again at every full collection (``run_in_process`` asks for one after each command;
    each took over 0.1 s with all of it). What is still garbage goes first."""
    gc.collect()
    gc.freeze()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this process's migrated templates; drop the role at the very end (after every worker is done)
    if this run made it."""
    import psycopg

    _TEMPLATE_CLEANUP.close()
    if _is_xdist_worker(session.config) or session.config.stash.get(_ROLE_EXISTED, True):
        return
    # its grants went with the throwaway databases; a database outside this run (another test run, a
    # bench) that still uses the role keeps it
    with (
        contextlib.suppress(psycopg.OperationalError, psycopg.errors.DependentObjectsStillExist),
        _pg_connect() as admin,
    ):
        admin.execute(f"DROP ROLE IF EXISTS {READONLY_ROLE}")


# ---------------------------------------------------------------------------- pytest-xdist (addopts: -n auto)
#
# Each worker is a process of its own with its own session fixtures (a sample site and its crawls, on free
# ports), tmp_path, throwaway PostgreSQL databases (uuid names) and private Redis servers (free ports); the
# shared Redis is used under uuid key prefixes. What workers would share, or do twice, is grouped: the test
# files of one group run on one worker, one test after the other (--dist loadgroup, by file: pytest-xdist's own
# xdist_group marks have no effect with pytest 9, whose node ids it cannot rename); every other test goes to
# whichever worker is free.
XDIST_GROUPS = {
    # doclisten sql on PostgreSQL: the cluster-wide doclisten_readonly role, which one test makes privileged
    "pg_readonly_role": ["test_sql_readonly.py", "test_analyst_sql.py", "test_schema_examples.py"],
    # the session's crawls of the sample site (session fixtures): crawled by one worker, once per backend
    "sample_crawl": [
        "test_analyst_report.py",
        "test_analyst_search.py",
        "test_cli_extract.py",
        "test_emerging.py",
        "test_report_charts.py",
        "test_crawl_e2e.py",
        "test_export_sqlite.py",
        "test_keywords_e2e.py",
        "test_progress.py",
        "test_privacy.py",
        "test_serve.py",
        "test_serve_browser.py",
    ],
    # the multi-process crawls (about 90 s of subprocesses): beside the group above, on a worker of their own,
    # which crawls the sample site once per backend for them (a few seconds) rather than queueing behind it
    "crawl_processes": ["test_crawl_processes.py"],
    # alerts on the sample crawls (a few minutes of checks and deliveries): beside the group above
    "alerts": ["test_alerts.py"],
    # a crawl in a module fixture: once
    "faults": ["test_faults.py"],
    "source_health": ["test_source_health.py"],
}
GROUP_OF_FILE = {f"tests/{name}": group for group, names in XDIST_GROUPS.items() for name in names}


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core. Many tests wait more than they compute (subprocess crawls of local
    sites, PostgreSQL's commits, a worker's lease running out), so a core has work while a test waits.
    PYTEST_XDIST_AUTO_NUM_WORKERS still says otherwise."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    return 2 * (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup``: the files of an ``XDIST_GROUPS`` group to one worker, any other test to any."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileGroups(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return GROUP_OF_FILE.get(nodeid.split("::", 1)[0], nodeid)

    return FileGroups(config, log)


@contextmanager
def _throwaway_pg_database(prefix: str = "doclisten_test", template: str | None = None) -> Iterator[str]:
    """Create a PostgreSQL database (a copy of ``template``, a database name, when given), yield its URL,
    drop it (whoever is still connected) afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        admin = _pg_connect()
    except psycopg.OperationalError as exc:
        service_unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    url = make_url(PG_ADMIN_URL).set(database=name, drivername="postgresql+psycopg")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with _pg_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Migrated templates, one per backend and process (a SQLite file, a PostgreSQL database): a migration takes
# seconds (dozens of DDL statements and commits), a copy a fraction of one.
_TEMPLATES: dict[str, str] = {}
_TEMPLATE_CLEANUP = contextlib.ExitStack()


def _template(backend: str) -> str:
    if backend not in _TEMPLATES:
        from pipelines.store.db import open_database

        if backend == "sqlite":
            import tempfile

            folder = _TEMPLATE_CLEANUP.enter_context(
                tempfile.TemporaryDirectory(prefix="doclisten-template-")
            )
            path = Path(folder) / "template.db"
            open_database(f"sqlite:///{path}").dispose()
            assert not Path(f"{path}-wal").exists()  # checkpointed: the file alone is the database
            _TEMPLATES[backend] = str(path)
        else:
            from sqlalchemy.engine import make_url

            url = _TEMPLATE_CLEANUP.enter_context(_throwaway_pg_database("doclisten_test_template"))
            open_database(url).dispose()  # nobody stays connected: a template must have no connections
            _TEMPLATES[backend] = str(make_url(url).database)
            compact(_TEMPLATES[backend])
    return _TEMPLATES[backend]


def compact(database: str) -> None:
    """VACUUM FULL a PostgreSQL database that copies are made from: the catalogs a migration leaves behind
    (dozens of DDL statements) made each copy take 0.2 s, 0.05 s once compacted."""
    with _pg_connect(database) as conn:
        conn.execute("VACUUM FULL")


def migrated(url: str) -> str:
    """Make the new, empty database at ``url`` (of ``sqlite_url`` or ``pg_url``) what ``open_database(url)``
    makes of it, a doclisten database at the latest migration, by copying a template migrated once per
    session. A database that already has tables is left as it is (``open_database`` migrates it). Returns
    ``url``."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if parsed.database and not path.exists():
            shutil.copyfile(_template("sqlite"), path)
        return url
    name = parsed.database
    with _pg_connect(name) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()
    if tables and tables[0] == 0:
        template = _template("postgresql")
        with _pg_connect() as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped afterwards."""
    with _throwaway_pg_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'doclisten.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every database-facing test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def demo_site():  # type: ignore[no-untyped-def]
    from doclisten.demo_site import DemoSite

    site = DemoSite()
    site.start()
    try:
        yield site
    finally:
        site.stop()


FAST = ["--delay", "0", "--concurrency", "8"]


# Commands that get a process of their own: they crawl (a Twisted reactor runs once per process) or run until
# stopped, with signal handlers. Every other command (and any ``--help``) runs in this process, through the
# CLI's own entry point with the same arguments, environment and working directory as a subprocess would get:
# a subprocess costs about a second of interpreter start and imports, most of the suite's time.
OWN_PROCESS = {"crawl", "run", "worker", "scheduler", "demo", "extract", "sources add", "sources import"}
GROUP_OPTIONS_WITH_VALUE = {"--database-url"}
PROG = f"{Path(sys.executable).name} -m doclisten.cli.main"
# DOCLISTEN_TEST_FRESH_INTERPRETERS=1: each such command in a fresh ``python -m doclisten.cli.main`` instead
# (slower; to compare, or to rule the fork server out when a test fails)
FRESH_INTERPRETERS = os.environ.get("DOCLISTEN_TEST_FRESH_INTERPRETERS") == "1"


def needs_own_process(args: tuple[str, ...]) -> bool:
    if "--help" in args or "-h" in args:
        return False
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in GROUP_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return bool(words) and (words[0] in OWN_PROCESS or " ".join(words[:2]) in OWN_PROCESS)


def run_cli(
    *args: str,
    db: str,
    allow_private: bool = True,
    check: bool = True,
    timeout: float = 300,
    env: dict[str, str] | None = None,
    own_process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``doclisten ARGS``: in a subprocess when the command crawls or runs until stopped (or with
    ``own_process=True``), else in this process as if in one (``run_in_process``). ``env`` adds variables
    (without it, no ``DOCLISTEN_REDIS_URL``)."""
    base = dict(
        os.environ, DOCLISTEN_DATABASE_URL=db, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1" if allow_private else "0"
    )
    base.pop("DOCLISTEN_REDIS_URL", None)
    env = {**base, **(env or {})}
    if own_process or needs_own_process(args):
        if FRESH_INTERPRETERS:
            proc = subprocess.run(
                [sys.executable, "-m", "doclisten.cli.main", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        else:  # a forked child of a pre-imported interpreter, as a subprocess would run it (tests/forked_cli.py)
            proc = forked_cli.run(args, env, ROOT, timeout, PROG)
    else:
        proc = run_in_process(args, env)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"doclisten {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def launch(
    *args: str, env: Mapping[str, str], out: Path, err: Path | None = None
) -> forked_cli.Started | subprocess.Popen[bytes]:
    """Start ``doclisten ARGS`` in a process of its own for a test to watch, signal or kill: stdout to the
    file ``out``, stderr to ``err`` (else to ``out`` too), exactly ``env`` as the environment. A forked
    child of the pre-imported interpreter (``tests/forked_cli.py``), or with
    DOCLISTEN_TEST_FRESH_INTERPRETERS=1 a fresh ``python -m doclisten.cli.main``; either way what the test
    holds has ``pid``, ``poll``, ``wait``, ``send_signal``, ``kill`` and ``returncode``."""
    if not FRESH_INTERPRETERS:
        return forked_cli.start(args, env, ROOT, PROG, out, err)
    with open(out, "wb") as stdout, open(err or os.devnull, "wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "doclisten.cli.main", *args],
            cwd=ROOT,
            env=dict(env),
            stdout=stdout,
            stderr=stderr if err else subprocess.STDOUT,
        )


def run_python(
    *argv: str, env: Mapping[str, str] | None = None, cwd: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python ARGV`` (``-m MODULE ARGS`` or ``SCRIPT ARGS``) in a process of its own, its output captured:
    a forked child of the pre-imported interpreter (``tests/forked_cli.py``), or a fresh interpreter with
    DOCLISTEN_TEST_FRESH_INTERPRETERS=1. ``env``: the whole environment (default: this one's)."""
    env = dict(os.environ if env is None else env)
    if FRESH_INTERPRETERS:
        return subprocess.run(
            [sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    split = 2 if argv[0] == "-m" else 1
    return forked_cli.run(argv[split:], env, cwd, timeout, "python", python=argv[:split])


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of the test's own (tests/redis_server.py), killed afterwards."""
    if shutil.which("redis-server") is None:
        service_unavailable("redis-server is not on PATH")
    for attempt in range(3):
        # a free port: another xdist worker (or program) may take it before redis-server binds it; then
        # another free port
        server = PrivateRedis(tmp_path)
        try:
            server.start()
            break
        except RedisServerError as exc:
            if attempt == 2:
                service_unavailable(str(exc))
    try:
        yield server
    finally:
        server.kill()


def run_in_process(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``doclisten ARGS`` through click's test runner, in a fresh interpreter's conditions: exactly ``env`` as
    the environment, the repository as the working directory, empty stdin, stdout and stderr apart (not
    terminals), Python's default warning filters rather than the suite's "error", an uncaught exception
    printed as a traceback with exit status 1; logging handlers and whatever the command left unclosed are
    undone afterwards, as a process exit would."""
    import logging
    import traceback
    import warnings

    from click.testing import CliRunner

    from doclisten.cli.main import main

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    root = logging.getLogger()
    saved_logging = (root.handlers[:], root.level)
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(ROOT)
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", category)
            result = CliRunner().invoke(main, list(args), prog_name=PROG)
            gc.collect()  # connections the command left open go now, silently, as at a process exit
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        root.handlers[:], root.level = saved_logging
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        code = 1
    return subprocess.CompletedProcess([PROG, *args], code, result.stdout, stderr)


# ---------------------------------------------------------------------------- the sample site, crawled once


@pytest.fixture(scope="session")
def sample_site():  # type: ignore[no-untyped-def]
    """The sample site for the whole session. Never change it: a test that adds posts or comments serves
    its own (``demo_site``)."""
    from doclisten.demo_site import DemoSite

    with DemoSite() as site:
        content = repr([blog.content for blog in site.blogs.values()])
        yield site
        assert repr([blog.content for blog in site.blogs.values()]) == content, "a test changed sample_site"


@dataclass
class SampleCrawl:
    """The sample site added and crawled once with the real CLI (``sources add`` + ``crawl``, subprocesses)."""

    site: Any  # the session's DemoSite
    db: str  # the database URL: only read it (``sample_crawl_copy`` gives a database to write)
    added: subprocess.CompletedProcess[str]  # ``doclisten sources add``
    result: subprocess.CompletedProcess[str]  # ``doclisten crawl``: summary on stdout, progress on stderr
    requests: list[Any]  # what the crawl asked the site (``RequestRecord``s)
    pristine: str  # the database as the crawl left it, which copies are made from (nobody connects to it)


def _sources_add_and_crawl(site: Any, db: str) -> SampleCrawl:
    homes = [blog.homepage for blog in site.blogs.values()]
    added = run_cli("sources", "add", *homes, *FAST, db=db)
    assert added.stdout.count("added source") == len(homes), added.stdout + added.stderr
    before = len(site.requests)
    # one process, as before `--processes` (tests/test_crawl_processes.py compares a split crawl with it)
    result = run_cli("crawl", *FAST, "--processes", "1", db=db)
    return SampleCrawl(site, db, added, result, site.requests[before:], pristine=db)


def _row_counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    finally:
        engine.dispose()


def _still_as_crawled(crawl: SampleCrawl, counts: dict[str, int]) -> None:
    assert _row_counts(crawl.db) == counts, "a test wrote to the shared sample crawl: use sample_crawl_copy"


@pytest.fixture(scope="session")
def sample_crawl_sqlite(sample_site, tmp_path_factory) -> Iterator[SampleCrawl]:  # type: ignore[no-untyped-def]
    """The sample site crawled once per session into SQLite (shared by the tests that only read it)."""
    crawl = _sources_add_and_crawl(sample_site, f"sqlite:///{tmp_path_factory.mktemp('sample') / 'crawl.db'}")
    counts = _row_counts(crawl.db)
    yield crawl
    _still_as_crawled(crawl, counts)


@pytest.fixture(scope="session")
def sample_crawl_postgresql(sample_site) -> Iterator[SampleCrawl]:  # type: ignore[no-untyped-def]
    """The sample site crawled once per session into a throwaway PostgreSQL database; the tests read a copy
    of it, so that copies for writing can be made from the untouched original (a template database must
    have no connections). Both are dropped at the end of the session."""
    from sqlalchemy.engine import make_url

    with _throwaway_pg_database("doclisten_test_sample") as pristine:
        crawl = _sources_add_and_crawl(sample_site, pristine)
        compact(str(make_url(pristine).database))
        with _throwaway_pg_database("doclisten_test_read", template=make_url(pristine).database) as shared:
            crawl.db = shared
            counts = _row_counts(shared)
            yield crawl
            _still_as_crawled(crawl, counts)


@pytest.fixture(params=["sqlite", "postgresql"])
def sample_crawl(request: pytest.FixtureRequest) -> SampleCrawl:
    """The session's crawl of the sample site, on SQLite and on PostgreSQL: read it, never write it."""
    return request.getfixturevalue(f"sample_crawl_{request.param}")


@contextmanager
def copy_of_sample_crawl(crawl: SampleCrawl, tmp_path: Path) -> Iterator[SampleCrawl]:
    """The sample crawl with a private copy of its database (same backend), to crawl again or change."""
    from sqlalchemy.engine import make_url

    if crawl.pristine.startswith("sqlite"):
        import sqlite3

        target = tmp_path / "copy.db"
        src, dst = sqlite3.connect(make_url(crawl.pristine).database), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        yield replace(crawl, db=f"sqlite:///{target}")
        return
    with _throwaway_pg_database("doclisten_test_copy", template=make_url(crawl.pristine).database) as url:
        yield replace(crawl, db=url)


@pytest.fixture
def sample_crawl_copy(sample_crawl: SampleCrawl, tmp_path: Path) -> Iterator[SampleCrawl]:
    """``sample_crawl`` with a private copy of its database, to crawl again or change."""
    with copy_of_sample_crawl(sample_crawl, tmp_path) as crawl:
        yield crawl


@pytest.fixture(scope="session")
def sample_second_crawl_sqlite(sample_crawl_sqlite: SampleCrawl, tmp_path_factory) -> Iterator[SampleCrawl]:  # type: ignore[no-untyped-def]
    """The second (incremental) ``doclisten crawl`` of the unchanged sample site, on a copy of the first
    crawl's database; ``result`` and ``requests`` are the second crawl's. Read it, never write it."""
    with copy_of_sample_crawl(sample_crawl_sqlite, tmp_path_factory.mktemp("second")) as copy:
        before = len(copy.site.requests)
        result = run_cli("crawl", *FAST, db=copy.db)
        crawl = replace(copy, result=result, requests=copy.site.requests[before:], pristine=copy.db)
        counts = _row_counts(crawl.db)
        yield crawl
        _still_as_crawled(crawl, counts)
