"""Alembic environment: the URL comes from aidvet's settings (or the caller's Config)."""

from alembic import context

from aidvet.store.db import engine_for
from aidvet.store.models import Base

url = context.config.get_main_option("sqlalchemy.url")

with engine_for(url).connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
