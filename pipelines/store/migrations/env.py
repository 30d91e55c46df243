"""Alembic environment: the engine comes from ``pipelines.store.db.alembic_config`` (or the URL)."""

from alembic import context
from sqlalchemy import create_engine

from pipelines.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError(
                "alembic: no engine and no sqlalchemy.url (pipelines.store.db.alembic_config sets one)"
            )
        engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
