"""Alerts: a burst injected into the crawled sample site gives exactly one alert, with its reasons, delivered
to a local webhook and a local SMTP server; the unchanged sample data gives none; a second check gives no
duplicate; 0 → 2 is not a spike; a busy rule is judged by its variance; failed deliveries are retried and
recorded (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipelines.alerts.check import AlertChecker, check
from pipelines.alerts.delivery import DeliverySettings
from pipelines.alerts.errors import AlertRulesError
from pipelines.alerts.rules import load_alert_rules, parse_alert_rules
from pipelines.alerts.spikes import judge
from pipelines.store.db import open_database
from pipelines.store.models import Alert, AlertDelivery, AlertState, Comment, Post
from tests.alert_data import Received, burst_posts, inject, smtp_server, webhook
from tests.conftest import SampleCrawl, launch, run_cli

AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # the day after the sample site's newest post
RULES = """
[defaults]
window = "1d"
baseline = "28d"

[[alert]]
name = "Omnipod"
keyword = "Omnipod"

[[alert]]
name = "Brands"
group = "brand"

[[alert]]
name = "Pump talk"
query = "pump* OR pod*"
window = "7d"
baseline = "84d"
"""


BURST_RULES = """
[[alert]]
name = "Omnipod"
keyword = "Omnipod"

[[alert]]
name = "Dexcom"
keyword = "Dexcom"

