"""Who may use the review UI, and CSRF protection for its forms.

Plugin apps get no authentication from Airflow: each route here depends on `reader` or
`reviewer`, which resolve the user from Airflow's JWT (the `_token` cookie the Airflow UI sets, or
an `Authorization: Bearer` header) with Airflow's own `get_user`, then ask the configured auth
manager. Reading needs the custom view "aidvet-review"; deciding also needs edit access to the
vet_disbursements DAG (with the simple auth manager: role User or above).

CSRF: double-submit token. A random token lives in a SameSite=Strict, HttpOnly cookie scoped to
the app and in a hidden field of every form; a POST must carry both, equal, and any Origin header
must name this host.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.responses import Response

from airflow.api_fastapi.app import get_auth_manager
from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.auth.managers.models.resource_details import DagDetails
from airflow.api_fastapi.core_api.security import get_user

VIEW = "aidvet-review"
VETTING_DAG = "vet_disbursements"
CSRF_COOKIE = "aidvet_csrf"
CSRF_FIELD = "csrf_token"


def reader(user: Annotated[BaseUser, Depends(get_user)]) -> BaseUser:
    if not get_auth_manager().is_authorized_custom_view(method="GET", resource_name=VIEW, user=user):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{user.get_name()} may not view held disbursements")
    return user


def reviewer(user: Annotated[BaseUser, Depends(reader)]) -> BaseUser:
    manager = get_auth_manager()
    allowed = (manager.is_authorized_custom_view(method="POST", resource_name=VIEW, user=user)
               and manager.is_authorized_dag(method="PUT", details=DagDetails(id=VETTING_DAG), user=user))
    if not allowed:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{user.get_name()} may view but not decide held disbursements")
    return user


def reviewer_posting(request: Request, user: Annotated[BaseUser, Depends(reviewer)],
                     csrf_token: Annotated[str, Form()] = "") -> BaseUser:
    """The user behind a state-changing POST: authenticated, allowed to decide, CSRF token checked."""
    check_csrf(request, csrf_token)
    return user


def check_csrf(request: Request, csrf_token: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not csrf_token or not secrets.compare_digest(cookie, csrf_token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"cross-site request from {origin} refused")


def csrf_token(request: Request) -> str:
    """The token for this browser: the cookie's, or a new one (set by `remember_csrf`)."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token:
        token = request.state.__dict__.setdefault("new_csrf", secrets.token_urlsafe(32))
    return token


def remember_csrf(request: Request, response: Response) -> None:
    new = getattr(request.state, "new_csrf", None)
    if new:
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", path=app_root(request) or "/",
                            secure=request.url.scheme == "https")


def app_root(request: Request) -> str:
    """Where the app is mounted ('/aidvet-review' in the Airflow API server)."""
    return request.scope.get("root_path", "").rstrip("/")


def login_url(request: Request) -> str:
    return get_auth_manager().get_url_login(next_url=str(request.url))
