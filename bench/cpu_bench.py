"""CPU per post of the crawl's stages outside storage, each measured alone on farm pages in memory.

    .venv/bin/python bench/cpu_bench.py [--blogs 20] [--posts 10] [--comments 0-20] [--repeat 3]
                                        [--profile STAGE] [--digest] [--baseline REV [--rounds 3]]

Renders a generated blog farm (``bench/farm.py``: the sample site's four platforms, shuffled DOC
sentences, 0..N threaded comments per post) without sockets, then runs, stage by stage, what the
first crawl does with those answers: ``extract_page`` on every post page; ``extract_links`` on every
archive page (home page, ``/page/N/``, Blogger's searches by date); ``parse_feed`` on every
posts feed; ``parse_comment_feed`` on the comment feed of every post with comments (the crawl asks
for few of them: most comments come with the page or the REST API); then, on the posts extracted, the
pipelines in crawl order: normalize, dedup (MinHash signature), keywords (bundled taxonomy),
enrich (language and sentiment of each post and comment, sentiment of each keyword mention).
Each stage runs ``--repeat`` times on fresh inputs; the table gives the fastest run, in CPU
milliseconds per post (process time; one thread), and the stage's total CPU seconds.

``--digest`` prints a SHA-256 of each stage's output (every text, date, language, sentiment,
match and signature): an optimisation must leave them unchanged. ``--baseline REV`` runs the
benchmark on the code of an older revision (``git archive``) and on this tree, in turns, and prints
both with the change and whether the outputs are the same. ``--profile STAGE`` prints the
top of a cProfile of one stage (extract, listings, feeds, comment-feeds, normalize, dedup, keywords, enrich).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import dataclasses
import hashlib
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from farm import FEED_PATHS, KINDS, Farm, _target, build_blog, load_pools

from crawler import urls
from crawler.extract import extract_links, extract_page
from crawler.feeds import parse_comment_feed, parse_feed
from crawler.items import PostItem
from crawler.plan import blogger_comments_feed
from pipelines.dedup import DedupPipeline
from pipelines.enrich import EnrichPipeline
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.pipeline import KeywordsPipeline
from pipelines.keywords.rules import bundled_rules
from pipelines.normalize import NormalizePipeline

STAGES = ["extract", "listings", "feeds", "comment-feeds", "normalize", "dedup", "keywords", "enrich"]


class _Stats:
    def inc_value(self, *_args: Any, **_kwargs: Any) -> None:
        pass


@dataclasses.dataclass
class Inputs:
    pages: list[tuple[str, bytes, str]]  # url, body, platform of each post page
    listings: list[tuple[str, bytes]]  # url, body of each archive page (home, /page/N/, Blogger searches)
    feeds: list[tuple[str, bytes, str]]  # url, body, content type of each posts feed
    comment_feeds: list[tuple[str, bytes, str]]
    posts: int
    comments: int


def render(blogs: int, posts: int, comments: tuple[int, int], seed: int) -> Inputs:
    farm = Farm([build_blog(i, posts, comments, load_pools(), seed) for i in range(blogs)])
    for i, kind in enumerate(farm.kinds):
        farm.bases.append(f"http://127.20.0.{i + 1}:8000/")
        farm.renderers.append(KINDS[kind][0](farm.content[i], farm.bases[i]))
    inputs = Inputs([], [], [], [], 0, 0)
    for i, (kind, blog) in enumerate(zip(farm.kinds, farm.content, strict=True)):
        base, renderer = farm.bases[i], farm.renderers[i]
        platform = KINDS[kind][1]

        def get(target: str, i: int = i) -> tuple[bytes, str]:
            answer = farm.answer(i, target)
            ctype = answer.head.decode("latin-1").lower().partition("content-type: ")[2].partition("\r\n")[0]
            return answer.body, ctype

        for target in farm.predictable_targets(i):
            if target == "/" or target.startswith(("/page/", "/search?")):
                inputs.listings.append((base + target.lstrip("/"), get(target)[0]))
        body, ctype = get("/" + FEED_PATHS[kind])
        inputs.feeds.append((base + FEED_PATHS[kind], body, ctype))
        for post in blog.posts:
            url = renderer.post_url(post)
            inputs.pages.append((url, get(urlsplit(url).path)[0], platform))
            if post.comments:
                feed = blogger_comments_feed(base, str(post.id)) if kind == "blogger" else url + "feed/"
                body, ctype = get(_target(feed))
                inputs.comment_feeds.append((feed, body, ctype))
            inputs.posts += 1
            inputs.comments += len(post.comments)
    return inputs


def post_item(url: str, post: Any) -> PostItem:
    return PostItem(
        source_id=1,
        url=url,
        fetched_url=url,
        platform=post.platform,
        title=post.title,
        author=post.author,
        published_at=post.published_at,
        updated_at=post.updated_at,
        content_text=post.content_text,
        external_id=post.wp_post_id or post.blogger_post_id,
        comments=post.comments,
    )


def run_extract(inputs: Inputs, _items: list[PostItem]) -> list[Any]:
    return [extract_page(body, url, platform=platform) for url, body, platform in inputs.pages]


def run_listings(inputs: Inputs, _items: list[PostItem]) -> list[Any]:
    return [extract_links(body, url) for url, body in inputs.listings]


def run_feeds(inputs: Inputs, _items: list[PostItem]) -> list[Any]:
    return [parse_feed(body, url, ctype) for url, body, ctype in inputs.feeds]


def run_comment_feeds(inputs: Inputs, _items: list[PostItem]) -> list[Any]:
    return [parse_comment_feed(body, url, ctype) for url, body, ctype in inputs.comment_feeds]


def pipeline_stage(make: Callable[[], Any]) -> Callable[[Inputs, list[PostItem]], list[Any]]:
    def run(_inputs: Inputs, items: list[PostItem]) -> list[Any]:
        pipeline = make()
        if hasattr(pipeline, "open_spider"):
            pipeline.open_spider()
        return [pipeline.process_item(item) for item in items]

    return run


def _enrich_pipeline() -> EnrichPipeline:
    pipeline = EnrichPipeline()
    pipeline.open_spider()
    # the model is loaded once per process (``load_identifier``); load it outside the measure
    assert pipeline.enricher is not None
    _ = pipeline.enricher.identifier
    return pipeline


def stage_runners(matcher: Matcher) -> dict[str, Callable[[Inputs, list[PostItem]], list[Any]]]:
    return {
        "extract": run_extract,
        "listings": run_listings,
        "feeds": run_feeds,
        "comment-feeds": run_comment_feeds,
        "normalize": pipeline_stage(NormalizePipeline),
        "dedup": pipeline_stage(lambda: DedupPipeline(_Stats())),
        "keywords": pipeline_stage(lambda: KeywordsPipeline(matcher)),
        "enrich": pipeline_stage(_enrich_pipeline),
    }


def digest(values: list[Any]) -> str:
    """SHA-256 of the outputs' reprs (dataclasses all the way down; annotations included)."""
    h = hashlib.sha256()
    for value in values:
        if isinstance(value, PostItem):
            h.update(repr((value, value.annotations)).encode())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()[:16]


