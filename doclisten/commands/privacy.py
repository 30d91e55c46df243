"""What `doclisten erase` and `doclisten purge` do (docs/privacy.md): command bodies that call the store and
return data; the terminal output is doclisten/output/privacy.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.exceptions import DoclistenError
from crawler.urls import canonical_url
from doclisten.config import Config
from doclisten.runner import build_settings
from pipelines import pseudonym
from pipelines.store import privacy
from pipelines.store.db import open_database, session_factory, utcnow
from pipelines.store.keys import text_hash
from pipelines.store.spool import Spool


class ErasureError(DoclistenError):
    """An erasure that cannot be done as asked."""


@dataclass
class Purge:
    """What one purge removed, per kind (``deleted_upstream``, ``retention``); ``forgotten``: SQLite's file
    and WAL were rewritten without the removed text (False: a reader held the WAL back)."""

    purged: dict[str, privacy.Purged] = field(default_factory=dict)
    forgotten: bool = True


def stored_value(config: Config, selector: str, value: str) -> tuple[str, str | None]:
    """(the value as the database holds it, the clear-text name to mask in others' texts). With
    DOCLISTEN_PSEUDONYMIZE_AUTHORS=1 a name or author URL is found by its keyed hash."""
    if not value.strip():
        raise ErasureError(f"--{selector.replace('_', '-')} needs a value")
    if selector == "post_url":
        return canonical_url(value.strip()), None
    masker = pseudonym.from_settings(config.settings())
    if selector == "author":
        if masker is not None:
            return masker.name(value) or value, value
        return value.strip(), value
    if selector == "author_url" and masker is not None:
        return masker.url(value) or value, None
    return value.strip(), None


def erase(
    config: Config, selector: str, value: str, reason: str | None, dry_run: bool, now: datetime | None = None
) -> privacy.Erased:
    """Erase (``dry_run``: count) what ``selector`` names, in one transaction; then the spool, and on SQLite
    the file and its WAL."""
    if selector not in privacy.SELECTORS:
        raise ErasureError(f"unknown selector {selector!r}")
    stored, clear_name = stored_value(config, selector, value)
    engine = open_database(config.database_url)
    try:
        sessions = session_factory(engine)
        with sessions.begin() as s:
            result = privacy.erase(
                s, selector, stored, now or utcnow(), reason=reason, dry_run=dry_run, clear_name=clear_name
            )
        if dry_run:
            return result
        with sessions.begin() as s:  # what is spooled for a later store must not bring it back either
            keys = privacy.suppression_keys(s)
            spool = Spool(build_settings(config).get("DOCLISTEN_SPOOL_DIR") or "doclisten-spool")
            result.spooled = spool.rewrite(lambda item: privacy.item_blocked(item, keys, text_hash))
            if result.erasure_id is not None:
                privacy.note_spooled(s, result.erasure_id, result.spooled)
        privacy.forget_sqlite(engine)
        return result
    finally:
        engine.dispose()


def purge(config: Config, now: datetime | None = None) -> Purge:
    """Items deleted upstream past the grace period, and content past DOCLISTEN_RETENTION_DAYS."""
    grace, retention = config.deletion_grace(), config.retention()
    engine = open_database(config.database_url)
    try:
        with session_factory(engine).begin() as s:
            done = Purge(privacy.purge(s, now or utcnow(), grace, retention))
        if any(p.posts or p.comments for p in done.purged.values()):
            done.forgotten = privacy.forget_sqlite(engine)
        return done
    finally:
        engine.dispose()
