"""Crawl benchmarks on a generated blog farm (``bench/farm.py``, a separate process on loopback).

    .venv/bin/python bench/crawl_bench.py            # ~3 min on 2 idle cores (~6 min with --profile)
    .venv/bin/python bench/crawl_bench.py --quick    # 10 blogs x 10 posts, ~1 min
    .venv/bin/python bench/crawl_bench.py --memory-only   # the ~50k-page memory run, ~20 min
    .venv/bin/python bench/crawl_bench.py --new-comments-only   # first crawl + new comments, SQLite
    options: --blogs 50 --posts 20 --comments 0-20 --dbs sqlite,postgresql --profile
             --memory --memory-blogs 230 --memory-posts 100 --memory-comments 0-3
             --[no-]new-comments --new-comments-share 0.1 --new-comments-per-post 1
             --new-comments-step 6 --new-comments-hours 48
             --write-results [--results-block figures] --save-json FILE --from-json FILE
             --keep-profile DIR

1. End-to-end posts per second: ``doclisten sources add`` then ``doclisten crawl --delay 0
   --concurrency 8`` (subprocesses, real pipelines) into a fresh SQLite file and a throwaway
   PostgreSQL database, against a bare Scrapy fetch (``bench/bare_fetch.py``) of exactly the URLs
   the crawl asked the farm for, with the same concurrency and no pipelines. Ratio = bare seconds
   / doclisten seconds (both whole processes); target >= 0.6.
2. Recrawl of the unchanged farm: requests per source (target <= 1.2), share answered 304
   (target >= 90 %), rows written (target 0: row counts, newest first_seen_at / last_changed_at,
   and on PostgreSQL the tuples inserted/updated/deleted per table from pg_stat_user_tables).
3. ``--memory``: RSS of the crawl process (sampled every second from /proc) across a crawl of
   about 50k pages (default farm 230 blogs x 100 posts x 0-3 comments), at 10/25/50/75/100 % of
   the pages, and the slope after warm-up (25 %); target: flat (growth 25 % -> 100 % <= 10 %).
4. New comments on old posts (on by default, ``--no-new-comments`` leaves it out; it runs last, on
   the first database, after its first crawl and recrawl): the farm adds comments, dated now, to
   10 % of every blog's posts (``/add-comments``), then ``doclisten crawl`` runs again every 6 h of
   simulated time — the bench moves every time the crawler wrote into the database back by 6 h
   (``Database.shift_clock``; the blogs' own dates stay) — until every new comment is stored (at
   most 48 h): new comments stored and requests per recrawl. The worst-case delay under
   ``doclisten run``'s default schedule comes from the real policy functions
   (``scheduler.policy.next_schedule``, ``crawler.plan.site_comments_due``) on simulated quiet sources.
``--profile`` reruns each crawl under py-spy (every thread, idle included: the main thread and any
busy writer or pool thread get their own columns; cProfile, main thread, when py-spy is not
installed) and prints where its time goes (``--keep-profile DIR`` keeps the raw profiles: py-spy's
collapsed stacks, or cProfile's file).
``--write-results`` replaces this run's blocks of figures in the "Crawl benchmarks" section of
bench/RESULTS.md (``figures`` or ``--results-block``, ``new-comments``, ``memory``; nothing else);
``--save-json`` keeps the raw figures and ``--from-json`` prints (and writes) them again without
crawling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import sys
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_report import (
    memory_markdown,
    new_comments_markdown,
    print_table,
    speed_markdown,
    write_results,
)
from crawl_tools import (
    BENCH,
    BOOKKEEPING,
    FAST,
    Database,
    FarmProcess,
    cprofile_breakdown,
    crawl_args,
    doclisten,
    env_for,
    run_timed,
    spy_thread_breakdowns,
)
from scrapy.settings import Settings

from crawler.plan import SITE_COMMENTS_QUIET, site_comments_due
from scheduler.policy import CrawlOutcome, SourceState, next_schedule
from scheduler.settings import policy_config


def crawl_once(farm: FarmProcess, db: Database, processes: int | None = None) -> dict[str, Any]:
    """``sources add`` + first ``crawl``; returns figures and the URLs the crawl requested."""
    mark = farm.count()
    add = doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
    added = farm.log(mark)
    mark, farm_cpu = farm.count(), farm.stats()["cpu_seconds"]
    crawl = doclisten(*crawl_args(processes), db_url=db.url, farm=farm)
    log = farm.log(mark)
    farm_cpu = farm.stats()["cpu_seconds"] - farm_cpu
    posts = db.query("SELECT count(*) FROM posts")[0][0]
    comments = db.query("SELECT count(*) FROM comments")[0][0]
    return {
        "db": db.kind,
        "add_seconds": add.seconds,
        "add_requests": len(added),
        "seconds": crawl.seconds,
        "cpu_seconds": crawl.cpu_seconds,
        "farm_cpu_seconds": farm_cpu,
        "span": log[-1][0] - log[0][0] if log else 0.0,
        "requests": len(log),
        "statuses": dict(Counter(entry[4] for entry in log)),
        "posts": posts,
        "comments": comments,
        "posts_per_second": posts / crawl.seconds,
        "peak_rss_mb": crawl.peak_rss_mb,
        "urls": [farm.url(entry) for entry in log],
    }


def recrawl(farm: FarmProcess, db: Database, processes: int | None = None) -> dict[str, Any]:
    before, writes_before = db.snapshot(), db.tuple_writes()
    db.dispose()
    mark = farm.count()
    run = doclisten(*crawl_args(processes), db_url=db.url)
    log = farm.log(mark)
    after, writes_after = db.snapshot(), db.tuple_writes()
    kinds = Counter()
    for entry in log:
        kinds[(_kind(entry[3]), entry[4])] += 1
    written = {
        table: tuple(a - b for a, b in zip(writes_after.get(table, (0, 0, 0)), counts, strict=True))
        for table, counts in writes_before.items()
    }
    changed_stamps = [k for k in before if "." in k and before[k] != after[k]]
    return {
        "db": db.kind,
        "seconds": run.seconds,
        "cpu_seconds": run.cpu_seconds,
        "requests": len(log),
        "per_source": len(log) / len(farm.homes),
        "not_modified": sum(1 for e in log if e[4] == 304) / len(log) if log else 0.0,
        "by_kind": {f"{k} {s}": n for (k, s), n in sorted(kinds.items())},
        "row_deltas": {t: after[t] - before[t] for t in before if "." not in t and after[t] != before[t]},
        "content_rows": sum(
            abs(after[t] - before[t]) for t in before if "." not in t and t not in BOOKKEEPING
        ),
        "changed_stamps": changed_stamps,
        "tuple_writes": {t: w for t, w in sorted(written.items()) if any(w)},
        "content_tuple_writes": sum(sum(w) for t, w in written.items() if t not in BOOKKEEPING),
    }


def _kind(target: str) -> str:
    path = target.split("?")[0]
    if path.endswith("/robots.txt"):
        return "robots.txt"
    if path in ("/feed/", "/feeds/posts/default"):
        return "posts feed"
    if path in ("/comments/feed/", "/feeds/comments/default"):
        return "site comment feed"
    if path.endswith("/feed/") or re.fullmatch(r"/feeds/\d+/comments/default", path):
        return "post comment feed"
    if path.startswith("/wp-json/wp/v2/comments") or "rest_route=/wp/v2/comments" in target:
        return "REST comments"
    if path.startswith("/wp-json") or path == "/search" or path.startswith("/page/") or "sitemap" in path:
        return "other"
    return "post page" if path != "/" else "other"


# ---------------------------------------------------------------------------------- new comments

FTS_SHADOW = re.compile(r"_(data|idx|docsize|content|config)$")  # SQLite FTS5's own tables


def new_comments_run(farm: FarmProcess, db: Database, args: argparse.Namespace) -> dict[str, Any]:
    """New comments on old posts after a first crawl (already done into ``db``), then recrawls
    ``--new-comments-step`` hours of simulated time apart until every one is stored."""
    since = datetime.now(UTC) - timedelta(days=30)  # older than any crawler time, newer than the farm's posts
    added = farm.add_comments(args.new_comments_share, args.new_comments_per_post, seed=1)
    wanted = {(c["post_url"], c["id"]): c for c in added}
    print(
        f"{db.kind}: {len(added)} new comments on old posts; recrawls every {args.new_comments_step:g} h "
        "(simulated) ...",
        flush=True,
    )
    steps: list[dict[str, Any]] = []
    hours, found_before = 0.0, 0
    while True:
        before = db.snapshot()
        db.dispose()
        mark = farm.count()
        run = doclisten(*crawl_args(args.processes), db_url=db.url)
        log = farm.log(mark)
        found = _found(db, wanted, since)
        after = db.snapshot()
        kinds = Counter((_kind(e[3]), e[4]) for e in log)
        steps.append(
            {
                "hours": hours,
                "requests": len(log),
                "per_source": len(log) / len(farm.homes),
                "by_kind": {f"{k} {st}": n for (k, st), n in sorted(kinds.items())},
                "found": len(found),
                "new": len(found) - found_before,
                "row_deltas": {
                    t: after[t] - before[t]
                    for t in before
                    if "." not in t and after[t] != before[t] and not FTS_SHADOW.search(t)
                },
                "seconds": run.seconds,
                "cpu_seconds": run.cpu_seconds,
            }
        )
        print(
            f"  +{hours:g} h: {len(log)} requests, {len(found)}/{len(added)} new comments stored", flush=True
        )
        found_before = len(found)
        if len(found) == len(added) or hours + args.new_comments_step > args.new_comments_hours:
            break
        hours += args.new_comments_step
        db.shift_clock(args.new_comments_step, since)
    stored = _found(db, wanted, since)
    by_kind: dict[str, list[int]] = {}
    for key, c in wanted.items():
        counts = by_kind.setdefault(c["kind"], [0, 0])
        counts[0] += 1
        counts[1] += key in stored
    replies = [k for k, c in wanted.items() if c["parent_id"]]
    return {
        "db": db.kind,
        "added": len(added),
        "posts": len({c["post_url"] for c in added}),
        "blogs": len({c["blog"] for c in added}),
        "share": args.new_comments_share,
        "per_post": args.new_comments_per_post,
        "step_hours": args.new_comments_step,
        "max_hours": args.new_comments_hours,
        "steps": steps,
        "found_by_kind": by_kind,
        "replies": len(replies),
        "replies_linked": sum(1 for k in replies if stored.get(k) == wanted[k]["parent_id"]),
        "schedule": schedule_delays(),
    }


def _found(db: Database, wanted: dict[tuple[str, str], Any], since: datetime) -> dict[tuple[str, str], Any]:
    """The new comments stored: (post URL, comment id) -> the stored parent's id."""
    rows = db.query(
        "SELECT p.url, c.external_id, c.parent_external_id FROM comments c JOIN posts p ON p.id = c.post_id"
        " WHERE c.published_at >= :since",
        since=since if db.kind == "postgresql" else since.replace(tzinfo=None),  # SQLite: naive UTC text
    )
    return {(r[0], r[1]): r[2] for r in rows if (r[0], r[1]) in wanted}


