"""Shared fixtures: databases (SQLite and a throwaway PostgreSQL database), the sample site, the CLI."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def _pg_roles_cleanup() -> Iterator[None]:
    """Drop ``doclisten_readonly`` (cluster-wide, made by ``doclisten sql``) at the end if this run made it."""
    import psycopg

    role = "doclisten_readonly"
    try:
        with _pg_connect() as admin:
            existed = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    except psycopg.OperationalError:  # PostgreSQL unavailable: pg_url skips or fails with the reason
        existed = True
    yield
    if not existed:
        with _pg_connect() as admin, contextlib.suppress(psycopg.errors.DependentObjectsStillExist):
            # its grants went with the throwaway databases; a database outside this run (another test run,
            # a bench) that still uses the role keeps it
            admin.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def pg_url(_pg_roles_cleanup: None) -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"doclisten_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = _pg_connect()
    except psycopg.OperationalError as exc:
        service_unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_ADMIN_URL).set(database=name, drivername="postgresql+psycopg")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with _pg_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


def run_cli(
    *args: str,
    db: str,
    allow_private: bool = True,
    check: bool = True,
    timeout: float = 300,
    env: dict[str, str] | None = None,
):
    """Run ``doclisten ARGS`` in a subprocess (a Twisted reactor runs once per process); ``env`` adds
    variables (without it, no ``DOCLISTEN_REDIS_URL``)."""
    base = dict(
        os.environ, DOCLISTEN_DATABASE_URL=db, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1" if allow_private else "0"
    )
    base.pop("DOCLISTEN_REDIS_URL", None)
    env = {**base, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "doclisten.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"doclisten {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of the test's own (tests/redis_server.py), killed afterwards."""
    if shutil.which("redis-server") is None:
        service_unavailable("redis-server is not on PATH")
    server = PrivateRedis(tmp_path)
    try:
        server.start()
    except RedisServerError as exc:
        service_unavailable(str(exc))
    try:
        yield server
    finally:
        server.kill()
