"""The labeled pair benchmark: its file, its generator and its scoring in the evaluation."""

import csv
import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from aidvet.lists import Entity
from aidvet.screening import Screener
from aidvet.screening.evaluation import pair_benchmark, read_pairs

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "benchmarks" / "pairs" / "pairs.csv"
COLUMNS = "pair_id,category,split,kind,name1,name2,label,origin\n"


def test_the_committed_benchmark_has_every_category_on_both_splits():
    rows = read_pairs(PAIRS)
    assert len(rows) >= 2000
    splits = Counter((row["category"], row["split"]) for row in rows)
    for category in ("person", "organization", "vessel", "cross_script", "partner", "patronymic", "legal_form"):
        assert splits[(category, "dev")] > 0 and splits[(category, "heldout")] > 0
    heldout = sum(row["split"] == "heldout" for row in rows) / len(rows)
    assert 0.2 < heldout < 0.4
    previous = {row["pair_id"] for row in csv.DictReader(open(ROOT / "benchmarks/pairs/previous_scores.csv"))}
    assert previous == {row["pair_id"] for row in rows}


def test_the_generator_rebuilds_the_committed_file(shared_data):
    spec = importlib.util.spec_from_file_location("make_pairs", ROOT / "benchmarks" / "make_pairs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(shared_data)
    with open(PAIRS, encoding="utf-8", newline="") as handle:
        assert rebuilt == list(csv.DictReader(handle))


def test_f1_per_category_and_split_and_the_partner_share(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(COLUMNS
                     + "1,legal_form,dev,organization,Acme AG,Acme A.G.,1,x\n"
                     + "2,legal_form,dev,organization,Acme AG,Acme GmbH,0,x\n"
                     + "3,partner,heldout,organization,Pronatura Sur A.C.,ACME AG,0,x\n", encoding="utf-8")
    previous = tmp_path / "previous.csv"
    previous.write_text("pair_id,score\n1,100\n2,100\n3,0\n", encoding="utf-8")
    screener = Screener([Entity(id="t:1", source="t", kind="organization", name="ACME AG")])
    result = pair_benchmark(pairs, screener, previous)
    dev = result["categories"]["legal_form/dev"]
    assert dev["aidvet"]["at_default"]["f1"] == 1.0  # AG = A.G. held, AG vs GmbH not
    assert dev["previous"]["at_default"]["precision"] == 0.5  # the previous engine held both
    assert result["categories"]["partner/heldout"]["aidvet"]["false_at_default"] == 0.0
    assert [error["pair_id"] for error in result["errors_at_default"]] == []


def test_a_malformed_pair_file_names_the_file_and_line(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(COLUMNS + "1,person,test,person,A,B,yes,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pairs.csv: line 2: expected columns"):
        read_pairs(pairs)
