"""Near-duplicate index in the database, and ``posts.duplicate_of`` links (take a Session, never commit).

Every post with a signature has a row in ``neardup_signatures`` and one row per LSH band in
``neardup_bands``. Linking a post looks up posts sharing a band key (indexed SQL lookup, so it works
across crawls, restarts and worker processes), plus posts with the very same content hash, keeps
those whose estimated Jaccard similarity reaches the threshold, and links the post to the earliest
post of their cluster (by ``published_at``, then ``id``).

Every member of a cluster points at its earliest post, so any member found leads to the cluster:
each lookup reads at most ``BUCKET_LIMIT`` posts per band key (the first stored, through the
``(hash, post_id)`` index) and per content hash, and linking a new copy costs the same whether the
cluster has 10 members or 10,000. Only a post published before the cluster's earliest post (or one
that joins two clusters) repoints the others, in one UPDATE.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, union_all, update
from sqlalchemy.orm import Session

from crawler.extract.dates import to_utc
from pipelines.neardup import BANDS, Signature
from pipelines.store.locking import PG_LOCK_NEARDUP, serialise
from pipelines.store.models import NearDupBand, NearDupSignature, Post

logger = logging.getLogger(__name__)

BUCKET_LIMIT = 4  # posts read per band key and per content hash when linking


SIGNATURES: Table = NearDupSignature.__table__  # type: ignore[assignment]
BANDS_TABLE: Table = NearDupBand.__table__  # type: ignore[assignment]


def save_signature(
    session: Session, post_id: int, signature: Signature | None, *, new_post: bool = False
) -> bool:
    """Store (or remove) a post's signature and band keys. Returns True when it changed.

    ``new_post``: inserted in this transaction, so it has nothing stored yet (nothing to read)."""
    blob = signature.to_bytes() if signature is not None else None
    stored = None
    if not new_post:
        found = select(SIGNATURES.c.minhash).where(SIGNATURES.c.post_id == post_id)
        stored = session.execute(found).first()
    if stored is not None and blob is not None and stored.minhash == blob:
        return False
    if stored is None and blob is None:
        return False
    if not new_post:
        session.execute(delete(BANDS_TABLE).where(BANDS_TABLE.c.post_id == post_id))
    if stored is not None:
        session.execute(delete(SIGNATURES).where(SIGNATURES.c.post_id == post_id))
    if signature is not None:
        session.execute(insert(SIGNATURES).values(post_id=post_id, words=signature.words, minhash=blob))
        session.execute(
            insert(BANDS_TABLE),
            [{"post_id": post_id, "band": b, "hash": k} for b, k in enumerate(signature.band_keys())],
        )
    return True


def load_signature(session: Session, post_id: int) -> Signature | None:
    stored = session.get(NearDupSignature, post_id)
    return Signature.from_bytes(stored.minhash, stored.words) if stored is not None else None


def _candidates_statement() -> Any:
    """Signatures (and links) of the first ``BUCKET_LIMIT`` other posts of each of a signature's band
    buckets; parameters ``post_id`` and ``band0`` .. ``band31``. Built once: it has 32 subqueries."""
    buckets = [
        select(NearDupBand.post_id)
        .where(NearDupBand.hash == bindparam(f"band{band}"), NearDupBand.post_id != bindparam("post_id"))
        .order_by(NearDupBand.post_id)
        .limit(BUCKET_LIMIT)
        .subquery(f"bucket{band}")
        for band in range(BANDS)
    ]
    candidates = union_all(*(select(bucket.c.post_id) for bucket in buckets)).subquery("candidates")
    return (
        select(NearDupSignature.post_id, NearDupSignature.minhash, NearDupSignature.words, Post.duplicate_of)
        .join(Post, Post.id == NearDupSignature.post_id)
        .where(NearDupSignature.post_id.in_(select(candidates.c.post_id)))
    )


CANDIDATES = _candidates_statement()


def similar_posts(
    session: Session, post_id: int, signature: Signature | None, threshold: float
) -> dict[int, int]:
    """Posts found to near-duplicate ``post_id`` (or to have its title and body), each mapped to the
    earliest post of its cluster. Bounded: at most ``BUCKET_LIMIT`` posts per band key and content hash."""
    content_hash = select(Post.content_hash).where(Post.id == post_id).scalar_subquery()
    same = session.execute(
        select(Post.id, Post.duplicate_of)
        .where(Post.content_hash == content_hash, Post.id != post_id)
        .limit(BUCKET_LIMIT)
    )
    found = {other_id: root or other_id for other_id, root in same}
    if signature is None:
        return found
    keys = {f"band{band}": key for band, key in enumerate(signature.band_keys())}
    rows = session.execute(CANDIDATES, {"post_id": post_id, **keys})
    for other_id, blob, words, root in rows:
        score = signature.similarity(Signature.from_bytes(blob, words))
        if score >= threshold:
            found[other_id] = root or other_id
        else:
            logger.debug("post %s vs %s: similarity %.2f below %.2f", post_id, other_id, score, threshold)
    return found


def _earliest(session: Session, ids: set[int]) -> int:
    rows = session.execute(select(Post.id, Post.published_at).where(Post.id.in_(ids))).all()
    keyed = [(r[0], to_utc(r[1])) for r in rows]
    return min(keyed, key=lambda r: (r[1] is None, r[1].timestamp() if r[1] else 0.0, r[0]))[0]


def link_post(session: Session, post_id: int, signature: Signature | None, threshold: float) -> int | None:
    """Set ``duplicate_of`` for ``post_id`` (and repoint the clusters it joins when their earliest post
    changes). Returns what ``post_id`` now points to."""
    similar = similar_posts(session, post_id, signature, threshold)
    if not similar:
        session.execute(
            update(Post).where(Post.id == post_id, Post.duplicate_of.is_not(None)).values(duplicate_of=None)
        )
        return None
    roots = {post_id, *similar.values()}
    root = _earliest(session, roots)
    others = roots - {root}  # post_id when it joins an earlier cluster; older roots when clusters merge
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
    session: Session, post_id: int, signature: Signature | None, threshold: float, *, new_post: bool = False
) -> int | None:
    """Index a stored post and link it; posts that pointed at it are re-checked when its text changed
    (``new_post``: inserted in this transaction, so nothing points at it yet).

    One process at a time (``locking.serialise``): a post stored by another crawl process at the same
    moment is seen."""
    serialise(session, PG_LOCK_NEARDUP)
    changed = save_signature(session, post_id, signature, new_post=new_post)
    dependents = (
        list(session.execute(select(Post.id).where(Post.duplicate_of == post_id)).scalars())
        if changed and not new_post
        else []
    )
    target = link_post(session, post_id, signature, threshold)
    if dependents:
        # their link to this post is stale: recompute each from its own candidates
        session.execute(update(Post).where(Post.id.in_(dependents)).values(duplicate_of=None))
        for other in dependents:
            link_post(session, other, load_signature(session, other), threshold)
    return target
