"""Crawl benchmarks on a generated blog farm (``bench/farm.py``, a separate process on loopback).

    .venv/bin/python bench/crawl_bench.py            # ~3 min on 2 idle cores (~6 min with --profile)
    .venv/bin/python bench/crawl_bench.py --quick    # 10 blogs x 10 posts, ~1 min
    .venv/bin/python bench/crawl_bench.py --memory-only   # the ~50k-page memory run, ~20 min
    options: --blogs 50 --posts 20 --comments 0-20 --dbs sqlite,postgresql --profile
             --memory --memory-blogs 230 --memory-posts 100 --memory-comments 0-3
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
``--profile`` reruns each crawl under py-spy (sampling the main thread, idle included; cProfile
when py-spy is not installed) and prints where its time goes
(``--keep-profile DIR`` keeps the raw profiles: py-spy's collapsed stacks, or cProfile's file).
``--write-results`` replaces this run's block of figures in the "Crawl benchmarks" section of
bench/RESULTS.md (nothing else in the file); ``--save-json`` keeps the raw figures and
``--from-json`` prints (and writes) them again without crawling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_report import memory_markdown, print_table, speed_markdown, write_results
from crawl_tools import (
    BENCH,
    BOOKKEEPING,
    FAST,
    Database,
    FarmProcess,
    cprofile_breakdown,
    doclisten,
    env_for,
    run_timed,
    spy_breakdown,
)


def crawl_once(farm: FarmProcess, db: Database) -> dict[str, Any]:
    """``sources add`` + first ``crawl``; returns figures and the URLs the crawl requested."""
    mark = farm.count()
    add = doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
    added = farm.log(mark)
    mark, farm_cpu = farm.count(), farm.stats()["cpu_seconds"]
    crawl = doclisten("crawl", *FAST, db_url=db.url, farm=farm)
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


def recrawl(farm: FarmProcess, db: Database) -> dict[str, Any]:
    before, writes_before = db.snapshot(), db.tuple_writes()
    db.dispose()
    mark = farm.count()
    run = doclisten("crawl", *FAST, db_url=db.url)
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
    return "other"


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


def profile(farm: FarmProcess, kind: str, keep: Path | None = None) -> dict[str, Any]:
    """Crawl the farm into a fresh database under py-spy (sampling; cProfile when py-spy is missing);
    ``keep``: a folder where the raw profile is copied (``crawl-<db>.txt`` or ``.prof``)."""
    db = Database(kind)
    try:
        doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
        spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
        if spy:
            dump = Path(db.tmp.name) / "crawl.txt"
            argv = [spy, "record", "-r", "100", "--idle", "--threads", "-f", "raw", "-o", str(dump), "--"]
            run = run_timed(
                [*argv, sys.executable, "-m", "doclisten.cli.main", "crawl", *FAST], env_for(db.url)
            )
            rows = spy_breakdown(dump, run.seconds)
        else:
            dump = Path(db.tmp.name) / "crawl.prof"
            run = doclisten("crawl", *FAST, db_url=db.url, profile=dump)
            rows = cprofile_breakdown(dump)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(dump, keep / f"crawl-{kind}{dump.suffix}")
        return {"db": kind, "tool": "py-spy" if spy else "cProfile", "seconds": run.seconds, "rows": rows}
    finally:
        db.close()


def memory_run(blogs: int, posts: int, comments: str) -> dict[str, Any]:
    farm = FarmProcess(blogs, posts, comments)
    db = Database("sqlite")
    try:
        doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
        mark = farm.count()
        run = doclisten("crawl", *FAST, db_url=db.url, farm=farm)
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
    parser.add_argument("--profile", action="store_true", help="also profile each crawl (py-spy or cProfile)")
    parser.add_argument(
        "--keep-profile", type=Path, help="with --profile: copy the raw profiles to this folder"
    )
    parser.add_argument("--memory", action="store_true", help="also run the ~50k-page memory benchmark")
    parser.add_argument("--memory-only", action="store_true", help="only the memory benchmark")
    parser.add_argument("--memory-blogs", type=int, default=230)
    parser.add_argument("--memory-posts", type=int, default=100)
    parser.add_argument("--memory-comments", default="0-3")
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
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        memory = "rss_at" in saved
        if memory:
            saved["rss_at"] = {int(k): v for k, v in saved["rss_at"].items()}
        text = memory_markdown(saved) if memory else speed_markdown(saved)
        print(text)
        if args.write_results:
            write_results(BENCH / "RESULTS.md", "memory" if memory else args.results_block, text)
        return
    header = {"date": date.today().isoformat(), "machine": machine(), "command": command(argv)}
    print(f"{header['date']}, {header['machine']}", flush=True)
    speed: dict[str, Any] | None = None
    if not args.memory_only:
        speed = speed_runs(args)
        speed.update(header)
        if args.save_json:
            args.save_json.write_text(json.dumps(speed, indent=1, default=str))
        print_table(speed)
        if args.write_results:
            write_results(BENCH / "RESULTS.md", args.results_block, speed_markdown(speed))
    if args.memory or args.memory_only:
        print(f"memory run: farm {args.memory_blogs} blogs x {args.memory_posts} posts ...", flush=True)
        mem = memory_run(args.memory_blogs, args.memory_posts, args.memory_comments) | header
        if args.save_json:
            args.save_json.with_suffix(".memory.json").write_text(json.dumps(mem, indent=1, default=str))
        print(memory_markdown(mem))
        if args.write_results:
            write_results(BENCH / "RESULTS.md", "memory", memory_markdown(mem))


def speed_runs(args: argparse.Namespace) -> dict[str, Any]:
    farm = FarmProcess(args.blogs, args.posts, args.comments)
    out: dict[str, Any] = {"farm": dict(farm.manifest), "crawls": [], "recrawls": []}
    out["farm"]["shape"] = f"{args.blogs} blogs x {args.posts} posts x {args.comments} comments"
    print(
        f"farm: {out['farm']['shape']}: {farm.manifest['posts']} posts, {farm.manifest['comments']} comments"
    )
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
                crawl = crawl_once(farm, db)
                print(f"{kind}: recrawl ...", flush=True)
                out["recrawls"].append(recrawl(farm, db))
            finally:
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
                out["profiles"].append(profile(farm, kind, args.keep_profile))
    finally:
        farm.close()
    out.pop("urls", None)
    return out


if __name__ == "__main__":
    main()
