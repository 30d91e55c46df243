"""Compare doclisten's extract_page with trafilatura on real-world page corpora.

Usage: python bench/realworld_extraction.py ../shared/realworld [../shared/realworld-readability ...]
       [--no-sample-site] [--verbose] [--only ours|trafilatura] [--repeat N]
       [--results bench/RESULTS.md | --no-results]

A snippet corpus (``index.json`` entries with ``body_with``/``body_without``/``comments``, such as
../shared/realworld): snippets count when found verbatim after the same whitespace normalisation of both
sides.  Body snippets are looked for in the body text; comment snippets in the comments output: trafilatura's
flat comments text, doclisten's comments as "author" + "text" each (what ``doclisten extract --format text``
prints); trafilatura runs as ``bare_extraction(html, include_comments=True)``.  Body figures are also given by
the platform doclisten's detector sees.
A reference corpus (entries with a ``truth`` text, such as ../shared/realworld-readability) and the bundled
sample site (its posts' paragraphs are the truth) are scored by token-level F1 (``bench/reference_text.py``)
against trafilatura's ``extract(html, include_comments=False)``.
Speed is CPU time of this process (one core); the two extractors take turns page by page and each page
counts with its fastest of ``--repeat`` passes, so that other load on the machine does not decide the ratio.
With both extractors run, the tables are written into the section "Real-world extraction" of bench/RESULTS.md
(other sections of that file are left alone).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import html
import json
import os
import platform
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reference_text import (
    RefPage,
    RefScores,
    is_reference_corpus,
    load_reference,
    load_sample_site,
    ref_misses,
    ref_table,
    ref_targets,
)
from trafilatura import __version__ as trafilatura_version
from trafilatura import bare_extraction
from trafilatura import extract as trafilatura_extract

from crawler.charset import decode_html
from crawler.extract import extract_page
from crawler.extract.platform import detect_platform
from crawler.extract.tree import Doc, parse_html

PLATFORM_PAGES = ("wordpress.com", "blogger")
SECTION = "## Real-world extraction"
RESULTS = Path(__file__).with_name("RESULTS.md")


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Output:
    body: str
    comments: str
    n_comments: int = 0
    with_author: int = 0
    with_date: int = 0


@dataclass
class Score:
    body_found: int = 0
    body_total: int = 0
    leaked: int = 0
    leak_total: int = 0
    comments_found: int = 0
    comments_total: int = 0
    static_found: int = 0  # among comment snippets present in the page's static HTML
    static_total: int = 0
    platform_found: int = 0
    platform_total: int = 0
    n_comments: int = 0
    with_author: int = 0
    with_date: int = 0
    seconds: float = 0.0
    pages: int = 0
    misses: list[str] = field(default_factory=list)
    by_platform: dict[str, Score] = field(default_factory=dict)

    def add(self, entry: dict, out: Output, tag: str, static: dict[str, str]) -> None:
        body, comments = norm(out.body), norm(out.comments)
        for snippet in entry.get("body_with") or []:
            self.body_total += 1
            if norm(snippet) in body:
                self.body_found += 1
            else:
                self.misses.append(f"{tag} body-miss {entry['file']}: {snippet[:60]!r}")
        for snippet in entry.get("body_without") or []:
            self.leak_total += 1
            if norm(snippet) in body:
                self.leaked += 1
                self.misses.append(f"{tag} leak {entry['file']}: {snippet[:60]!r}")
        for snippet in entry.get("comments") or []:
            self.add_comment(entry, snippet, norm(snippet) in comments, tag, static[snippet])
        if entry["platform"] in PLATFORM_PAGES:
            self.n_comments += out.n_comments
            self.with_author += out.with_author
            self.with_date += out.with_date

    def add_comment(self, entry: dict, snippet: str, found: bool, tag: str, where: str) -> None:
        self.comments_total += 1
        self.comments_found += found
        if where == "page text":
            self.static_total += 1
            self.static_found += found
        if entry["platform"] in PLATFORM_PAGES:
            self.platform_total += 1
            self.platform_found += found
        if not found:
            self.misses.append(f"{tag} comment-miss ({where}) {entry['file']}: {snippet[:60]!r}")


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def where_in_page(page: bytes, snippets: list[str]) -> dict[str, str]:
    """For each comment snippet: "page text" (in the static HTML's text), "scripts only" (in inline JSON or
    scripts: rendered by JavaScript) or "absent" (loaded by JavaScript from elsewhere)."""
    root = parse_html(page)
    for el in root.xpath("//script | //style | //template"):
        el.getparent().remove(el)
    text = norm(" ".join(root.itertext()))
    raw = norm(html.unescape(decode_html(page)).replace("\\n", " ").replace('\\"', '"'))
    out = {}
    for snippet in snippets:
        wanted = norm(snippet)
        out[snippet] = "page text" if wanted in text else "scripts only" if wanted in raw else "absent"
    return out


def doclisten_output(page: bytes, url: str) -> Output:
    post = extract_page(page, url)
    comments = "\n".join(f"{c.author or ''}\n{c.text}" for c in post.comments)
    return Output(
        body=post.content_text,
        comments=comments,
        n_comments=len(post.comments),
        with_author=sum(1 for c in post.comments if c.author),
        with_date=sum(1 for c in post.comments if c.published_at),
    )


def trafilatura_output(page: bytes, url: str) -> Output:
    doc = bare_extraction(page, url=url, include_comments=True)
    return Output(body=getattr(doc, "text", "") or "", comments=getattr(doc, "comments", "") or "")


def timed(
    extractors: dict[str, Callable[[bytes, str], Output]], pages: list[tuple[bytes, str]], repeat: int
) -> tuple[dict[str, list[Output]], dict[str, float]]:
    """Every extractor's output on every page (first pass) and its CPU seconds, timing them page by page in
    alternating order; a page's time is its fastest of ``repeat`` passes, so that load from elsewhere on the
    machine hits neither side alone."""
    outputs: dict[str, list[Output]] = {tag: [] for tag in extractors}
    best = {tag: [float("inf")] * len(pages) for tag in extractors}
    for attempt in range(max(1, repeat)):
        for i, (page, url) in enumerate(pages):
            order = list(extractors.items())
            for tag, extract in order if (attempt + i) % 2 == 0 else reversed(order):
                start = time.process_time()
                out = extract(page, url)
                best[tag][i] = min(best[tag][i], time.process_time() - start)
                if attempt == 0:
                    outputs[tag].append(out)
    return outputs, {tag: sum(times) for tag, times in best.items()}


def run(extractors: dict[str, Callable[[bytes, str], Output]], corpus: list, repeat: int) -> dict[str, Score]:
    """Snippet scores of every extractor on the snippet corpus, overall and (``Score.by_platform``) by the
    detected platform."""
    outputs, seconds = timed(extractors, [(page, entry["url"]) for entry, page, _ in corpus], repeat)
    scores = {tag: Score() for tag in extractors}
    for tag, score in scores.items():
        for (entry, _page, static), out in zip(corpus, outputs[tag], strict=True):
            score.add(entry, out, tag, static)
            part = score.by_platform.setdefault(entry["detected"], Score())
            part.add(entry, out, tag, static)
            part.pages += 1
        score.seconds = seconds[tag]
    return scores


def reference_extractors() -> dict[str, Callable[[bytes, str], Output]]:
    def ours(page: bytes, url: str) -> Output:
        return Output(body=extract_page(page, url).content_text, comments="")

    def theirs(page: bytes, url: str) -> Output:
        return Output(body=trafilatura_extract(page, url=url, include_comments=False) or "", comments="")

    return {"ours": ours, "trafilatura": theirs}


def run_reference(pages: list[RefPage], repeat: int) -> tuple[RefScores, dict[str, float]]:
    outputs, seconds = timed(reference_extractors(), [(p.page, p.url) for p in pages], repeat)
    scores = RefScores(pages)
    for page, ours, theirs in zip(pages, outputs["ours"], outputs["trafilatura"], strict=True):
        scores.add(ours.body, theirs.body, page)
    return scores, seconds


def platform_table(ours: Score, theirs: Score) -> str:
    """Body snippet recall and leak rate by detected platform (doclisten / trafilatura)."""
    lines = [f"{'by detected platform':24} {'pages':>5} {'body recall':>15} {'leak rate':>15}"]
    for name in sorted(ours.by_platform, key=lambda n: (n != "generic", n)):
        a, b = ours.by_platform[name], theirs.by_platform.get(name, Score())
        recall = f"{ratio(a.body_found, a.body_total):.3f}/{ratio(b.body_found, b.body_total):.3f}"
        leak = f"{ratio(a.leaked, a.leak_total):.3f}/{ratio(b.leaked, b.leak_total):.3f}"
        lines.append(f"{name:24} {a.pages:5d} {recall:>15} {leak:>15}")
    return "\n".join(lines)


def rows(ours: Score, theirs: Score, n_pages: int) -> list[tuple[str, float, float | None]]:
    """(figure, doclisten, trafilatura or None when it has no such figure)."""
    return [
        ("body snippet recall", ratio(ours.body_found, ours.body_total), ratio(theirs.body_found, theirs.body_total)),
        ("boilerplate leak rate (lower is better)", ratio(ours.leaked, ours.leak_total), ratio(theirs.leaked, theirs.leak_total)),
        ("comment snippet recall", ratio(ours.comments_found, ours.comments_total), ratio(theirs.comments_found, theirs.comments_total)),
        ("  of snippets in the static HTML", ratio(ours.static_found, ours.static_total), ratio(theirs.static_found, theirs.static_total)),
        ("comment recall WP.com/Blogger", ratio(ours.platform_found, ours.platform_total), ratio(theirs.platform_found, theirs.platform_total)),
        ("comments with author (WP.com/Blogger)", ratio(ours.with_author, ours.n_comments), None),
        ("comments with date (WP.com/Blogger)", ratio(ours.with_date, ours.n_comments), None),
        ("pages/s (CPU, one core)", ratio(n_pages, ours.seconds), ratio(n_pages, theirs.seconds)),
    ]  # fmt: skip


def table(ours: Score, theirs: Score, n_pages: int) -> str:
    lines = [f"{'figure':42} {'doclisten':>10} {'trafilatura':>12} {'ratio':>7}"]
    for name, a, b in rows(ours, theirs, n_pages):
        other = "n/a" if b is None else f"{b:.3f}"
        quotient = f"{a / b:.2f}" if b else "n/a"
        lines.append(f"{name:42} {a:10.3f} {other:>12} {quotient:>7}")
    lines.append(
        f"counts: body {ours.body_found}/{ours.body_total} vs {theirs.body_found}/{theirs.body_total}; "
        f"leaks {ours.leaked}/{ours.leak_total} vs {theirs.leaked}/{theirs.leak_total}; "
        f"comments {ours.comments_found}/{ours.comments_total} vs {theirs.comments_found}/{theirs.comments_total} "
        f"({ours.static_total} of them in the static HTML); WP.com/Blogger {ours.platform_found}/"
        f"{ours.platform_total} vs {theirs.platform_found}/{theirs.platform_total}, "
        f"{ours.n_comments} comments extracted there; trafilatura gives no author or date per comment"
    )
    return "\n".join(lines)


def targets(ours: Score, theirs: Score, n_pages: int) -> str:
    """The issue's targets, met or missed, and whether doclisten is ahead of trafilatura on each figure."""
    reachable = ours.static_total / ours.comments_total if ours.comments_total else 0.0
    checks = [
        ("body snippet recall >= 0.95", ratio(ours.body_found, ours.body_total) >= 0.95),
        ("boilerplate leak rate <= 0.05", ratio(ours.leaked, ours.leak_total) <= 0.05),
        (
            f"comment snippet recall >= 0.80 (at most {reachable:.3f} is in the static HTML)",
            ratio(ours.comments_found, ours.comments_total) >= 0.80,
        ),
        ("comment recall WP.com/Blogger >= 0.97", ratio(ours.platform_found, ours.platform_total) >= 0.97),
        ("author and date on >= 90% of those comments", min(ours.with_author, ours.with_date) >= 0.9 * ours.n_comments),
        ("pages/s >= 1.5x trafilatura", ratio(n_pages, ours.seconds) >= 1.5 * ratio(n_pages, theirs.seconds)),
    ]  # fmt: skip
    lines = [f"target {name}: {'met' if ok else 'MISSED'}" for name, ok in checks]
    behind = [
        name
        for name, a, b in rows(ours, theirs, n_pages)
        if b is not None and (a > b if name.startswith("boilerplate") else a < b)
    ]
    ties = [name for name, a, b in rows(ours, theirs, n_pages) if b is not None and a == b]
    lines.append(
        f"behind trafilatura on: {', '.join(behind) or 'nothing'}; level on: {', '.join(ties) or 'nothing'}"
    )
    return "\n".join(lines)


