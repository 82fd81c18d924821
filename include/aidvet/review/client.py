"""The review API from a shell: log in to the Airflow API server for a token (as `airflowctl`
does, POST /auth/token/cli), then send decisions to the review plugin's JSON API with it. The
server resolves who acts and with which roles; a shell never names the acting user itself.

The token and the API address are kept in AIDVET_REVIEW_TOKEN_FILE (default
~/.config/aidvet/review-token.json, mode 0600); AIDVET_API_URL and AIDVET_API_TOKEN override it.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from aidvet.review import ReviewError

PLUGIN_PREFIX = "/aidvet-review/api"
DEFAULT_API_URL = "http://localhost:8080"
TIMEOUT_SECONDS = 30


class NotLoggedIn(ReviewError):
    """No token: the shell cannot act on the review without authenticating."""


def token_file() -> Path:
    return Path(os.environ.get("AIDVET_REVIEW_TOKEN_FILE", str(Path.home() / ".config" / "aidvet" /
                                                                "review-token.json")))


def login(api_url: str, username: str, password: str) -> dict:
    """Get a token from the Airflow API server and keep it (with the address) for later commands."""
    answer = _post(f"{api_url.rstrip('/')}/auth/token/cli", {"username": username, "password": password}, None)
    token = answer.get("access_token")
    if not token:
        raise ReviewError(f"{api_url}: the login answered no access_token")
    path = token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps({"api_url": api_url.rstrip("/"), "token": token}))
    return whoami()


def credentials() -> tuple[str, str]:
    """(API address, token): from AIDVET_API_URL / AIDVET_API_TOKEN, else the token file."""
    stored: dict = {}
    path = token_file()
    if path.exists():
        try:
            stored = json.loads(path.read_text())
        except ValueError:
            raise ReviewError(f"{path}: not a token file written by `aidvet review login`; log in again") from None
    token = os.environ.get("AIDVET_API_TOKEN") or stored.get("token")
    if not token:
        raise NotLoggedIn("deciding from the shell needs an authenticated session: run `aidvet review login "
                          "--api URL --username NAME` first (decisions go through the Airflow API server)")
    return os.environ.get("AIDVET_API_URL") or stored.get("api_url") or DEFAULT_API_URL, token


def whoami() -> dict:
    return call("GET", "/whoami")


def call(method: str, path: str, body: dict | None = None) -> dict:
    api_url, token = credentials()
    url = f"{api_url}{PLUGIN_PREFIX}{path}"
    if method == "GET":
        return _send(urllib.request.Request(url, headers=_headers(token)))
    return _post(url, body or {}, token)


def _headers(token: str | None) -> dict:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _post(url: str, body: dict, token: str | None) -> dict:
    data = json.dumps(body).encode("utf-8")
    return _send(urllib.request.Request(url, data=data, method="POST", headers=_headers(token)))


def _send(request: urllib.request.Request) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise ReviewError(f"{request.full_url}: HTTP {error.code}: {_detail(error)}") from None
    except urllib.error.URLError as error:
        raise ReviewError(f"{request.full_url}: cannot reach the API server ({error.reason})") from None


def _detail(error: urllib.error.HTTPError) -> str:
    body = error.read().decode("utf-8", "replace")
    try:
        answer = json.loads(body)
    except ValueError:
        return body[:300]
    return str(answer.get("error") or answer.get("detail") or answer)
