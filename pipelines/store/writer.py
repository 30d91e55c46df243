"""The process's database writer: one thread that owns the writes, several items per transaction.

The reactor thread hands units of work to :meth:`Writer.submit` and gets a Deferred back; the writer
thread groups what is queued into one transaction (up to ``batch_items`` units, waiting at most
``batch_seconds`` for more after the first), commits, and only then fires the units' Deferreds, in
the order they were submitted (through ``reactor.callFromThread``, so callbacks run in the reactor
thread). A Deferred that fired means the unit is durable (committed, or spooled to disk).

- A batch that fails for another reason than the database being unavailable is written again unit by
  unit, each in its own transaction, so one bad item cannot sink the others; the bad one's Deferred
  fails with its error.
- While the database is unavailable (``OperationalError``/``InterfaceError``: server gone, restarting,
  locked) the writer thread retries the batch with backoff (0.5 s doubling to 10 s) for up to
  ``retry_seconds``, then spools its units to disk (:class:`pipelines.store.spool.Spool`) and
  acknowledges them: nothing is lost. While it stays down, later batches are tried once, then spooled.
- :meth:`barrier` is a Deferred that fires once everything submitted before it fired.

The writer knows no tables: ``write(session, unit)`` (the storage pipeline's) does the work and returns
what the reactor side needs to know (counts for the crawl stats).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.exceptions import one_line
from pipelines.store.spool import Spool

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)
FIRST_DELAY, MAX_DELAY = 0.5, 10.0


class Spooled:
    """The outcome of a unit the database could not take: it is in the spool, replayed at next open."""


SPOOLED = Spooled()


@dataclass
class _Entry:
    work: Any  # None: a barrier
    deferred: Deferred[Any]


class _Exhausted(Exception):
    def __init__(self, cause: BaseException):
        super().__init__(one_line(cause))
        self.cause = cause


_STOP = object()


class Writer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        write: Callable[[Session, Any], Any],
        spool: Spool,
        *,
        batch_items: int = 50,
        batch_seconds: float = 0.2,
        retry_seconds: float = 60.0,
        call_in_reactor: Callable[..., Any] | None = None,
    ):
        self.sessions = sessions
        self.write = write
        self.spool = spool
        self.batch_items = max(1, batch_items)
        self.batch_seconds = max(0.0, batch_seconds)
        self.retry_seconds = retry_seconds
        self.call_in_reactor = call_in_reactor  # default: reactor.callFromThread
        self.down = False  # the last batch had to be spooled
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._stopped: Deferred[None] | None = None

    # ------------------------------------------------------------------ reactor side

    def submit(self, work: Any) -> Deferred[Any]:
        """Queue ``work``; the Deferred fires with ``write``'s result (or :data:`SPOOLED`) after commit."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="doclisten-writer", daemon=True)
            self._thread.start()
        entry = _Entry(work, Deferred())
        self._queue.put(entry)
        return entry.deferred

    def barrier(self) -> Deferred[Any]:
        """Fires once every unit submitted before it was committed (or spooled) and its Deferred fired."""
        return self.submit(None)

    def close(self) -> Deferred[None]:
        """Write everything queued, then end the thread; the Deferred fires when it has ended."""
        done: Deferred[None] = Deferred()
        if self._thread is None:
            done.callback(None)
            return done
        self._stopped = done
        self._queue.put(_STOP)
        return done

    def _complete(self, batch: Sequence[_Entry], outcomes: Sequence[Any]) -> None:
        for entry, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Failure):
                entry.deferred.errback(outcome)
            else:
                entry.deferred.callback(outcome)

    def _ended(self) -> None:
        if self._thread is not None:
            self._thread.join()
        if self._stopped is not None:
            self._stopped.callback(None)

    # ------------------------------------------------------------------ writer thread

    def _run(self) -> None:
        call = self.call_in_reactor
        if call is None:
            from twisted.internet import reactor

            call = reactor.callFromThread
        stop = False
        while not stop:
            batch, stop = self._collect()
            if batch:
                try:
                    outcomes = self._outcomes(batch)
                except Exception:  # e.g. the spool's disk is full: fail the batch, keep the thread
                    logger.exception("could not store a batch of %d items", len(batch))
                    outcomes = [Failure()] * len(batch)
                call(self._complete, batch, outcomes)
        call(self._ended)

    def _collect(self) -> tuple[list[_Entry], bool]:
        """The next batch: what is queued, up to ``batch_items``, waiting ``batch_seconds`` at most for
        more after the first; a barrier ends the batch (whoever waits on it gets it sooner)."""
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        deadline = time.monotonic() + self.batch_seconds
        while first.work is not None and len(batch) < self.batch_items:
            try:
                entry = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if entry is _STOP:
                return batch, True
            batch.append(entry)
            if entry.work is None:
                break
        return batch, False

    def _outcomes(self, batch: Sequence[_Entry]) -> list[Any]:
        works = [e.work for e in batch if e.work is not None]
        results = iter(self.commit(works))
        return [None if e.work is None else next(results) for e in batch]

    def commit(self, works: Sequence[Any]) -> list[Any]:
        """Write ``works`` in one transaction (retrying while the database is unavailable); on another
        error, one by one. Per unit: ``write``'s result, :data:`SPOOLED`, or a Failure."""
        if not works:
            return []
        try:
            return self._transaction(works)
        except _Exhausted as exc:
            self.down = True
            for work in works:
                self.spool.put(work, exc.cause)
            return [SPOOLED for _ in works]
        except Exception as exc:
            if len(works) == 1:
                return [Failure()]
            logger.warning(
                "a batch of %d items failed (%s); storing them one by one", len(works), one_line(exc)
            )
            return [outcome for work in works for outcome in self.commit([work])]

    def _transaction(self, works: Sequence[Any]) -> list[Any]:
        delay, waited = FIRST_DELAY, 0.0
        while True:
            try:
                with self.sessions.begin() as session:
                    results = []
                    for work in works:
                        results.append(self.write(session, work))
                        session.flush()
                        session.expunge_all()  # the next unit sees the database, not these objects
            except UNAVAILABLE as exc:
                if self.down or waited >= self.retry_seconds:
                    raise _Exhausted(exc) from exc
                logger.warning("database unavailable (%s); retrying in %.1fs", one_line(exc), delay)
                time.sleep(delay)  # the writer thread's own time: the reactor keeps running
                waited += delay
                delay = min(delay * 2, MAX_DELAY)
                continue
            self.down = False
            return results