def static_summary(corpus: list) -> str:
    counts: dict[str, int] = {}
    for entry, _, static in corpus:
        for snippet in entry.get("comments") or []:
            counts[static[snippet]] = counts.get(static[snippet], 0) + 1
    total = sum(counts.values())
    parts = ", ".join(f"{n} {where}" for where, n in sorted(counts.items()))
    return f"comment snippets: {total} ({parts}); only those in the page text can be extracted from HTML"


def write_results(path: Path, report: str, command: str) -> None:
    """Replace (or append) this benchmark's section of ``path``, leaving the other sections alone."""
    machine = f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}"
    section = (
        f"{SECTION}\n\n"
        f"`{command}` — {datetime.date.today().isoformat()}, {machine}, trafilatura "
        f"{trafilatura_version}: `bare_extraction(html, include_comments=True)` on the snippet corpus, "
        "`extract(html, include_comments=False)` on the reference-text sets.\n\n"
        f"```\n{report}\n```\n\n"
        "Comment snippets absent from the static HTML are rendered by JavaScript (comment widgets and apps);\n"
        "no HTML extractor can reach them. `--verbose` lists every missed snippet with where it is in the page\n"
        "(page text, scripts only, absent), and the reference pages where doclisten reads less than trafilatura.\n"
        "Token F1 tables: mean and median as doclisten/trafilatura, P/R = doclisten's mean token precision and\n"
        "recall, `<0.5` = pages below 0.5 (doclisten/trafilatura), last column = pages where doclisten reads\n"
        "below 0.5 while trafilatura reads at least 0.8. Platforms are what doclisten's detector sees.\n"
        "Speed is CPU time per page, both extractors taking turns.\n"
    )
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def load(corpus_dir: Path) -> list:
    entries = json.loads((corpus_dir / "index.json").read_text(encoding="utf-8"))
    corpus = []
    for entry in entries:
        page = gzip.decompress((corpus_dir / "pages" / (entry["file"] + ".gz")).read_bytes())
        entry["detected"] = detect_platform(Doc(page), entry["url"])
        corpus.append((entry, page, where_in_page(page, entry.get("comments") or [])))
    return corpus


