"""Compare doclisten's extract_page with trafilatura on the real-world page corpus.

Usage: python bench/realworld_extraction.py ../shared/realworld [--verbose]

Snippets count when found verbatim after the same whitespace normalisation of both sides.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from trafilatura import bare_extraction

from crawler.extract import extract_page

PLATFORM_PAGES = ("wordpress.com", "blogger")


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Score:
    body_found: int = 0
    body_total: int = 0
    leaked: int = 0
    leak_total: int = 0
    comments_found: int = 0
    comments_total: int = 0
    platform_found: int = 0
    platform_total: int = 0
    n_comments: int = 0
    with_author: int = 0
    with_date: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, entry: dict, body: str, comments: str, verbose_tag: str) -> None:
        body, comments = norm(body), norm(comments)
        for snippet in entry.get("body_with") or []:
            self.body_total += 1
            if norm(snippet) in body:
                self.body_found += 1
            else:
                self.misses.append(f"{verbose_tag} body-miss {entry['file']}: {snippet[:60]!r}")
        for snippet in entry.get("body_without") or []:
            self.leak_total += 1
            if norm(snippet) in body:
                self.leaked += 1
                self.misses.append(f"{verbose_tag} leak {entry['file']}: {snippet[:60]!r}")
        for snippet in entry.get("comments") or []:
            found = norm(snippet) in comments
            self.comments_total += 1
            self.comments_found += found
            if entry["platform"] in PLATFORM_PAGES:
                self.platform_total += 1
                self.platform_found += found
            if not found:
                self.misses.append(f"{verbose_tag} comment-miss {entry['file']}: {snippet[:60]!r}")


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def run_doclisten(entries: list[dict], pages: dict[str, bytes]) -> Score:
    score = Score()
    for entry in entries:
        start = time.perf_counter()
        post = extract_page(pages[entry["file"]], entry["url"])
        score.seconds += time.perf_counter() - start
        score.add(entry, post.content_text, " ".join(c.text for c in post.comments), "ours")
        if entry["platform"] in PLATFORM_PAGES:
            score.n_comments += len(post.comments)
            score.with_author += sum(1 for c in post.comments if c.author)
            score.with_date += sum(1 for c in post.comments if c.published_at)
    return score


def run_trafilatura(entries: list[dict], pages: dict[str, bytes]) -> Score:
    score = Score()
    for entry in entries:
        start = time.perf_counter()
        doc = bare_extraction(pages[entry["file"]], url=entry["url"], include_comments=True)
        score.seconds += time.perf_counter() - start
        score.add(entry, getattr(doc, "text", "") or "", getattr(doc, "comments", "") or "", "trafilatura")
    return score


def table(ours: Score, theirs: Score, n_pages: int) -> str:
    rows = [
        ("body snippet recall", ratio(ours.body_found, ours.body_total), ratio(theirs.body_found, theirs.body_total)),
        ("boilerplate leak rate", ratio(ours.leaked, ours.leak_total), ratio(theirs.leaked, theirs.leak_total)),
        ("comment recall", ratio(ours.comments_found, ours.comments_total), ratio(theirs.comments_found, theirs.comments_total)),
        ("comment recall WP.com/Blogger", ratio(ours.platform_found, ours.platform_total), ratio(theirs.platform_found, theirs.platform_total)),
        ("comments with author (WP.com/Blogger)", ratio(ours.with_author, ours.n_comments), 0.0),
        ("comments with date (WP.com/Blogger)", ratio(ours.with_date, ours.n_comments), 0.0),
        ("pages/s", n_pages / ours.seconds, n_pages / theirs.seconds),
    ]  # fmt: skip
    lines = [f"{'metric':40} {'doclisten':>10} {'trafilatura':>12} {'ratio':>7}"]
    for name, a, b in rows:
        lines.append(f"{name:40} {a:10.3f} {b:12.3f} {(a / b if b else float('nan')):7.2f}")
    lines.append(
        f"counts: body {ours.body_found}/{ours.body_total} vs {theirs.body_found}/{theirs.body_total}; "
        f"leaks {ours.leaked}/{ours.leak_total} vs {theirs.leaked}/{theirs.leak_total}; "
        f"comments {ours.comments_found}/{ours.comments_total} vs {theirs.comments_found}/{theirs.comments_total}; "
        f"WP.com/Blogger {ours.platform_found}/{ours.platform_total} vs "
        f"{theirs.platform_found}/{theirs.platform_total}; {ours.n_comments} comments extracted there"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--verbose", action="store_true", help="list every missed or leaked snippet")
    parser.add_argument("--only", choices=("ours", "trafilatura"), help="run one extractor only")
    args = parser.parse_args()
    entries = json.loads((args.corpus / "index.json").read_text(encoding="utf-8"))
    pages = {
        e["file"]: gzip.decompress((args.corpus / "pages" / (e["file"] + ".gz")).read_bytes())
        for e in entries
    }
    ours = run_doclisten(entries, pages) if args.only != "trafilatura" else Score(seconds=1)
    theirs = run_trafilatura(entries, pages) if args.only != "ours" else Score(seconds=1)
    print(table(ours, theirs, len(entries)))
    if args.verbose:
        print("\n".join(ours.misses + theirs.misses))


if __name__ == "__main__":
    main()