def schedule_delays(days: int = 120, sources: int = 400) -> dict[str, Any]:
    """Worst-case delay of a new comment on an old post of a quiet blog under ``doclisten run``'s default
    schedule: sources crawled when due (``scheduler.policy.next_schedule``, default settings, jitter
    included), the site-wide comment feed polled when ``crawler.plan.site_comments_due`` says so.
    A comment posted right after a poll is found at the next one: the longest gap between polls."""
    settings = Settings()
    settings.setmodule("crawler.settings")
    cfg = policy_config(settings)
    rng = random.Random(12)
    activity = datetime(2020, 1, 1, tzinfo=UTC)  # the newest post and comment: years ago (the farm)
    gaps: list[float] = []
    crawl_gaps: list[float] = []
    for _ in range(sources):
        now = datetime(2026, 1, 1, tzinfo=UTC)
        end = now + timedelta(days=days)
        checked, state = now, SourceState()  # the first crawl polls the feed (a new source)
        while now < end:
            decision = next_schedule(state, CrawlOutcome(new_items=0, known_items=10), now, cfg, rng)
            state = SourceState(interval_seconds=decision.interval_seconds)
            crawl_gaps.append((decision.next_due - now).total_seconds() / 3600)
            now = decision.next_due
            if site_comments_due(activity, checked, now):
                gaps.append((now - checked).total_seconds() / 3600)
                checked = now
    quiet = SITE_COMMENTS_QUIET.total_seconds() / 3600
    bound = quiet + cfg.max_interval * (1 + cfg.jitter) / 3600
    return {
        "quiet_hours": quiet,
        "max_interval_hours": cfg.max_interval / 3600,
        "jitter": cfg.jitter,
        "bound_hours": bound,
        "worst_hours": max(gaps),
        "mean_delay_hours": sum(g * g for g in gaps) / (2 * sum(gaps)),  # a comment at a uniform time
        "longest_crawl_gap_hours": max(crawl_gaps),
        "sources": sources,
        "days": days,
    }


