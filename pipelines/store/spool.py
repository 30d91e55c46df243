"""A local spool for items the database could not take, replayed when storage opens next.

When the database stays unreachable longer than ``DOCLISTEN_DB_RETRY_SECONDS``, the storage
pipeline writes the item here instead of losing it; the next crawl (or worker start) stores
spooled items first. Files are pickles written by this program only (trusted input).
"""

from __future__ import annotations

import logging
import os
import pickle
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from crawler.exceptions import one_line

logger = logging.getLogger(__name__)


class Spool:
    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)

    def put(self, item: Any, reason: BaseException) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{uuid.uuid4().hex}.pickle"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(item))
        tmp.replace(path)  # atomic: a half-written file is never replayed
        logger.warning("database unavailable (%s): item spooled to %s", one_line(reason), path)
        return path

    def pending(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob("*.pickle"):
            try:
                found.append((path.stat().st_mtime, path))
            except FileNotFoundError:  # replayed by another process meanwhile
                continue
        return [path for _, path in sorted(found)]

    def replay(self, write: Callable[[Any], None]) -> int:
        """Store spooled items in the order they were spooled; stop at the first database failure.

        Several processes may replay one spool at once (``doclisten crawl --processes N``): each item is
        first taken by renaming its file, so only one of them stores it."""
        done = 0
        for path in self.pending():
            taken = path.with_suffix(f".{os.getpid()}.replaying")
            try:
                path.replace(taken)
            except FileNotFoundError:  # another process took it
                continue
            try:
                write(pickle.loads(taken.read_bytes()))
            except (OperationalError, InterfaceError) as exc:
                taken.replace(path)
                logger.warning(
                    "database still unavailable (%s): %d items stay spooled",
                    one_line(exc),
                    len(self.pending()),
                )
                break
            taken.unlink()
            done += 1
        return done

    def rewrite(self, change: Callable[[Any], Any]) -> int:
        """Apply ``change`` to every spooled item (``doclisten erase``): it returns the item (changed in
        place or not) or None to drop it. Returns how many items were dropped or changed."""
        touched = 0
        for path in self.pending():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:  # replayed meanwhile
                continue
            item = pickle.loads(raw)
            kept = change(item)
            if kept is None:
                path.write_bytes(b"\0" * len(raw))  # the text is not left in the file's old blocks
                path.unlink(missing_ok=True)
                touched += 1
                continue
            again = pickle.dumps(kept)
            if again != raw:
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(again)
                path.write_bytes(b"\0" * len(raw))
                tmp.replace(path)
                touched += 1
        return touched
