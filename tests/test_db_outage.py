"""The database server goes away mid-crawl: items wait and are retried, or are spooled, never lost."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from crawler.items import SourceDoneItem, SourceUpdateItem, ValidatorItem
from pipelines import repository
from pipelines.db import utcnow
from pipelines.models import Post, Source, SourceCrawl, UrlValidator
from pipelines.sources import SourceRecord, add_source
from pipelines.spool import Spool
from pipelines.storage import StoragePipeline
from tests.conftest import FAST, ROOT, run_cli
from tests.expect import check_comments, check_posts


class TcpProxy:
    """127.0.0.1:<port> -> target; ``cut()`` drops every connection and stops listening (a server restart)."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        with self.lock:
            for conn in self.conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self.conns = []


@pytest.mark.slow
def test_postgres_restart_mid_crawl_loses_nothing(demo_site, pg_url) -> None:  # type: ignore[no-untyped-def]
    url = make_url(pg_url)
    proxy = TcpProxy(url.port or 5432)
    proxy.start()
    via_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
    direct = create_engine(pg_url)
    try:
        run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=via_proxy)
        env = dict(os.environ, DOCLISTEN_DATABASE_URL=via_proxy, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "--delay", "0.05", "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with direct.connect() as conn:
                if (conn.execute(select(func.count(Post.id))).scalar() or 0) >= 6:
                    break
            time.sleep(0.1)
        proxy.cut()  # the server "restarts": connections drop, new ones are refused
        time.sleep(4)
        proxy.start()
        out, err = crawl.communicate(timeout=180)
        assert crawl.returncode == 0, err
        assert "database unavailable" in err  # it noticed, waited and retried
        check_posts(direct, demo_site)
        check_comments(direct, demo_site)
    finally:
        proxy.cut()
        direct.dispose()


def test_spool_replays_in_order_and_keeps_what_still_fails(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spool = Spool(tmp_path / "spool")
    for n in range(3):
        spool.put({"n": n}, OperationalError("INSERT", {}, Exception("server closed the connection")))
        time.sleep(0.01)
    seen: list[int] = []

    def flaky(item: dict) -> None:
        if item["n"] == 2 and len(seen) < 3:
            seen.append(-1)
            raise OperationalError("INSERT", {}, Exception("connection refused"))
        seen.append(item["n"])

    assert spool.replay(flaky) == 2 and seen[:2] == [0, 1]
    assert len(spool.pending()) == 1  # the failing one stays for next time
    assert spool.replay(flaky) == 1 and spool.pending() == []


def test_a_source_finished_during_an_outage_keeps_its_deferred_writes(sqlite_url, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first attempt to write a finished source fails mid-transaction; the retry writes everything."""
    storage = StoragePipeline.from_crawler(get_crawler(settings_dict={"DOCLISTEN_DATABASE_URL": sqlite_url}))
    storage.open_spider()
    with storage.sessions.begin() as s:
        source, _ = add_source(
            s, SourceRecord("https://blog.example/", "https://blog.example/feed/"), utcnow()
        )
    feed = ValidatorItem(source.id, "https://blog.example/feed/", '"v1"', None)
    for item in (feed, SourceUpdateItem(source.id, backfilled=True)):
        storage.process_item(item)
    save_validator, calls = repository.save_validator, []

    def server_gone_once(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        save_validator(*args)

    monkeypatch.setattr(repository, "save_validator", server_gone_once)
    done = SourceDoneItem(source.id, utcnow())
    with pytest.raises(OperationalError):
        storage.write(done)  # what process_item hands to its retry loop
    storage.write(done)
    storage.close_spider()
    with storage.sessions.begin() as s:
        assert s.get(UrlValidator, feed.url).etag == '"v1"'
        assert s.get(Source, source.id).backfilled_at is not None
        assert s.query(SourceCrawl).filter_by(source_id=source.id).count() == 1
