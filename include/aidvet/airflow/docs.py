"""doc_md texts shown in the Airflow UI: what each task does and what it guarantees, for auditors."""

VET_DAG = """
# Vet disbursements

Nightly (02:00 UTC), and again whenever a new designated-entity list version is accepted.
Every disbursement in the configured inputs ends in **exactly one** of three published lists:

| list | meaning |
|---|---|
| cleared | screened against a valid, fresh list version; no party scored at or above the hold threshold |
| held | a party may be a designated entity, is owned 50 % or more or controlled by designated persons, needs re-vetting, or screening could not run (fail closed): a program officer decides |
| quarantined | the record failed the data-quality gate; the failing expectation is named per row |

Amounts reconcile per currency (input = cleared + held + quarantined; see `manifest.json`).
A re-run of the same run replaces its outputs exactly. Every decision is in the hash-chained
audit trail with its input file hash, list versions, policy hash and score.
Outputs: `<artifact root>/runs/<run_id>/`.
"""

EXTRACT = """
**Extract.** Reads every configured input (grants-management export, IATI, USAspending...) into
canonical awards, parties and disbursements in the vetting store, and enrols each disbursement
in this run. Guarantees: the SHA-256 of each file is recorded; ingesting the same file again adds
no duplicate; a file that cannot be read is recorded as rejected with its reason (never dropped
silently) and the rest of the batch goes on. Returns the run id.
"""

VALIDATE = """
**Validate (quality gate).** Runs the Great Expectations suite `expectations/disbursements.json`.
Row-level failures (missing payee, placeholder name, amount not positive, unknown currency or
country, date outside the window, unknown award) quarantine the row with the failing
expectation named. A batch-level failure (schema change, too large a share of bad rows) fails
this task and the run: nothing of the batch is screened or published as cleared.
"""

PLAN_SCREENING = """
**Plan screening.** Selects the newest accepted, fresh list version of each source. If none is
usable (missing, rejected, older than its maximum age), records why: the run then fails closed
and holds every valid disbursement with the reason "screening unavailable". Records the
run's distinct parties (payees, primes, key individuals) once, each with its partition, and
returns the partitions the screen task is mapped over: one per `[run] parties_per_partition`
distinct payees (`policy.toml`), at most `max_partitions` and Airflow's `[core] max_map_length`.
"""

SCREEN_PARTITION = """
**Screen (one partition).** Screens the parties plan_screening put in this partition (each party
of the run is in exactly one) against the selected list versions, and stores each hit, with its
score, matched name and explanation, for every valid disbursement reaching that party (as payee,
the award's prime recipient, or the payee's key individual). Its work follows its own parties
and hits, not the run's size. A retry replaces only this partition's hits, in one transaction.
"""

DECIDE = """
**Decide.** Applies the policy (`policy.toml`, hash recorded): quarantined rows stay quarantined;
without a usable list everything else is held; a hit at or above the hold threshold (lower for
FTO/SDGT entities) holds; the rest is cleared. Each decision is stored with policy hash, list
versions and score, and appended to the audit trail.
"""

CHECK_SIGNOFF = """
**Check sign-off.** Asks whether this run is unusual: a held share over 3x the median of recent
runs (and above 5%), or a list version that changed more than 10% since its predecessor. If so,
publication waits for a person's approval (`run_signoff`); otherwise it goes straight on.
"""

RUN_SIGNOFF = """
**Run sign-off (human in the loop).** A program lead reads the reasons and approves or rejects
publication in the Airflow UI. Rejecting fails the run: nothing is published. No answer within
12 hours fails it too (fail closed).
"""

PUBLISH = """
**Publish.** Writes cleared, held and quarantined lists (CSV and Parquet, each row carrying
`disbursement_id`), `manifest.json` (input and output SHA-256, list versions, policy hash, counts
and amounts per outcome and currency) and a self-contained `report.html`, staged and moved into
`runs/<run_id>/` at once. Emits one Asset event per published list.
"""


REFRESH_DAG = """
# Refresh watchlists

Daily (01:00 UTC). For each configured source (Variable `aidvet_list_sources`, default
`ofac,ofac-cons,un`): download its files over HTTP — from the Airflow connection
`aidvet_list_<source>` (HTTP; host = base URL, extra `{"files": [...]}`) or, without one, from
the publishers' documented addresses — or take the files placed in the drop folder
`var/lists-drop/<source>/`; parse; validate (`expectations/watchlist_entities.json`); guard
(shrink over 10 % rejected); store a version with its delta. A newly accepted version emits the
Asset `aidvet_list_version_accepted`, which starts `vet_disbursements`.

Fails closed: a failed download or a rejected version leaves the previous accepted version in
force, is recorded in the audit trail, and is never used for screening.
"""

LIST_SOURCES = """
**Sources.** The list sources to refresh: Variable `aidvet_list_sources` (comma-separated),
default `ofac,ofac-cons,un`. One mapped `refresh` task runs per source.
"""

REFRESH_SOURCE = """
**Refresh one source.** Fetch, parse, validate, guard, store. Same bytes as the accepted version:
nothing new. Returns the status (new / unchanged / rejected / failed) with the version id or reason.
"""

ANY_NEW = """
**Any new version?** Skips the announcement when no source has a newly accepted version, so
vetting is not re-triggered for unchanged lists. Failed or rejected sources are logged here.
"""

ANNOUNCE = """
**Announce.** Emits the Asset event `aidvet_list_version_accepted`, so vetting re-runs against the new lists.
"""
