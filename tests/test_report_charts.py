"""``doclisten report --plot``: the bucket and range fit the data and are named in the title; lines, small
multiples and a heatmap; PNG and SVG. The images are written where a person can look at them
(``DOCLISTEN_CHART_DIR``, else the test's temporary folder)."""

from __future__ import annotations

import os
import re
import struct
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from pipelines.analyst.charts import fit_bucket, label, periods
from tests.conftest import SampleCrawl, run_cli


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def chart_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DOCLISTEN_CHART_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_bucket_fits_the_range() -> None:
    assert fit_bucket(date(2024, 1, 1), date(2024, 1, 31)) == "day"
    assert fit_bucket(date(2024, 1, 1), date(2024, 10, 1)) == "week"
    assert fit_bucket(date(2021, 1, 1), date(2024, 6, 1)) == "month"
    assert fit_bucket(date(2014, 4, 10), date(2026, 11, 20)) == "quarter"
    assert fit_bucket(date(1990, 1, 1), date(2026, 1, 1)) == "year"
    quarters = periods(date(2014, 4, 10), date(2026, 11, 20), "quarter")
    assert (
        len(quarters) == 51
        and label(quarters[0], "quarter") == "2014-Q2"
        and label(quarters[-1], "quarter") == "2026-Q4"
    )


def test_charts_of_the_sample_site(sample_crawl: SampleCrawl, chart_dir: Path) -> None:
    backend = "sqlite" if sample_crawl.db.startswith("sqlite") else "postgresql"
    multiples = chart_dir / f"multiples-{backend}.png"
    heatmap = chart_dir / f"heatmap-{backend}.png"
    lines = chart_dir / f"lines-{backend}.svg"
    run_cli("report", "--plot", str(multiples), db=sample_crawl.db)
    run_cli("report", "--plot", str(heatmap), "--chart", "heatmap", db=sample_crawl.db)
    run_cli(
        "report",
        "--group",
        "brand",
        "--top",
        "3",
        "--since",
        "2025-01-01",
        "--plot",
        str(lines),
        db=sample_crawl.db,
    )
    # ten keywords over twelve years: ten panels of quarters, not 600 weeks on one axis
    assert png_size(multiples.read_bytes()) == (1000, 1150)
    width, height = png_size(heatmap.read_bytes())
    assert width > 1000 and 500 < height < 700
    svg = ET.parse(lines).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert re.search(
        r"Mentions per (day|week|month), 2025-\S+ – 2026-\S+ · group brand · since 2025-01-01", texts
    )
    assert "Omnipod (" in texts


def test_by_overrides_the_fitted_bucket(sample_crawl_sqlite: SampleCrawl, chart_dir: Path) -> None:
    chart = chart_dir / "weekly.svg"
    run_cli("report", "--by", "month", "--keyword", "Dexcom", "--plot", str(chart), db=sample_crawl_sqlite.db)
    texts = " ".join(
        "".join(t.itertext()) for t in ET.parse(chart).getroot().iter("{http://www.w3.org/2000/svg}text")
    )
    assert "Mentions per month" in texts and "keyword Dexcom" in texts
