"""The review UI through HTTP: auth on every route, CSRF on every POST, escaping, four-eyes."""

from __future__ import annotations

import re

from sqlalchemy import select

from aidvet.store.db import session_scope
from aidvet.store.models import Party, ReviewItem

GETS = ["/", "/items/1", "/whitelist"]
POSTS = ["/items/1/decide", "/items/1/approve", "/items/1/reject", "/items/1/assign", "/whitelist/1/revoke"]


def login(client, token, user):
    client.cookies.set("_token", token(user))


def csrf(client, path="/items/1") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def decide(client, token, user, item=1, decision="release", reason="different_entity", version=1, **extra):
    login(client, token, user)
    form = {"csrf_token": csrf(client, f"/items/{item}"), "decision": decision, "reason_code": reason,
            "justification": "a water utility, not the cartel", "version": str(version), **extra}
    return client.post(f"/items/{item}/decide", data=form)


def test_anonymous_requests_are_refused(client):
    for path in GETS:  # pages: to Airflow's login page, coming back here afterwards
        response = client.get(path)
        assert response.status_code == 303, path
        assert "/auth/login" in response.headers["location"] and "next=" in response.headers["location"]
    for path in POSTS:
        response = client.post(path, data={"csrf_token": "x", "decision": "release", "reason_code": "other"})
        assert response.status_code == 401, path
    with session_scope(client.app.state.db_url) as session:
        assert session.get(ReviewItem, 1).status == "pending"


def test_a_forged_token_is_refused(client):
    client.cookies.set("_token", "not-a-jwt")
    assert client.get("/").status_code == 403


def test_an_auditor_may_read_but_not_decide(client, token):
    login(client, token, "alice")
    form = {"csrf_token": csrf(client), "decision": "block", "reason_code": "confirmed_match",
            "justification": "x", "version": "1"}
    login(client, token, "vera")
    assert 'id="decide"' not in client.get("/items/1").text  # no form offered
    response = client.post("/items/1/decide", data=form)
    assert response.status_code == 403
    assert "vera (auditor) may not decide" in response.text
    with session_scope(client.app.state.db_url) as session:
        assert session.get(ReviewItem, 1).status == "pending"


def test_a_reviewer_cannot_approve(client, token):
    assert decide(client, token, "alice", item=2, reason="different_entity").status_code == 303
    login(client, token, "alice")
    page = client.get("/items/2").text
    assert 'id="cannot-approve"' in page and "Approve release" not in page
    form = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/items/2/approve", data={"csrf_token": form, "version": "2"})
    assert response.status_code == 403 and "may not approve" in response.text
    with session_scope(client.app.state.db_url) as session:
        assert session.get(ReviewItem, 2).status == "decided"


def test_posts_without_a_matching_csrf_token_or_from_another_origin_are_refused(client, token):
    login(client, token, "alice")
    good = csrf(client)
    for form_token, origin in [("", None), ("wrong", None), (good, "https://evil.example")]:
        headers = {"origin": origin} if origin else {}
        response = client.post("/items/1/decide", headers=headers,
                               data={"csrf_token": form_token, "decision": "block", "reason_code": "confirmed_match",
                                     "justification": "x", "version": "1"})
        assert response.status_code == 403, (form_token, origin)
    client.cookies.delete("aidvet_csrf")  # a cross-site form can copy no cookie: the field alone is not enough
    response = client.post("/items/1/decide", data={"csrf_token": good, "decision": "block",
                                                    "reason_code": "confirmed_match", "justification": "x"})
    assert response.status_code == 403
    with session_scope(client.app.state.db_url) as session:
        assert session.get(ReviewItem, 1).status == "pending"


def test_bearer_header_works_too(client, token):
    response = client.get("/", headers={"Authorization": f"Bearer {token('bob')}"})
    assert response.status_code == 200 and 'id="user">bob<' in response.text


