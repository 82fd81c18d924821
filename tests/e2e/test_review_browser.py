"""The review flow in a real browser against a real `airflow api-server` with the plugin loaded:
reviewer logs in -> queue -> release with a justification -> approver logs in -> approves -> the
item is in the released list. Screenshots of the queue and the item page go to test-artifacts/.

Runs on SQLite only: it is about the browser, the Airflow login and the plugin mount; the
store's behaviour on PostgreSQL is covered by tests/review and tests/plugins.
"""

from __future__ import annotations

import json
import os
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

from review_builders import build_queued_store  # noqa: E402

# An API server (migrate up to 180 s, start up to 120 s) and a browser: a hang fails within 10 minutes.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORDS = {"reviewer": "reviewer-pass-1", "approver": "approver-pass-2"}
STEP_TIMEOUT_MS = 20_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 120) -> None:
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
    build_queued_store(store)
    home = tmp_path / "airflow"
    home.mkdir()
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps(PASSWORDS))
    port = _free_port()
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIDVET_DB_URL": store,
           "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"), "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
           "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "False",
           "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "reviewer:user,approver:user",
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
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait(timeout=10)


def _log_in(page, base: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/aidvet-review/")  # anonymous: the plugin sends us to Airflow's login page
    page.wait_for_url("**/auth/login**")
    page.locator("input[name='username']").fill(user)
    page.locator("input[name='password']").fill(PASSWORDS[user])
    page.locator("button[type='submit']").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/aidvet-review/")
    assert page.locator("#user").inner_text() == user


def test_anonymous_requests_are_refused_by_the_mounted_plugin(api_server):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as page:
        opener.open(f"{api_server}/aidvet-review/items/1", timeout=10)
    assert page.value.code == 303 and "/auth/login" in page.value.headers["location"]
    with pytest.raises(urllib.error.HTTPError) as post:
        opener.open(urllib.request.Request(f"{api_server}/aidvet-review/items/1/decide", method="POST",
                                           data=b"decision=release&reason_code=other&justification=x"), timeout=10)
    assert post.value.code == 401


def test_reviewer_releases_and_a_second_user_approves(api_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             timeout=STEP_TIMEOUT_MS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            _log_in(page, api_server, "reviewer")
            plugins = page.request.get(f"{api_server}/api/v2/plugins").json()["plugins"]
            [review] = [plugin for plugin in plugins if plugin["name"] == "aidvet_review"]
            assert review["external_views"][0]["name"] == "Held disbursements"  # the nav entry
            assert page.locator("#queue tr[data-item]").count() == 2
            assert "&lt;script&gt;" in page.content() and page.locator("script").count() == 0
            page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)
            page.goto(f"{api_server}/plugin/held-disbursements")  # the nav entry: the queue inside Airflow's UI
            page.frame_locator("iframe").locator("#queue tr[data-item='1']").wait_for()
            page.screenshot(path=str(ARTIFACTS / "review-in-airflow.png"))
            page.goto(f"{api_server}/aidvet-review/")

            page.locator("#queue tr[data-item='1'] a").first.click()
            page.wait_for_url("**/aidvet-review/items/1")
            assert page.locator(".party-name mark").count() == 4
            page.screenshot(path=str(ARTIFACTS / "review-item.png"), full_page=True)
            page.locator("input[name='decision'][value='release']").check()
            page.locator("select[name='reason_code']").select_option("different_person")
            page.locator("textarea[name='justification']").fill("Registered water utility in Guadalajara; "
                                                                 "only the place name matches the cartel.")
            page.locator("#decide button[type='submit']").click()
            assert page.locator("#status").inner_text() == "decided"
            assert "second person approves" in page.locator("#message").inner_text()

            _log_in(page, api_server, "approver")
            page.goto(f"{api_server}/aidvet-review/?status=decided")
            page.locator("#queue tr[data-item='1'] a").first.click()
            page.locator("#approve button", has_text="Approve release").click()
            assert page.locator("#status").inner_text() == "released"
            assert "review.approved" in page.locator("#history").inner_text()

            page.goto(f"{api_server}/aidvet-review/?status=released")
            assert page.locator("#queue tr[data-item='1']").count() == 1
            page.screenshot(path=str(ARTIFACTS / "review-released.png"), full_page=True)
        finally:
            browser.close()
