"""Publish the reviewed lists: released items (false positives, approved by a second person) as a
cleared list for payment systems, blocked items (confirmed matches) as a blocked list.

Thin wiring only: the task calls aidvet.review.published.publish_reviewed.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, dag, task

from aidvet.airflow.adapter import DEFAULT_ARGS, PUBLISHED, run_settings

RELEASED = Asset(name="aidvet_released_list", uri="aidvet://published/released")
BLOCKED = Asset(name="aidvet_blocked_list", uri="aidvet://published/blocked")

DAG_DOC = """
### publish_released

Writes the outcome of human review to `$AIDVET_ARTIFACT_ROOT/review/latest/`:

* `released.csv` / `.parquet`: held disbursements a reviewer released as a false positive **and a
  second, different person approved** (four-eyes), with who decided, who approved, when and why;
* `blocked.csv` / `.parquet`: held disbursements a reviewer confirmed as a true match;
* `manifest.json`: counts, amounts per currency and the SHA-256 of every file.

Runs every 30 minutes (reviews happen during the day) and whenever a vetting run publishes a new
held list. Each publication is the full current state, staged and moved into place at once.
Then `notify_reviewers` tells the review team, through Airflow notifiers (e-mail, Slack, webhook:
see `aidvet.airflow.notify`), about newly held items and items past the review SLA.
"""

NOTIFY_DOC = """
Sends each notice that is due once: a run published held items; open items are older than
`[review] sla_hours` of policy.toml. Channels: Variable `aidvet_notify_channels` (default e-mail to
Variable `aidvet_notify_email` over the `smtp_default` connection). Every notice sent is audited.
"""

PUBLISH_DOC = """
Reads the review queue (released and blocked items with their effective decision) from the
vetting store and writes the released and blocked lists atomically; emits one Asset event per list.
"""


@dag(
    dag_id="publish_released",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("*/30 * * * *", timezone="UTC"),
                                 assets=PUBLISHED["held"]),
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["aidvet", "review"],
    doc_md=DAG_DOC,
)
def publish_released():
    @task(doc_md=PUBLISH_DOC, outlets=[RELEASED, BLOCKED])
    def publish_reviewed(**context) -> str:
        from aidvet.review.published import publish_reviewed

        return publish_reviewed(run_settings(), dag_run_id=context["run_id"])

    @task(doc_md=NOTIFY_DOC)
    def notify_reviewers(**context) -> list[str]:
        from aidvet.airflow.notify import notify_reviewers, review_queue_url

        return notify_reviewers(run_settings(), context, review_queue_url())

    publish_reviewed() >> notify_reviewers()


publish_released()
