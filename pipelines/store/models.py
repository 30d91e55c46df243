"""SQLAlchemy 2.0 models: the tables analysts query (documented in docs/schema.md).

Portable on purpose: the same models run on SQLite and PostgreSQL. Timestamps are stored as
UTC (``DateTime(timezone=True)``; SQLite keeps them naive, see ``crawler.extract.dates.to_utc``).
Schema changes go through the Alembic migrations in ``pipelines/store/migrations``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# BIGINT on PostgreSQL, INTEGER (rowid alias, autoincrement) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")
TS = DateTime(timezone=True)


class Base(DeclarativeBase):
    pass


class Source(Base):
    """One blog."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    home_url: Mapped[str] = mapped_column(String(2048), unique=True)
    feed_url: Mapped[str | None] = mapped_column(String(2048))
    feed_kind: Mapped[str | None] = mapped_column(String(16))
    comments_feed_url: Mapped[str | None] = mapped_column(String(2048))
    rest_root: Mapped[str | None] = mapped_column(String(2048))
    platform: Mapped[str] = mapped_column(String(32), default="generic")
    title: Mapped[str | None] = mapped_column(String(512))
    added_at: Mapped[datetime] = mapped_column(TS)
    # schedule state and health
    backfilled_at: Mapped[datetime | None] = mapped_column(TS)
    last_crawled_at: Mapped[datetime | None] = mapped_column(TS)
    last_success_at: Mapped[datetime | None] = mapped_column(TS)
    next_due_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    not_before: Mapped[datetime | None] = mapped_column(TS)  # Retry-After / Cache-Control floor
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(TS)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    # recurring crawls (scheduler/): adaptive interval, per-source bounds, embedded-queue lease
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    min_interval_seconds: Mapped[int | None] = mapped_column(Integer)
    max_interval_seconds: Mapped[int | None] = mapped_column(Integer)
    crawl_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(TS)
    # the site-wide comment feed's own schedule (crawler.plan.site_comments_due)
    comments_feed_checked_at: Mapped[datetime | None] = mapped_column(TS)
    comments_feed_new_at: Mapped[datetime | None] = mapped_column(TS)
    comments_feed_polls: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # optional endpoints that answered 401/403/404: {"rest": {"status": 401, "at": "<ISO time>"}, ...}
    closed_endpoints: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # what a connector learnt about the source for its next crawls: {"disqus_forum": "<shortname>"}
    connector_facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RobotsTxt(Base):
    """A host's robots.txt answer (2xx or 4xx), kept until it expires so a crawl does not ask again."""

    __tablename__ = "robots_txt"

    host: Mapped[str] = mapped_column(String(512), primary_key=True)  # netloc: host[:port]
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(TS)
    expires_at: Mapped[datetime] = mapped_column(TS)


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)  # canonical
    guid: Mapped[str | None] = mapped_column(String(2048))
    external_id: Mapped[str | None] = mapped_column(String(128))  # WordPress / Blogger post id
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(512))
    published_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(TS)
    content_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    entry_hash: Mapped[str | None] = mapped_column(String(64))  # fingerprint of the feed entry (edits)
    language: Mapped[str | None] = mapped_column(String(16))
    sentiment: Mapped[float | None] = mapped_column(Float)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    last_comment_at: Mapped[datetime | None] = mapped_column(TS)
    comments_checked_at: Mapped[datetime | None] = mapped_column(TS)  # young posts: decaying re-checks
    first_seen_at: Mapped[datetime] = mapped_column(TS)
    last_seen_at: Mapped[datetime] = mapped_column(TS)
    last_changed_at: Mapped[datetime] = mapped_column(TS)
    # gone upstream (404/410): purged after DOCLISTEN_DELETION_GRACE_HOURS (docs/privacy.md)
    deleted_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    # the page said noarchive: metadata and keyword counts only, no text
    text_withheld: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (UniqueConstraint("post_id", "dedup_key", name="uq_comments_post_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    # external id when the platform gives one, else "h:" + content hash
    dedup_key: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str | None] = mapped_column(String(128))
    parent_external_id: Mapped[str | None] = mapped_column(String(128))
    author: Mapped[str | None] = mapped_column(String(512))
    author_url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    content_text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    sentiment: Mapped[float | None] = mapped_column(Float)
    via: Mapped[str] = mapped_column(String(32))  # where the stored text came from: rest | html | feed
    first_seen_at: Mapped[datetime] = mapped_column(TS)
    last_seen_at: Mapped[datetime] = mapped_column(TS)
    # missing from a complete fetch of its thread: made a tombstone after the grace period
    deleted_at: Mapped[datetime | None] = mapped_column(TS, index=True)
    # a tombstone: text and identity removed (erased, purged), the row keeps its place in the thread
    erased_at: Mapped[datetime | None] = mapped_column(TS)


class KeywordMatch(Base):
    __tablename__ = "keyword_matches"
    __table_args__ = (Index("ix_keyword_matches_keyword", "keyword", "keyword_group"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    keyword: Mapped[str] = mapped_column(String(256))
    keyword_group: Mapped[str] = mapped_column(String(64))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    snippet: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    sentiment: Mapped[float | None] = mapped_column(Float)


class UrlValidator(Base):
    """Per-URL validators for conditional GET (ETag / Last-Modified)."""

    __tablename__ = "url_validators"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    checked_at: Mapped[datetime] = mapped_column(TS)


class Crawl(Base):
    """One run of ``doclisten crawl`` (or one round of a worker)."""

    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(TS)
    finished_at: Mapped[datetime | None] = mapped_column(TS)
    status: Mapped[str] = mapped_column(String(32), default="running")  # running | finished | interrupted


class SourceCrawl(Base):
    """Per-source summary of one crawl: what the crawl saw and wrote."""

    __tablename__ = "source_crawls"
    __table_args__ = (UniqueConstraint("crawl_id", "source_id", name="uq_source_crawls"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    crawl_id: Mapped[int] = mapped_column(ForeignKey("crawls.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)
    new_posts: Mapped[int] = mapped_column(Integer, default=0)
    updated_posts: Mapped[int] = mapped_column(Integer, default=0)
    new_comments: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)


class FetchError(Base):
    """Errors met while crawling a source, kept for diagnosis (``doclisten sources list``)."""

    __tablename__ = "fetch_errors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id", ondelete="SET NULL"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(TS)


# Near-duplicate index (pipelines/neardup.py): a MinHash signature per post and its LSH band keys,
# shared by every worker through the database.
Index("ix_posts_duplicate_of", Post.duplicate_of)


class NearDupSignature(Base):
    """MinHash signature of a post body (posts too short to compare have none)."""

    __tablename__ = "neardup_signatures"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    words: Mapped[int] = mapped_column(Integer)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class NearDupBand(Base):
    """LSH band keys of a signature: posts sharing a key are near-duplicate candidates."""

    __tablename__ = "neardup_bands"
    # a bucket is read in post_id order up to a limit: an index range scan, however full the bucket
    __table_args__ = (Index("ix_neardup_bands_hash_post", "hash", "post_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class AlertState(Base):
    """Per alert rule (its name in alerts.toml): whether it is in a spike, so a spike gives one alert."""

    __tablename__ = "alert_state"

    rule: Mapped[str] = mapped_column(String(256), primary_key=True)
    in_spike: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    spike_alert_id: Mapped[int | None] = mapped_column(BigId)
    checked_at: Mapped[datetime | None] = mapped_column(TS)
    last_count: Mapped[int | None] = mapped_column(Integer)


class Alert(Base):
    """One spike of one rule, with the reasons the alert gives (JSON, see pipelines/alerts/reasons.py)."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_rule_fired", "rule", "fired_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule: Mapped[str] = mapped_column(String(256))
    fired_at: Mapped[datetime] = mapped_column(TS)
    window_start: Mapped[datetime] = mapped_column(TS)
    window_end: Mapped[datetime] = mapped_column(TS)
    count: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    upper: Mapped[int] = mapped_column(Integer)
    p_value: Mapped[float] = mapped_column(Float)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON)


class AlertDelivery(Base):
    """One channel's delivery of an alert: ``sent``, or ``failed`` (retried by later checks) / ``abandoned``."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", "target", name="uq_alert_deliveries"),
        Index("ix_alert_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))  # webhook | email
    target: Mapped[str] = mapped_column(String(2048))  # the URL (credentials masked) or the recipients
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(TS)
    sent_at: Mapped[datetime | None] = mapped_column(TS)


class Erasure(Base):
    """One erasure (``doclisten erase``) or purge (upstream deletions, retention): what kind of selector,
    a hash of its value, why and how many rows went. Never the content nor the name."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(TS)
    # author | author_url | pseudonym | post_url | source | deleted_upstream | retention
    selector: Mapped[str] = mapped_column(String(32))
    selector_hash: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    posts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    comments: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    matches: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sources: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    spooled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Suppression(Base):
    """A keyed hash (:mod:`pipelines.store.privacy`) later crawls must not store again (``kind``: post,
    comment, author, author_url, source), or a post URL its site asked not to index (``noindex``)."""

    __tablename__ = "suppressions"
    __table_args__ = (Index("ix_suppressions_source_kind", "source_id", "kind"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    erasure_id: Mapped[int | None] = mapped_column(ForeignKey("erasures.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(TS)
