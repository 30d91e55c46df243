"""How far the first crawl's ratio to a bare Scrapy fetch can rise: the same crawl with parts of the work
taken away, each against the bare fetch of the same URLs, in one run.

    .venv/bin/python bench/crawl_floor.py                  # default farm (50 blogs x 20 posts x 0-20), ~4 min
    .venv/bin/python bench/crawl_floor.py --blogs 10 --posts 10 --repeat 1   # ~1 min

Variants, each a first crawl (``doclisten crawl --processes 1 --delay 0 --concurrency 8``) into a fresh
SQLite file after ``doclisten sources add`` (the same sources, so the same URLs):

- ``full``: every pipeline (what users run);
- ``no storage``: normalize, dedup, keywords and enrich, no storage or schedule pipeline (the items are
  analysed, then dropped: what the crawl would cost if writing were free);
- ``spider only``: no item pipelines (fetching, feedparser and page extraction in the spider).

The ratio is bare seconds / crawl seconds, both whole processes (start-up included), as in
``crawl_bench.py``; each variant's CPU seconds and its ratio of CPU times are printed beside it. With
``--processes 2`` the default-settings crawl of two processes is measured too (``full``, two processes).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crawl_bench import bare_fetch, machine
from crawl_tools import FAST, Database, FarmProcess, doclisten

from crawler.settings import ITEM_PIPELINES

ANALYSIS = {
    name: order for name, order in ITEM_PIPELINES.items() if "storage" not in name and "scheduler" not in name
}
VARIANTS: dict[str, dict[str, int] | None] = {"full": None, "no storage": ANALYSIS, "spider only": {}}


def first_crawl(farm: FarmProcess, pipelines: dict[str, int] | None, processes: int) -> dict[str, Any]:
    db = Database("sqlite")
    try:
        doclisten("sources", "add", *FAST, *farm.homes, db_url=db.url)
        mark = farm.count()
        extra = [] if pipelines is None else ["--set", f"ITEM_PIPELINES={json.dumps(pipelines)}"]
        run = doclisten("crawl", *FAST, "--processes", str(processes), *extra, db_url=db.url, farm=farm)
        if run.returncode != 0:
            raise RuntimeError(f"crawl failed:\n{run.stderr[-3000:]}")
        log = farm.log(mark)
        return {
            "seconds": run.seconds,
            "cpu": run.cpu_seconds,
            "requests": len(log),
            "posts": db.query("SELECT count(*) FROM posts")[0][0],
            "urls": [farm.url(entry) for entry in log],
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blogs", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--comments", default="0-20")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant (the fastest counts)")
    parser.add_argument("--processes", type=int, default=1, help="also measure `full` with this many")
    args = parser.parse_args()
    farm = FarmProcess(args.blogs, args.posts, args.comments)
    try:
        plan = [(name, pipelines, 1) for name, pipelines in VARIANTS.items()]
        if args.processes > 1:
            plan.append((f"full, {args.processes} processes", None, args.processes))
        results: dict[str, dict[str, Any]] = {}
        for _ in range(max(1, args.repeat)):
            for name, pipelines, processes in plan:
                got = first_crawl(farm, pipelines, processes)
                if name not in results or got["seconds"] < results[name]["seconds"]:
                    results[name] = got
        urls = results["full"]["urls"]
        bare = min(
            (bare_fetch(urls, farm) for _ in range(max(1, args.repeat))), key=lambda r: r["process_seconds"]
        )
        print(f"`python bench/crawl_floor.py {' '.join(sys.argv[1:])}` — {machine()}")
        print(f"farm: {args.blogs} blogs x {args.posts} posts x {args.comments} comments")
        print(
            f"bare Scrapy fetch of the full crawl's {len(urls):,} URLs: {bare['process_seconds']:.1f} s "
            f"({bare['cpu_seconds']:.1f} s CPU)\n"
        )
        print("| first crawl | requests | seconds (CPU) | ratio | ratio of CPU times |")
        print("|---|---:|---:|---:|---:|")
        for name, got in results.items():
            print(
                f"| {name} | {got['requests']:,} | {got['seconds']:.1f} ({got['cpu']:.1f}) | "
                f"{bare['process_seconds'] / got['seconds']:.2f}x | {bare['cpu_seconds'] / got['cpu']:.2f}x |"
            )
    finally:
        farm.close()


if __name__ == "__main__":
    main()
