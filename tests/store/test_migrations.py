from sqlalchemy import inspect

from aidvet.store.db import engine_for
from aidvet.store.migrate import current_revision, upgrade
from aidvet.store.models import Base


def test_upgrade_creates_every_model_table(store_url):
    tables = set(inspect(engine_for(store_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert current_revision(store_url) is not None


def test_upgrade_twice_is_a_no_op(store_url):
    before = current_revision(store_url)
    upgrade(store_url)
    assert current_revision(store_url) == before
