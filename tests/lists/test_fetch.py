"""fetch_to_folder against a local HTTP server serving ../shared/data/lists from a thread."""

from __future__ import annotations

import functools
import hashlib
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aidvet.errors import InputError
from aidvet.lists import load_files
from aidvet.lists.fetch import fetch_to_folder


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


pytestmark = pytest.mark.timeout(120)  # an HTTP server thread


@pytest.fixture(scope="module")
def lists_server(shared_data: Path):
    handler = functools.partial(QuietHandler, directory=str(shared_data / "lists"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def test_fetch_a_set_and_load_it(lists_server: str, shared_data: Path, tmp_path: Path) -> None:
    urls = [f"{lists_server}/ofac/consolidated-2025-12/{name}"
            for name in ("cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv")]
    paths = fetch_to_folder(urls, tmp_path / "drop")
    assert [p.name for p in paths] == ["cons_prim.csv", "cons_alt.csv", "cons_add.csv", "cons_comments.csv"]
    for path in paths:
        original = shared_data / "lists" / "ofac" / "consolidated-2025-12" / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()
    assert sorted(p.name for p in (tmp_path / "drop").iterdir()) == sorted(p.name for p in paths)  # no temp files
    fetched = load_files([tmp_path / "drop"])
    local = load_files([shared_data / "lists" / "ofac" / "consolidated-2025-12"])
    assert fetched.sha256 == local.sha256 and len(fetched.entities) == len(local.entities)


def test_missing_file_is_an_error_and_leaves_nothing(lists_server: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"/ofac/nope\.csv: HTTP 200 OK, the server answered 404"):
        fetch_to_folder([f"{lists_server}/ofac/nope.csv"], tmp_path / "drop")
    assert list((tmp_path / "drop").iterdir()) == []


def test_refetch_replaces_atomically(lists_server: str, tmp_path: Path) -> None:
    url = f"{lists_server}/un/consolidated-2025-04-19.xml"
    (tmp_path / "consolidated-2025-04-19.xml").write_text("old")
    [path] = fetch_to_folder([url], tmp_path)
    assert path.read_bytes().startswith(b"<?xml")


def test_bad_urls_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="an http:// or https:// URL"):
        fetch_to_folder(["file:///etc/passwd"], tmp_path)
    with pytest.raises(InputError, match="distinct file names"):
        fetch_to_folder(["http://127.0.0.1:1/a/sdn.csv", "http://127.0.0.1:1/b/sdn.csv"], tmp_path)
    with pytest.raises(InputError, match="a reachable server"):
        fetch_to_folder(["http://127.0.0.1:1/sdn.csv"], tmp_path, timeout=2)
