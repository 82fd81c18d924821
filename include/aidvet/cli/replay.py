"""`aidvet replay RUN_ID`: re-screen a run's stored inputs; report every decision that would differ."""

from __future__ import annotations

from pathlib import Path

from aidvet.config import settings
from aidvet.policy import load_policy
from aidvet.replay import replay
from aidvet.store.db import session_scope


def register(subparsers) -> None:
    parser = subparsers.add_parser("replay", help="re-screen a run against its recorded lists and policy")
    parser.add_argument("run_id")
    parser.add_argument("--policy", type=Path, default=None,
                        help="what-if: apply this policy file instead of the run's recorded one")
    parser.set_defaults(func=_replay)


def _replay(args) -> int:
    current = settings()
    override = load_policy(args.policy) if args.policy else None
    with session_scope(current.db_url) as session:
        result = replay(session, current, args.run_id, override)
    print(f"run {result.run_id}: {result.items} disbursements re-screened against list versions "
          f"{result.list_version_ids} under policy {result.policy_sha256[:12]}")
    for diff in result.differences:
        print(f"  {diff.disbursement_id}: recorded {diff.recorded[0]} (score {diff.recorded[1]}), "
              f"replay {diff.replayed[0]} (score {diff.replayed[1]}): {diff.replayed_reason}")
    print(f"{len(result.differences)} decision(s) would differ")
    return 1 if result.differences else 0