def bare_fetch(urls: list[str], farm: FarmProcess) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(urls) + "\n")
    try:
        mark = farm.count()
        run = run_timed([sys.executable, str(BENCH / "bare_fetch.py"), handle.name], dict(os.environ))
        if run.returncode != 0:
            raise RuntimeError(f"bare fetch failed:\n{run.stderr[-3000:]}")
        result = json.loads(run.stdout.strip().splitlines()[-1])
        result.update(
            process_seconds=run.seconds, cpu_seconds=run.cpu_seconds, farm_requests=farm.count() - mark
        )
        return result
    finally:
        os.unlink(handle.name)


def profile(
    farm: FarmProcess, kind: str, processes: int | None = None, keep: Path | None = None
) -> dict[str, Any]:
    """Crawl the farm into a fresh database under py-spy (sampling; cProfile when py-spy is missing);
    ``keep``: a folder where the raw profile is copied (``crawl-<db>.txt`` or ``.prof``)."""
    db = Database(kind)
    try:
        doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
        spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
        if spy:
            dump = Path(db.tmp.name) / "crawl.txt"
            argv = [spy, "record", "-r", "100", "--idle", "--threads", "--subprocesses"]
            argv += ["-f", "raw", "-o", str(dump), "--"]
            run = run_timed(
                [*argv, sys.executable, "-m", "doclisten.cli.main", *crawl_args(processes)], env_for(db.url)
            )
            if run.returncode != 0:
                raise RuntimeError(f"profiled crawl failed ({run.returncode}):\n{run.stderr[-3000:]}")
            threads = spy_thread_breakdowns(dump, run.seconds)
            rows, others = threads[0]["rows"], threads[1:]
        else:
            dump = Path(db.tmp.name) / "crawl.prof"
            run = doclisten(*crawl_args(1), db_url=db.url, profile=dump)  # cProfile sees one process
            rows, others = cprofile_breakdown(dump), []
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(dump, keep / f"crawl-{kind}{dump.suffix}")
        return {
            "db": kind,
            "tool": "py-spy" if spy else "cProfile",
            "seconds": run.seconds,
            "cpu_seconds": run.cpu_seconds,
            "rows": rows,
            "threads": others,
        }
    finally:
        db.close()


