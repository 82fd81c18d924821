"""Nightly vetting of aid disbursements: extract -> validate -> screen -> decide -> publish.

Thin wiring only: every task calls one function of include/aidvet (see aidvet.stages).
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.sdk import dag, task

from aidvet.airflow import docs
from aidvet.airflow.adapter import (DEFAULT_ARGS, NIGHTLY_OR_LIST_CHANGE, PUBLISHED, SIGNOFF_TIMEOUT, max_map_length,
                                   partition_kwargs, run_settings)


@dag(
    dag_id="vet_disbursements",
    schedule=NIGHTLY_OR_LIST_CHANGE,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["aidvet", "vetting"],
    doc_md=docs.VET_DAG,
)
def vet_disbursements():
    @task(doc_md=docs.EXTRACT)
    def extract(run_id=None) -> str:  # run_id: the Airflow run's id, from the task context
        from aidvet.stages.extract import extract

        return extract(run_settings(), run_id)

    @task(doc_md=docs.VALIDATE)
    def validate(vet_run: str) -> str:
        from aidvet.stages.validate import validate

        return validate(run_settings(), vet_run)

    @task(doc_md=docs.PLAN_SCREENING)
    def plan_screening(vet_run: str) -> list[dict]:
        from aidvet.stages.screen import plan

        return partition_kwargs(plan(run_settings(), vet_run, cap=max_map_length()))

    @task(doc_md=docs.SCREEN_PARTITION, map_index_template="partition {{ task.op_kwargs['partition'] }}")
    def screen(vet_run: str, partition: int, partitions: int) -> int:
        from aidvet.stages.screen import screen_partition

        return screen_partition(run_settings(), vet_run, partition, partitions)

    @task(doc_md=docs.DECIDE)
    def decide(vet_run: str) -> dict:
        from aidvet.stages.decide import decide

        return decide(run_settings(), vet_run)

    @task.branch(doc_md=docs.CHECK_SIGNOFF)
    def check_signoff(vet_run: str, ti=None) -> str:
        from aidvet.stages.signoff import signoff_text

        reasons = signoff_text(run_settings(), vet_run)
        ti.xcom_push(key="reasons", value=reasons)
        return "run_signoff" if reasons else "publish"

    signoff = ApprovalOperator(
        task_id="run_signoff", doc_md=docs.RUN_SIGNOFF, subject="Unusual vetting run: sign off before publishing",
        body="{{ ti.xcom_pull(task_ids='check_signoff', key='reasons') }}", response_timeout=SIGNOFF_TIMEOUT,
        fail_on_reject=True)

    @task(doc_md=docs.PUBLISH, outlets=list(PUBLISHED.values()), trigger_rule="none_failed_min_one_success")
    def publish(vet_run: str) -> str:
        from aidvet.stages.publish import publish

        return publish(run_settings(), vet_run)

    vet_run = validate(extract())
    screened = screen.partial(vet_run=vet_run).expand_kwargs(plan_screening(vet_run))
    decided = decide(vet_run)
    published = publish(vet_run)
    screened >> decided >> check_signoff(vet_run) >> [signoff, published]
    signoff >> published


vet_disbursements()
