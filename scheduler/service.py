"""The reconciler's loops: ``doclisten scheduler`` runs rounds in the foreground until stopped,
``doclisten run`` runs them in its reactor beside the worker; both check the alert rules after a round
(``pipelines.alerts.check.AlertChecker``: when a check is due). (A worker's loop is its spider's
``start()``, in ``crawler.spiders.base``, fed by ``scheduler.claimer``.)"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from twisted.internet import task

from pipelines.alerts.check import AlertChecker
from pipelines.store.db import session_factory
from scheduler.backends import open_queue
from scheduler.queue import DueQueue
from scheduler.reconciler import reconcile_round

logger = logging.getLogger(__name__)


def periodic(
    work: Callable[[], Any], every: float, what: str, *, now: bool, in_thread: bool = False
) -> task.LoopingCall:
    """Inside a reactor: ``work`` every ``every`` seconds (first at once when ``now``), in a thread when
    ``in_thread`` (the reactor keeps crawling); the loop ending on an error is logged as "WHAT stopped"."""
    if in_thread:
        from twisted.internet.threads import deferToThread

        loop = task.LoopingCall(deferToThread, work)
    else:
        loop = task.LoopingCall(work)
    loop.start(every, now=now).addErrback(lambda f: logger.error("%s stopped: %s", what, f.getErrorMessage()))
    return loop


def periodic_reconcile(queue: DueQueue, sessions: Any, every: float) -> task.LoopingCall:
    """Inside a reactor (``doclisten run``): reconcile now and every ``every`` seconds."""
    return periodic(lambda: reconcile_round(queue, sessions), every, "reconciler", now=True)


def periodic_alerts(settings: Any, engine: Any, every: float) -> task.LoopingCall | None:
    """Inside a reactor (``doclisten run``): an alert check after each reconcile round (``every`` seconds),
    when one is due, in a thread (it reads the database and delivers); None without alert rules."""
    checker = AlertChecker.from_settings(settings, engine)
    if checker is None:
        return None
    return periodic(checker.round, every, "alert checks", now=False, in_thread=True)


def run_scheduler(
    settings: Any,
    engine: Any,
    stop: threading.Event,
    every: float,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """`doclisten scheduler`: reconcile every ``every`` seconds until ``stop`` is set. Returns rounds.

    ``on_ready`` is called once the queue is open, before the first round."""
    sessions = session_factory(engine)
    queue = open_queue(settings.get("DOCLISTEN_REDIS_URL"), engine, settings.get("DOCLISTEN_REDIS_PREFIX"))
    checker = AlertChecker.from_settings(settings, engine)
    rounds = 0
    try:
        if on_ready is not None:
            on_ready()
        while not stop.is_set():
            reconcile_round(queue, sessions)
            if checker is not None:
                checker.round()  # when due; never raises
            rounds += 1
            stop.wait(every)
    finally:
        queue.close()
    return rounds
