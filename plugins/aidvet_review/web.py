"""Pages of the review UI (server-side Jinja2, autoescaped): queue, item, whitelist; and the form
posts behind them. All work is done by aidvet.review; this module only maps HTTP onto it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aidvet.config import settings
from aidvet.errors import AidvetError
from aidvet.review import STATUSES, ReviewConflict, decisions, evidence, queue, whitelist
from aidvet.store.db import session_scope
from aidvet_review.security import (CSRF_FIELD, app_root, csrf_token, login_url, reader, remember_csrf,
                                    reviewer_posting)
from airflow.api_fastapi.auth.managers.models.base_user import BaseUser

URL_PREFIX = "/aidvet-review"
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                               autoescape=True, undefined=jinja2.StrictUndefined)
Reader = Annotated[BaseUser, Depends(reader)]
Reviewer = Annotated[BaseUser, Depends(reviewer_posting)]  # POST routes only


def create_app(db_url: str | None = None) -> FastAPI:
    """The review app; `db_url` pins the store (tests), else AIDVET_DB_URL is read per request."""
    app = FastAPI(title="aidvet review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db_url = db_url
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(AidvetError, _review_error)
    _routes(app)
    return app


def _db(request: Request) -> str:
    return request.app.state.db_url or settings().db_url


def _render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.update(root=app_root(request), csrf_field=CSRF_FIELD, csrf_token=csrf_token(request),
                   statuses=STATUSES, now=datetime.now(timezone.utc))
    response = HTMLResponse(TEMPLATES.get_template(template).render(**context), status_code=status_code)
    response.headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; " \
                                                  "script-src 'none'; frame-ancestors 'self'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    remember_csrf(request, response)
    return response


def _back(request: Request, path: str, **message) -> RedirectResponse:
    query = f"?{urlencode(message)}" if message else ""
    return RedirectResponse(f"{app_root(request)}{path}{query}", status_code=303)


def _routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, user: Reader, status: str = "", program: str = "", country: str = "",
                   min_score: float | None = None, min_age_days: float | None = None, source: str = "",
                   sort: str = "age", order: str = "desc"):
        query = queue.QueueFilter(status=status or None, program=program or None, country=country or None,
                                  min_score=min_score, min_age_days=min_age_days, source=source or None,
                                  sort=sort, descending=order != "asc")
        with session_scope(_db(request)) as session:
            rows = queue.list_items(session, query)
        return _render(request, "queue.html", user=user.get_name(), rows=rows, query=query,
                       sort_keys=queue.SORT_KEYS)

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: int, user: Reader, message: str = "", error: str = ""):
        with session_scope(_db(request)) as session:
            found = evidence.item_evidence(session, item_id)
            return _render(request, "item.html", user=user.get_name(), found=found, message=message, error=error,
                           reason_codes=decisions.REASON_CODES)

    @app.post("/items/{item_id}/decide")
    def decide(request: Request, item_id: int, user: Reviewer, decision: Annotated[str, Form()],
               reason_code: Annotated[str, Form()], justification: Annotated[str, Form()] = "",
               version: Annotated[int, Form()] = 0, whitelist_pair: Annotated[bool, Form()] = False):
        with session_scope(_db(request)) as session:
            decisions.decide(session, item_id, decision, reason_code, justification, user.get_name(),
                             expected_version=version, whitelist_pair=whitelist_pair)
        follow = " It takes effect when a second person approves it." if decision == "release" else ""
        return _back(request, f"/items/{item_id}", message=f"{decision} recorded.{follow}")

    @app.post("/items/{item_id}/approve")
    def approve(request: Request, item_id: int, user: Reviewer, version: Annotated[int, Form()] = 0,
                note: Annotated[str, Form()] = ""):
        with session_scope(_db(request)) as session:
            decisions.approve(session, item_id, user.get_name(), note=note, expected_version=version)
        return _back(request, f"/items/{item_id}", message="release approved: the item is released.")

    @app.post("/items/{item_id}/reject")
    def reject(request: Request, item_id: int, user: Reviewer, version: Annotated[int, Form()] = 0,
               note: Annotated[str, Form()] = ""):
        with session_scope(_db(request)) as session:
            decisions.reject(session, item_id, user.get_name(), note, expected_version=version)
        return _back(request, f"/items/{item_id}", message="release rejected: the item is pending again.")

    @app.post("/items/{item_id}/assign")
    def assign(request: Request, item_id: int, user: Reviewer, assignee: Annotated[str, Form()] = ""):
        with session_scope(_db(request)) as session:
            decisions.assign(session, item_id, assignee.strip() or None, user.get_name())
        return _back(request, f"/items/{item_id}", message=f"assigned to {assignee.strip() or 'nobody'}.")

    @app.get("/whitelist", response_class=HTMLResponse)
    def whitelist_page(request: Request, user: Reader, q: str = "", active: bool = False, message: str = ""):
        with session_scope(_db(request)) as session:
            entries = whitelist.search(session, q, include_inactive=not active)
            return _render(request, "whitelist.html", user=user.get_name(), entries=entries, q=q, active=active,
                           message=message)

    @app.post("/whitelist/{entry_id}/revoke")
    def revoke(request: Request, entry_id: int, user: Reviewer, reason: Annotated[str, Form()] = ""):
        with session_scope(_db(request)) as session:
            whitelist.revoke(session, entry_id, user.get_name(), reason)
        return _back(request, "/whitelist", message=f"whitelist entry {entry_id} revoked.")


async def _http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code == 401 and request.method == "GET":
        return RedirectResponse(login_url(request), status_code=303)  # anonymous: to Airflow's login page
    return _render(request, "error.html", status_code=error.status_code, title=f"{error.status_code}",
                   detail=str(error.detail))


async def _review_error(request: Request, error: AidvetError) -> Response:
    status_code = 409 if isinstance(error, ReviewConflict) else 400
    if "no review item" in str(error) or "no whitelist entry" in str(error):
        status_code = 404
    return _render(request, "error.html", status_code=status_code,
                   title="Conflict" if status_code == 409 else "Not done", detail=str(error))
