"""The xdist groups in tests/conftest.py keep up with the test files: a file that asks for the session's
sample crawls is in a group — ``sample_crawl``, or one of its own for a file long enough to be worth the
worker's own sample crawls — (else every worker that gets one of its tests crawls the sample site again), and a
file that exercises ``doclisten sql`` on PostgreSQL is in ``pg_readonly_role`` (the cluster-wide role one of
those tests makes privileged for a moment)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import XDIST_GROUPS

TESTS = Path(__file__).parent
SAMPLE_CRAWL = re.compile(r"def \w+\([^)]*\bsample_crawl\w*\b", re.S)


def test_files_using_the_sample_crawls_share_one_worker() -> None:
    using = {p.name for p in TESTS.glob("test_*.py") if SAMPLE_CRAWL.search(p.read_text(encoding="utf-8"))}
    assert using, "no test asks for the sample crawls: the pattern is out of date"
    grouped = {name for names in XDIST_GROUPS.values() for name in names}
    assert using <= grouped, sorted(using - grouped)
    assert len(using & set(XDIST_GROUPS["sample_crawl"])) > len(using) // 2  # most share the one group


def test_files_in_a_group_exist() -> None:
    missing = [name for names in XDIST_GROUPS.values() for name in names if not (TESTS / name).exists()]
    assert not missing, missing
