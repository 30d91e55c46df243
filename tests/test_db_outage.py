"""The database server goes away mid-crawl: items wait and are retried, or are spooled, never lost."""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from crawler.discovery import Discovery
from crawler.items import SourceDoneItem, SourceUpdateItem, ValidatorItem
from pipelines import storage as storage_module
from pipelines.storage import StoragePipeline
from pipelines.store import validators
from pipelines.store.db import utcnow
from pipelines.store.models import Post, Source, SourceCrawl, UrlValidator
from pipelines.store.sources import add_source
from pipelines.store.spool import Spool
from tests.conftest import FAST, launch, run_cli
from tests.expect import check_comments, check_posts
from tests.test_recurring import wait_for


class TcpProxy:
    """127.0.0.1:<port> -> the target port, with an outage switch (a database server restarting).

    ``cut()`` drops every open connection, and every new one until ``restore()``: it is accepted and
    reset at once, so the client's connect fails; ``dropped`` counts those attempts. ``cut_on(marker,
    times)`` makes the proxy cut itself when a client sends ``marker`` for the ``times``-th time, before
    forwarding it: the outage lands on a write in flight, however loaded the machine is. The listening
    socket stays open throughout: closing it does not wake a thread blocked in accept(), which then
    lets one more connection through to the server, past the "outage".
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.up = True
        self.dropped = 0
        self.conns: list[socket.socket] = []
        self.marker, self.remaining = b"", 0
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_on(self, marker: bytes, times: int) -> None:
        with self.lock:
            self.marker, self.remaining = marker, times

    def cut(self) -> None:
        with self.lock:
            self._cut()

    def restore(self) -> None:
        with self.lock:
            self.up = True

    def close(self) -> None:
        self.cut()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below
        self.listener.close()

    def _cut(self) -> None:
        self.up = False
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.conns = []

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:  # a connection is either refused or registered before cut() can run
                if not self.up:
                    self.dropped += 1
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.close()  # a reset
                    continue
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
                self.conns += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _trips(self, data: bytes) -> bool:
        """Whether ``data`` from a client completes the marker count: then the proxy is cut."""
        with self.lock:
            if not self.remaining or self.marker not in data:
                return False
            self.remaining = max(0, self.remaining - data.count(self.marker))
            if self.remaining:
                return False
            self._cut()
            return True

    def _pipe(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        tail = b""  # the end of the previous chunk: a marker split between two chunks still counts
        try:
            while data := src.recv(65536):
                if from_client and self._trips(tail + data):
                    return  # never forwarded: the write in flight meets the outage
                tail = (tail + data)[-len(self.marker) :] if self.marker else b""
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def stored_posts(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count(Post.id))).scalar() or 0


@pytest.mark.slow
def test_postgres_restart_mid_crawl_loses_nothing(demo_site, pg_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = make_url(pg_url)
    proxy = TcpProxy(url.port or 5432)
    via_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
    direct = create_engine(pg_url)
    crawl = None
    stderr = tmp_path / "stderr"
    err = lambda: stderr.read_text() if stderr.exists() else ""  # noqa: E731
    try:
        run_cli("sources", "add", *[b.homepage for b in demo_site.blogs.values()], *FAST, db=via_proxy)
        proxy.cut_on(b"INSERT INTO posts", times=3)  # the server "restarts" as the third post is written
        env = dict(os.environ, DOCLISTEN_DATABASE_URL=via_proxy, DOCLISTEN_ALLOW_PRIVATE_NETWORKS="1")
        crawl = launch(
            "crawl", "--delay", "0.05", "--concurrency", "1", env=env, out=tmp_path / "stdout", err=stderr
        )

        def running(check: Callable[[], bool]) -> Callable[[], bool]:
            def still() -> bool:
                assert crawl.poll() is None, f"the crawl ended first ({crawl.returncode}):\n{err()}"
                return check()

            return still

        wait_for(running(lambda: not proxy.up), 120, "the crawl to write its third post")
        stored = stored_posts(direct)
        # the server stays down until the crawl has tried to reconnect, failed, and said so
        noticed = running(lambda: proxy.dropped >= 1 and "database unavailable" in err())
        wait_for(noticed, 120, "the crawl to notice the outage")
        assert stored_posts(direct) == stored  # nothing got through to the server while it was "down"
        proxy.restore()
        assert crawl.wait(timeout=300) == 0, err()
        assert "database unavailable" in err()  # it noticed, waited and retried
        assert "Traceback" not in err(), err()
        check_posts(direct, demo_site)
        check_comments(direct, demo_site)
    finally:
        if crawl is not None and crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        proxy.close()
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
        source, _ = add_source(s, Discovery("https://blog.example/", "https://blog.example/feed/"), utcnow())
    feed = ValidatorItem(source.id, "https://blog.example/feed/", '"v1"', None)
    for item in (feed, SourceUpdateItem(source.id, backfilled=True)):
        storage.store_now(item)
    save_validator, calls = validators.save_validator, []

    def server_gone_once(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))
        save_validator(*args)

    monkeypatch.setattr(storage_module, "save_validator", server_gone_once)
    done = SourceDoneItem(source.id, utcnow())
    with pytest.raises(OperationalError):
        storage.write(done)  # what process_item hands to its retry loop
    storage.write(done)
    storage.close_now()
    with storage.sessions.begin() as s:
        assert s.get(UrlValidator, feed.url).etag == '"v1"'
        assert s.get(Source, source.id).backfilled_at is not None
        assert s.query(SourceCrawl).filter_by(source_id=source.id).count() == 1
