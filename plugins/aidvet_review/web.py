"""Pages of the review UI (server-side Jinja2, autoescaped, bidi controls shown as code points),
the form posts behind them, and the JSON API the CLI uses. All work is done by aidvet.review, which
also checks the acting person's role; this module only maps HTTP onto it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Body, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from aidvet import artifacts
from aidvet.config import settings
from aidvet.errors import AidvetError
from aidvet.review import STATUSES, ReviewConflict, decisions, evidence, queue, whitelist
from aidvet.review.identity import visible
from aidvet.review.roles import Actor, NotAllowed, may
from aidvet.store.db import session_scope
from aidvet.store.models import Run
from aidvet_review.security import CSRF_FIELD, api_caller, app_root, csrf_token, login_url, poster, reader, remember_csrf

URL_PREFIX = "/aidvet-review"
VETTING_DAG = "vet_disbursements"
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                               autoescape=True, undefined=jinja2.StrictUndefined,
                               finalize=lambda value: visible(value) if isinstance(value, str) else value)
Reader = Annotated[Actor, Depends(reader)]
Poster = Annotated[Actor, Depends(poster)]  # form POST routes only
Caller = Annotated[Actor, Depends(api_caller)]  # JSON API routes only


def create_app(db_url: str | None = None) -> FastAPI:
    """The review app; `db_url` pins the store (tests), else AIDVET_DB_URL is read per request."""
    app = FastAPI(title="aidvet review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db_url = db_url
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(AidvetError, _review_error)
    _pages(app)
    _forms(app)
    _api(app)
    return app


def _db(request: Request) -> str:
    return request.app.state.db_url or settings().db_url


def _render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.update(root=app_root(request), csrf_field=CSRF_FIELD, csrf_token=csrf_token(request),
                   statuses=STATUSES, now=datetime.now(timezone.utc), may=may, dag=VETTING_DAG, quote=quote)
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


def _number(text: str, field: str, errors: list[str]) -> float | None:
    """A filter field: blank means no filter; anything else must be a number."""
    if not (text or "").strip():
        return None
    try:
        return float(text)
    except ValueError:
        errors.append(f"{field}: a number, not {text!r}; the filter ignores it")
        return None


def _item_page(request: Request, session: Session, item_id: int, user: Actor, status_code: int = 200,
               message: str = "", error: str = "", form: dict | None = None) -> HTMLResponse:
    found = evidence.item_evidence(session, item_id)
    item = found.item
    group = len(decisions.group_items(session, item.party_key, item.entity_id, decisions.DECIDABLE_FROM + ("decided",))) \
        if item.party_key and item.entity_id else 0
    return _render(request, "item.html", status_code, user=user.name, roles=set(user.roles), found=found,
                   message=message, error=error, form=form or {}, group_size=group,
                   reason_codes=decisions.reason_codes_for(session, item))


def _pages(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    def queue_page(request: Request, user: Reader, status: str = "", program: str = "", country: str = "",
                   min_score: str = "", min_age_days: str = "", source: str = "", party: str = "", entity: str = "",
                   sort: str = "age", order: str = "desc", page: int = 1, per_page: int = 50):
        errors: list[str] = []
        query = queue.QueueFilter(status=status or None, program=program or None, country=country or None,
                                  min_score=_number(min_score, "min score", errors),
                                  min_age_days=_number(min_age_days, "min age", errors), source=source or None,
                                  party_key=party or None, entity_id=entity or None,
                                  sort=sort if sort in queue.SORT_KEYS else "age", descending=order != "asc")
        with session_scope(_db(request)) as session:
            found = queue.page_items(session, query, page=page, per_page=min(max(per_page, 1), queue.MAX_PER_PAGE))
        params = {key: value for key, value in dict(status=status, program=program, country=country,
                                                    min_score=min_score, min_age_days=min_age_days, source=source,
                                                    party=party, entity=entity, sort=query.sort, order=order,
                                                    per_page=found.per_page).items() if value}
        return _render(request, "queue.html", user=user.name, roles=set(user.roles), found=found, query=query,
                       form=dict(min_score=min_score, min_age_days=min_age_days), errors=errors,
                       sort_keys=queue.SORT_KEYS, params=params, urlencode=urlencode)

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def item_page(request: Request, item_id: int, user: Reader, message: str = "", error: str = ""):
        with session_scope(_db(request)) as session:
            return _item_page(request, session, item_id, user, message=message, error=error)

    @app.get("/whitelist", response_class=HTMLResponse)
    def whitelist_page(request: Request, user: Reader, q: str = "", active: bool = False, message: str = ""):
        with session_scope(_db(request)) as session:
            entries = whitelist.search(session, q, include_inactive=not active)
            return _render(request, "whitelist.html", user=user.name, roles=set(user.roles), entries=entries, q=q,
                           active=active, message=message)

    @app.get("/runs/{run_id}/report")
    def run_report(request: Request, run_id: str, user: Reader):
        """The run's published report.html (from the artifact root the run recorded)."""
        with session_scope(_db(request)) as session:
            run = session.get(Run, run_id)
            manifest = run.manifest_uri if run else None
        if not manifest:
            raise HTTPException(404, f"run {run_id} published no report")
        report = manifest.rsplit("/", 1)[0] + "/report.html"
        try:
            return HTMLResponse(artifacts.read_bytes(report), headers={"Cache-Control": "no-store"})
        except (OSError, FileNotFoundError):
            raise HTTPException(404, f"run {run_id}: its report {report} is not readable") from None


