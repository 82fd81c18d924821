"""Issue 10's duplicate-id scenario, measured: two grants exports (200 + 170 records) sharing 50 ids
(25 with identical content, 25 with another payee and amount), plus a latin-1 export, an empty
file, a binary and a readme, through `aidvet run pipeline` on a fresh SQLite store with the sample list loaded.

    .venv/bin/python benchmarks/hostile_duplicates.py

Prints the exit status, the manifest's counts and inputs, and how many shared ids were cleared.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile_builders import row, unreadable_files, write_export  # noqa: E402


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="aidvet-hostile-"))
    a = [row(f"D-{n:04d}", payee=f"Payee {n}", amount=f"{100 + n}.00") for n in range(200)]
    shared_same = [row(f"D-{n:04d}", payee=f"Payee {n}", amount=f"{100 + n}.00") for n in range(150, 175)]
    shared_other = [row(f"D-{n:04d}", payee=f"Other Payee {n}", amount="98000.00") for n in range(175, 200)]
    b = shared_same + shared_other + [row(f"E-{n:04d}", payee=f"Payee E{n}") for n in range(120)]
    inputs = [write_export(work / "a" / "disbursements.csv", a), write_export(work / "b" / "disbursements.csv", b),
              *unreadable_files(work / "junk").values()]
    os.environ.update(AIDVET_DB_URL=f"sqlite:///{work / 'aidvet.db'}", AIDVET_ARTIFACT_ROOT=str(work / "artifacts"),
                      AIDVET_INPUTS=";".join(map(str, inputs)))
    from aidvet.cli import main as aidvet
    from aidvet.sample import designated
    from aidvet.store.migrate import upgrade

    upgrade(os.environ["AIDVET_DB_URL"])
    designated.write_ofac_csv(work / "lists" / "sample-sdn")
    assert aidvet(["lists", "load", str(work / "lists" / "sample-sdn")]) == 0
    status = aidvet(["run", "pipeline", "--run-id", "hostile-duplicates"])
    folder = work / "artifacts" / "runs" / "hostile-duplicates"
    manifest = json.loads((folder / "manifest.json").read_text())
    cleared = (folder / "cleared.csv").read_text()
    print(json.dumps({"exit_status": status, "counts": manifest["counts"],
                      "inputs": [{k: e[k] for k in ("path", "status", "records", "identical_copies",
                                                    "conflicting_copies")} for e in manifest["inputs"]],
                      "differing_ids_cleared": sum(f"D-{n:04d}," in cleared for n in range(175, 200)),
                      "identical_ids_cleared": sum(f"D-{n:04d}," in cleared for n in range(150, 175))}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
