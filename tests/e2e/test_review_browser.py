"""The review flow in a real browser against a real `airflow api-server` with the plugin loaded,
users and roles from Airflow's simple auth manager (reviewer:user, approver:op, auditor:viewer):
reviewer logs in -> filters the queue (blank fields) -> releases a (party, listed entity) group of
three items at once -> cannot approve; auditor reads but cannot decide; approver approves the group
with an escalation note -> the items are in the released list. And `aidvet review login` + `decide`
from a shell against the same server. Screenshots go to test-artifacts/.

Logging in waits for the login's own redirect back to the review page (never a second navigation
racing it: that raced into `net::ERR_ABORTED` on a busy machine).

Runs on SQLite only: it is about the browser, the Airflow login and the plugin mount; the
store's behaviour on PostgreSQL is covered by tests/review and tests/plugins.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "review"))

from review_builders import add_base, add_case  # noqa: E402

# An API server (migrate up to 180 s, start up to 120 s) and a browser: a hang fails within 10 minutes.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORDS = {"reviewer": "reviewer-pass-1", "approver": "approver-pass-2", "auditor": "auditor-pass-3"}
ROLES = "reviewer:user,approver:op,auditor:viewer"  # simple auth manager roles -> aidvet review roles
STEP_TIMEOUT_MS = 20_000
# How many times the browser flow runs against one API server, each on its own fresh items
# (AIDVET_E2E_REPEAT=20 for the flakiness check in the README).
REPEAT = int(os.environ.get("AIDVET_E2E_REPEAT", "1"))
SHELL_TIMEOUT_S = 240  # one `aidvet review` command on a machine whose cores are all busy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"airflow api-server exited with {server.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"airflow api-server did not answer {url} within {seconds}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    """A real Airflow API server (own AIRFLOW_HOME, SQLite) serving the plugin over a seeded store;
    started once for this module (the anonymous checks change nothing)."""
    tmp_path = tmp_path_factory.mktemp("e2e")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package)")
    from aidvet.store.migrate import upgrade

    store = f"sqlite:///{tmp_path / 'aidvet.db'}"
    upgrade(store)
    from aidvet.store.db import session_scope

    with session_scope(store) as session:
        add_base(session)  # list version 1 and the payees; each test (repetition) adds its own held items
    home = tmp_path / "airflow"
    home.mkdir()
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps(PASSWORDS))
    port = _free_port()
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIDVET_DB_URL": store,
           "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"), "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
           "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ROLES,
           "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
           "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
           "AIRFLOW__API_AUTH__JWT_SECRET": "aidvet-e2e-" + "s" * 60,
           "AIRFLOW__API__EXPOSE_CONFIG": "False", "GX_ANALYTICS_ENABLED": "False"}
    airflow = str(Path(sys.executable).with_name("airflow"))
    migrate = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True, timeout=180)
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
    log = tmp_path / "api-server.log"
    with log.open("w") as output:
        server = subprocess.Popen([airflow, "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                                  env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/api/v2/monitor/health", server, log)
        yield {"url": f"http://127.0.0.1:{port}", "env": env, "store": store}
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=10)


def _log_in(page, base: str, user: str) -> None:
    """Anonymous -> the plugin redirects to Airflow's login page -> submit -> Airflow's login
    redirects back to the review queue. Each step waits for its own navigation to finish."""
    page.context.clear_cookies()
    page.goto(f"{base}/aidvet-review/", wait_until="load")
    page.wait_for_url("**/auth/login**", wait_until="load")
    page.locator("input[name='username']").fill(user)
    page.locator("input[name='password']").fill(PASSWORDS[user])
    with page.expect_navigation(url=re.compile(r"/aidvet-review/"), wait_until="load"):
        page.locator("button[type='submit']").click()
    page.locator("#user").wait_for()
    assert page.locator("#user").inner_text() == user


def _bearer(page) -> str:
    [token] = [cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "_token"]
    return token


def test_anonymous_requests_are_refused_by_the_mounted_plugin(api_server):
    api_server = api_server["url"]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as page:
        opener.open(f"{api_server}/aidvet-review/items/1", timeout=60)
    assert page.value.code == 303 and "/auth/login" in page.value.headers["location"]
    with pytest.raises(urllib.error.HTTPError) as post:
        opener.open(urllib.request.Request(f"{api_server}/aidvet-review/items/1/decide", method="POST",
                                           data=b"decision=release&reason_code=other&justification=x"), timeout=60)
    assert post.value.code == 401


@pytest.mark.parametrize("repetition", range(REPEAT))
def test_roles_filter_and_bulk_release_in_the_browser(api_server, repetition):
    from playwright.sync_api import sync_playwright

    base = api_server["url"]
    items = add_case(api_server["store"], f"b{repetition}")
    group = items[f"D1-b{repetition}"]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             timeout=STEP_TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.set_default_navigation_timeout(STEP_TIMEOUT_MS)
            _reviewer_filters_and_releases_a_group(page, base, group, first=repetition == 0)
            _auditor_reads_but_cannot_decide(page, base, items[f"D2-b{repetition}"])
            _approver_approves_the_group(page, base, group, f"grants:P1-b{repetition}")
        finally:
            browser.close()


def _reviewer_filters_and_releases_a_group(page, base: str, item: int, first: bool) -> None:
    _log_in(page, base, "reviewer")
    if first:
        plugins = page.request.get(f"{base}/api/v2/plugins").json()["plugins"]
        [review] = [plugin for plugin in plugins if plugin["name"] == "aidvet_review"]
        assert review["external_views"][0]["name"] == "Held disbursements"  # the nav entry
        page.goto(f"{base}/plugin/held-disbursements")  # the nav entry: the queue inside Airflow's UI
        page.frame_locator("iframe").locator(f"#queue tr[data-item='{item}']").wait_for()
        page.screenshot(path=str(ARTIFACTS / "review-in-airflow.png"))
        page.goto(f"{base}/aidvet-review/", wait_until="load")
    assert "&lt;script&gt;" in page.content() and page.locator("script").count() == 0
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.locator("#filters select[name='status']").select_option("pending")
    page.locator("#filters input[name='program']").fill("fto")  # min score and min age stay blank
    page.locator("#filters input[name='source']").fill("OFAC")
    with page.expect_navigation(wait_until="load"):
        page.locator("#filters button[type='submit']").click()
    assert page.locator("#count").inner_text().startswith("3 items")  # this repetition's group, nothing else
    assert page.locator(f"#queue tr[data-item='{item}']").count() == 1

    with page.expect_navigation(wait_until="load"):
        page.locator(f"#queue tr[data-item='{item}'] a").first.click()
    assert page.locator(".party-name mark").count() == 4
    page.locator("input[name='decision'][value='release']").check()
    page.locator("select[name='reason_code']").select_option("different_entity")
    page.locator("textarea[name='justification']").fill("Registered water utility in Guadalajara; "
                                                        "only the place name matches the cartel.")
    page.locator("#decide input[name='scope'][value='group']").check()
    with page.expect_navigation(wait_until="load"):
        page.locator("#decide button[type='submit']").click()
    assert page.locator("#status").inner_text() == "decided"
    assert "for 3 items" in page.locator("#message").inner_text()
    assert page.locator("#cannot-approve").is_visible()  # a reviewer cannot approve
    assert page.locator("#approve button", has_text="Approve release").count() == 0
    refused = page.request.post(f"{base}/aidvet-review/api/items/{item}/approve", data={"note": "x"},
                                headers={"Authorization": f"Bearer {_bearer(page)}"})
    assert refused.status == 403 and "may not approve" in refused.json()["error"]
    page.screenshot(path=str(ARTIFACTS / "review-item.png"), full_page=True)


def _auditor_reads_but_cannot_decide(page, base: str, item: int) -> None:
    _log_in(page, base, "auditor")
    page.goto(f"{base}/aidvet-review/items/{item}", wait_until="load")
    assert page.locator("#status").inner_text() == "pending"
    assert page.locator("#decide").count() == 0
    refused = page.request.post(f"{base}/aidvet-review/api/items/{item}/decide",
                                data={"decision": "block", "reason": "confirmed_match", "justification": "x"},
                                headers={"Authorization": f"Bearer {_bearer(page)}"})
    assert refused.status == 403 and "auditor" in refused.json()["error"]


def _approver_approves_the_group(page, base: str, item: int, party: str) -> None:
    _log_in(page, base, "approver")
    group = f"party={party}&entity=ofac:1"
    page.goto(f"{base}/aidvet-review/?status=decided&{group}", wait_until="load")
    assert page.locator("#queue tr[data-item]").count() == 3
    with page.expect_navigation(wait_until="load"):
        page.locator(f"#queue tr[data-item='{item}'] a").first.click()
    page.locator("#approve textarea[name='note']").fill("Legal (M. Ruiz) confirmed: municipal utility, RFC differs.")
    page.locator("#approve input[name='scope'][value='group']").check()
    with page.expect_navigation(wait_until="load"):
        page.locator("#approve button", has_text="Approve release").click()
    assert page.locator("#status").inner_text() == "released"
    assert "3 releases approved" in page.locator("#message").inner_text()
    assert "review.approved" in page.locator("#history").inner_text()
    page.goto(f"{base}/aidvet-review/?status=released&{group}", wait_until="load")
    assert page.locator("#queue tr[data-item]").count() == 3
    page.screenshot(path=str(ARTIFACTS / "review-released.png"), full_page=True)


def test_the_shell_logs_in_to_the_api_server_and_decides_as_that_user(api_server, tmp_path):
    item = add_case(api_server["store"], "shell")["D2-shell"]
    aidvet = str(Path(sys.executable).with_name("aidvet"))
    env = {**api_server["env"], "AIDVET_REVIEW_TOKEN_FILE": str(tmp_path / "token.json"),
           "AIDVET_TEST_PASSWORD": PASSWORDS["reviewer"]}
    env.pop("AIDVET_API_TOKEN", None)
    login = subprocess.run([aidvet, "review", "login", "--api", api_server["url"], "--username", "reviewer",
                            "--password-env", "AIDVET_TEST_PASSWORD"], env=env, capture_output=True, text=True,
                           timeout=SHELL_TIMEOUT_S)
    assert login.returncode == 0 and "as reviewer (review roles: reviewer)" in login.stdout, login.stderr
    decide = subprocess.run([aidvet, "review", "decide", str(item), "--decision", "escalate", "--reason",
                             "needs_legal_review", "--justification", "ownership unclear"], env=env,
                            capture_output=True, text=True, timeout=SHELL_TIMEOUT_S)
    assert decide.returncode == 0 and "recorded by reviewer" in decide.stdout, decide.stderr
    approve = subprocess.run([aidvet, "review", "approve", str(item), "--note", "x"], env=env, capture_output=True,
                             text=True, timeout=SHELL_TIMEOUT_S)
    assert approve.returncode != 0 and "may not approve" in approve.stderr