def clear_data_caches() -> None:
    """Forget what the URL functions remember, so that each run starts as a crawl does (the selector
    caches, which depend on code rather than data, stay warm)."""
    for name in ("canonical_url", "is_trap", "_site_host", "_not_a_post"):
        clear = getattr(getattr(urls, name), "cache_clear", None)
        if clear is not None:  # (older code, measured for a baseline, caches nothing)
            clear()


def measure(
    inputs: Inputs, repeat: int, profile: str | None
) -> tuple[dict[str, float], dict[str, str], str | None]:
    matcher = Matcher(bundled_rules())
    runners = stage_runners(matcher)
    extracted = run_extract(inputs, [])
    base_items = [post_item(url, post) for (url, _, _), post in zip(inputs.pages, extracted, strict=True)]
    best: dict[str, float] = {}
    digests: dict[str, str] = {}
    report = None
    items = copy.deepcopy(base_items)
    for stage in STAGES:
        before = items
        times, out = [], []
        for _ in range(repeat):
            fresh = copy.deepcopy(before)
            clear_data_caches()
            t0 = time.process_time()
            out = runners[stage](inputs, fresh)
            times.append(time.process_time() - t0)
        if stage == profile:
            fresh = copy.deepcopy(before)
            clear_data_caches()
            prof = cProfile.Profile()
            prof.enable()
            runners[stage](inputs, fresh)
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(45)
            report = buf.getvalue()
        best[stage] = min(times)
        digests[stage] = digest(out)
        if stage not in ("extract", "listings", "feeds", "comment-feeds"):
            items = out
    return best, digests, report


