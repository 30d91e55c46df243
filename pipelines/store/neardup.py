"""Near-duplicate index in the database, and ``posts.duplicate_of`` links (take a Session, never commit).

Every post with a signature has a row in ``neardup_signatures`` and one row per LSH band in
``neardup_bands``. Linking a post looks up posts sharing a band key (indexed SQL lookup, so it works
across crawls, restarts and worker processes), plus posts with the very same content hash, keeps
those whose estimated Jaccard similarity reaches the threshold, and points the whole cluster at
its earliest post (by ``published_at``, then ``id``).
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from crawler.extract.dates import to_utc
from pipelines.neardup import Signature
from pipelines.store.models import NearDupBand, NearDupSignature, Post

logger = logging.getLogger(__name__)


def save_signature(session: Session, post_id: int, signature: Signature | None) -> bool:
    """Store (or remove) a post's signature and band keys. Returns True when it changed."""
    stored = session.get(NearDupSignature, post_id)
    blob = signature.to_bytes() if signature is not None else None
    if stored is not None and blob is not None and stored.minhash == blob:
        return False
    if stored is None and blob is None:
        return False
    session.execute(delete(NearDupBand).where(NearDupBand.post_id == post_id))
    if stored is not None:
        session.delete(stored)
        session.flush()
    if signature is not None:
        session.add(NearDupSignature(post_id=post_id, words=signature.words, minhash=blob))
        session.flush()
        session.execute(
            insert(NearDupBand),
            [{"post_id": post_id, "band": b, "hash": k} for b, k in enumerate(signature.band_keys())],
        )
    return True


def load_signature(session: Session, post_id: int) -> Signature | None:
    stored = session.get(NearDupSignature, post_id)
    return Signature.from_bytes(stored.minhash, stored.words) if stored is not None else None


def similar_posts(session: Session, post_id: int, signature: Signature | None, threshold: float) -> set[int]:
    """Posts whose body near-duplicates ``post_id``'s (or whose title and body are identical)."""
    content_hash = select(Post.content_hash).where(Post.id == post_id).scalar_subquery()
    found = set(
        session.execute(
            select(Post.id).where(Post.content_hash == content_hash, Post.id != post_id)
        ).scalars()
    )
    if signature is None:
        return found
    candidates = (
        select(NearDupBand.post_id)
        .where(NearDupBand.hash.in_(signature.band_keys()), NearDupBand.post_id != post_id)
        .distinct()
    )
    rows = session.execute(
        select(NearDupSignature.post_id, NearDupSignature.minhash, NearDupSignature.words).where(
            NearDupSignature.post_id.in_(candidates)
        )
    )
    for other_id, blob, words in rows:
        score = signature.similarity(Signature.from_bytes(blob, words))
        if score >= threshold:
            found.add(other_id)
        else:
            logger.debug("post %s vs %s: similarity %.2f below %.2f", post_id, other_id, score, threshold)
    return found


def _earliest(session: Session, ids: set[int]) -> int:
    rows = session.execute(select(Post.id, Post.published_at).where(Post.id.in_(ids))).all()
    keyed = [(r[0], to_utc(r[1])) for r in rows]
    return min(keyed, key=lambda r: (r[1] is None, r[1].timestamp() if r[1] else 0.0, r[0]))[0]


def link_post(session: Session, post_id: int, signature: Signature | None, threshold: float) -> int | None:
    """Set ``duplicate_of`` for ``post_id`` and its cluster. Returns what ``post_id`` now points to."""
    similar = similar_posts(session, post_id, signature, threshold)
    if not similar:
        session.execute(
            update(Post).where(Post.id == post_id, Post.duplicate_of.is_not(None)).values(duplicate_of=None)
        )
        return None
    roots = session.execute(
        select(Post.duplicate_of).where(Post.id.in_(similar), Post.duplicate_of.is_not(None))
    ).scalars()
    cluster = {post_id, *similar, *roots}
    root = _earliest(session, cluster)
    others = cluster - {root}
    session.execute(
        update(Post)
        .where(Post.id.in_(others) | Post.duplicate_of.in_(others))
        .values(duplicate_of=root)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Post).where(Post.id == root, Post.duplicate_of.is_not(None)).values(duplicate_of=None)
    )
    return None if root == post_id else root


def index_and_link(
    session: Session, post_id: int, signature: Signature | None, threshold: float
) -> int | None:
    """Index a stored post and link it; posts that pointed at it are re-checked when its text changed."""
    dependents = list(session.execute(select(Post.id).where(Post.duplicate_of == post_id)).scalars())
    changed = save_signature(session, post_id, signature)
    target = link_post(session, post_id, signature, threshold)
    if changed and dependents:
        # their link to this post is stale: recompute each from its own candidates
        session.execute(update(Post).where(Post.id.in_(dependents)).values(duplicate_of=None))
        for other in dependents:
            link_post(session, other, load_signature(session, other), threshold)
    return target