def _forms(app: FastAPI) -> None:
    """Form posts: an error re-renders the item page with what the person typed kept in the form."""

    @app.post("/items/{item_id}/decide")
    def decide(request: Request, item_id: int, user: Poster, decision: Annotated[str, Form()] = "",
               reason_code: Annotated[str, Form()] = "", justification: Annotated[str, Form()] = "",
               version: Annotated[int, Form()] = 0, whitelist_pair: Annotated[bool, Form()] = False,
               scope: Annotated[str, Form()] = "item"):
        form = dict(decision=decision, reason_code=reason_code, justification=justification,
                    whitelist_pair=whitelist_pair, scope=scope)

        def act(session: Session) -> str:
            item = evidence.item_evidence(session, item_id).item
            if scope == "group":
                done = decisions.decide_group(session, item.party_key, item.entity_id, decision, reason_code,
                                              justification, user, whitelist_pair=whitelist_pair)
                return f"{decision} recorded for {len(done)} items of this party and listed entity."
            decisions.decide(session, item_id, decision, reason_code, justification, user,
                             expected_version=version, whitelist_pair=whitelist_pair)
            return f"{decision} recorded."
        return _act_or_show(request, item_id, user, act, form,
                            follow=" It takes effect when a second person approves it." if decision == "release" else "")

    @app.post("/items/{item_id}/approve")
    def approve(request: Request, item_id: int, user: Poster, version: Annotated[int, Form()] = 0,
                note: Annotated[str, Form()] = "", whitelist_pair: Annotated[bool, Form()] = False,
                scope: Annotated[str, Form()] = "item"):
        form = dict(note=note, approve_whitelist=whitelist_pair, scope=scope)

        def act(session: Session) -> str:
            item = evidence.item_evidence(session, item_id).item
            if scope == "group":
                done = decisions.approve_group(session, item.party_key, item.entity_id, user, note=note,
                                               whitelist_pair=whitelist_pair)
                return f"{len(done)} releases approved: the items are released."
            decisions.approve(session, item_id, user, note=note, whitelist_pair=whitelist_pair,
                              expected_version=version)
            return "release approved: the item is released."
        return _act_or_show(request, item_id, user, act, form)

    @app.post("/items/{item_id}/reject")
    def reject(request: Request, item_id: int, user: Poster, version: Annotated[int, Form()] = 0,
               note: Annotated[str, Form()] = ""):
        def act(session: Session) -> str:
            decisions.reject(session, item_id, user, note, expected_version=version)
            return "release rejected: the item is pending again."
        return _act_or_show(request, item_id, user, act, dict(reject_note=note))

    @app.post("/items/{item_id}/assign")
    def assign(request: Request, item_id: int, user: Poster, assignee: Annotated[str, Form()] = ""):
        def act(session: Session) -> str:
            decisions.assign(session, item_id, assignee.strip() or None, user)
            return f"assigned to {assignee.strip() or 'nobody'}."
        return _act_or_show(request, item_id, user, act, {})

    @app.post("/whitelist/{entry_id}/revoke")
    def revoke(request: Request, entry_id: int, user: Poster, reason: Annotated[str, Form()] = ""):
        with session_scope(_db(request)) as session:
            whitelist.revoke(session, entry_id, user, reason)
        return _back(request, "/whitelist", message=f"whitelist entry {entry_id} revoked.")