def memory_run(blogs: int, posts: int, comments: str, processes: int | None = None) -> dict[str, Any]:
    farm = FarmProcess(blogs, posts, comments)
    db = Database("sqlite")
    try:
        doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
        mark = farm.count()
        run = doclisten(*crawl_args(processes), db_url=db.url, farm=farm)
        pages = farm.count() - mark
        samples = [(t, count - mark, rss / 1024, hwm / 1024) for t, count, rss, hwm in run.samples]
        marks = {}
        for pct in (10, 25, 50, 75, 100):
            hit = next((s for s in samples if s[1] >= pages * pct / 100), samples[-1])
            marks[pct] = hit[2]
        warm = [s for s in samples if pages * 0.25 <= s[1] < pages]
        slope = _slope([s[1] for s in warm], [s[2] for s in warm]) * 10_000 if len(warm) > 2 else 0.0
        shape = f"{blogs} blogs x {posts} posts x {comments} comments"
        return {
            "farm": farm.manifest | {"shape": shape},
            "flags": f"--memory-blogs {blogs} --memory-posts {posts} --memory-comments {comments}",
            "pages": pages,
            "seconds": run.seconds,
            "cpu_seconds": run.cpu_seconds,
            "posts": db.query("SELECT count(*) FROM posts")[0][0],
            "comments": db.query("SELECT count(*) FROM comments")[0][0],
            "rss_at": marks,
            "peak_mb": max(s[3] for s in samples),
            "slope_mb_per_10k": slope,
            "growth": (marks[100] - marks[25]) / marks[25],
            "samples": len(samples),
            "series": [(round(t, 1), n, round(rss, 1)) for t, n, rss, _hwm in samples],
        }
    finally:
        db.close()
        farm.close()


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    load = Path("/proc/loadavg").read_text().split()[:3]
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load average {' '.join(load)} at start"