def test_queue_page_lists_and_filters(client, token):
    login(client, token, "alice")
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-item="1"' in page.text and 'data-item="2"' in page.text
    filtered = client.get("/", params={"program": "FTO"})
    assert 'data-item="1"' in filtered.text and 'data-item="2"' not in filtered.text
    assert "script-src 'none'" in page.headers["content-security-policy"]


def test_names_and_remarks_from_data_are_escaped(client, token):
    login(client, token, "alice")
    with session_scope(client.app.state.db_url) as session:
        item = session.scalar(select(ReviewItem).where(ReviewItem.disbursement_id == "D2"))
        payload = session.get(Party, "grants:P2").name
    assert "<script>" in payload
    for path in ("/", f"/items/{item.id}"):
        text = client.get(path).text
        assert "<script>" not in text
        assert "&lt;script&gt;" in text
    item_page = client.get("/items/1").text
    assert "<b>bold</b>" not in item_page and "&lt;b&gt;bold&lt;/b&gt; remark" in item_page


def test_item_page_shows_both_sides_with_matched_tokens_and_history(client, token):
    login(client, token, "alice")
    text = client.get("/items/1").text
    assert "<mark>Cartel</mark> <mark>Jalisco</mark> <mark>Nueva</mark> <mark>Generacion</mark> SA" in text
    assert "<mark>JALISCO</mark>" in text  # the listed name, highlighted too
    assert '<span class="terrorist">FTO</span>' in text and "SDNTK" in text
    assert "RFC CJN-123" in text and "CJNG" in text and "Mexico" in text
    assert "published 2026-11-20" in text
    assert "review.queued" in text
    assert '<span class="attr-conflicts">country CO conflicts</span>' in text


def test_release_then_second_person_approves(client, token):
    response = decide(client, token, "bob", whitelist_pair="true")  # an approver may decide too
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert 'id="status">decided<' in page and "second person approves" in page
    assert "You decided this release" in page
    own = client.post("/items/1/approve", data={"csrf_token": csrf(client), "version": "2", "note": "me"})
    assert own.status_code == 400 and "cannot approve" in own.text
    login(client, token, "carl")
    no_note = client.post("/items/1/approve", data={"csrf_token": csrf(client), "version": "2",
                                                    "whitelist_pair": "true"})
    assert no_note.status_code == 400 and "escalation note" in no_note.text  # item 1 hit an FTO entity
    approved = client.post("/items/1/approve", data={"csrf_token": csrf(client), "version": "2",
                                                     "whitelist_pair": "true", "note": "legal: municipal utility"})
    assert approved.status_code == 303
    assert 'id="status">released<' in client.get("/items/1").text
    released = client.get("/", params={"status": "released"}).text
    assert 'data-item="1"' in released
    history = client.get("/items/1").text
    assert "review.decided" in history and "review.approved" in history
    whitelist = client.get("/whitelist", params={"q": "jalisco"}).text
    assert "ofac:1" in whitelist and "bob / carl" in whitelist


def test_a_refused_form_keeps_what_was_typed(client, token):
    login(client, token, "alice")
    form = {"csrf_token": csrf(client), "decision": "release", "reason_code": "date_of_birth_differs",
            "justification": "Registered utility since 1962, see the RFC", "version": "1"}
    response = client.post("/items/1/decide", data=form)
    assert response.status_code == 400 and "does not fit a release of this hit" in response.text
    assert ">Registered utility since 1962, see the RFC</textarea>" in response.text
    assert 'value="release" required checked' in response.text


def test_queue_filters_accept_blanks_and_page(client, token):
    login(client, token, "vera")
    blank = client.get("/", params={"program": "", "country": "", "min_score": "", "min_age_days": "",
                                    "source": "OFAC"})
    assert blank.status_code == 200 and 'data-item="1"' in blank.text and 'data-item="2"' in blank.text
    bad = client.get("/", params={"min_score": "high"})
    assert bad.status_code == 200 and "min score: a number, not &#39;high&#39;" in bad.text
    first = client.get("/", params={"sort": "score", "per_page": "1"}).text
    assert 'data-item="1"' in first and 'data-item="2"' not in first and "page 1 of 2" in first
    second = client.get("/", params={"sort": "score", "per_page": "1", "page": "2"}).text
    assert 'data-item="2"' in second
    assert "CARTEL DE JALISCO NUEVA GENERACION" in first and "1000.50 USD" in first and ">payee<" in first
    assert '/dags/vet_disbursements/runs/run-1"' in first and "/runs/run-1/report" in first