def snippet_report(folder: Path, args: argparse.Namespace, clock: dict[str, list[float]]) -> str:
    corpus = load(folder)
    extractors = {"ours": doclisten_output, "trafilatura": trafilatura_output}
    if args.only:
        extractors = {args.only: extractors[args.only]}
    scores = run(extractors, corpus, args.repeat)
    ours, theirs = scores.get("ours", Score()), scores.get("trafilatura", Score())
    report = f"{folder}: {len(corpus)} pages, snippets\n" + table(ours, theirs, len(corpus))
    report += "\n" + static_summary(corpus) + "\n" + platform_table(ours, theirs)
    if not args.only:
        report += "\n" + targets(ours, theirs, len(corpus))
        clock["pages"].append(len(corpus))
        clock["ours"].append(ours.seconds)
        clock["trafilatura"].append(theirs.seconds)
    if args.verbose:
        print("\n".join(ours.misses + theirs.misses))
    return report


def reference_report(name: str, pages: list[RefPage], args: argparse.Namespace, clock: dict) -> str:
    scores, seconds = run_reference(pages, args.repeat)
    clock["pages"].append(len(pages))
    clock["ours"].append(seconds["ours"])
    clock["trafilatura"].append(seconds["trafilatura"])
    checks = ref_targets(name, scores)
    if args.verbose:
        print(f"{name}: pages where doclisten reads less than trafilatura")
        print("\n".join(ref_misses(scores)))
    lines = [ref_table(name, scores, seconds)]
    lines += [f"target {label}: {'met' if ok else 'MISSED'}" for label, ok in checks]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, nargs="+", help="corpus folders (snippet or reference text)")
    parser.add_argument("--no-sample-site", action="store_true", help="leave out the bundled sample site")
    parser.add_argument("--verbose", action="store_true", help="list every missed or leaked snippet")
    parser.add_argument("--only", choices=("ours", "trafilatura"), help="run one extractor only (snippets)")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (each page's fastest counts)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="file with the results section")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    args = parser.parse_args()
    clock: dict[str, list[float]] = {"pages": [], "ours": [], "trafilatura": []}
    reports = []
    for folder in args.corpora:
        if is_reference_corpus(folder):
            if not args.only:
                reports.append(reference_report(str(folder), load_reference(folder), args, clock))
        else:
            reports.append(snippet_report(folder, args, clock))
    if not args.no_sample_site and not args.only:
        reports.append(reference_report("sample site", load_sample_site(), args, clock))
    if clock["pages"]:
        pages, ours, theirs = sum(clock["pages"]), sum(clock["ours"]), sum(clock["trafilatura"])
        speed = ratio(pages, ours) / ratio(pages, theirs) if theirs else 0.0
        reports.append(
            f"all corpora: {pages} pages, pages/s doclisten {ratio(pages, ours):.1f}, trafilatura "
            f"{ratio(pages, theirs):.1f} (ratio {speed:.2f})\n"
            f"target extraction >= 1.5x trafilatura's pages/s: {'met' if speed >= 1.5 else 'MISSED'}"
        )
    report = "\n\n".join(reports)
    print(report)
    if not args.only and not args.no_results:
        command = "python bench/realworld_extraction.py " + " ".join(map(str, args.corpora))
        write_results(args.results, report, command)
        print(f"written to {args.results}")


if __name__ == "__main__":
    main()
