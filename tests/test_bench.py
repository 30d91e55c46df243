"""The crawl benchmark's own machinery: its scripts start, parse their options, and the farm's
mutation endpoint, the simulated clock and the schedule model do what the figures rely on."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_python

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import crawl_bench  # noqa: E402
import crawl_report  # noqa: E402
import crawl_tools  # noqa: E402
import reference_text  # noqa: E402


@pytest.mark.parametrize(
    "script", ["crawl_bench.py", "crawl_floor.py", "farm.py", "bare_fetch.py", "realworld_extraction.py"]
)
def test_bench_scripts_start(script: str) -> None:
    run = run_python(str(ROOT / "bench" / script), "--help")
    assert run.returncode == 0, run.stderr
    assert "usage:" in run.stdout


def test_token_f1_is_a_multiset_overlap_of_lowercased_words() -> None:
    precision, recall, f1 = reference_text.token_prf("Insulin, insulin and pens", "insulin pens pens")
    assert (precision, recall) == (2 / 4, 2 / 3)
    assert f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert reference_text.token_prf("", "some truth") == (0.0, 0.0, 0.0)
    assert reference_text.token_prf("", "") == (1.0, 1.0, 1.0)


def test_bad_options_are_one_line_errors() -> None:
    run = run_python(str(ROOT / "bench" / "crawl_bench.py"), "--new-comments-step", "0")
    assert run.returncode == 2
    assert "--new-comments-step must be positive" in run.stderr
    assert "Traceback" not in run.stderr


def test_command_line_of_a_run_leaves_out_where_figures_go() -> None:
    argv = ["--quick", "--write-results", "--save-json", "x.json", "--no-new-comments"]
    assert crawl_bench.command(argv) == "python bench/crawl_bench.py --quick --no-new-comments"


# ---------------------------------------------------------------------------------- the farm


@pytest.fixture(scope="module")
def farm() -> Iterator[crawl_tools.FarmProcess]:
    proc = crawl_tools.FarmProcess(10, 4, "1-3", seed=3)  # every platform kind (MIX has 10 slots)
    try:
        yield proc
    finally:
        proc.close()


def _get(url: str, etag: str | None = None) -> tuple[int, str | None, str]:
    req = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.headers.get("ETag"), res.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            if exc.code == 304:
                return 304, exc.headers.get("ETag"), ""
            raise


def _urls(farm: crawl_tools.FarmProcess, c: dict[str, Any]) -> dict[str, str]:
    home = farm.homes[c["blog"]]
    if c["kind"] == "blogger":
        return {
            "site comment feed": home + "feeds/comments/default",
            "post comment feed": home + f"feeds/{c['post_id']}/comments/default",
            "post page": c["post_url"],
        }
    urls = {
        "site comment feed": home + "comments/feed/",
        "post comment feed": c["post_url"] + "feed/",
        "post page": c["post_url"],
    }
    if c["kind"] == "wp-classic":
        urls["REST comments"] = home + f"wp-json/wp/v2/comments?post={c['post_id']}&per_page=100"
    return urls


def _posts_feed(farm: crawl_tools.FarmProcess, i: int) -> str:
    blog = farm.manifest["blogs"][i]
    return blog["home"] + ("feeds/posts/default" if blog["kind"] == "blogger" else "feed/")


def _site_comments(farm: crawl_tools.FarmProcess, i: int) -> str:
    blog = farm.manifest["blogs"][i]
    return blog["home"] + ("feeds/comments/default" if blog["kind"] == "blogger" else "comments/feed/")


def test_new_comments_show_in_every_feed_with_fresh_validators(farm: crawl_tools.FarmProcess) -> None:
    blogs = range(len(farm.homes))
    assert {b["kind"] for b in farm.manifest["blogs"]} == {"wp-classic", "wp-block", "wpcom", "blogger"}
    posts_feeds = {i: _get(_posts_feed(farm, i))[1] for i in blogs}
    site_feeds = {i: _get(_site_comments(farm, i))[1] for i in blogs}

    added = farm.add_comments(0.25, per_post=1, seed=5)

    assert sorted(c["blog"] for c in added) == list(blogs)  # 25 % of 4 posts: one on every blog
    for c in added:
        for what, url in _urls(farm, c).items():
            status, etag, body = _get(url)
            assert status == 200, (what, url)
            assert c["id"] in body, (what, c["kind"], url)
            if what != "REST comments":  # WordPress's REST API sends no validators
                assert etag is not None
                assert _get(url, etag)[0] == 304  # the fresh validator holds until the next change
    for i in blogs:
        assert _get(_site_comments(farm, i), site_feeds[i])[0] == 200  # the old ETag no longer matches
        assert _get(_posts_feed(farm, i), posts_feeds[i])[0] == 304  # its ETag follows the newest post
    assert [c["id"] for c in farm._get("added")] == [c["id"] for c in added]


def test_a_bad_mutation_is_a_one_line_answer(farm: crawl_tools.FarmProcess) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(farm.control + "add-comments?share=lots", timeout=30)
    with err.value:
        assert err.value.code == 400
        assert "error" in err.value.read().decode()
    assert farm.count() >= 0  # and the farm still answers


# ---------------------------------------------------------------------------------- the clock


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_db(request: pytest.FixtureRequest) -> Iterator[crawl_tools.Database]:
    from pipelines.store.db import open_database

    try:
        db = crawl_tools.Database(request.param)
    except Exception as exc:  # the same PostgreSQL as the other tests'
        pytest.skip(f"{request.param}: {exc}")
    try:
        open_database(db.url).dispose()
        yield db
    finally:
        db.close()


def test_shift_clock_moves_the_crawlers_times_not_the_blogs(bench_db: crawl_tools.Database) -> None:
    from pipelines.store.db import session_factory
    from pipelines.store.models import Post, Source

    now = datetime.now(UTC).replace(microsecond=0)
    old = datetime(2015, 3, 4, 5, 6, 7, tzinfo=UTC)
    bench_db.engine = crawl_tools.create_engine(bench_db.url)
    with session_factory(bench_db.engine).begin() as session:
        source = Source(home_url="http://a.example/", platform="wordpress", added_at=now)
        source.comments_feed_checked_at = now
        session.add(source)
        session.flush()
        session.add(
            Post(
                source_id=source.id,
                url="http://a.example/p/",
                content_text="",
                content_hash="h",
                published_at=old,
                last_comment_at=now,
                first_seen_at=now,
                last_seen_at=now,
                last_changed_at=now,
            )
        )
    moved = bench_db.shift_clock(6, now - timedelta(days=30))
    assert moved == 5  # added_at, comments_feed_checked_at, first/last seen, last changed

    with session_factory(bench_db.engine)() as session:
        source = session.query(Source).one()
        post = session.query(Post).one()

        def utc(value: datetime | None) -> datetime | None:
            return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)

        assert utc(source.comments_feed_checked_at) == now - timedelta(hours=6)
        assert utc(source.added_at) == now - timedelta(hours=6)
        assert utc(post.first_seen_at) == now - timedelta(hours=6)
        assert utc(post.published_at) == old  # the blog's clock stays
        assert utc(post.last_comment_at) == now


# ---------------------------------------------------------------------------------- the schedule


def test_schedule_model_worst_case_is_a_quiet_day_plus_a_crawl_interval() -> None:
    sched = crawl_bench.schedule_delays(days=20, sources=20)
    assert sched["quiet_hours"] == 24
    assert sched["bound_hours"] == pytest.approx(24 + 24 * 1.1)
    assert 24 <= sched["worst_hours"] <= sched["bound_hours"] + 1e-6
    assert 0 < sched["mean_delay_hours"] < sched["worst_hours"]


def test_new_comments_table_states_the_delay() -> None:
    step = {
        "hours": 0.0,
        "requests": 2,
        "per_source": 1.0,
        "by_kind": {"posts feed 304": 2},
        "found": 0,
        "new": 0,
        "row_deltas": {},
        "seconds": 1.0,
        "cpu_seconds": 1.0,
    }
    found = step | {"hours": 24.0, "found": 2, "new": 2, "by_kind": {"site comment feed 200": 2}}
    result = {
        "db": "sqlite",
        "added": 2,
        "posts": 2,
        "blogs": 2,
        "share": 0.1,
        "per_post": 1,
        "step_hours": 6.0,
        "max_hours": 48.0,
        "steps": [step, found],
        "found_by_kind": {"wp-classic": [1, 1], "blogger": [1, 1]},
        "replies": 1,
        "replies_linked": 1,
        "date": "2026-12-01",
        "machine": "test",
        "command": "x",
        "farm": {"shape": "2 blogs x 1 posts", "posts": 2, "comments": 3},
        "schedule": crawl_bench.schedule_delays(days=5, sources=3),
    }
    text_ = crawl_report.new_comments_markdown(result)
    assert "| +24 h | 2 |" in text_
    assert "at +24 h, met" in text_
    assert "Worst-case delay under `doclisten run`'s default schedule: 50.4 h" in text_


# ---------------------------------------------------------------------------------- the profile


def test_profile_covers_the_reactor_and_a_writer_thread(tmp_path: Path) -> None:
    loop = "main (doclisten/cli/main.py:9);run_forever (asyncio/base_events.py:600)"
    store = "/x/pipelines/store/writer.py"
    raw = "\n".join(
        [
            f"thread (101): MainThread;{loop};poll (~:0) 40",
            f"thread (101): MainThread;{loop};process_item (/x/pipelines/enrich.py:5) 50",
            "thread (101): MainThread;<module> (doclisten/cli/main.py:1) 10",
            f"thread (102): doclisten-writer-1;run ({store}:20);merge_comments (/x/pipelines/store/comments.py:9) 30",
            f"thread (102): doclisten-writer-1;run ({store}:20);Condition.wait (/usr/lib/threading.py:320) 60",
            f"thread (102);run ({store}:20);Condition.wait (/usr/lib/threading.py:320) 10",
            "thread (103): PoolThread-twisted-7;work (/t/threadpool.py:3);Condition.wait (/usr/lib/threading.py:3) 100",
        ]
    )
    dump = tmp_path / "crawl.txt"
    dump.write_text(raw + "\n")
    threads = crawl_tools.spy_thread_breakdowns(dump, wall=10.0)
    assert [t["thread"] for t in threads] == ["MainThread", "doclisten-writer"]  # the idle pool is left out
    main, writer = ({r[0]: r for r in t["rows"]} for t in threads)
    assert main["pipeline: enrich (language, sentiment)"][2] == pytest.approx(0.5)
    assert main["pipeline: storage (all SQL work)"][2] == 0
    assert main["start-up, imports, shutdown (outside the event loop)"][2] == pytest.approx(0.1)
    assert writer["pipeline: storage (all SQL work)"][2] == pytest.approx(0.3)  # busy only, not waiting
    assert writer["  storage: merge_comments"][2] == pytest.approx(0.3)
    assert writer["idle: thread waiting for work (queue, lock)"][2] == pytest.approx(0.7)
    assert writer["start-up, imports, shutdown (outside the event loop)"][1] is None
    assert writer["total: the thread(s)"][1] == pytest.approx(10.0)  # as many samples as the main thread
    table = crawl_report.profile_markdown(
        [{"db": "sqlite", "tool": "py-spy", "rows": threads[0]["rows"], "threads": threads[1:]}]
    )
    assert "| where | SQLite s | share | SQLite doclisten-writer thread s | share |" in table
    assert "| pipeline: storage (all SQL work) | 0.0 | 0 % | 3.0 | 30 % |" in table