def test_bulk_release_and_approval_of_a_group(client, token, queued_store):
    from review_builders import add_group_items

    add_group_items(queued_store)
    login(client, token, "alice")
    form = {"csrf_token": csrf(client), "decision": "release", "reason_code": "different_entity",
            "justification": "municipal water utility", "version": "1", "scope": "group"}
    response = client.post("/items/1/decide", data=form)
    assert response.status_code == 303 and "3+items" in response.headers["location"]
    login(client, token, "bob")
    response = client.post("/items/1/approve", data={"csrf_token": csrf(client), "scope": "group",
                                                     "note": "legal: municipal utility"})
    assert response.status_code == 303
    group = client.get("/", params={"party": "grants:P1", "entity": "ofac:1"}).text
    assert group.count('class="status">released<') == 3


def test_a_right_to_left_override_in_a_name_is_shown_not_obeyed(client, token):
    with session_scope(client.app.state.db_url) as session:
        from aidvet.store.models import Disbursement

        session.get(Disbursement, "D2").payee_name = "Acme \u202eTrust"
    login(client, token, "alice")
    for path in ("/", "/items/2"):
        text = client.get(path).text
        assert "\u202e" not in text and "Acme ⟨U+202E⟩Trust" in text


def test_the_api_takes_a_bearer_token_and_enforces_roles(client, token):
    def call(user, path, body, cookie=False):
        headers = {} if cookie else {"Authorization": f"Bearer {token(user)}"}
        if cookie:
            login(client, token, user)
        return client.post(path, json=body, headers=headers)

    assert call("alice", "/api/items/2/decide", {"decision": "release", "reason": "x"}, cookie=True).status_code == 401
    refused = call("vera", "/api/items/2/decide", {"decision": "block", "reason": "confirmed_match",
                                                   "justification": "x"})
    assert refused.status_code == 403 and "may not decide" in refused.json()["error"]
    ok = call("alice", "/api/items/2/decide", {"decision": "release", "reason": "different_entity",
                                               "justification": "utility"})
    assert ok.status_code == 200 and ok.json()["state"] == "awaiting_approval"
    assert call("alice", "/api/items/2/approve", {}).status_code == 403
    approved = call("bob", "/api/items/2/approve", {})
    assert approved.status_code == 200 and approved.json()["approved_by"] == "bob"


def test_a_stale_page_gets_a_conflict(client, token):
    assert decide(client, token, "alice", decision="block", reason="confirmed_match").status_code == 303
    stale = decide(client, token, "bob", decision="escalate", reason="insufficient_data", version=1)
    assert stale.status_code == 409
    assert "blocked, not open for a decision" in stale.text


def test_missing_justification_is_refused(client, token):
    response = decide(client, token, "alice", justification="  ")
    assert response.status_code == 400 and "justification is mandatory" in response.text


def test_revoke_a_whitelist_entry(client, token):
    decide(client, token, "alice", whitelist_pair="true")
    login(client, token, "bob")
    client.post("/items/1/approve", data={"csrf_token": csrf(client), "version": "2", "whitelist_pair": "true",
                                          "note": "legal: utility"})
    revoked = client.post("/whitelist/1/revoke", data={"csrf_token": csrf(client, "/whitelist"),
                                                       "reason": "adverse media"})
    assert revoked.status_code == 303
    assert "bob: adverse media" in client.get("/whitelist").text


def test_unknown_item_is_404(client, token):
    login(client, token, "alice")
    assert client.get("/items/999").status_code == 404
