"""Download published list files into a folder (the `refresh_watchlists` DAG calls this).

Each file is streamed to a temporary file in the target folder and renamed into place only when
complete, so a reader never sees half a list. The file name is the last part of the URL path
(`.../sdn.csv` -> `sdn.csv`), so an OFAC CSV set downloaded into one folder stays a set.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from aidvet.errors import InputError

log = logging.getLogger(__name__)

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports"
# Documented defaults for `refresh_watchlists`: one folder (and one list version) per source.
DEFAULT_SOURCES: dict[str, list[str]] = {
    "ofac": [f"{OFAC_EXPORTS}/{name}" for name in ("SDN.CSV", "ALT.CSV", "ADD.CSV", "SDN_COMMENTS.CSV")],
    "ofac-cons": [f"{OFAC_EXPORTS}/{name}" for name in
                  ("CONS_PRIM.CSV", "CONS_ALT.CSV", "CONS_ADD.CSV", "CONS_COMMENTS.CSV")],
    "un": ["https://scsanctions.un.org/resources/xml/en/consolidated.xml"],
}

CHUNK = 1 << 20
MAX_BYTES = 1 << 30  # a list file over 1 GiB is not a list file
USER_AGENT = "aidvet-list-fetch/1 (+https://github.com/aidvet)"


def file_name(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(url, None, "an http:// or https:// URL")
    name = PurePosixPath(parts.path).name
    if not name or name.startswith("."):
        raise InputError(url, None, "a URL whose path ends with a file name (e.g. .../sdn.csv)")
    return name


def fetch_to_folder(urls: list[str], folder: Path, timeout: float = 60) -> list[Path]:
    """Download every URL into `folder`; return the paths in the order of `urls`."""
    return [path for path, _digest in fetch_with_digests(urls, folder, timeout)]


def fetch_with_digests(urls: list[str], folder: Path, timeout: float = 60) -> list[tuple[Path, str]]:
    """Like `fetch_to_folder`, with the sha256 of each downloaded file."""
    folder = Path(folder)
    names = [file_name(url) for url in urls]
    repeated = {name for name in names if names.count(name) > 1}
    if repeated:
        raise InputError(", ".join(urls), None, f"URLs with distinct file names; repeated: {', '.join(sorted(repeated))}")
    folder.mkdir(parents=True, exist_ok=True)
    fetched = []
    for url, name in zip(urls, names):
        digest = download(url, folder / name, timeout)
        log.info("fetched %s -> %s (sha256 %s)", url, folder / name, digest)
        fetched.append((folder / name, digest))
    return fetched


def download(url: str, target: Path, timeout: float) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError(url, None, f"a list file under {MAX_BYTES} bytes")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InputError(url, None, "a non-empty list file, the server sent 0 bytes")
        os.replace(temporary, target)
    except urllib.error.HTTPError as error:
        raise InputError(url, None, f"HTTP 200 OK, the server answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        if isinstance(error, InputError):
            raise
        reason = getattr(error, "reason", error)
        raise InputError(url, None, f"a reachable server within {timeout:g}s ({reason})") from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return digest.hexdigest()
