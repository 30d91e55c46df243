"""Near-duplicates: MinHash signatures, and the LSH index in SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from crawler.discovery import Discovery
from crawler.items import PostItem
from pipelines.neardup import BANDS, Hasher
from pipelines.store.db import open_database, session_factory
from pipelines.store.models import NearDupBand, NearDupSignature, Post
from pipelines.store.neardup import index_and_link
from pipelines.store.posts import upsert_post
from pipelines.store.sources import add_source
from tests.conftest import migrated

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
ORIGINAL = (
    "The pharmacist slid the bag across the counter, then slid it back. Your plan changed in January, "
    "she said. This is going to be four hundred and twelve dollars. I stood there doing math I did not "
    "want to do: rent, the car payment, the Humalog that keeps me alive. I asked whether there was a "
    "coupon, a generic, anything. There was a manufacturer card that took some of it off, after twenty "
    "minutes on the phone. I walked out with one month of insulin and a knot in my stomach. If you are "
    "struggling with insulin prices right now, the comments are open. Share what has worked for you: "
    "coupons, switching plans, the human insulin route with your doctor's guidance. Let us make this "
    "post useful for the next person standing at that counter with a bag they cannot afford."
)
SAME_TOPIC = (
    "Insulin prices came up again at our support group tonight. Three people had switched plans this "
    "year, two were using manufacturer coupons, and one had driven across the border for cheaper vials. "
    "Nobody should have to plan a road trip around a prescription. We wrote letters to our "
    "representatives and shared the phone numbers of the patient assistance programs. If your pharmacy "
    "quotes you a price you cannot pay, ask about the cash price, ask about the manufacturer card, and "
    "call your doctor before you ration a single unit. The comments are open for your tips."
)


def edited(text: str, every: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    words = text.split()
    for i in range(0, len(words), every):
        words[i] = rng.choice(["really", "very", "so", "quite"])
    return " ".join(words)


@pytest.fixture(scope="module")
def hasher() -> Hasher:
    return Hasher()


def test_syndicated_copy_and_light_edits_are_similar(hasher: Hasher) -> None:
    original = hasher.signature(ORIGINAL)
    copy = hasher.signature("Originally published at Sugar & Stories.\n\n" + ORIGINAL)
    light = hasher.signature(edited(ORIGINAL, 40))
    assert original and copy and light
    assert original.similarity(copy) >= 0.85
    assert original.similarity(light) >= 0.7
    assert original.similarity(original) == 1.0


def test_same_topic_different_post_is_not_similar(hasher: Hasher) -> None:
    a, b = hasher.signature(ORIGINAL), hasher.signature(SAME_TOPIC)
    assert a and b and a.similarity(b) < 0.2
    heavy = hasher.signature(edited(ORIGINAL, 4))
    assert heavy and a.similarity(heavy) < 0.5


def test_signatures_are_stable_and_short_texts_have_none(hasher: Hasher) -> None:
    again = Hasher().signature(ORIGINAL)
    first = hasher.signature(ORIGINAL)
    assert first and again and first.band_keys() == again.band_keys() and len(first.band_keys()) == BANDS
    assert first.to_bytes() == again.to_bytes()
    assert hasher.signature("Happy new year to everyone in the #DOC!") is None


# --------------------------------------------------------------------------- database


@pytest.fixture
def sessions(db_url):  # type: ignore[no-untyped-def]
    engine = open_database(migrated(db_url))
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def sources(sessions) -> list[int]:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        return [add_source(s, Discovery(f"https://blog{i}.example/"), NOW)[0].id for i in range(3)]


def store(sessions, hasher, source_id: int, slug: str, text: str, days_ago: float, title: str = "T") -> int:  # type: ignore[no-untyped-def]
    url = f"https://blog{source_id}.example/{slug}/"
    record = PostItem(
        source_id,
        url,
        url,
        "generic",
        title,
        "Kim",
        NOW - timedelta(days=days_ago),
        None,
        text,
    )
    with sessions.begin() as s:
        post_id, _ = upsert_post(s, record, NOW)
        index_and_link(s, post_id, hasher.signature(text), 0.7)
        return post_id


def links(sessions) -> dict[int, int | None]:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        return dict(s.execute(select(Post.id, Post.duplicate_of)).all())


def test_copy_links_to_the_original(sessions, sources, hasher) -> None:  # type: ignore[no-untyped-def]
    original = store(sessions, hasher, sources[0], "original", ORIGINAL, days_ago=10)
    other = store(sessions, hasher, sources[1], "other", SAME_TOPIC, days_ago=9)
    copy = store(
        sessions, hasher, sources[2], "copy", "Originally published at Sugar & Stories. " + ORIGINAL, 8
    )
    assert links(sessions) == {original: None, other: None, copy: original}


def test_copy_stored_first_still_points_at_the_earliest(sessions, sources, hasher) -> None:  # type: ignore[no-untyped-def]
    copy = store(
        sessions, hasher, sources[2], "copy", "Originally published at Sugar & Stories. " + ORIGINAL, 8
    )
    light = store(sessions, hasher, sources[1], "light", edited(ORIGINAL, 40), days_ago=5)
    original = store(sessions, hasher, sources[0], "original", ORIGINAL, days_ago=10)
    assert links(sessions) == {copy: original, light: original, original: None}


def test_index_survives_a_restart(db_url, sources, hasher) -> None:  # type: ignore[no-untyped-def]
    engine = open_database(db_url)
    original = store(session_factory(engine), hasher, sources[0], "original", ORIGINAL, days_ago=10)
    engine.dispose()
    engine = open_database(db_url)  # a new process: new engine, new hasher, index read from the database
    try:
        sessions = session_factory(engine)
        copy = store(sessions, Hasher(), sources[1], "copy", ORIGINAL + " Thanks for reading.", days_ago=1)
        assert links(sessions)[copy] == original
        with sessions.begin() as s:
            assert s.execute(select(func.count()).select_from(NearDupBand)).scalar() == 2 * BANDS
    finally:
        engine.dispose()


def test_edit_that_breaks_similarity_unlinks_and_relinks(sessions, sources, hasher) -> None:  # type: ignore[no-untyped-def]
    original = store(sessions, hasher, sources[0], "original", ORIGINAL, days_ago=10)
    copy_a = store(sessions, hasher, sources[1], "a", ORIGINAL + " Reposted.", days_ago=5)
    copy_b = store(sessions, hasher, sources[2], "b", ORIGINAL + " Shared.", days_ago=4)
    assert links(sessions) == {original: None, copy_a: original, copy_b: original}
    store(sessions, hasher, sources[0], "original", SAME_TOPIC, days_ago=10)  # rewritten in place
    assert links(sessions) == {original: None, copy_a: None, copy_b: copy_a}
    store(sessions, hasher, sources[1], "a", ORIGINAL + " Reposted.", days_ago=5)  # a recrawl changes nothing
    assert links(sessions) == {original: None, copy_a: None, copy_b: copy_a}


def test_short_identical_posts_are_linked_by_content_hash(sessions, sources, hasher) -> None:  # type: ignore[no-untyped-def]
    first = store(sessions, hasher, sources[0], "hny", "Happy new year!", days_ago=3, title="HNY")
    second = store(sessions, hasher, sources[1], "hny", "Happy new year!", days_ago=1, title="HNY")
    third = store(sessions, hasher, sources[2], "hny", "Happy new year!", days_ago=2, title="Other title")
    assert links(sessions) == {first: None, second: first, third: None}
    with sessions.begin() as s:
        assert s.execute(select(func.count()).select_from(NearDupSignature)).scalar() == 0


# --------------------------------------------------------------------------- cost of a growing cluster


class LinkCost:
    """SQL statements, bound parameters, rows loaded (SELECTs) and rows written (DML) of a Session."""

    def __init__(self, engine, session) -> None:  # type: ignore[no-untyped-def]
        self.statements = self.parameters = self.loaded = self.written = 0
        self._engine, self._session = engine, session
        event.listen(engine, "after_cursor_execute", self._after_cursor)
        event.listen(session, "do_orm_execute", self._orm_execute)

    def close(self) -> None:
        event.remove(self._engine, "after_cursor_execute", self._after_cursor)
        event.remove(self._session, "do_orm_execute", self._orm_execute)

    def figures(self) -> tuple[int, int, int, int]:
        return self.statements, self.parameters, self.loaded, self.written

    def _after_cursor(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        self.statements += 1
        rows = parameters if executemany else [parameters]
        self.parameters += sum(len(p) for p in rows if p)
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")) and cursor.rowcount > 0:
            self.written += cursor.rowcount

    def _orm_execute(self, state):  # type: ignore[no-untyped-def]
        if not state.is_select:
            return None
        frozen = state.invoke_statement().freeze()
        self.loaded += len(frozen.data)
        return frozen()


def link_cost(sessions, hasher, source_id: int, slug: str, text: str, days_ago: float):  # type: ignore[no-untyped-def]
    """Store one post (as ``store`` does) and link it; what the linking cost in SQL."""
    url = f"https://blog{source_id}.example/{slug}/"
    record = PostItem(source_id, url, url, "generic", "T", "Kim", NOW - timedelta(days=days_ago), None, text)
    signature = hasher.signature(text)
    with sessions.begin() as s:
        post_id, _ = upsert_post(s, record, NOW)
        cost = LinkCost(sessions.kw["bind"], s)
        try:
            index_and_link(s, post_id, signature, 0.7)
        finally:
            cost.close()
    return post_id, cost.figures()


@pytest.mark.parametrize("variant", ["identical", "reworded"])
def test_linking_a_copy_costs_the_same_whatever_the_cluster_size(sessions, sources, hasher, variant) -> None:  # type: ignore[no-untyped-def]
    """Copy N+1 of one body costs the same at 10 and at 300 copies (statements, parameters, rows), and
    so does storing the original again (a recrawl)."""

    def body(i: int) -> str:
        return ORIGINAL if variant == "identical" else f"Reposted on blog number {i} today. " + ORIGINAL

    original = store(sessions, hasher, sources[0], "original", ORIGINAL, days_ago=400)
    figures, recrawl, stored = {}, {}, 1
    for size in (10, 300):
        for i in range(stored, size):
            store(sessions, hasher, sources[1], f"copy{i}", body(i), days_ago=400 - i / 10)
        stored = size
        post_id, figures[size] = link_cost(sessions, hasher, sources[2], f"probe{size}", body(size), 1)
        assert links(sessions)[post_id] == original
        assert link_cost(sessions, hasher, sources[0], "original", ORIGINAL, 400)[0] == original
        recrawl[size] = link_cost(sessions, hasher, sources[0], "original", ORIGINAL, 400)[1]
    assert figures[300] == figures[10], f"(statements, parameters, rows loaded, rows written): {figures}"
    assert recrawl[300] == recrawl[10], f"recrawl of the original: {recrawl}"
    linked = links(sessions)
    assert linked[original] is None
    assert {target for post_id, target in linked.items() if post_id != original} == {original}
