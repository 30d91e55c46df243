"""Tables of ``bench/crawl_bench.py`` (Markdown, printed and written into bench/RESULTS.md)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from crawler.plan import SITE_COMMENTS_EARLY

SECTION = "## Crawl benchmarks"
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _ok(met: bool) -> str:
    return "met" if met else "**missed**"


def _n(value: float) -> str:
    return f"{value:,.0f}"


def speed_markdown(r: dict[str, Any]) -> str:
    farm = r["farm"]
    kinds: dict[str, int] = {}
    for blog in farm["blogs"]:
        kinds[blog["kind"]] = kinds.get(blog["kind"], 0) + 1
    mix = ", ".join(f"{n} {k}" for k, n in kinds.items())
    bare = r.get("bare") or []
    best = min(bare, key=lambda b: b["process_seconds"]) if bare else None
    lines = [
        f"`{r.get('command', 'python bench/crawl_bench.py')}` — {r['date']}, {r['machine']}. Farm: {farm['shape']} = "
        f"{_n(farm['posts'])} posts, {_n(farm['comments'])} comments ({mix}; one loopback address per blog, "
        f"answers pre-rendered). doclisten runs `crawl --delay 0 --concurrency 8` (16 requests in flight "
        "at most, 8 per host) in a subprocess; the baseline is `bench/bare_fetch.py`, a Scrapy spider with the "
        "same concurrency and no pipelines that GETs exactly the URLs the SQLite crawl asked the farm for.",
        "",
        "| first crawl | requests | posts | comments | seconds (CPU) | posts/s | bare Scrapy, same URLs: seconds (CPU) "
        "| ratio (target ≥ 0.6) | ratio of CPU times |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in r["crawls"]:
        ratio = best["process_seconds"] / c["seconds"] if best else 0.0
        cpu_ratio = best["cpu_seconds"] / c["cpu_seconds"] if best else 0.0
        bare_text = f"{best['process_seconds']:.1f} ({best['cpu_seconds']:.1f})" if best else "–"
        lines.append(
            f"| {NAMES[c['db']]} | {_n(c['requests'])} | {_n(c['posts'])} | {_n(c['comments'])} | "
            f"{c['seconds']:.1f} ({c['cpu_seconds']:.1f}) | {c['posts_per_second']:.1f} | {bare_text} | "
            f"{ratio:.2f}× {_ok(ratio >= 0.6)} | {cpu_ratio:.2f}× |"
        )
    if bare:
        runs = ", ".join(f"{b['process_seconds']:.1f} s ({b['seconds']:.1f} s fetching)" for b in bare)
        lines += [
            "",
            "Seconds are whole processes, start-up included (bare Scrapy: "
            f"{best['urls'] / best['process_seconds']:,.0f} requests/s, {r['crawls'][0]['posts'] / best['process_seconds']:,.0f} "
            f"posts/s); CPU is the process's user + system time. Bare fetch runs: {runs}; the fastest is the baseline. "
            "Fetch spans at the farm (first to last request): "
            + ", ".join(f"{NAMES[c['db']]} {c['span']:.1f} s" for c in r["crawls"])
            + ". Farm CPU during the crawls: "
            + ", ".join(f"{NAMES[c['db']]} {c['farm_cpu_seconds']:.1f} s" for c in r["crawls"])
            + ". `sources add` (discovery, not in the figures): "
            + ", ".join(
                f"{NAMES[c['db']]} {c['add_seconds']:.1f} s / {c['add_requests']} requests"
                for c in r["crawls"]
            )
            + ". Peak RSS of the crawl: "
            + ", ".join(f"{NAMES[c['db']]} {c['peak_rss_mb']:.0f} MB" for c in r["crawls"])
            + ".",
        ]
    lines += [
        "",
        "| recrawl, unchanged farm | requests | per source (target ≤ 1.2) | answered 304 (target ≥ 90 %) | "
        "content rows written (target 0) | seconds (CPU) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in r["recrawls"]:
        written = c["content_rows"] + len(c["changed_stamps"])
        if c["db"] == "postgresql":
            written += c["content_tuple_writes"]
        lines.append(
            f"| {NAMES[c['db']]} | {_n(c['requests'])} | {c['per_source']:.2f} {_ok(c['per_source'] <= 1.2)} | "
            f"{100 * c['not_modified']:.1f} % {_ok(c['not_modified'] >= 0.9)} | {written} {_ok(written == 0)} | "
            f"{c['seconds']:.1f} ({c['cpu_seconds']:.1f}) |"
        )
    for c in r["recrawls"]:
        kinds = ", ".join(f"{k}: {n}" for k, n in c["by_kind"].items())
        other = ", ".join(f"{t} {d:+d}" for t, d in c["row_deltas"].items())
        lines += [
            "",
            f"{NAMES[c['db']]} recrawl requests by kind and status: {kinds}. Row count changes: {other or 'none'}.",
        ]
        if c["db"] == "postgresql":
            tuples = "; ".join(f"{t} {i}/{u}/{d}" for t, (i, u, d) in c["tuple_writes"].items())
            lines[-1] += f" Tuples inserted/updated/deleted (pg_stat_user_tables): {tuples or 'none'}."
        if c["changed_stamps"]:
            lines[-1] += f" Changed: {', '.join(c['changed_stamps'])}."
    if r.get("profiles"):
        lines += ["", profile_markdown(r["profiles"])]
    stats = r.get("farm_stats") or {}
    if stats:
        lines += [
            "",
            f"Farm: {stats['renders']:,} answers rendered ({stats['render_seconds']:.1f} s, "
            f"{farm['prerendered']:,} of them pre-rendered at start-up), {stats['hits']:,} served from memory.",
        ]
    return "\n".join(lines)


def profile_markdown(profiles: list[dict[str, Any]]) -> str:
    tools = sorted({p["tool"] for p in profiles})
    how = (
        "py-spy record --idle --threads, 100 samples/s: the main (reactor) thread, and every other thread busy "
        "in at least 2 % as many samples (a writer thread, a thread pool), with its own columns"
        if tools == ["py-spy"]
        else "python -m cProfile, main thread; it inflates Python-heavy parts, read the shares"
    )
    columns: list[tuple[str, list[Any]]] = []  # (header, rows)
    for p in profiles:
        columns.append((NAMES[p["db"]], p["rows"]))
        for t in p.get("threads") or []:
            columns.append((f"{NAMES[p['db']]} {t['thread']} thread", t["rows"]))
    out = [
        f"Where the first crawl's time goes ({how}; a separate run of the same crawl, so its seconds are not "
        "those of the table above; the ↳ rows break storage down and overlap: SQLAlchemy and the driver "
        "run inside the upserts; storage is every function under `pipelines/store/` and the storage "
        "pipeline, in whichever thread it runs, while that thread is not waiting for work; a thread's "
        "seconds are its samples, busy or waiting, in seconds of the process's wall time):",
        "",
        "| where | " + " | ".join(f"{h} s | share" for h, _ in columns) + " |",
        "|---|" + "---:|---:|" * len(columns),
    ]
    labels = [row[0] for row in profiles[0]["rows"]]
    for label in labels:
        name = "↳ " + label.strip() if label.startswith("  ") else label
        cells = []
        for _h, rows in columns:
            row = next((r for r in rows if r[0] == label), None)
            if row is None or row[1] is None:
                cells.append("– | –")
            else:
                cells.append(f"{row[1]:.1f} | {100 * row[2]:.0f} %")
        out.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(out)


def new_comments_markdown(r: dict[str, Any]) -> str:
    """The new-comments-on-old-posts scenario (``crawl_bench.py --new-comments``)."""
    farm, sched, steps = r["farm"], r["schedule"], r["steps"]
    quiet, step = sched["quiet_hours"], r["step_hours"]
    due = quiet * (1 - SITE_COMMENTS_EARLY)  # a quiet blog's feed is due once 80 % of its interval passed
    expected = math.ceil(due / step - 1e-9) * step  # the first recrawl a quiet blog's feed is due at
    last = steps[-1]
    all_found = last["found"] == r["added"]
    first_full = next((s["hours"] for s in steps if s["found"] == r["added"]), None)
    lines = [
        f"`{r.get('command', 'python bench/crawl_bench.py')}` — {r['date']}, {r['machine']}. Farm: {farm['shape']} = "
        f"{_n(farm['posts'])} posts, {_n(farm['comments'])} comments, dated 2012–2024. After the first crawl "
        f"into {NAMES[r['db']]}, the farm added **{r['added']} new comments** to old posts ({r['per_post']} on "
        f"{100 * r['share']:.0f} % of every blog's posts: {r['posts']} posts of {r['blogs']} blogs, every platform "
        f"kind; {r['replies']} of them replies), dated that moment — just after the crawl polled every site-wide "
        "comment feed, the worst moment. The blogs' site comment feeds, post pages, post comment feeds and REST "
        "comments show them with a fresh ETag and Last-Modified; the posts feeds do not change (their ETag follows "
        f"the newest post, as on WordPress and Blogger). Then `doclisten crawl` ran again every {step:g} hours of "
        "simulated time, as a scheduler crawling each source that often would: real time cannot pass in a "
        f"benchmark, so before each recrawl the bench moved every time the crawler had written into the database "
        f"(sources, robots_txt, url_validators, crawls, posts' and comments' first/last seen…) back by {step:g} h; "
        "the farm's own dates (posts' and comments' publication) stay.",
        "",
        "| recrawl at (simulated) | requests | per source | requests by kind and status | new comments stored "
        "| rows added | seconds (CPU) |",
        "|---|---:|---:|---|---:|---|---:|",
    ]
    for s in steps:
        kinds = ", ".join(f"{k}: {n}" for k, n in s["by_kind"].items()) or "none"
        rows = ", ".join(f"{t} {d:+d}" for t, d in s["row_deltas"].items()) or "none"
        lines.append(
            f"| +{s['hours']:g} h | {_n(s['requests'])} | {s['per_source']:.2f} | {kinds} | "
            f"{s['found']} / {r['added']} (+{s['new']}) | {rows} | {s['seconds']:.1f} ({s['cpu_seconds']:.1f}) |"
        )
    by_kind = ", ".join(f"{k} {f}/{n}" for k, (n, f) in r["found_by_kind"].items())
    met = all_found and first_full is not None and first_full <= expected
    when = f"at +{first_full:g} h" if first_full is not None else f"not all by +{last['hours']:g} h"
    lines += [
        "",
        f"Stored by platform kind: {by_kind}; replies linked to their parent: {r['replies_linked']}/{r['replies']}. "
        f"Every new comment found within the comment feed's schedule (on a quiet blog the feed is due "
        f"{due:g} h after its last poll — {100 * (1 - SITE_COMMENTS_EARLY):.0f} % of {quiet:g} h, taken early "
        f"rather than late — so at the first recrawl ≥ {due:g} h, here +{expected:g} h): "
        f"{when}, {_ok(met)}.",
        "",
        f"**Worst-case delay under `doclisten run`'s default schedule: {sched['bound_hours']:.1f} h** "
        f"({sched['worst_hours']:.1f} h simulated). A new comment on an old post shows only in the site-wide "
        "comment feed (`crawler.plan.site_comments_due`): on a quiet blog — newest post and comment older than "
        f"4 days — it is polled at the first crawl at least {due:g} h after the previous poll, and such a "
        f"source is crawled every {sched['max_interval_hours']:g} h ± {100 * sched['jitter']:.0f} % "
        "(`DOCLISTEN_MAX_INTERVAL`, jitter): the bound is one quiet interval plus one crawl interval, "
        f"{quiet:g} h + {sched['max_interval_hours'] * (1 + sched['jitter']):.1f} h (a crawl just before the "
        "poll falls due, then the longest gap to the next); polling from 80 % of the interval on makes that rare "
        "once a source is crawled daily (a crawl 10 % early still polls). Simulated with the real policy functions (`scheduler.policy.next_schedule`, `site_comments_due`, "
        f"default settings) for {sched['sources']} quiet sources over {sched['days']} days: longest gap between "
        f"two polls {sched['worst_hours']:.1f} h (longest between two crawls {sched['longest_crawl_gap_hours']:.1f} h); "
        f"a comment posted at a random time waits {sched['mean_delay_hours']:.1f} h on average. An active blog "
        "(a post or comment in the last days, or a poll that brought new comments) polls more often — every crawl "
        "right after the activity, then every quarter of the time since — so the delay is shorter there. Only the "
        "newest comments are in a site-wide feed (WordPress: `posts_per_rss`, 10 by default, the farm renders 20; "
        "Blogger: 25): more new comments than that on "
        "one blog between two polls would push the oldest out of it.",
    ]
    return "\n".join(lines)


def memory_markdown(m: dict[str, Any]) -> str:
    farm = m["farm"]
    marks = m["rss_at"]
    flat = m["growth"] <= 0.10
    growth = f"{100 * m['growth']:+.1f}".replace("-0.0", "0.0")
    return "\n".join(
        [
            f"`python bench/crawl_bench.py --memory-only {m['flags']}` — {m['date']}, {m['machine']}.",
            f"Farm {farm['shape']}: {_n(farm['posts'])} posts, {_n(farm['comments'])} comments; one SQLite crawl "
            f"fetched {_n(m['pages'])} pages in {m['seconds']:.0f} s ({m['cpu_seconds']:.0f} s CPU; {_n(m['posts'])} posts, {_n(m['comments'])} "
            f"comments stored). RSS of the crawl process sampled every second ({m['samples']} samples).",
            "",
            "| pages crawled | 10 % | 25 % | 50 % | 75 % | 100 % | peak (VmHWM) | slope after 25 % |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| RSS, MB | {' | '.join(f'{marks[p]:.0f}' for p in (10, 25, 50, 75, 100))} | {m['peak_mb']:.0f} | "
            f"{m['slope_mb_per_10k']:+.1f} MB per 10k pages |",
            "",
            f"Growth from 25 % to 100 % of the pages: {growth} % (target flat, ≤ 10 %): {_ok(flat)}.{_warmup(m)}",
        ]
    )


def _warmup(m: dict[str, Any]) -> str:
    series = m.get("series") or []
    if not series:
        return ""
    final = series[-1][2]
    t, pages, rss = next(s for s in series if s[2] >= 0.99 * final)
    start = next((s for s in series if s[1] > 0), series[0])
    return (
        f" Warm-up: {start[2]:.0f} MB when the first pages arrived, 99 % of the final RSS ({rss:.0f} MB) "
        f"after {_n(pages)} pages ({100 * pages / m['pages']:.0f} %, {t:.0f} s)."
    )


def print_table(r: dict[str, Any]) -> None:
    print()
    print(speed_markdown(r))
    print(flush=True)


def write_results(path: Path, block: str, text: str) -> None:
    """Replace the ``block`` figures inside the "Crawl benchmarks" section; nothing else is touched."""
    content = path.read_text() if path.exists() else "# Benchmarks\n"
    start, end = f"<!-- crawl-bench:{block} -->", f"<!-- /crawl-bench:{block} -->"
    new_block = f"{start}\n{text}\n{end}"
    if SECTION not in content:
        content = content.rstrip("\n") + f"\n\n{SECTION}\n\n{new_block}\n"
    elif start in content:
        content = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: new_block, content, flags=re.S)
    else:
        head, _, rest = content.partition(SECTION)
        nxt = re.search(r"^## ", rest, flags=re.M)
        cut = nxt.start() if nxt else len(rest)
        content = (
            head
            + SECTION
            + rest[:cut].rstrip("\n")
            + f"\n\n{new_block}\n"
            + ("\n" + rest[cut:] if nxt else "")
        )
    path.write_text(content)
