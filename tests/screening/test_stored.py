"""The stored screening index: built once per list set and engine code, loaded after that,
rebuilt when the lists or the code change or the file is damaged, loaded by parallel workers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import aidvet.lists.model
import aidvet.screening
from aidvet.screening import Query, Screener
from aidvet.screening.stored import (
    KEEP_NEWEST,
    IndexFileError,
    IndexStore,
    code_version_of,
    engine_code_version,
    read_index,
)

NAMES = ["Cartel de Sinaloa", "CJNG", "Juan Carlos Peres Lopez", "RTI International", "Los Zetas"]


def queries() -> list[Query]:
    return [Query(str(number), name) for number, name in enumerate(NAMES)]


def never_called():
    raise AssertionError("the entities were read although the index is stored")


def test_built_once_then_loaded_and_screens_the_same(tmp_path, entities):
    store = IndexStore(str(tmp_path))
    built = store.get(["ofac:aaa"], lambda: entities)
    loaded = store.get(["ofac:aaa"], never_called)
    assert built.built and not loaded.built
    assert loaded.uri == built.uri and Path(built.uri).is_file()
    assert Screener(index=loaded.index).screen(queries()) == Screener(entities).screen(queries())


def test_a_new_list_version_builds_a_new_index(tmp_path, entities):
    store = IndexStore(str(tmp_path))
    first = store.get(["ofac:aaa", "un:bbb"], lambda: entities)
    newer = store.get(["ofac:ccc", "un:bbb"], lambda: entities[:3])
    assert newer.built and newer.uri != first.uri
    assert len(newer.index.entities) == 3
    assert not store.get(["ofac:aaa", "un:bbb"], never_called).built  # the older one is still there


def test_new_engine_code_builds_a_new_index(tmp_path, entities):
    old = IndexStore(str(tmp_path), code_version="engine-1").get(["ofac:aaa"], lambda: entities)
    new = IndexStore(str(tmp_path), code_version="engine-2").get(["ofac:aaa"], lambda: entities)
    assert new.built and new.uri != old.uri


def test_the_code_version_follows_every_engine_source(tmp_path):
    package = Path(aidvet.screening.__file__).parent
    copy = tmp_path / "screening"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    model = Path(aidvet.lists.model.__file__)
    assert code_version_of([copy, model]) == engine_code_version()
    for source in ("prepare.py", "compare.py", "index.py", "name_variants.txt", "wade_giles.txt"):
        original = (copy / source).read_bytes()
        (copy / source).write_bytes(original + b"\n# changed\n")
        assert code_version_of([copy, model]) != engine_code_version(), source
        (copy / source).write_bytes(original)


@pytest.mark.parametrize("damage", ["cut short", "not an index", "another key's file"])
def test_a_damaged_or_foreign_file_is_rebuilt_never_used(tmp_path, entities, damage):
    store = IndexStore(str(tmp_path))
    path = Path(store.get(["ofac:aaa"], lambda: entities).uri)
    if damage == "cut short":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "not an index":
        path.write_bytes(b"hello\n")
    else:
        other = Path(store.get(["ofac:other"], lambda: entities[:2]).uri)
        path.write_bytes(other.read_bytes())
    with pytest.raises(IndexFileError, match=str(path)):
        read_index(str(path), path.name.removesuffix(".index"))
    rebuilt = store.get(["ofac:aaa"], lambda: entities)
    assert rebuilt.built and len(rebuilt.index.entities) == len(entities)
    assert not store.get(["ofac:aaa"], never_called).built


def test_only_the_newest_indexes_are_kept(tmp_path, entities):
    store = IndexStore(str(tmp_path))
    uris = [store.get([f"ofac:{number}"], lambda: entities[:1]).uri for number in range(KEEP_NEWEST + 2)]
    kept = sorted(str(path) for path in tmp_path.glob("*.index"))
    assert len(kept) == KEEP_NEWEST and uris[-1] in kept


@pytest.mark.timeout(120)
def test_parallel_workers_load_the_stored_index(tmp_path, entities):
    stored = IndexStore(str(tmp_path)).get(["ofac:aaa"], lambda: entities)
    screener = Screener(index=stored.index, index_uri=stored.uri)
    assert screener.screen(queries(), workers=2, chunk_size=2) == Screener(entities).screen(queries())
    Path(stored.uri).write_bytes(b"damaged\n")  # workers read the file, not this process's memory
    with pytest.raises(RuntimeError, match="could not load the index"):
        screener.screen(queries(), workers=2, chunk_size=2)