def _run_json(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    """This benchmark run on the code of ``tree`` (a subprocess; ``tree`` first on its path)."""
    argv = [sys.executable, str(tree / "bench" / "cpu_bench.py"), "--json", "--repeat", str(args.repeat)]
    argv += ["--blogs", str(args.blogs), "--posts", str(args.posts), "--comments", args.comments]
    argv += ["--seed", str(args.seed)]
    out = subprocess.run(argv, cwd=tree, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.splitlines()[-1]))


def compare(args: argparse.Namespace) -> None:
    """Before (``--baseline REV``, exported with ``git archive``) and after (this tree), run in turns."""
    here = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="cpu-bench-") as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "archive", args.baseline], cwd=here, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        shutil.copy(Path(__file__), old / "bench" / "cpu_bench.py")  # the same benchmark on the old code
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            runs["before"].append(_run_json(old, args))
            runs["after"].append(_run_json(here, args))
    first = runs["after"][0]
    print(
        f"{first['title']}; before = {args.baseline}, after = this tree, run in turns ({args.rounds} rounds); "
        f"the fastest of all runs of each stage"
    )
    print()
    print("| stage | before: ms per post | after: ms per post | change | same output |")
    print("|---|---:|---:|---:|---|")
    totals = [0.0, 0.0]
    for stage in STAGES:
        before = min(r["seconds"][stage] for r in runs["before"])
        after = min(r["seconds"][stage] for r in runs["after"])
        same = {r["digests"][stage] for r in runs["before"] + runs["after"]}
        totals = [totals[0] + before, totals[1] + after]
        print(
            f"| {stage} | {_ms(before, first)} | {_ms(after, first)} | {_change(before, after)} | {_yes(same)} |"
        )
    print(f"| total | {_ms(totals[0], first)} | {_ms(totals[1], first)} | {_change(*totals)} | |")


def _ms(seconds: float, run: dict[str, Any]) -> str:
    return f"{1000 * seconds / run['posts']:.2f}"


def _change(before: float, after: float) -> str:
    return f"{100 * (after - before) / before:+.0f} %" if before else ""


def _yes(digests: set[str]) -> str:
    return "yes" if len(digests) == 1 else "**no**"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--blogs", type=int, default=20)
    parser.add_argument("--posts", type=int, default=10, help="posts per blog")
    parser.add_argument("--comments", default="0-20", help="comments per post: N or MIN-MAX (uniform)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", choices=STAGES, help="print a cProfile of one stage")
    parser.add_argument("--digest", action="store_true", help="print a hash of each stage's output")
    parser.add_argument("--baseline", metavar="REV", help="compare with the code of this git revision")
    parser.add_argument("--rounds", type=int, default=3, help="with --baseline: runs of each, in turns")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline:
        compare(args)
        return
    low, _, high = args.comments.partition("-")
    inputs = render(args.blogs, args.posts, (int(low), int(high or low)), args.seed)
    best, digests, report = measure(inputs, args.repeat, args.profile)
    title = (
        f"{args.blogs} blogs x {args.posts} posts x {args.comments} comments: {inputs.posts} posts, "
        f"{inputs.comments} comments, {len(inputs.listings)} archive pages, {len(inputs.feeds)} posts feeds, "
        f"{len(inputs.comment_feeds)} comment feeds; fastest of {args.repeat} runs, CPU (process time)"
    )
    if args.json:
        print(json.dumps({"title": title, "posts": inputs.posts, "seconds": best, "digests": digests}))
        return
    print(title)
    print()
    print("| stage | ms per post | CPU s |" + (" output digest |" if args.digest else ""))
    print("|---|---:|---:|" + ("---|" if args.digest else ""))
    for stage in STAGES:
        extra = f" `{digests[stage]}` |" if args.digest else ""
        print(f"| {stage} | {1000 * best[stage] / inputs.posts:.2f} | {best[stage]:.2f} |{extra}")
    total = sum(best.values())
    print(f"| total | {1000 * total / inputs.posts:.2f} | {total:.2f} |" + (" |" if args.digest else ""))
    if report:
        print()
        print(report)


if __name__ == "__main__":
    main()