[[alert]]
name = "Glucagon pens"
query = "glucagon NEAR/5 pen*"
"""


def rules_file(tmp_path: Path, text: str = RULES) -> Path:
    path = tmp_path / "alerts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def quick(**kw: object) -> DeliverySettings:
    return DeliverySettings(**{"retry_seconds": 0.0, **kw})  # type: ignore[arg-type]


def count(url: str, model: type) -> int:
    engine = open_database(url)
    try:
        with Session(engine) as s:
            return int(s.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()


def checks_go_on(engine: object, rounds: int = 3, timeout: float = 120) -> None:
    """Wait until ``rounds`` more checks of the Omnipod rule have been recorded (a safety-net timeout)."""
    import time

    deadline = time.monotonic() + timeout
    with Session(engine) as s:  # type: ignore[call-overload]
        seen = s.get_one(AlertState, "Omnipod").checked_at
        for _ in range(rounds):
            while s.get_one(AlertState, "Omnipod", populate_existing=True).checked_at == seen:
                assert time.monotonic() < deadline, "the checks stopped"
                s.rollback()
                threading.Event().wait(0.05)
            seen = s.get_one(AlertState, "Omnipod").checked_at


# ------------------------------------------------------------------------------------ the statistics


def test_zero_to_two_is_not_a_spike() -> None:
    verdict = judge(2, [0] * 28, alpha=0.01, min_count=5)
    assert not verdict.spike and verdict.count == 2
    # the tail alone would call it one; the minimum count is what says no
    assert judge(2, [0] * 28, alpha=0.01, min_count=1).spike


def test_a_busy_rule_is_judged_by_its_variance() -> None:
    steady, swinging = [40] * 28, [20, 60] * 14  # the same mean, 40 a day
    assert judge(70, steady, alpha=0.01, min_count=5).spike
    varied = judge(70, swinging, alpha=0.01, min_count=5)
    assert not varied.spike and varied.model.startswith("negative binomial")
    assert judge(150, swinging, alpha=0.01, min_count=5).spike


def test_a_quiet_rule_going_from_one_to_twelve_is_a_spike() -> None:
    verdict = judge(12, [0, 1, 0, 0, 1, 0, 0] * 4, alpha=0.01, min_count=5)
    assert verdict.spike and verdict.upper < 12 and verdict.p_value < 1e-6


# ------------------------------------------------------------------------------------ the rules file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[alert]]\nname = 'x'\n", "give exactly one of keyword, group or query"),
        ("[[alert]]\nname = 'x'\nkeyword = 'Dexcom'\nwindow = '1 fortnight'\n", "not a duration"),
        ("[[alert]]\nname = 'x'\nkeyword = 'Dexcom'\nbaseline = '2d'\n", "needs at least 3"),
        ("[[alert]]\nname = 'x'\nkeyword = 'Dexcom'\nsensitivity = 'extreme'\n", "use low, medium, high"),
        ("[[alert]]\nname = 'x'\nquery = 'NOT dexcom'\n", "query:"),
        ("[[alert]]\nname = 'x'\nkeyword = 'a'\n[[alert]]\nname = 'x'\ngroup = 'brand'\n", "appears twice"),
        ("[[alert]]\nname = 'x'\nkeyword = 'a'\nwindw = '1d'\n", "unknown key 'windw'"),
        ("[[alert]\n", "not valid TOML"),
    ],
)
def test_a_bad_rules_file_is_one_line(tmp_path: Path, sqlite_url: str, text: str, message: str) -> None:
    path = rules_file(tmp_path, text)
    with pytest.raises(AlertRulesError, match=message):
        load_alert_rules(path)
    proc = run_cli("alerts", "check", "--rules", str(path), db=sqlite_url, check=False)
    assert proc.returncode == 1 and message.split()[0] in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_no_rules_is_a_clear_error(sqlite_url: str) -> None:
    proc = run_cli("alerts", "check", db=sqlite_url, check=False)
    assert proc.returncode == 1 and "DOCLISTEN_ALERTS_FILE" in proc.stderr


def test_rule_defaults() -> None:
    (rule,) = parse_alert_rules({"alert": [{"name": "d", "keyword": "Dexcom"}]}, "x")
    assert (rule.window, rule.baseline_windows, rule.alpha, rule.min_count) == (
        timedelta(days=1),
        28,
        0.01,
        5,
    )


# ------------------------------------------------------------------------------------ end to end


def test_the_unchanged_sample_data_gives_no_alert(sample_crawl_copy: SampleCrawl, tmp_path: Path) -> None:
    """Every day the sample site has something on, judged as if checked at its end: never a spike."""
    engine = open_database(sample_crawl_copy.db)
    try:
        with Session(engine) as s:
            days = {
                w.date()
                for w in [
                    *s.execute(select(Post.published_at)).scalars(),
                    *s.execute(select(Comment.published_at)).scalars(),
                ]
                if w is not None
            }
        rules = load_alert_rules(rules_file(tmp_path))
        for day in sorted(days):
            at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
            result = check(engine, rules, quick(), at)
            assert [r.rule.name for r in result.rules if r.verdict.spike] == [], at
    finally:
        engine.dispose()
    assert count(sample_crawl_copy.db, Alert) == 0 and len(days) > 20


def test_a_burst_gives_one_alert_with_its_reasons_delivered(
    sample_crawl_copy: SampleCrawl, tmp_path: Path
) -> None:
    db = sample_crawl_copy.db
    inject(db, burst_posts(AT))
    received = Received()
    with webhook(received) as hook, smtp_server(received) as port:
        env = {
            "DOCLISTEN_ALERTS_FILE": str(rules_file(tmp_path, BURST_RULES)),
            "DOCLISTEN_ALERTS_WEBHOOK_URL": hook,
            "DOCLISTEN_SMTP_HOST": "127.0.0.1",
            "DOCLISTEN_SMTP_PORT": str(port),
            "DOCLISTEN_ALERTS_EMAIL_TO": "analyst@example.org, lead@example.org",
            "DOCLISTEN_ALERTS_RETRY_SECONDS": "0",
        }
        first = run_cli("alerts", "check", "--at", "2026-11-21T12:00", db=db, env=env)
        second = run_cli("alerts", "check", "--at", "2026-11-21T12:00", db=db, env=env)
        later = run_cli("alerts", "check", "--at", "2026-11-21T18:00", db=db, env=env)
    assert first.stdout.count("ALERT") == 1 and "Spike: Omnipod" in first.stdout
    assert "ALERT" not in second.stdout and "spike (alerted before)" in second.stdout
    assert "ALERT" not in later.stdout
    assert count(db, Alert) == 1 and count(db, AlertDelivery) == 2
    assert len(received.posts) == 1 and len(received.mails) == 1
    payload, mail = received.posts[0], received.mails[0]
    assert payload["text"].startswith("Spike: Omnipod — 12 posts and comments in 1d")
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "section", "context"]
    body = payload["blocks"][1]["text"]["text"]
    assert "keyword Omnipod: 12 posts and comments" in body
    assert "Top authors: podder" in body and "Also named: Insulet (" in body
    assert "Rising terms: occlusion alarm recall (12)" in body and "Sentiment: mean -0.60" in body
    assert payload["blocks"][2]["text"]["text"].count("http://injected.test/") == 3
    assert mail["Subject"] == payload["text"] and mail["To"] == "analyst@example.org, lead@example.org"
    text = mail.get_body().get_content()  # type: ignore[union-attr]
    assert "Examples:" in text and text.count("http://injected.test/") == 3
    engine = open_database(db)
    try:
        with Session(engine) as s:
            alert = s.execute(select(Alert)).scalar_one()
            deliveries = s.execute(select(AlertDelivery)).scalars().all()
            state = s.get_one(AlertState, "Omnipod")
    finally:
        engine.dispose()
    assert alert.count == 12 and alert.upper < 5 and alert.reasons["top_sources"]
    assert alert.reasons["expected_range"][0] == 0 and len(alert.reasons["samples"]) == 3
    assert {(d.channel, d.status, d.attempts) for d in deliveries} == {
        ("webhook", "sent", 1),
        ("email", "sent", 1),
    }
    assert all("secret" not in d.target for d in deliveries)  # a webhook's path is its secret
    assert state.in_spike and state.spike_alert_id == alert.id
    listed = run_cli("alerts", "list", db=db, env=env).stdout
    assert "Omnipod" in listed and "webhook sent" in listed


def test_a_spike_that_ends_can_alert_again(db_url: str) -> None:
    from tests.conftest import migrated

    migrated(db_url)
    rules = parse_alert_rules({"alert": [{"name": "Omnipod", "keyword": "Omnipod"}]}, "test")
    inject(db_url, burst_posts(AT))
    inject(db_url, burst_posts(AT + timedelta(days=10)))
    engine = open_database(db_url)
    try:
        fired = [
            check(engine, rules, quick(), AT + timedelta(hours=h)).rules[0].alert_id is not None
            for h in (0, 2, 30, 240, 241)
        ]
    finally:
        engine.dispose()
    assert fired == [True, False, False, True, False]


def test_a_dip_inside_the_window_is_still_the_same_spike(sqlite_url: str) -> None:
    """A check that found the count back in range (here: the state cleared by hand) does not make a window
    overlapping the last alert's a new spike."""
    from sqlalchemy import update

    from tests.conftest import migrated

    migrated(sqlite_url)
    rules = parse_alert_rules({"alert": [{"name": "Omnipod", "keyword": "Omnipod"}]}, "test")
    inject(sqlite_url, burst_posts(AT))
    engine = open_database(sqlite_url)
    try:
        assert check(engine, rules, quick(), AT).rules[0].alert_id is not None
        with Session(engine) as s, s.begin():
            s.execute(update(AlertState).values(in_spike=False))
        again = check(engine, rules, quick(), AT + timedelta(hours=2)).rules[0]
    finally:
        engine.dispose()
    assert again.verdict.spike and again.alert_id is None and again.ongoing
    assert count(sqlite_url, Alert) == 1


