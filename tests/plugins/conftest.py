"""The review plugin's FastAPI app under a TestClient, with Airflow's simple auth manager."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tests" / "review"))

from review_builders import build_queued_store  # noqa: E402

USERS = {"alice": "user", "bob": "op", "carl": "op", "vera": "viewer", "root": "admin"}  # reviewer, approvers, auditor, admin


@pytest.fixture
def auth_manager(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", ",".join(f"{u}:{r}" for u, r in USERS.items()))
    monkeypatch.setenv("AIRFLOW__API_AUTH__JWT_SECRET", "aidvet-review-tests-" + "k" * 60)
    monkeypatch.setenv("AIRFLOW__CORE__AUTH_MANAGER",
                       "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
    from airflow.api_fastapi.app import init_auth_manager

    return init_auth_manager()


@pytest.fixture
def token(auth_manager):
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    def issue(username: str) -> str:
        return auth_manager.generate_jwt(SimpleAuthManagerUser(username=username, role=USERS[username]))
    return issue


@pytest.fixture
def queued_store(store_url) -> str:
    return build_queued_store(store_url)


@pytest.fixture
def client(queued_store, auth_manager):
    from fastapi.testclient import TestClient

    from aidvet_review.web import create_app

    with TestClient(create_app(queued_store), base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client
