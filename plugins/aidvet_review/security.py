"""Who may use the review UI and its API, and CSRF protection for its forms.

Plugin apps get no authentication from Airflow: each route here resolves the user from Airflow's
JWT (the `_token` cookie the Airflow UI sets, or an `Authorization: Bearer` header, e.g. a token
from `POST /auth/token/cli` as `airflowctl` and `aidvet review login` get it) with Airflow's own
`get_user`, asks the configured auth manager whether the user may see the custom view
"aidvet-review", and maps the user's Airflow roles to review roles (aidvet.review.roles:
reviewer, approver, auditor, admin). What each role may do is enforced by aidvet.review itself,
so no route can skip it. The JSON API takes bearer tokens only (a cross-site form cannot send
one), the HTML forms a double-submit CSRF token.

CSRF: a random token lives in a SameSite=Strict, HttpOnly cookie scoped to the app and in a hidden
field of every form; a POST must carry both, equal, and any Origin header must name this host.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, HTTPException, Request, status
from fastapi.responses import Response

from aidvet.review.roles import Actor, aidvet_roles, may
from airflow.api_fastapi.app import get_auth_manager
from airflow.api_fastapi.auth.managers.models.base_user import BaseUser
from airflow.api_fastapi.core_api.security import get_user

VIEW = "aidvet-review"
CSRF_COOKIE = "aidvet_csrf"
CSRF_FIELD = "csrf_token"


def airflow_role_names(user: BaseUser) -> list[str]:
    """The user's role names as the auth manager knows them: the simple auth manager's one `role`,
    or the FAB auth manager's `roles` (to which FAB maps LDAP/OAuth groups, AUTH_ROLES_MAPPING)."""
    names = []
    role = getattr(user, "role", None)
    if isinstance(role, str):
        names.append(role)
    for entry in getattr(user, "roles", None) or []:
        names.append(entry if isinstance(entry, str) else getattr(entry, "name", ""))
    return [name for name in names if name]


def reader(user: Annotated[BaseUser, Depends(get_user)]) -> Actor:
    """The authenticated person with their review roles; refused unless they may read the queue."""
    actor = Actor(user.get_name(), frozenset(aidvet_roles(airflow_role_names(user))))
    if not (get_auth_manager().is_authorized_custom_view(method="GET", resource_name=VIEW, user=user)
            and may(set(actor.roles), "read")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"{user.get_name()} may not view held disbursements")
    return actor


def poster(request: Request, user: Annotated[Actor, Depends(reader)],
           csrf_token: Annotated[str, Form()] = "") -> Actor:
    """The person behind a state-changing form POST: authenticated, CSRF token checked (what the
    person may do is checked by aidvet.review for the action itself)."""
    check_csrf(request, csrf_token)
    return user


def api_caller(request: Request, user: Annotated[Actor, Depends(reader)]) -> Actor:
    """The person behind an API call: the JSON API takes a bearer token only, never the cookie."""
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the review API needs an Authorization: Bearer token "
                            "(aidvet review login, or POST /auth/token/cli)")
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
