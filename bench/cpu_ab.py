"""Issue 12's changed stages (enrich, MinHash, URL functions on archive pages), old code against new in one
process, in turns: a comparison that load on the machine cannot tilt, unlike two separate runs.

    git archive REV | tar -x -C /tmp/old       # the code before
    .venv/bin/python bench/cpu_ab.py /tmp/old [ROUNDS]

The old ``pipelines/enrich.py``, ``pipelines/neardup.py`` and ``crawler/urls.py`` are loaded under other names
next to the current ones; each measure runs old then new (new then old every other round) on the texts of
``bench/cpu_bench.py``'s 20 x 10 farm, and the fastest round of each counts. "language" is a control: its
code did not change.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_bench import clear_data_caches, digest, post_item, render, run_extract

import crawler.extract.links as links
import crawler.urls as new_urls
import pipelines.enrich as new_enrich
import pipelines.neardup as new_neardup
from pipelines.dedup import DedupPipeline
from pipelines.keywords.matcher import Matcher
from pipelines.keywords.pipeline import KeywordsPipeline
from pipelines.keywords.rules import bundled_rules
from pipelines.normalize import NormalizePipeline

Measure = Callable[[ModuleType], tuple[float, object]]


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class _Stats:
    def inc_value(self, *_args: Any, **_kwargs: Any) -> None:
        pass


def farm_items() -> tuple[Any, list[Any]]:
    inputs = render(20, 10, (0, 20), 1)
    items = [
        post_item(url, post) for (url, _, _), post in zip(inputs.pages, run_extract(inputs, []), strict=True)
    ]
    keywords = KeywordsPipeline(Matcher(bundled_rules()))
    items = [NormalizePipeline().process_item(item) for item in items]
    items = [DedupPipeline(_Stats()).process_item(item) for item in items]
    return inputs, [keywords.process_item(item) for item in items]


def timed(run: Callable[[], object]) -> tuple[float, object]:
    t0 = time.process_time()
    out = run()
    return time.process_time() - t0, out


def measures(inputs: Any, items: list[Any]) -> dict[str, Measure]:
    texts = [i.content_text for i in items] + [c.text for i in items for c in i.comments]

    def enrich(module: ModuleType) -> tuple[float, object]:
        pipeline = module.EnrichPipeline()
        pipeline.open_spider()
        _ = pipeline.enricher.identifier
        fresh = copy.deepcopy(items)
        seconds, out = timed(lambda: [pipeline.process_item(item) for item in fresh])
        return seconds, digest(out)  # type: ignore[arg-type]

    def language(module: ModuleType) -> tuple[float, object]:
        enricher = module.Enricher()
        _ = enricher.identifier
        return timed(lambda: [enricher.language(text) for text in texts])

    def sentiment(module: ModuleType) -> tuple[float, object]:
        enricher = module.Enricher()
        return timed(lambda: [enricher.sentiment(text) for text in texts])

    def signatures(module: ModuleType) -> tuple[float, object]:
        hasher = module.Hasher(0)
        bodies = [item.content_text for item in items]
        return timed(lambda: [hasher.signature(body).hashvalues.tobytes() for body in bodies])

    def archive_pages(module: ModuleType) -> tuple[float, object]:
        saved = links.same_site, links.is_permalink, links.may_be_post
        links.same_site, links.is_permalink, links.may_be_post = (
            module.same_site,
            module.is_permalink,
            module.may_be_post,
        )
        clear_data_caches()
        try:
            seconds, out = timed(lambda: [links.extract_links(body, url) for url, body in inputs.listings])
            return seconds, digest(out)  # type: ignore[arg-type]
        finally:
            links.same_site, links.is_permalink, links.may_be_post = saved

    return {
        "enrich stage": enrich,
        "↳ sentiment of each text": sentiment,
        "↳ language of each text (control: unchanged)": language,
        "MinHash signatures": signatures,
        "archive pages (extract_links)": archive_pages,
    }


def main() -> None:
    old = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    modules = {
        "enrich": (load("old_enrich", old / "pipelines/enrich.py"), new_enrich),
        "neardup": (load("old_neardup", old / "pipelines/neardup.py"), new_neardup),
        "urls": (load("old_urls", old / "crawler/urls.py"), new_urls),
    }
    pick = {"MinHash signatures": "neardup", "archive pages (extract_links)": "urls"}
    inputs, items = farm_items()
    table = measures(inputs, items)
    seconds: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in table}
    outputs: dict[str, set[str]] = {name: set() for name in table}
    for r in range(rounds):
        for name, measure in table.items():
            before_module, after_module = modules[pick.get(name, "enrich")]
            order = [(0, before_module), (1, after_module)]
            for side, module in order if r % 2 == 0 else order[::-1]:
                spent, out = measure(module)
                seconds[name][side].append(spent)
                outputs[name].add(repr(out))
    posts = len(items)
    print(f"{posts} posts, {sum(len(i.comments) for i in items)} comments; fastest of {rounds} rounds, CPU")
    print()
    print("| measure | before: ms per post | after: ms per post | change | same output |")
    print("|---|---:|---:|---:|---|")
    for name, (before, after) in seconds.items():
        b, a = 1000 * min(before) / posts, 1000 * min(after) / posts
        same = "yes" if len(outputs[name]) == 1 else "**no**"
        print(f"| {name} | {b:.2f} | {a:.2f} | {100 * (a - b) / b:+.0f} % | {same} |")


if __name__ == "__main__":
    main()