def test_zero_to_two_sends_nothing(db_url: str, tmp_path: Path) -> None:
    from tests.conftest import migrated

    migrated(db_url)
    inject(db_url, burst_posts(AT, n=2))
    received = Received()
    with webhook(received) as hook:
        engine = open_database(db_url)
        try:
            rules = load_alert_rules(rules_file(tmp_path))
            result = check(engine, rules, quick(webhook_url=hook), AT)
        finally:
            engine.dispose()
    omnipod = next(r for r in result.rules if r.rule.name == "Omnipod")
    assert omnipod.verdict.count == 2 and not omnipod.verdict.spike
    assert received.posts == [] and count(db_url, Alert) == 0


def test_failed_deliveries_are_retried_and_recorded(db_url: str) -> None:
    from tests.conftest import migrated

    migrated(db_url)
    rules = parse_alert_rules({"alert": [{"name": "Omnipod", "keyword": "Omnipod"}]}, "test")
    inject(db_url, burst_posts(AT))
    received = Received(failures_left=1)
    engine = open_database(db_url)
    try:
        with webhook(received) as hook:
            ok = check(
                engine,
                rules,
                quick(
                    webhook_url=hook, smtp_host="127.0.0.1", smtp_port=1, email_to=("a@b.c",), max_attempts=5
                ),
                AT,
            )
            again = check(
                engine,
                rules,
                quick(
                    webhook_url=hook, smtp_host="127.0.0.1", smtp_port=1, email_to=("a@b.c",), max_attempts=5
                ),
                AT,
            )
        with Session(engine) as s:
            rows = {d.channel: d for d in s.execute(select(AlertDelivery)).scalars()}
    finally:
        engine.dispose()
    assert len(received.posts) == 1  # the second try of the first check
    assert [(d.channel, d.error is None) for d in ok.deliveries] == [("webhook", True), ("email", False)]
    assert [(d.channel, d.error is None) for d in again.deliveries] == [
        ("email", False)
    ]  # retried, not re-sent
    assert rows["webhook"].status == "sent" and rows["webhook"].attempts == 2
    assert rows["email"].status == "abandoned" and rows["email"].attempts == 5  # 3 tries, then 2 more
    assert "e-mail not sent" in (rows["email"].last_error or "")


