"""What `doclisten crawl` does: every (or the named) source once, now; then what the crawl did.

One process (``doclisten.runner``), or several sharing one ``crawls`` row (``doclisten.processes``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.exceptions import DoclistenError
from crawler.progress import ProgressLine
from doclisten import processes
from doclisten.config import Config
from pipelines.exceptions import SourceError
from pipelines.store.crawls import finish_crawl, start_crawl
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.models import Source, SourceCrawl
from pipelines.store.sources import find_sources
from pipelines.store.status import crawl_results, volumes


def crawl(
    config: Config,
    refs: Sequence[str],
    overrides: dict[str, Any],
    processes_wanted: int | None = 1,
    on_stop: processes.StopLine | None = None,
) -> tuple[int, list]:
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            sources = find_sources(s, list(refs))
            if not sources:
                raise SourceError("no sources to crawl: add blogs with `doclisten sources add URL`")
            posts, _ = volumes(s)
            if processes_wanted is None:  # the default: as many as the crawl's size is worth
                processes_wanted = processes.auto_processes(
                    processes.sites_of([src.home_url for src in sources])
                )
            shares = processes.split(
                [(src.id, src.home_url, posts.get(src.id, 0)) for src in sources], processes_wanted
            )
            crawl_id = start_crawl(s, utcnow()) if len(shares) > 1 else None
    finally:
        engine.dispose()

    if crawl_id is None:  # one process: this one, as ever
        from doclisten.runner import Session, counting, run

        async def steps(session: Session) -> int:
            return await session.crawl(refs)

        crawl_id = run(config, steps, overrides, counting(on_stop) if on_stop is not None else None)
    else:
        split_crawl(config, overrides, shares, crawl_id, on_stop)
    return crawl_id, crawl_summary(config, crawl_id)


def split_crawl(
    config: Config,
    overrides: dict[str, Any],
    shares: list[list[int]],
    crawl_id: int,
    on_stop: processes.StopLine | None,
) -> None:
    """Each share in a process of its own, all reporting into ``crawl_id``; the row finished once, here."""
    from rich.console import Console

    display = ProgressLine(Console(stderr=True)) if overrides.get("DOCLISTEN_PROGRESS") else None
    specs = [
        processes.child_spec("crawl", config, overrides, share=share, crawl_id=crawl_id) for share in shares
    ]
    supervisor = processes.Supervisor(
        specs, on_stop or (lambda *_: None), on_progress=display.show if display is not None else None
    )
    if display is not None:
        display.start({})
    try:
        codes = supervisor.run()
    finally:
        if display is not None:
            display.stop(supervisor.totals())
        engine = open_database(config.database_url)
        try:
            with session_factory(engine).begin() as s:
                failed = supervisor.stopped or any(code != 0 for code in exit_codes(supervisor))
                finish_crawl(s, crawl_id, utcnow(), interrupted=failed)
        finally:
            engine.dispose()
    if supervisor.aborted:
        raise KeyboardInterrupt
    bad = [code for code in codes if code != 0]
    if supervisor.errors:  # the processes' error, said once
        raise DoclistenError(supervisor.errors[0])
    if bad:
        raise DoclistenError(
            f"{len(bad)} of the {len(codes)} crawl processes failed (exit status {processes.worst(bad)}); "
            "the next crawl redoes their unfinished sources"
        )


def exit_codes(supervisor: processes.Supervisor) -> list[int]:
    """Per child (one that never started or still runs counts as failed)."""
    return [
        c.proc.returncode if c.proc is not None and c.proc.returncode is not None else 1
        for c in supervisor.children
    ]


def crawl_summary(config: Config, crawl_id: int) -> list[tuple[Source, SourceCrawl, list[str]]]:
    """Per source: its row, what the crawl did, and the errors the crawl recorded ("URL: message")."""
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            return crawl_results(s, crawl_id)
    finally:
        engine.dispose()
