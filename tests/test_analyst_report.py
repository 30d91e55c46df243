"""``doclisten report``: numbers against hand counts (SQLite and PostgreSQL), and a real PNG chart."""

from __future__ import annotations

import struct

import pytest

from pipelines.analyst.filters import Filters, parse_when
from pipelines.analyst.report import build_report
from pipelines.store.db import open_database
from tests.analyst_data import fill
from tests.conftest import SampleCrawl, run_cli


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_report_numbers(db_url: str) -> None:
    fill(db_url)
    engine = open_database(db_url)
    try:
        with engine.connect() as conn:
            week = build_report(conn, Filters(), "week")
            brand_days = build_report(
                conn, Filters(groups=["brand"], until=parse_when("2024-01-02", end=True)), "day"
            )
            month = build_report(conn, Filters(keywords=["dexcom"]), "month")
    finally:
        engine.dispose()
    assert week.periods == ["2024-01-01", "2024-01-08"]
    assert week.keywords == ["Dexcom", "Abbott", "insulin"]
    assert week.volume == {
        "Dexcom": {"2024-01-01": 4, "2024-01-08": 3},
        "Abbott": {"2024-01-01": 4, "2024-01-08": 1},
        "insulin": {"2024-01-08": 2},
    }
    assert [(g, k, m, round(s, 4)) for g, k, m, s in week.share] == [
        ("brand", "Dexcom", 7, 0.5833), ("brand", "Abbott", 5, 0.4167), ("topic", "insulin", 2, 1.0),
    ]  # fmt: skip
    assert week.authors == [("ann", 4, 3), ("bob", 4, 2), ("cat", 3, 2), ("dan", 3, 1)]
    assert [(k, n, None if s is None else round(s, 4)) for k, n, s in week.sentiment] == [
        ("Abbott", 3, -0.0333), ("Dexcom", 4, 0.175), ("insulin", 0, None),
    ]  # fmt: skip
    assert brand_days.periods == ["2024-01-01", "2024-01-02"]
    assert brand_days.volume == {"Dexcom": {"2024-01-01": 2, "2024-01-02": 1}, "Abbott": {"2024-01-01": 1}}
    assert month.periods == ["2024-01-01"] and month.volume == {"Dexcom": {"2024-01-01": 7}}


def test_report_cli_table_and_plot(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fill(sqlite_url)
    chart = tmp_path / "trend.png"
    out = run_cli("report", "--group", "brand", "--plot", str(chart), db=sqlite_url).stdout
    assert "Mention volume per week" in out and "Share of voice (12 mentions)" in out
    assert "58.3%" in out and "Top authors" in out and "+0.175" in out
    width, height = png_size(chart.read_bytes())
    assert (width, height) == (1000, 550)
    assert chart.stat().st_size > 10_000  # lines, labels and a legend, not a blank canvas


def test_report_errors_are_one_line(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    open_database(sqlite_url).dispose()  # an empty doclisten database (reads never create one)
    proc = run_cli("report", "--plot", str(tmp_path / "x.png"), db=sqlite_url, check=False)
    assert proc.returncode == 1 and proc.stderr.strip().startswith("Error: nothing to plot")
    proc = run_cli("report", "--since", "last week", db=sqlite_url, check=False)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_report_after_crawling_the_sample_site(sample_crawl_sqlite: SampleCrawl, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text

    sqlite_url = sample_crawl_sqlite.db  # the session's crawl of the sample site
    chart = tmp_path / "trend.png"
    out = run_cli("report", "--group", "brand", "--plot", str(chart), db=sqlite_url).stdout
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        total = conn.execute(
            text("SELECT sum(count) FROM keyword_matches WHERE keyword_group = 'brand'")
        ).scalar()
        top = conn.execute(
            text("SELECT keyword FROM keyword_matches WHERE keyword_group = 'brand' "
                 "GROUP BY keyword ORDER BY sum(count) DESC, keyword LIMIT 1")
        ).scalar()  # fmt: skip
    engine.dispose()
    assert f"Share of voice ({total} mentions)" in out
    assert out.splitlines()[1].split(maxsplit=1)[1].startswith(top)  # the most mentioned brand leads
    width, height = png_size(chart.read_bytes())
    assert width >= 800 and height >= 400


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<svg"), (".pdf", b"%PDF-"), (".PNG", b"\x89PNG")])
def test_plot_format_follows_the_extension(sqlite_url: str, tmp_path, suffix: str, magic: bytes) -> None:  # type: ignore[no-untyped-def]
    fill(sqlite_url)
    chart = tmp_path / f"trend{suffix}"
    run_cli("report", "--plot", str(chart), db=sqlite_url)
    data = chart.read_bytes()
    assert magic in data[:400], data[:40]


def test_plot_refuses_other_extensions_before_any_work(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fill(sqlite_url)
    for name in ("trend.gif", "trend"):
        proc = run_cli("report", "--plot", str(tmp_path / name), db=sqlite_url, check=False)
        message = proc.stderr.strip()
        assert proc.returncode == 1 and len(message.splitlines()) == 1, message
        assert ".png, .svg or .pdf" in message and proc.stdout == ""
        assert not (tmp_path / name).exists()