def test_the_scheduler_checks_alerts_and_survives_a_broken_file(sqlite_url: str, tmp_path: Path) -> None:
    """``doclisten scheduler``'s loop: alerts checked after its rounds (now: a burst of the last hours), a
    broken rules file logged, not raised."""
    from doclisten.config import Config
    from doclisten.runner import build_settings
    from scheduler.service import run_scheduler
    from tests.conftest import migrated

    migrated(sqlite_url)
    inject(sqlite_url, burst_posts(datetime.now(UTC)))
    broken = rules_file(tmp_path, "[[alert]\n")
    engine = open_database(sqlite_url)
    try:
        assert AlertChecker(engine, str(broken), quick(), 0).round() is None
        received = Received()
        with webhook(received) as hook:
            env = {"DOCLISTEN_ALERTS_FILE": str(rules_file(tmp_path, BURST_RULES)), "DOCLISTEN_ALERTS_WEBHOOK_URL": hook,
                   "DOCLISTEN_ALERTS_CHECK_SECONDS": "0", "DOCLISTEN_ALERTS_RETRY_SECONDS": "0"}  # fmt: skip
            settings = build_settings(Config.from_env({"DOCLISTEN_DATABASE_URL": sqlite_url, **env}))
            stop, rounds = threading.Event(), []
            thread = threading.Thread(
                target=lambda: rounds.append(run_scheduler(settings, engine, stop, 0.05))
            )
            thread.start()
            try:
                assert received.got.wait(120), "the scheduler delivered the alert"
                checks_go_on(engine)  # a few more rounds, each a check: no second alert
            finally:
                stop.set()
                thread.join(60)
        assert len(received.posts) == 1 and rounds and rounds[0] >= 4
    finally:
        engine.dispose()
    assert count(sqlite_url, Alert) == 1


def test_doclisten_run_checks_alerts_in_its_reactor(sqlite_url: str, tmp_path: Path) -> None:
    """``doclisten run`` (one process): the alert check runs beside the reconciler, in a thread, and delivers
    one alert for a burst of the last hours; SIGTERM still stops it cleanly."""
    import os
    import signal

    from tests.conftest import migrated

    migrated(sqlite_url)
    inject(sqlite_url, burst_posts(datetime.now(UTC)))
    received = Received()
    log_path = tmp_path / "run.log"
    with webhook(received) as hook:
        env = dict(
            os.environ, DOCLISTEN_DATABASE_URL=sqlite_url, DOCLISTEN_ALERTS_FILE=str(rules_file(tmp_path, BURST_RULES)),
            DOCLISTEN_ALERTS_WEBHOOK_URL=hook, DOCLISTEN_ALERTS_CHECK_SECONDS="0", DOCLISTEN_ALERTS_RETRY_SECONDS="0",
        )  # fmt: skip
        env.pop("DOCLISTEN_REDIS_URL", None)
        proc = launch("run", "--processes", "1", "--every", "0.2", env=env, out=log_path)
        try:
            assert received.got.wait(120), log_path.read_text()
            engine = open_database(sqlite_url)
            try:
                checks_go_on(engine)  # more checks come and go: the spike stays one alert
            finally:
                engine.dispose()
            # SIGTERM once its handlers are in (it says so); before that Python's default would kill it
            for _ in range(2400):
                if "Ctrl-C to stop" in log_path.read_text() or proc.poll() is not None:
                    break
                received.got.wait(0.05)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(120)
    assert code == 0, log_path.read_text()
    assert len(received.posts) == 1 and count(sqlite_url, Alert) == 1