def command(argv: list[str] | None) -> str:
    """How this run was started, without the options that only say where figures go."""
    args, out = list(sys.argv[1:] if argv is None else argv), []
    while args:
        arg = args.pop(0)
        if arg in ("--save-json", "--results-block"):
            args = args[1:]
        elif arg != "--write-results":
            out.append(arg)
    return " ".join(["python bench/crawl_bench.py", *out])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a small farm (10 blogs x 10 posts)")
    parser.add_argument("--blogs", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20, help="posts per blog")
    parser.add_argument("--comments", default="0-20", help="comments per post, MIN-MAX")
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument(
        "--processes", type=int, help="doclisten crawl --processes N (default: the crawl's, one per core)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile each crawl (py-spy or cProfile)")
    parser.add_argument(
        "--keep-profile", type=Path, help="with --profile: copy the raw profiles to this folder"
    )
    parser.add_argument("--memory", action="store_true", help="also run the ~50k-page memory benchmark")
    parser.add_argument("--memory-only", action="store_true", help="only the memory benchmark")
    parser.add_argument("--memory-blogs", type=int, default=230)
    parser.add_argument("--memory-posts", type=int, default=100)
    parser.add_argument("--memory-comments", default="0-3")
    parser.add_argument(
        "--new-comments",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after the first crawl (of the first database), new comments on old posts, then recrawls "
        "(default: on)",
    )
    parser.add_argument(
        "--new-comments-only", action="store_true", help="only the new-comments scenario (first crawl first)"
    )
    parser.add_argument(
        "--new-comments-share",
        type=float,
        default=0.1,
        help="share of every blog's posts that get new comments",
    )
    parser.add_argument("--new-comments-per-post", type=int, default=1, help="new comments per such post")
    parser.add_argument(
        "--new-comments-step", type=float, default=6.0, help="simulated hours between two recrawls"
    )
    parser.add_argument(
        "--new-comments-hours",
        type=float,
        default=48.0,
        help="stop recrawling after this many simulated hours",
    )
    parser.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument(
        "--results-block",
        default="figures",
        help="name of the figures block in RESULTS.md (default: figures)",
    )
    parser.add_argument("--save-json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--from-json", type=Path, help="print (and --write-results) figures saved by --save-json"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.blogs, args.posts = 10, 10
    for name in ("new_comments_step", "new_comments_hours", "new_comments_share"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if args.from_json:
        from_json(args)
        return
    header = {"date": date.today().isoformat(), "machine": machine(), "command": command(argv)}
    print(f"{header['date']}, {header['machine']}", flush=True)
    speed: dict[str, Any] | None = None
    if args.new_comments_only:
        fresh = new_comments_only(args) | header
        if args.save_json:
            args.save_json.write_text(json.dumps(fresh, indent=1, default=str))
        print(new_comments_markdown(fresh))
        if args.write_results:
            write_results(BENCH / "RESULTS.md", "new-comments", new_comments_markdown(fresh))
    elif not args.memory_only:
        speed = speed_runs(args)
        speed.update(header)
        if args.save_json:
            args.save_json.write_text(json.dumps(speed, indent=1, default=str))
        print_table(speed)
        if args.write_results:
            write_results(BENCH / "RESULTS.md", args.results_block, speed_markdown(speed))
        if speed.get("new_comments"):
            fresh = speed["new_comments"] | header
            print(new_comments_markdown(fresh), flush=True)
            if args.write_results:
                write_results(BENCH / "RESULTS.md", "new-comments", new_comments_markdown(fresh))
    if args.memory or args.memory_only:
        print(f"memory run: farm {args.memory_blogs} blogs x {args.memory_posts} posts ...", flush=True)
        mem = memory_run(args.memory_blogs, args.memory_posts, args.memory_comments, args.processes) | header
        if args.save_json:
            args.save_json.with_suffix(".memory.json").write_text(json.dumps(mem, indent=1, default=str))
        print(memory_markdown(mem))
        if args.write_results:
            write_results(BENCH / "RESULTS.md", "memory", memory_markdown(mem))


def from_json(args: argparse.Namespace) -> None:
    saved = json.loads(args.from_json.read_text())
    if "rss_at" in saved:
        saved["rss_at"] = {int(k): v for k, v in saved["rss_at"].items()}
        block, text = "memory", memory_markdown(saved)
    elif "steps" in saved:
        block, text = "new-comments", new_comments_markdown(saved)
    else:
        block, text = args.results_block, speed_markdown(saved)
    print(text)
    if args.write_results:
        write_results(BENCH / "RESULTS.md", block, text)
    nested = saved.get("new_comments")
    if nested and block == args.results_block:
        extra = nested | {k: saved[k] for k in ("date", "machine", "command") if k in saved}
        print(new_comments_markdown(extra))
        if args.write_results:
            write_results(BENCH / "RESULTS.md", "new-comments", new_comments_markdown(extra))


def new_comments_only(args: argparse.Namespace) -> dict[str, Any]:
    """``--new-comments-only``: a first crawl of the farm into the first database, then the scenario."""
    farm = FarmProcess(args.blogs, args.posts, args.comments)
    db = Database(args.dbs.split(",")[0])
    try:
        print(f"{db.kind}: sources add + crawl ...", flush=True)
        crawl_once(farm, db)
        out = new_comments_run(farm, db, args)
        out["farm"] = farm.manifest | {
            "shape": f"{args.blogs} blogs x {args.posts} posts x {args.comments} comments"
        }
        return out
    finally:
        db.close()
        farm.close()


def speed_runs(args: argparse.Namespace) -> dict[str, Any]:
    farm = FarmProcess(args.blogs, args.posts, args.comments)
    out: dict[str, Any] = {"farm": dict(farm.manifest), "crawls": [], "recrawls": []}
    out["farm"]["shape"] = f"{args.blogs} blogs x {args.posts} posts x {args.comments} comments"
    print(
        f"farm: {out['farm']['shape']}: {farm.manifest['posts']} posts, {farm.manifest['comments']} comments"
    )
    kept: Database | None = None
    try:
        bare: list[dict[str, Any]] = []
        for kind in args.dbs.split(","):
            try:
                db = Database(kind)
            except Exception as exc:  # PostgreSQL not running: reported, the rest goes on
                print(f"{kind}: skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
                continue
            try:
                print(f"{kind}: sources add + crawl ...", flush=True)
                crawl = crawl_once(farm, db, args.processes)
                print(f"{kind}: recrawl ...", flush=True)
                out["recrawls"].append(recrawl(farm, db, args.processes))
            except BaseException:
                db.close()
                raise
            if args.new_comments and kept is None:
                kept = db  # the new comments come after every other crawl of the farm
            else:
                db.close()
            out.setdefault("urls", crawl["urls"])
            out["crawls"].append({k: v for k, v in crawl.items() if k != "urls"})
            print("bare Scrapy fetch ...", flush=True)
            bare.append(bare_fetch(out["urls"], farm))
        out["bare"] = bare
        out["farm_stats"] = farm.stats()
        if args.profile:
            out["profiles"] = []
            for kind in [c["db"] for c in out["crawls"]]:
                print(f"profiling the {kind} crawl ...", flush=True)
                out["profiles"].append(profile(farm, kind, args.processes, args.keep_profile))
        if kept is not None:
            out["new_comments"] = new_comments_run(farm, kept, args) | {"farm": out["farm"]}
    finally:
        if kept is not None:
            kept.close()
        farm.close()
    out.pop("urls", None)
    return out


if __name__ == "__main__":
    main()
