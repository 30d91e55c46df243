"""Due-queue throughput (claims/s with N claimer processes) and Redis memory per million sources.

Usage: python bench/due_queue_bench.py [--sources 200000] [--processes 4] [--batches 100,50,1]
       [--pg-url postgresql://postgres@127.0.0.1:5432/test] [--write-results]

Runs against a private ``redis-server`` (no persistence) on a free port, killed at the end.
Baselines measured in the same run: one claimer on Redis, and the SQL queue with the same number of
claimers on a throwaway PostgreSQL database (when reachable). ``--write-results`` replaces the
"Due queue" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import insert, update
from sqlalchemy.engine import make_url

from pipelines.store.db import open_database, utcnow
from pipelines.store.models import Source
from scheduler.queue import DueQueue
from scheduler.redis_queue import RedisDueQueue, connect_redis, to_ms
from scheduler.sql_queue import SqlDueQueue

RESULTS = Path(__file__).with_name("RESULTS.md")
PREFIX = "bench"
LEASE = 3600.0


@dataclass
class Run:
    name: str
    backend: str
    processes: int
    batch: int
    claims: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.claims / self.seconds


@contextmanager
def private_redis() -> Iterator[str]:
    """A throwaway redis-server on a free port; yields its URL and kills it afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as workdir:
        args = [
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ]
        proc = subprocess.Popen(["redis-server", *args], stdout=subprocess.DEVNULL)
        try:
            client = connect_redis(f"redis://127.0.0.1:{port}/0", retries=10)
            client.close()
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.kill()
            proc.wait()


def _open(backend: str, url: str) -> tuple[DueQueue, Callable[[], None]]:
    if backend == "redis":
        queue: DueQueue = RedisDueQueue(connect_redis(url), PREFIX)
        return queue, queue.close
    engine = open_database(url, auto_migrate=False)
    return SqlDueQueue(engine), engine.dispose


def claimer(backend: str, url: str, batch: int, barrier: Any, results: Any) -> None:
    """Child process: claim until nothing is due; report (claims, start, end) in wall-clock seconds."""
    queue, close = _open(backend, url)
    claims = 0
    barrier.wait()
    start = time.time()
    while got := len(queue.claim(batch, LEASE)):
        claims += got
    results.put((claims, start, time.time()))
    close()


def measure(name: str, backend: str, url: str, processes: int, batch: int) -> Run:
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    procs = [
        ctx.Process(target=claimer, args=(backend, url, batch, barrier, results)) for _ in range(processes)
    ]
    for proc in procs:
        proc.start()
    reports = [results.get(timeout=600) for _ in procs]
    for proc in procs:
        proc.join()
    run = Run(
        name,
        backend,
        processes,
        batch,
        sum(r[0] for r in reports),
        max(r[2] for r in reports) - min(r[1] for r in reports),
    )
    print(f"{name:<40} {run.claims:>8} claims in {run.seconds:6.2f} s = {run.rate:>9,.0f}/s", flush=True)
    return run


def seed_redis(client: redis.Redis, count: int) -> None:
    due_key = f"{PREFIX}:due"
    client.delete(due_key, f"{PREFIX}:lease")
    due = to_ms(utcnow() - timedelta(minutes=1))
    for start in range(1, count + 1, 10_000):
        client.zadd(due_key, {str(i): due for i in range(start, min(start + 10_000, count + 1))})


def redis_runs(url: str, sources: int, processes: int, batches: list[int]) -> list[Run]:
    client = connect_redis(url)
    runs = []
    try:
        for batch in batches:
            count = sources if batch > 1 else min(sources, 50_000)
            seed_redis(client, count)
            runs.append(
                measure(f"redis, {processes} claimers, batch {batch}", "redis", url, processes, batch)
            )
        seed_redis(client, sources)
        runs.append(measure("baseline: redis, 1 claimer, batch 50", "redis", url, 1, 50))
        client.delete(f"{PREFIX}:due", f"{PREFIX}:lease")
    finally:
        client.close()
    return runs


