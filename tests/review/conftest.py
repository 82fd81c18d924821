from __future__ import annotations

import pytest

from review_builders import build_queued_store


@pytest.fixture
def queued_store(store_url) -> str:
    """A store whose run 'run-1' held D1 (FTO entity, score 97) and D2 (score 90), both queued."""
    return build_queued_store(store_url)
