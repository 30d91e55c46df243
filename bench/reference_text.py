"""Scoring the main text against a reference text, for ``bench/realworld_extraction.py``.

A reference corpus is a folder whose ``index.json`` entries carry a ``truth`` (the expected main text), such as
``../shared/realworld-readability``; the bundled sample site (``doclisten/demo_site``) is one too, its posts'
paragraphs being the truth.  Each page is scored by token-level F1: lowercased word tokens, multiset overlap,
precision = overlap / extracted tokens, recall = overlap / truth tokens.  Figures are per page, then mean and
median, pages below 0.5, and pages where doclisten reads below 0.5 while trafilatura reads at least 0.8 —
overall and by the platform doclisten's detector sees.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawler.extract.platform import detect_platform
from crawler.extract.tree import Doc

_WORD = re.compile(r"\w+")
LOW = 0.5  # a page below this F1 is a failure
HIGH = 0.8  # ... and one where the other extractor reaches this a failure it did not have to be
PLATFORM_ORDER = ("generic", "wordpress", "wordpress.com", "blogger")


@dataclass
class RefPage:
    name: str
    url: str
    page: bytes
    truth: str
    platform: str  # what crawler.extract.platform detects


def token_prf(extracted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``extracted`` against ``truth`` over lowercased word tokens."""
    got, want = Counter(_WORD.findall(extracted.lower())), Counter(_WORD.findall(truth.lower()))
    overlap = sum((got & want).values())
    if not got or not want:
        same = float(not got and not want)
        return same, same, same
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def is_reference_corpus(folder: Path) -> bool:
    entries = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    return bool(entries) and "truth" in entries[0]


def load_reference(folder: Path) -> list[RefPage]:
    pages = []
    for entry in json.loads((folder / "index.json").read_text(encoding="utf-8")):
        page = gzip.decompress((folder / "pages" / (entry["file"] + ".gz")).read_bytes())
        pages.append(
            RefPage(
                entry["file"], entry["url"], page, entry["truth"], detect_platform(Doc(page), entry["url"])
            )
        )
    return pages


def load_sample_site() -> list[RefPage]:
    """Every post page of the bundled sample site, with its paragraphs as the truth."""
    from doclisten.demo_site import DemoSite

    pages = []
    with DemoSite() as site:
        for key, served in site.blogs.items():
            for post in served.content.posts:
                url = site.post_url(key, post.slug)
                parts = urlsplit(url)
                status, _, body = site.respond(
                    key, "GET", parts.path + (f"?{parts.query}" if parts.query else ""), {}
                )
                if status == 200:
                    name = f"{key}/{post.slug}"
                    pages.append(RefPage(name, url, body, post.text, detect_platform(Doc(body), url)))
    return pages


@dataclass
class RefScores:
    """Per page F1 of both extractors (same order as the pages)."""

    pages: list[RefPage]
    ours: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)
    ours_pr: list[tuple[float, float]] = field(default_factory=list)
    theirs_pr: list[tuple[float, float]] = field(default_factory=list)

    def add(self, ours_text: str, theirs_text: str, page: RefPage) -> None:
        p, r, f = token_prf(ours_text, page.truth)
        self.ours.append(f)
        self.ours_pr.append((p, r))
        p, r, f = token_prf(theirs_text, page.truth)
        self.theirs.append(f)
        self.theirs_pr.append((p, r))

    def subset(self, platform: str | None) -> list[int]:
        return [i for i, page in enumerate(self.pages) if platform is None or page.platform == platform]

    def failures(self, indices: list[int]) -> list[int]:
        """Pages where doclisten reads < LOW while trafilatura reads >= HIGH."""
        return [i for i in indices if self.ours[i] < LOW and self.theirs[i] >= HIGH]


def _summary(values: list[float]) -> tuple[float, float, int]:
    if not values:
        return 0.0, 0.0, 0
    return statistics.fmean(values), statistics.median(values), sum(1 for v in values if v < LOW)


def ref_table(name: str, scores: RefScores, seconds: dict[str, float]) -> str:
    """The corpus's F1 table: overall and by detected platform, with pages/s of both extractors."""
    head = f"{name}: {len(scores.pages)} pages, token F1 (doclisten vs trafilatura)"
    lines = [
        head,
        f"{'pages':24} {'n':>4} {'mean':>13} {'median':>13} {'P/R doclisten':>13} {'<0.5':>7} {'ours<.5,tr>=.8':>15}",
    ]
    groups = [("all", None)] + [(p, p) for p in PLATFORM_ORDER if scores.subset(p)]
    for label, platform in groups:
        idx = scores.subset(platform)
        om, omed, olow = _summary([scores.ours[i] for i in idx])
        tm, tmed, tlow = _summary([scores.theirs[i] for i in idx])
        prec = statistics.fmean(scores.ours_pr[i][0] for i in idx)
        rec = statistics.fmean(scores.ours_pr[i][1] for i in idx)
        lines.append(
            f"{label:24} {len(idx):4d} {om:6.3f}/{tm:6.3f} {omed:6.3f}/{tmed:6.3f} {prec:6.3f}/{rec:6.3f} "
            f"{olow:3d}/{tlow:3d} {len(scores.failures(idx)):15d}"
        )
    n = len(scores.pages)
    ours_ps = n / seconds["ours"] if seconds.get("ours") else 0.0
    theirs_ps = n / seconds["trafilatura"] if seconds.get("trafilatura") else 0.0
    ratio = f"{ours_ps / theirs_ps:.2f}" if theirs_ps else "n/a"
    lines.append(
        f"pages/s (CPU, one core): doclisten {ours_ps:.1f}, trafilatura {theirs_ps:.1f}, ratio {ratio}"
    )
    return "\n".join(lines)


def ref_targets(name: str, scores: RefScores) -> list[tuple[str, bool]]:
    """The issue's targets on this corpus: generic mean F1 >= trafilatura's, no page < 0.5 where trafilatura
    reads >= 0.8, adapter platforms ahead of trafilatura (mean F1)."""
    checks = []
    generic = scores.subset("generic")
    if generic:
        ours = statistics.fmean(scores.ours[i] for i in generic)
        theirs = statistics.fmean(scores.theirs[i] for i in generic)
        checks.append((f"{name}: generic-page mean F1 >= trafilatura's", ours >= theirs))
    checks.append(
        (f"{name}: no page < 0.5 where trafilatura >= 0.8", not scores.failures(scores.subset(None)))
    )
    adapters = [i for i in scores.subset(None) if scores.pages[i].platform != "generic"]
    if adapters:
        ours = statistics.fmean(scores.ours[i] for i in adapters)
        theirs = statistics.fmean(scores.theirs[i] for i in adapters)
        checks.append((f"{name}: adapter platforms' mean F1 >= trafilatura's", ours >= theirs))
    return checks


def ref_misses(scores: RefScores) -> list[str]:
    """Pages where doclisten reads less than trafilatura, worst first (for --verbose)."""
    order = sorted(range(len(scores.pages)), key=lambda i: scores.ours[i] - scores.theirs[i])
    return [
        f"  {scores.pages[i].name} [{scores.pages[i].platform}]: doclisten {scores.ours[i]:.3f} "
        f"(P {scores.ours_pr[i][0]:.2f} R {scores.ours_pr[i][1]:.2f}), trafilatura {scores.theirs[i]:.3f}"
        for i in order
        if scores.ours[i] < scores.theirs[i]
    ]
