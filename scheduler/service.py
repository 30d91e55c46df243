"""Long-running roles: the scheduler loop (reconciler) and the pieces a worker process needs."""

from __future__ import annotations

import logging
import threading
from typing import Any

from twisted.internet import task

from pipelines.store.db import session_factory
from scheduler.exceptions import QueueUnavailable
from scheduler.queue import DueQueue, ReconcileReport, open_queue
from scheduler.settings import policy_config
from scheduler.worker import Claimer

logger = logging.getLogger(__name__)


def open_claimer(settings: Any, engine: Any, sessions: Any) -> Claimer:
    queue = open_queue(settings.get("DOCLISTEN_REDIS_URL"), engine, settings.get("DOCLISTEN_REDIS_PREFIX"))
    return Claimer(queue, sessions, settings.getfloat("DOCLISTEN_LEASE_SECONDS"), policy_config(settings))


def reconcile(queue: DueQueue, sessions: Any) -> ReconcileReport | None:
    """Re-seed the due queue from the sources table (Redis); the SQL queue needs nothing."""
    method = getattr(queue, "reconcile", None)
    if method is None:
        return None
    try:
        report = method(sessions)
    except QueueUnavailable as exc:
        logger.warning("reconcile skipped: %s", exc)
        return None
    if report and not report.skipped and (report.added or report.removed):
        logger.info("reconciled: %d added, %d removed, %d kept", report.added, report.removed, report.kept)
    return report


def periodic_reconcile(queue: DueQueue, sessions: Any, every: float) -> task.LoopingCall:
    """Inside a reactor (``doclisten run``): reconcile now and every ``every`` seconds."""
    loop = task.LoopingCall(reconcile, queue, sessions)
    loop.start(every, now=True).addErrback(lambda f: logger.error("reconciler stopped: %s", f.getErrorMessage()))
    return loop


def run_scheduler(settings: Any, engine: Any, stop: threading.Event, every: float) -> int:
    """`doclisten scheduler`: reconcile every ``every`` seconds until ``stop`` is set. Returns rounds."""
    sessions = session_factory(engine)
    queue = open_queue(settings.get("DOCLISTEN_REDIS_URL"), engine, settings.get("DOCLISTEN_REDIS_PREFIX"))
    rounds = 0
    try:
        while not stop.is_set():
            reconcile(queue, sessions)
            rounds += 1
            stop.wait(every)
    finally:
        queue.close()
    return rounds