def _act_or_show(request: Request, item_id: int, user: Actor, act, form: dict, follow: str = "") -> Response:
    """Run `act` in one transaction and go back to the item; on a refusal show the item page again
    with the error and the form as the person filled it in."""
    try:
        with session_scope(_db(request)) as session:
            message = act(session)
    except AidvetError as error:
        if "no review item" in str(error):
            raise
        with session_scope(_db(request)) as session:
            return _item_page(request, session, item_id, user, status_code=_status_of(error), error=str(error),
                              form=form)
    return _back(request, f"/items/{item_id}", message=message + follow)


def _api(app: FastAPI) -> None:
    """The JSON API (bearer token only) the `aidvet review` CLI calls; same rules as the forms."""

    @app.get("/api/whoami")
    def whoami(user: Caller):
        return {"user": user.name, "roles": sorted(user.roles)}

    @app.post("/api/items/{item_id}/decide")
    def api_decide(request: Request, item_id: int, user: Caller, body: Annotated[dict, Body()]):
        with session_scope(_db(request)) as session:
            record = decisions.decide(session, item_id, str(body.get("decision", "")), str(body.get("reason", "")),
                                      str(body.get("justification", "")), user,
                                      expected_version=body.get("version"),
                                      whitelist_pair=bool(body.get("whitelist", False)))
            return {"item": item_id, "decision": record.decision, "state": record.state, "by": record.decided_by}

    @app.post("/api/items/{item_id}/approve")
    def api_approve(request: Request, item_id: int, user: Caller, body: Annotated[dict, Body()]):
        with session_scope(_db(request)) as session:
            record = decisions.approve(session, item_id, user, note=body.get("note"),
                                       whitelist_pair=bool(body.get("whitelist", True)))
            return {"item": item_id, "decided_by": record.decided_by, "approved_by": record.approved_by,
                    "whitelisted": record.whitelist}

    @app.post("/api/items/{item_id}/reject")
    def api_reject(request: Request, item_id: int, user: Caller, body: Annotated[dict, Body()]):
        with session_scope(_db(request)) as session:
            decisions.reject(session, item_id, user, str(body.get("note", "")))
        return {"item": item_id, "status": "pending"}

    @app.post("/api/items/{item_id}/assign")
    def api_assign(request: Request, item_id: int, user: Caller, body: Annotated[dict, Body()]):
        with session_scope(_db(request)) as session:
            item = decisions.assign(session, item_id, (body.get("to") or "").strip() or None, user)
            return {"item": item_id, "assignee": item.assignee}

    @app.post("/api/whitelist/{entry_id}/revoke")
    def api_revoke(request: Request, entry_id: int, user: Caller, body: Annotated[dict, Body()]):
        with session_scope(_db(request)) as session:
            entry = whitelist.revoke(session, entry_id, user, str(body.get("reason", "")))
            return {"entry": entry_id, "revoked_by": entry.revoked_by}


def _status_of(error: AidvetError) -> int:
    if isinstance(error, NotAllowed):
        return 403
    if isinstance(error, ReviewConflict):
        return 409
    if "no review item" in str(error) or "no whitelist entry" in str(error):
        return 404
    return 400


async def _http_error(request: Request, error: HTTPException) -> Response:
    if "/api/" in request.url.path:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)
    if error.status_code == 401 and request.method == "GET":
        return RedirectResponse(login_url(request), status_code=303)  # anonymous: to Airflow's login page
    return _render(request, "error.html", status_code=error.status_code, title=f"{error.status_code}",
                   detail=str(error.detail))


async def _review_error(request: Request, error: AidvetError) -> Response:
    status_code = _status_of(error)
    if "/api/" in request.url.path:
        return JSONResponse({"error": str(error)}, status_code=status_code)
    title = {409: "Conflict", 403: "Not allowed", 404: "Not found"}.get(status_code, "Not done")
    return _render(request, "error.html", status_code=status_code, title=title, detail=str(error))