def redis_memory(url: str, members: int) -> tuple[float, float]:
    """Bytes per member of the due ZSET, and of the lease HASH when every source is leased."""
    client = connect_redis(url)
    try:
        client.delete(f"{PREFIX}:due", f"{PREFIX}:lease")
        before = int(client.info("memory")["used_memory"])
        seed_redis(client, members)
        after_zset = int(client.info("memory")["used_memory"])
        token = uuid.uuid4().hex
        for start in range(1, members + 1, 10_000):
            end = min(start + 10_000, members + 1)
            client.hset(f"{PREFIX}:lease", mapping={str(i): token for i in range(start, end)})
        after_hash = int(client.info("memory")["used_memory"])
        client.delete(f"{PREFIX}:due", f"{PREFIX}:lease")
    finally:
        client.close()
    return (after_zset - before) / members, (after_hash - after_zset) / members


@contextmanager
def throwaway_pg(admin_url: str) -> Iterator[str | None]:
    import psycopg

    url = make_url(admin_url)
    name = f"doclisten_bench_{uuid.uuid4().hex[:8]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL baseline skipped: {str(exc).strip().splitlines()[0]}")
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name, drivername="postgresql+psycopg").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_run(admin_url: str, sources: int, processes: int, batch: int) -> list[Run]:
    with throwaway_pg(admin_url) as url:
        if url is None:
            return []
        engine = open_database(url)
        due = utcnow() - timedelta(minutes=1)
        rows = [{"home_url": f"https://b{i}.example/", "added_at": due} for i in range(sources)]
        with engine.begin() as conn:
            conn.execute(insert(Source), rows)
        runs = []
        for size, count in ((batch, sources), (1, min(sources, 5_000))):
            with engine.begin() as conn:  # `count` sources due, the rest not scheduled
                conn.execute(update(Source).values(next_due_at=None, lease_token=None, lease_until=None))
                conn.execute(update(Source).where(Source.id <= count).values(next_due_at=due))
            name = f"baseline: SQL on PostgreSQL, {processes} claimers, batch {size}"
            runs.append(measure(name, "sql", url, processes, size))
        engine.dispose()
        return runs


def section(runs: list[Run], memory: tuple[float, float], members: int) -> str:
    zset, lease = memory
    lines = [
        "## Due queue",
        "",
        f"`python bench/due_queue_bench.py` — {date.today().isoformat()}, {os.cpu_count()} cores "
        f"({cpu_model()}), Python {platform.python_version()}, "
        f"redis-server {redis_version()} (private, no persistence), claimers are processes on the same machine.",
        "",
        "| run | claims | seconds | claims/s |",
        "|---|---:|---:|---:|",
        *(f"| {r.name} | {r.claims:,} | {r.seconds:.2f} | {r.rate:,.0f} |" for r in runs),
        "",
        f"Target ≥ 10,000 claims/s with 4 claimers on Redis: {verdict(runs)}.",
        "",
        f"Redis memory (used_memory delta, {members:,} members): due ZSET {zset:.0f} B/source = "
        f"**{zset * 1e6 / 2**20:.0f} MiB per million scheduled sources**; lease HASH when every source is "
        f"leased at once (32-char tokens) +{lease:.0f} B/source = {lease * 1e6 / 2**20:.0f} MiB per million.",
        "",
    ]
    return "\n".join(lines)


def verdict(runs: list[Run]) -> str:
    rates = {r.batch: r.rate for r in runs if r.backend == "redis" and r.processes == 4}
    if not rates:
        return "not measured"
    failed = [str(b) for b, rate in rates.items() if rate < 10_000]
    return f"missed at batch {', '.join(failed)}" if failed else "met at every batch size measured"


def cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    return found.group(1).strip() if found else platform.machine()


def redis_version() -> str:
    out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"v=(\S+)", out)
    return found.group(1) if found else "?"


def write_section(text: str) -> None:
    """Replace (or append) the "## Due queue" section; other sections are left as they are."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Due queue\n.*?(?=^## |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument(
        "--batches", default="100,50,1", help="claim batch sizes (batch 1 uses ≤ 50k sources)"
    )
    parser.add_argument("--pg-sources", type=int, default=20_000)
    parser.add_argument(
        "--pg-url", default=os.environ.get("DOCLISTEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--memory-members", type=int, default=1_000_000)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not on PATH")
    batches = [int(b) for b in args.batches.split(",")]
    with private_redis() as url:
        runs = redis_runs(url, args.sources, args.processes, batches)
        memory = redis_memory(url, args.memory_members)
    runs += pg_run(args.pg_url, args.pg_sources, args.processes, 50)
    text = section(runs, memory, args.memory_members)
    print("\n" + text)
    if args.write_results:
        write_section(text)
        print(f"wrote the Due queue section of {RESULTS}")


if __name__ == "__main__":
    main()
