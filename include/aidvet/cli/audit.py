"""`aidvet audit verify|prove|export`: prove the audit trail and the stored decisions unaltered;
print one decision's Merkle inclusion proof; bundle one run for an auditor."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from aidvet import artifacts
from aidvet.audit import anchors, batches, chain, crosscheck, signing
from aidvet.audit.airflow_history import airflow_db_url
from aidvet.audit.export import export_run
from aidvet.config import settings
from aidvet.store.db import session_scope
from aidvet.store.models import Run


def register(subparsers) -> None:
    audit = subparsers.add_parser("audit", help="the audit trail").add_subparsers(dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="check the whole hash chain, every published run's anchor and "
                                             "every decision batch's Merkle root against the stored decisions")
    verify.set_defaults(func=_verify)
    prove = audit.add_parser("prove", help="print the Merkle inclusion proof of one automatic decision (JSON)")
    prove.add_argument("run_id")
    prove.add_argument("disbursement_id")
    prove.set_defaults(func=_prove)
    export = audit.add_parser("export", help="write one run's audit bundle into a folder")
    export.add_argument("--run", required=True, dest="run_id")
    export.add_argument("--out", required=True, type=Path)
    export.set_defaults(func=_export)


def _verify(args) -> int:
    with session_scope(settings().db_url) as session:
        result = chain.verify(session)
        if not result.ok:
            print(f"audit trail BROKEN at event {result.first_bad_seq}: {result.problem} "
                  f"({result.events} events read)")
            return 1
        problems = [f"run {run_id} recorded event {anchor['seq']} with hash {anchor['hash'][:16]}..., which the "
                    "trail no longer holds (events deleted)" for run_id, anchor in _broken_anchors(session)]
        signatures = signing.check_signatures(session)
        problems += signatures.problems + anchors.anchor_problems(session) + crosscheck.run_problems(session)
        decided = batches.verify_runs(session)
        problems += [f"decisions: {problem}" for problem in decided.problems]
    for problem in problems:
        print(f"audit trail BROKEN: {problem}")
    if problems:
        return 1
    signed = ("no signing key (AIDVET_AUDIT_KEY) set" if not signatures.checked else
              f"signatures valid ({signatures.unsigned_before_first_signed} unsigned events before the first signed one)")
    external = f"external anchors in {anchors.anchor_file()} present" if anchors.anchor_file() else "no anchor file"
    print(f"audit trail OK: {result.events} events, every published run's anchor present, runs, manifests and "
          f"output files agree; {decided.decisions} automatic decisions match the Merkle roots of {decided.batches} "
          f"batches in {decided.runs} runs; {signed}; {external}")
    return 0


def _prove(args) -> int:
    with session_scope(settings().db_url) as session:
        proof = batches.prove(session, args.run_id, args.disbursement_id)
    print(json.dumps(proof.to_dict(), indent=2, ensure_ascii=False))
    if not proof.valid:
        print("the stored decision does NOT lead to the recorded root: it was altered (run `aidvet audit verify`)")
        return 1
    return 0


def _broken_anchors(session) -> list[tuple[str, dict]]:
    broken = []
    for run in session.scalars(select(Run).where(Run.manifest_uri.is_not(None))):
        try:
            anchor = json.loads(artifacts.read_bytes(run.manifest_uri)).get("audit_anchor")
        except (OSError, ValueError):
            continue  # an artifact root out of reach is not evidence about the trail
        if anchor and not chain.check_anchor(session, anchor):
            broken.append((run.run_id, anchor))
    return broken


def _export(args) -> int:
    current = settings()
    with session_scope(current.db_url) as session:
        index = export_run(session, args.run_id, args.out, airflow_db_url(current.home))
    for name, digest in index.items():
        print(f"{args.out / name}  sha256 {digest}")
    return 0
